// repr(), str() and ascii() of the values a template can meet, as CPython prints them.
import type { PyDateTime } from './datetime';
import { floatRepr } from './floatDigits';
import {
  asDateTime,
  dictEntries,
  floatValue,
  intValue,
  kindOf,
  PyError,
  PyRuntime,
  type PySet,
  type PyTuple,
  type PyValue,
  WILDCARD,
} from './values';

// Python's str.isprintable(): false for Other (Cc Cf Cs Co Cn) and Separator categories, except
// the ASCII space.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex(c, 2)}`;
    else if (c < 0x7f) out += ch;
    else if (ch === WILDCARD || !NON_PRINTABLE.test(ch)) out += ch;
    else if (c < 0x100) out += `\\x${hex(c, 2)}`;
    else if (c < 0x10000) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return out + quote;
}

/** ascii(): repr() with every non-ASCII character escaped. */
export function asciiEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80 || ch === WILDCARD) out += ch;
    else if (c < 0x100) out += `\\x${hex(c, 2)}`;
    else if (c < 0x10000) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return out;
}

export function pyRepr(v: PyValue): string {
  switch (kindOf(v)) {
    case 'str':
      return strRepr(v as string);
    case 'bool':
      return v ? 'True' : 'False';
    case 'int':
      return intValue(v).toString();
    case 'float':
      return floatRepr(floatValue(v));
    case 'NoneType':
      return 'None';
    case 'list':
      return `[${(v as PyValue[]).map(pyRepr).join(', ')}]`;
    case 'tuple': {
      const items = (v as PyTuple).items;
      return items.length === 1 ? `(${pyRepr(items[0])},)` : `(${items.map(pyRepr).join(', ')})`;
    }
    case 'set': {
      const items = (v as PySet).items;
      // A set's order is its hash order: only a set of at most one item prints predictably.
      if (items.length > 1) return WILDCARD;
      return items.length === 0 ? 'set()' : `{${pyRepr(items[0])}}`;
    }
    case 'dict':
      return `{${dictEntries(v)
        .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
        .join(', ')}}`;
    case 'DateTime':
      return (asDateTime(v) as PyDateTime).repr();
    case 'runtime':
      return WILDCARD;
  }
}

export function pyStr(v: PyValue): string {
  const kind = kindOf(v);
  if (kind === 'str') return v as string;
  if (kind === 'DateTime') {
    const dt = asDateTime(v) as PyDateTime;
    return dt.timeKnown ? dt.isoformat() : `${dt.isoformat().slice(0, 11)}${WILDCARD}`;
  }
  return pyRepr(v);
}

export function pyAscii(v: PyValue): string {
  return asciiEscape(pyRepr(v));
}

export function typeName(v: PyValue): string {
  const k = kindOf(v);
  return k === 'runtime' ? 'object' : k;
}

/** `obj[key]` for a str key (`{x[name]}`) or an int index (`{x[0]}`). */
export function getItem(obj: PyValue, key: string | number): PyValue {
  if (obj instanceof PyRuntime) return obj;
  const kind = kindOf(obj);
  if (kind === 'dict') {
    for (const [k, v] of dictEntries(obj)) {
      if (typeof key === 'string' ? k === key : kindOf(k) === 'int' && Number(intValue(k)) === key) return v;
      if (typeof key === 'number' && kindOf(k) === 'float' && floatValue(k) === key) return v;
      if (typeof key === 'number' && kindOf(k) === 'bool' && Number(intValue(k)) === key) return v;
    }
    throw new PyError('KeyError', typeof key === 'string' ? strRepr(key) : String(key));
  }
  if (kind === 'list' || kind === 'tuple' || kind === 'str') {
    const items: readonly PyValue[] =
      kind === 'str'
        ? Array.from(obj as string)
        : kind === 'list'
          ? (obj as PyValue[])
          : (obj as PyTuple).items;
    const what = kind === 'str' ? 'string' : kind;
    if (typeof key === 'string') {
      throw new PyError(
        'TypeError',
        kind === 'str'
          ? "string indices must be integers, not 'str'"
          : `${what} indices must be integers or slices, not str`,
      );
    }
    if (key >= items.length) throw new PyError('IndexError', `${what} index out of range`);
    return items[key];
  }
  if (kind === 'set') throw new PyError('TypeError', "'set' object is not subscriptable");
  throw new PyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}
