// `created_at` as pydantic 1.x parses a datetime field (pydantic/datetime_parse.py), and as it
// re-emits one (`datetime.isoformat()`). Naive values are UTC: xpersist writes utcnow().

import { daysInMonth, type UtcFields, utcFields } from '../../common/calendar';

export interface PyDateTime extends UtcFields {
  /** Minutes east of UTC; null for a naive value. */
  offsetMinutes: number | null;
}

// pydantic's datetime_re. Python's `\d` is any Unicode decimal digit (int() reads them) and its
// `$` also matches before a final newline.
const DATETIME_RE =
  /^(\p{Nd}{4})-(\p{Nd}{1,2})-(\p{Nd}{1,2})[T ](\p{Nd}{1,2}):(\p{Nd}{1,2})(?::(\p{Nd}{1,2})(?:\.(\p{Nd}{1,6})\p{Nd}{0,6})?)?(Z|[+-]\p{Nd}{2}(?::?\p{Nd}{2})?)?\n?$/u;
// pydantic: values above this many seconds are milliseconds (divided by 1000 until below).
const MS_WATERSHED = 2e10;
// pydantic's MAX_NUMBER (int(3e20), exact as a double): beyond it, datetime.max / datetime.min.
const MAX_NUMBER = 3e20;
/** Python's datetime.max and datetime.min: naive, what pydantic returns for huge numbers and ±inf. */
const DATETIME_MAX: PyDateTime = {
  year: 9999,
  month: 12,
  day: 31,
  hour: 23,
  minute: 59,
  second: 59,
  microsecond: 999_999,
  offsetMinutes: null,
};
const DATETIME_MIN: PyDateTime = {
  ...DATETIME_MAX,
  year: 1,
  month: 1,
  day: 1,
  hour: 0,
  minute: 0,
  second: 0,
  microsecond: 0,
};

export class DateTimeParseError extends Error {}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The UTC fields of an instant given in milliseconds plus extra microseconds (0-999). */
function instantFields(ms: number, extraUs: number, offsetMinutes: number | null): PyDateTime {
  const f = utcFields(new Date(ms));
  return { ...f, microsecond: f.microsecond + extraUs, offsetMinutes };
}

/** pydantic's from_unix_seconds: EPOCH + timedelta(seconds=s), then tzinfo=utc. */
function fromUnixSeconds(seconds: number): PyDateTime {
  if (seconds > MAX_NUMBER) return DATETIME_MAX;
  if (seconds < -MAX_NUMBER) return DATETIME_MIN;
  // timedelta(seconds=nan) raises this ValueError, which pydantic reports.
  if (Number.isNaN(seconds)) throw new DateTimeParseError('cannot convert float NaN to integer');
  let s = seconds;
  while (Math.abs(s) > MS_WATERSHED) s /= 1000;
  // timedelta's float path: whole seconds, then whole microseconds of the fraction, the rest
  // rounded half to even (CPython's accum() and its leftover rounding).
  const whole = Math.trunc(s);
  const d = (s - whole) * 1e6;
  const us = Math.trunc(d);
  const left = d - us;
  let extra = Math.round(left);
  if (Math.abs(extra - left) === 0.5) {
    const odd = Math.abs(us) % 2;
    extra = 2 * Math.round((left + odd) * 0.5) - odd;
  }
  const totalUs = us + extra;
  const msPart = Math.floor(totalUs / 1000);
  return instantFields(whole * 1000 + msPart, totalUs - msPart * 1000, 0);
}

// Python's str.isspace(): float() strips these, and reads them as spaces inside.
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const FLOAT_RE = /^[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?$/;
const INF_NAN_RE = /^([-+]?)(?:(nan)|inf|infinity)$/i;
const ND_RE = /\p{Nd}/u;

/** The value of a Unicode decimal digit: Nd digits come in runs of 0..9 (a Unicode guarantee). */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x80) return cp - 0x30;
  let start = cp;
  while (ND_RE.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** Unicode decimal digits as ASCII (as CPython does before int() and float()). */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (c) => String(digitValue(c)));
}

/** Python's int(s) of a string of decimal digits. */
const pyInt = (digits: string): number => Number(asciiDigits(digits));

/** Python's float(str): null where it raises ValueError. */
function pythonFloat(text: string): number | null {
  const t = asciiDigits(text.replace(PY_STRIP, ''));
  const special = INF_NAN_RE.exec(t);
  if (special) {
    if (special[2]) return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!FLOAT_RE.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** Parses like pydantic 1.x; throws DateTimeParseError with pydantic's wording when invalid. */
export function parsePydanticDateTime(value: unknown): PyDateTime {
  if (typeof value === 'number' || typeof value === 'boolean') return fromUnixSeconds(Number(value));
  if (typeof value !== 'string') {
    throw new DateTimeParseError('invalid type; expected datetime, string, bytes, int or float');
  }
  const num = pythonFloat(value);
  if (num !== null) return fromUnixSeconds(num);
  const m = DATETIME_RE.exec(value);
  if (!m) throw new DateTimeParseError('invalid datetime format');
  const [, y, mo, d, h, mi, s, us, tz] = m;
  let offsetMinutes: number | null = null;
  if (tz === 'Z') offsetMinutes = 0;
  else if (tz !== undefined) {
    const cps = [...tz];
    const mins = cps.length > 3 ? pyInt(cps.slice(-2).join('')) : 0;
    offsetMinutes = (cps[0] === '-' ? -1 : 1) * (60 * pyInt(cps.slice(1, 3).join('')) + mins);
    if (Math.abs(offsetMinutes) >= 24 * 60) throw new DateTimeParseError('invalid datetime format');
  }
  const dt: PyDateTime = {
    year: pyInt(y),
    month: pyInt(mo),
    day: pyInt(d),
    hour: pyInt(h),
    minute: pyInt(mi),
    second: s === undefined ? 0 : pyInt(s),
    microsecond: us === undefined ? 0 : pyInt(asciiDigits(us).padEnd(6, '0')),
    offsetMinutes,
  };
  if (
    dt.year < 1 ||
    dt.month < 1 ||
    dt.month > 12 ||
    dt.day < 1 ||
    dt.day > daysInMonth(dt.year, dt.month) ||
    dt.hour > 23 ||
    dt.minute > 59 ||
    dt.second > 59
  ) {
    throw new DateTimeParseError('invalid datetime format');
  }
  return dt;
}

/** The instant, treating a naive value as UTC. Millisecond precision (a JS Date). */
export function toDate(dt: PyDateTime): Date {
  const d = new Date(0);
  d.setUTCFullYear(dt.year, dt.month - 1, dt.day);
  d.setUTCHours(dt.hour, dt.minute, dt.second, Math.floor(dt.microsecond / 1000));
  return new Date(d.getTime() - (dt.offsetMinutes ?? 0) * 60_000);
}

/** Python's `datetime.isoformat()`: microseconds only when non-zero, offset only when aware. */
export function isoformat(dt: PyDateTime): string {
  let s = `${pad(dt.year, 4)}-${pad(dt.month)}-${pad(dt.day)}T${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}`;
  if (dt.microsecond) s += `.${pad(dt.microsecond, 6)}`;
  if (dt.offsetMinutes !== null) {
    const o = Math.abs(dt.offsetMinutes);
    s += `${dt.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(o / 60))}:${pad(o % 60)}`;
  }
  return s;
}

/** `datetime.utcnow()` with microseconds (performance.now() adds what Date.now() lacks). */
export function utcNow(): PyDateTime {
  const nowMs = performance.timeOrigin + performance.now();
  const ms = Math.floor(nowMs);
  return instantFields(ms, Math.min(999, Math.floor((nowMs - ms) * 1000)), null);
}
