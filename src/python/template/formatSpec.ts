// The format-spec mini-language of CPython 3.11 (Python/formatter_unicode.c): parsing, and the
// str / int / float renderers with their exact error messages, padding and digit grouping.
import { doubleToString } from './floatDigits';
import { PyError } from './values';

export interface FormatSpec {
  fill: string;
  fillSpecified: boolean;
  align: string;
  sign: string;
  noNeg0: boolean;
  alternate: boolean;
  width: number;
  /** '' none, ',' or '_' (decimal every 3), '_4' (underscore every 4, for b/o/x/X). */
  grouping: '' | ',' | '_' | '_4';
  precision: number;
  type: string;
}

const isAlign = (c: string | undefined) => c === '<' || c === '>' || c === '=' || c === '^';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code > 32 && code < 128 ? `'${c}'` : `'\\x${code.toString(16)}'`;
}

export function unknownPresentationType(type: string, typeName: string): PyError {
  return new PyError(
    'ValueError',
    `Unknown format code ${describeChar(type)} for object of type '${typeName}'`,
  );
}

/** parse_internal_render_format_spec. */
export function parseSpec(
  spec: string,
  typeName: string,
  defaultType: string,
  defaultAlign: string,
): FormatSpec {
  const chars = Array.from(spec);
  const end = chars.length;
  let pos = 0;
  const f: FormatSpec = {
    fill: ' ',
    fillSpecified: false,
    align: defaultAlign,
    sign: '\0',
    noNeg0: false,
    alternate: false,
    width: -1,
    grouping: '',
    precision: -1,
    type: defaultType,
  };
  let alignSpecified = false;
  if (end - pos >= 2 && isAlign(chars[pos + 1])) {
    f.align = chars[pos + 1];
    f.fill = chars[pos];
    f.fillSpecified = true;
    alignSpecified = true;
    pos += 2;
  } else if (end - pos >= 1 && isAlign(chars[pos])) {
    f.align = chars[pos];
    alignSpecified = true;
    pos++;
  }
  if (end - pos >= 1 && (chars[pos] === '+' || chars[pos] === '-' || chars[pos] === ' ')) {
    f.sign = chars[pos];
    pos++;
  }
  if (end - pos >= 1 && chars[pos] === 'z') {
    f.noNeg0 = true;
    pos++;
  }
  if (end - pos >= 1 && chars[pos] === '#') {
    f.alternate = true;
    pos++;
  }
  if (!f.fillSpecified && end - pos >= 1 && chars[pos] === '0') {
    f.fill = '0';
    if (!alignSpecified && defaultAlign === '>') f.align = '=';
    pos++;
  }
  const readInt = (): number => {
    let n = 0;
    let consumed = 0;
    while (pos < end && isDigit(chars[pos])) {
      n = n * 10 + (chars[pos].charCodeAt(0) - 48);
      if (n > Number.MAX_SAFE_INTEGER)
        throw new PyError('ValueError', 'Too many decimal digits in format string');
      pos++;
      consumed++;
    }
    return consumed === 0 ? -1 : n;
  };
  f.width = readInt();
  if (pos < end && chars[pos] === ',') {
    f.grouping = ',';
    pos++;
  }
  if (pos < end && chars[pos] === '_') {
    if (f.grouping !== '') throw new PyError('ValueError', "Cannot specify both ',' and '_'.");
    f.grouping = '_';
    pos++;
  }
  if (pos < end && chars[pos] === ',' && f.grouping === '_') {
    throw new PyError('ValueError', "Cannot specify both ',' and '_'.");
  }
  if (pos < end && chars[pos] === '.') {
    pos++;
    f.precision = readInt();
    if (f.precision === -1) throw new PyError('ValueError', 'Format specifier missing precision');
  }
  if (end - pos > 1) {
    throw new PyError('ValueError', `Invalid format specifier '${spec}' for object of type '${typeName}'`);
  }
  if (end - pos === 1) f.type = chars[pos];
  if (f.grouping) {
    switch (f.type) {
      case 'd':
      case 'e':
      case 'f':
      case 'g':
      case 'E':
      case 'G':
      case '%':
      case 'F':
      case '\0':
        break;
      case 'b':
      case 'o':
      case 'x':
      case 'X':
        if (f.grouping === '_') {
          f.grouping = '_4';
          break;
        }
        throw new PyError('ValueError', `Cannot specify ',' with ${describeChar(f.type)}.`);
      default:
        throw new PyError('ValueError', `Cannot specify '${f.grouping[0]}' with ${describeChar(f.type)}.`);
    }
  }
  return f;
}

/**
 * A target is a path: a file name is at most 255 bytes and a path 4096 (PATH_MAX), so Prefect
 * fails writing anything longer with ENAMETOOLONG. Output longer than this is refused before it is
 * built: `{f:.500000000e}` would otherwise build a 500 MB string for a key that cannot exist.
 */
export const MAX_FIELD_CHARS = 4096;

function tooLong(): PyError {
  return new PyError('OSError', '[Errno 36] File name too long');
}

/** The width alone makes the output at least that long. */
function checkWidth(f: FormatSpec): void {
  if (f.width > MAX_FIELD_CHARS) throw tooLong();
}

function padTo(s: string, nchars: number, f: FormatSpec, align: string): string {
  checkWidth(f);
  const total = f.width >= 0 && f.width > nchars ? f.width : nchars;
  const l = align === '>' ? total - nchars : align === '^' ? Math.floor((total - nchars) / 2) : 0;
  const r = total - nchars - l;
  return f.fill.repeat(l) + s + f.fill.repeat(r);
}

/** format(str, spec) */
export function formatStr(value: string, spec: string, typeName = 'str'): string {
  if (spec === '') return value;
  const f = parseSpec(spec, typeName, 's', '<');
  if (f.type !== 's') throw unknownPresentationType(f.type, typeName);
  if (f.sign !== '\0') {
    throw new PyError(
      'ValueError',
      f.sign === ' '
        ? 'Space not allowed in string format specifier'
        : 'Sign not allowed in string format specifier',
    );
  }
  if (f.noNeg0)
    throw new PyError('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  if (f.alternate)
    throw new PyError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (f.align === '=')
    throw new PyError('ValueError', "'=' alignment not allowed in string format specifier");
  let chars = Array.from(value);
  if (f.precision >= 0 && chars.length > f.precision) chars = chars.slice(0, f.precision);
  return padTo(chars.join(''), chars.length, f, f.align);
}

interface NumberParts {
  sign: string;
  prefix: string;
  digits: string;
  /** Decimal point present (floats). */
  hasDecimal: boolean;
  remainder: string;
}

/** _PyUnicode_InsertThousandsGrouping with zero-padding up to minWidth. */
function groupDigits(digits: string, minWidth: number, sep: string, size: number): string {
  if (digits.length === 0) return '';
  const groups: string[] = [];
  let remaining = digits.length;
  let broken = false;
  const take = (l: number) => {
    const nZeros = Math.max(0, l - remaining);
    const nChars = Math.max(0, Math.min(remaining, l));
    groups.push('0'.repeat(nZeros) + digits.slice(remaining - nChars, remaining));
    remaining -= nChars;
  };
  if (size > 0) {
    for (;;) {
      const l = Math.min(size, Math.max(remaining, minWidth, 1));
      take(l);
      minWidth -= l;
      if (remaining <= 0 && minWidth <= 0) {
        broken = true;
        break;
      }
      minWidth -= sep.length;
    }
  }
  if (!broken) {
    const l = Math.max(remaining, minWidth, 1);
    take(l);
  }
  return groups.reverse().join(sep);
}

function fillNumber(p: NumberParts, f: FormatSpec, toUpper: boolean): string {
  checkWidth(f);
  let sign = '';
  if (f.sign === '+') sign = p.sign === '-' ? '-' : '+';
  else if (f.sign === ' ') sign = p.sign === '-' ? '-' : ' ';
  else if (p.sign === '-') sign = '-';
  const decimal = p.hasDecimal ? '.' : '';
  const nonDigit = sign.length + p.prefix.length + decimal.length + p.remainder.length;
  const minWidth = f.fill === '0' && f.align === '=' ? f.width - nonDigit : 0;
  let sep = '';
  let size = 0;
  if (f.grouping === ',') {
    sep = ',';
    size = 3;
  } else if (f.grouping === '_') {
    sep = '_';
    size = 3;
  } else if (f.grouping === '_4') {
    sep = '_';
    size = 4;
  }
  let grouped = groupDigits(p.digits, minWidth, sep, size);
  let prefix = p.prefix;
  if (toUpper) {
    grouped = grouped.toUpperCase();
    prefix = prefix.toUpperCase();
  }
  const padding = f.width - (nonDigit + grouped.length);
  let l = 0;
  let s = 0;
  let r = 0;
  if (padding > 0) {
    if (f.align === '<') r = padding;
    else if (f.align === '^') {
      l = Math.floor(padding / 2);
      r = padding - l;
    } else if (f.align === '=') s = padding;
    else l = padding;
  }
  return (
    f.fill.repeat(l) + sign + prefix + f.fill.repeat(s) + grouped + decimal + p.remainder + f.fill.repeat(r)
  );
}

/** format(int, spec) for a spec already parsed with type one of b c d o x X n. */
function formatIntParsed(value: bigint, f: FormatSpec): string {
  if (f.precision !== -1)
    throw new PyError('ValueError', 'Precision not allowed in integer format specifier');
  if (f.noNeg0)
    throw new PyError('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  if (f.type === 'c') {
    if (f.sign !== '\0')
      throw new PyError('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (f.alternate)
      throw new PyError('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) {
      throw new PyError('OverflowError', 'Python int too large to convert to C long');
    }
    if (value < 0n || value > 0x10ffffn) throw new PyError('OverflowError', '%c arg not in range(0x110000)');
    return fillNumber(
      { sign: '', prefix: '', digits: '', hasDecimal: false, remainder: String.fromCodePoint(Number(value)) },
      f,
      false,
    );
  }
  const base = f.type === 'b' ? 2 : f.type === 'o' ? 8 : f.type === 'x' || f.type === 'X' ? 16 : 10;
  const prefixText = base === 2 ? '0b' : base === 8 ? '0o' : base === 16 ? '0x' : '';
  const neg = value < 0n;
  const digits = (neg ? -value : value).toString(base);
  return fillNumber(
    { sign: neg ? '-' : '', prefix: f.alternate ? prefixText : '', digits, hasDecimal: false, remainder: '' },
    f,
    f.type === 'X',
  );
}

function formatFloatParsed(value: number, f: FormatSpec): string {
  let type = f.type;
  let precision = f.precision;
  let addDot0 = false;
  let defaultPrecision = 6;
  if (type === '\0') {
    addDot0 = true;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type === 'n') type = 'g';
  let v = value;
  let pct = false;
  if (type === '%') {
    type = 'f';
    v *= 100;
    pct = true;
  }
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';
  // CPython's format_float_internal: the precision must fit a C int.
  if (precision > 2147483647) throw new PyError('ValueError', 'precision too big');
  // 'e' and 'f' write every digit of the precision, 'g' only with '#' (else trailing zeros go).
  if (
    precision > MAX_FIELD_CHARS &&
    (type === 'e' || type === 'E' || type === 'f' || type === 'F' || f.alternate)
  )
    throw tooLong();
  let s = doubleToString(v, type, precision, { addDot0, alt: f.alternate, noNegZero: f.noNeg0 });
  if (pct) s += '%';
  let sign = '';
  if (s.startsWith('-')) {
    sign = '-';
    s = s.slice(1);
  }
  let i = 0;
  while (i < s.length && isDigit(s[i])) i++;
  const digits = s.slice(0, i);
  const hasDecimal = s[i] === '.';
  const remainder = s.slice(hasDecimal ? i + 1 : i);
  return fillNumber({ sign, prefix: '', digits, hasDecimal, remainder }, f, false);
}

/** format(int_or_bool, spec). */
export function formatInt(value: bigint, spec: string, typeName: 'int' | 'bool'): string {
  if (spec === '') return typeName === 'bool' ? (value ? 'True' : 'False') : value.toString();
  const f = parseSpec(spec, typeName, 'd', '>');
  switch (f.type) {
    case 'b':
    case 'c':
    case 'd':
    case 'o':
    case 'x':
    case 'X':
    case 'n':
      return formatIntParsed(value, f);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case '%': {
      const x = Number(value);
      if (!Number.isFinite(x)) throw new PyError('OverflowError', 'int too large to convert to float');
      return formatFloatParsed(x, f);
    }
    default:
      throw unknownPresentationType(f.type, typeName);
  }
}

/** format(float, spec); an empty spec is repr(). */
export function formatFloat(value: number, spec: string): string {
  if (spec === '') return doubleToString(value, 'r', 0, { addDot0: true });
  const f = parseSpec(spec, 'float', '\0', '>');
  switch (f.type) {
    case '\0':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'n':
    case '%':
      return formatFloatParsed(value, f);
    default:
      throw unknownPresentationType(f.type, 'float');
  }
}
