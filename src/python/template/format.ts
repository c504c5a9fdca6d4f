// `template.format(**kwargs)` as CPython 3.11 runs it (Objects/stringlib/unicode_format.h):
// the same left-to-right walk, so the same error wins when several are possible. Values only
// known at run time format as WILDCARD.
import type { PyDateTime } from './datetime';
import { formatFloat, formatInt, formatStr } from './formatSpec';
import { pendulumFormat } from './pendulumFormat';
import { getItem, pyAscii, pyRepr, pyStr, typeName } from './repr';
import { strftime } from './strftime';
import {
  asDateTime,
  floatValue,
  intValue,
  kindOf,
  PyError,
  PyFloat,
  PyRuntime,
  type PyValue,
  WILDCARD,
} from './values';

export type Kwargs = ReadonlyMap<string, PyValue>;

/** `format(value, spec)`: the object's own `__format__`. */
export function formatValue(v: PyValue, spec: string): string {
  const kind = kindOf(v);
  switch (kind) {
    case 'runtime':
      return WILDCARD;
    case 'str':
      return formatStr(v as string, spec);
    case 'int':
    case 'bool':
      return formatInt(intValue(v), spec, kind);
    case 'float':
      return formatFloat(floatValue(v), spec);
    case 'DateTime': {
      const dt = asDateTime(v) as PyDateTime;
      if (spec.length === 0) return pyStr(dt);
      return spec.includes('%') ? strftime(dt, spec) : pendulumFormat(dt, spec);
    }
    default:
      if (spec.length > 0)
        throw new PyError('TypeError', `unsupported format string passed to ${kind}.__format__`);
      return pyStr(v);
  }
}

// Attributes a template can reach without running Python. Methods format as
// `<built-in method ... at 0x...>`, an address: a wildcard.
const STR_METHODS =
  'capitalize casefold center count encode endswith expandtabs find format format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill';
const LIST_METHODS = 'append clear copy count extend index insert pop remove reverse sort';
const DICT_METHODS = 'clear copy fromkeys get items keys pop popitem setdefault update values';
const SET_METHODS =
  'add clear copy difference difference_update discard intersection intersection_update isdisjoint issubset issuperset pop remove symmetric_difference symmetric_difference_update union update';
const INT_METHODS = 'as_integer_ratio bit_count bit_length conjugate from_bytes to_bytes';
const FLOAT_METHODS = 'as_integer_ratio conjugate fromhex hex is_integer';
const METHODS: Record<string, Set<string>> = {
  str: new Set(STR_METHODS.split(' ')),
  list: new Set(LIST_METHODS.split(' ')),
  tuple: new Set(['count', 'index']),
  dict: new Set(DICT_METHODS.split(' ')),
  set: new Set(SET_METHODS.split(' ')),
  int: new Set(INT_METHODS.split(' ')),
  bool: new Set(INT_METHODS.split(' ')),
  float: new Set(FLOAT_METHODS.split(' ')),
  NoneType: new Set(),
};

function dateAttr(dt: PyDateTime, name: string): PyValue {
  const time = (x: PyValue) => (dt.timeKnown ? x : new PyRuntime('time of day'));
  switch (name) {
    case 'year':
      return dt.year;
    case 'month':
      return dt.month;
    case 'day':
      return dt.day;
    case 'hour':
      return time(dt.hour);
    case 'minute':
      return time(dt.minute);
    case 'second':
      return time(dt.second);
    case 'microsecond':
      return time(dt.microsecond);
    case 'day_of_week':
      return dt.dayOfWeek;
    case 'day_of_year':
      return dt.dayOfYear;
    case 'week_of_year':
      return dt.isoCalendar[1];
    case 'week_of_month': {
      const first = dt.addDays(1 - dt.day);
      return dt.isoCalendar[1] - first.isoCalendar[1] + 1;
    }
    case 'days_in_month':
      return new Date(Date.UTC(dt.year, dt.month, 0)).getUTCDate();
    case 'quarter':
      return dt.quarter;
    case 'int_timestamp':
      return time(dt.epochSeconds);
    case 'offset':
      return dt.offsetSeconds;
    case 'offset_hours':
      return new PyFloat(dt.offsetSeconds / 3600);
    case 'timezone_name':
      return dt.tzName;
    default:
      // pendulum has many more (methods, timezone objects): none has a static text.
      return new PyRuntime(`date.${name}`);
  }
}

export function getAttr(obj: PyValue, name: string): PyValue {
  const kind = kindOf(obj);
  if (kind === 'runtime') return obj;
  if (kind === 'DateTime') return dateAttr(asDateTime(obj) as PyDateTime, name);
  if (kind === 'int' || kind === 'bool') {
    if (name === 'real' || name === 'numerator') return intValue(obj);
    if (name === 'imag') return 0;
    if (name === 'denominator') return 1;
  }
  if (kind === 'float') {
    if (name === 'real') return new PyFloat(floatValue(obj));
    if (name === 'imag') return new PyFloat(0);
  }
  if (METHODS[kind]?.has(name) || name.startsWith('__')) return new PyRuntime(`${kind}.${name}`);
  throw new PyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

interface Field {
  name: string;
  conversion: string;
  spec: string;
  specNeedsExpanding: boolean;
}

/** get_integer(): a non-negative int when every char is an ASCII digit, else -1. */
function asIndex(s: string): number {
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return -1;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new PyError('ValueError', 'Too many decimal digits in format string');
  return n;
}

class AutoNumber {
  field = 0;
}

function lookupField(fieldName: string, kwargs: Kwargs, auto: AutoNumber): PyValue {
  let i = 0;
  while (i < fieldName.length && fieldName[i] !== '.' && fieldName[i] !== '[') i++;
  const first = fieldName.slice(0, i);
  let index = asIndex(first);
  if (first.length === 0) index = auto.field++;
  let obj: PyValue;
  if (index === -1) {
    if (!kwargs.has(first)) throw new PyError('KeyError', pyRepr(first));
    obj = kwargs.get(first) as PyValue;
  } else {
    // str.format(**kwargs) has an empty args tuple.
    throw new PyError('IndexError', `Replacement index ${index} out of range for positional args tuple`);
  }
  while (i < fieldName.length) {
    const c = fieldName[i++];
    let name: string;
    if (c === '.') {
      const start = i;
      while (i < fieldName.length && fieldName[i] !== '.' && fieldName[i] !== '[') i++;
      name = fieldName.slice(start, i);
      if (name.length === 0) throw new PyError('ValueError', 'Empty attribute in format string');
      obj = getAttr(obj, name);
    } else if (c === '[') {
      const start = i;
      while (i < fieldName.length && fieldName[i] !== ']') i++;
      if (i >= fieldName.length) throw new PyError('ValueError', "Missing ']' in format string");
      name = fieldName.slice(start, i);
      i++;
      if (name.length === 0) throw new PyError('ValueError', 'Empty attribute in format string');
      const idx = asIndex(name);
      obj = getItem(obj, idx === -1 ? name : idx);
    } else {
      throw new PyError('ValueError', "Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return obj;
}

/** parse_field: `s` starts right after the opening '{'; returns the field and where it ends. */
function parseField(s: string, start: number): { field: Field; next: number } {
  let pos = start;
  let c = '';
  while (pos < s.length) {
    c = s[pos++];
    if (c === '{') throw new PyError('ValueError', "unexpected '{' in field name");
    if (c === '[') {
      while (pos < s.length && s[pos] !== ']') pos++;
      continue;
    }
    if (c === '}' || c === ':' || c === '!') break;
  }
  const name = s.slice(start, pos - 1);
  const field: Field = { name, conversion: '', spec: '', specNeedsExpanding: false };
  if (c === '!' || c === ':') {
    if (c === '!') {
      if (pos >= s.length)
        throw new PyError('ValueError', 'end of string while looking for conversion specifier');
      field.conversion = String.fromCodePoint(s.codePointAt(pos)!);
      pos += field.conversion.length;
      if (pos < s.length) {
        const c2 = s[pos++];
        if (c2 === '}') return { field, next: pos };
        if (c2 !== ':') throw new PyError('ValueError', "expected ':' after conversion specifier");
      }
    }
    const specStart = pos;
    let count = 1;
    while (pos < s.length) {
      const c3 = s[pos++];
      if (c3 === '{') {
        field.specNeedsExpanding = true;
        count++;
      } else if (c3 === '}') {
        count--;
        if (count === 0) {
          field.spec = s.slice(specStart, pos - 1);
          return { field, next: pos };
        }
      }
    }
    throw new PyError('ValueError', "unmatched '{' in format spec");
  }
  if (c !== '}') throw new PyError('ValueError', "expected '}' before end of string");
  return { field: { ...field, name: s.slice(start, pos - 1) }, next: pos };
}

function convert(v: PyValue, conversion: string): PyValue {
  if (v instanceof PyRuntime) return v;
  switch (conversion) {
    case 'r':
      return pyRepr(v);
    case 's':
      return pyStr(v);
    case 'a':
      return pyAscii(v);
    default: {
      const code = conversion.codePointAt(0)!;
      throw new PyError(
        'ValueError',
        code > 32 && code < 127
          ? `Unknown conversion specifier ${conversion}`
          : `Unknown conversion specifier \\x${code.toString(16)}`,
      );
    }
  }
}

function buildString(s: string, kwargs: Kwargs, depth: number, auto: AutoNumber): string {
  if (depth <= 0) throw new PyError('ValueError', 'Max string recursion exceeded');
  let out = '';
  let pos = 0;
  while (pos < s.length) {
    const start = pos;
    let c = '';
    let markup = false;
    while (pos < s.length) {
      c = s[pos++];
      if (c === '{' || c === '}') {
        markup = true;
        break;
      }
    }
    const atEnd = pos >= s.length;
    let len = pos - start;
    if (markup && c === '}' && (atEnd || s[pos] !== '}')) {
      throw new PyError('ValueError', "Single '}' encountered in format string");
    }
    if (markup && atEnd && c === '{')
      throw new PyError('ValueError', "Single '{' encountered in format string");
    if (!atEnd && markup) {
      if (s[pos] === c) {
        pos++;
        markup = false;
      } else {
        len--;
      }
    }
    out += s.slice(start, start + len);
    if (!markup) continue;
    const { field, next } = parseField(s, pos);
    pos = next;
    let value = lookupField(field.name, kwargs, auto);
    if (field.conversion) value = convert(value, field.conversion);
    const spec = field.specNeedsExpanding ? buildString(field.spec, kwargs, depth - 1, auto) : field.spec;
    if (value instanceof PyRuntime || spec.includes(WILDCARD)) out += WILDCARD;
    else out += formatValue(value, spec);
  }
  return out;
}

/** `template.format(**kwargs)`; throws PyError as Python would raise. */
export function pyFormat(template: string, kwargs: Kwargs): string {
  return buildString(template, kwargs, 2, new AutoNumber());
}
