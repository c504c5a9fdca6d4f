// `json.dumps(value, indent=2)` as Python writes it (ensure_ascii, allow_nan, float repr), so
// sidecars written here are byte-for-byte what pydantic's `Artifact.json(indent=2)` writes.
import { PyDict, PyFloat, PyInt, type RawJson } from './tolerantJson';

/** Python's `repr(float)`: shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const decpt = Number(expText) + 1; // value = 0.<digits> * 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : `${Math.abs(e)}`;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${ee}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
}

/** A float as json.dumps(allow_nan=True) writes it: repr, with NaN/Infinity/-Infinity tokens. */
export function pyJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return pyFloatRepr(x);
}

const SHORT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A JSON string literal with Python's ensure_ascii escaping (DEL and non-ASCII as \uXXXX). */
export function pyJsonString(s: string): string {
  // Python's ESCAPE_ASCII is ([\\"]|[^\ -~]): everything outside space..tilde is escaped.
  return `"${s.replace(/[\\"]|[^ -~]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Values accepted by `pyJsonDumps`: raw trees from the tolerant parser, or plain JS values. */
export type DumpValue = RawJson | unknown;

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return pyJsonString(v);
  if (v instanceof PyFloat) return pyJsonFloat(v.value);
  if (v instanceof PyInt) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && !Object.is(v, -0)) {
      return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
    }
    return pyJsonFloat(v);
  }
  // pydantic_encoder turns datetimes into isoformat(); Dates here are UTC.
  if (v instanceof Date) return pyJsonString(v.toISOString().replace('Z', '+00:00'));
  return undefined;
}

function entriesOf(v: object): [string, unknown][] {
  if (v instanceof PyDict) return v.entries;
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

/** `json.dumps(v, indent=2)` with Python's defaults otherwise; no trailing newline. */
export function pyJsonDumps(value: DumpValue, indent = 2): string {
  const out: string[] = [];
  const write = (v: unknown, depth: number): void => {
    const s = scalar(v);
    if (s !== undefined) {
      out.push(s);
      return;
    }
    const inner = '\n' + ' '.repeat(indent * (depth + 1));
    const outer = '\n' + ' '.repeat(indent * depth);
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out.push('[]');
        return;
      }
      out.push('[');
      v.forEach((item, i) => {
        out.push(i === 0 ? inner : `,${inner}`);
        write(item, depth + 1);
      });
      out.push(outer, ']');
      return;
    }
    if (typeof v === 'object' && v !== null) {
      const entries = entriesOf(v);
      if (entries.length === 0) {
        out.push('{}');
        return;
      }
      out.push('{');
      entries.forEach(([k, item], i) => {
        out.push(i === 0 ? inner : `,${inner}`, pyJsonString(k), ': ');
        write(item, depth + 1);
      });
      out.push(outer, '}');
      return;
    }
    throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
  };
  write(value, 0);
  return out.join('');
}
