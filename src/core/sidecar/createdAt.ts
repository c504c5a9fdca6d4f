// `created_at` as pydantic 1.x parses a datetime field (pydantic/datetime_parse.py), and as it
// re-emits one (`datetime.isoformat()`). Naive values are UTC: xpersist writes utcnow().

export interface PyDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Minutes east of UTC; null for a naive value. */
  offsetMinutes: number | null;
}

const DATETIME_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
// pydantic: values above this many seconds are milliseconds (divided by 1000 until below).
const MS_WATERSHED = 2e10;

export class DateTimeParseError extends Error {}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The UTC fields of an instant given in milliseconds plus extra microseconds (0-999). */
function utcFields(ms: number, extraUs: number, offsetMinutes: number | null): PyDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: d.getUTCMilliseconds() * 1000 + extraUs,
    offsetMinutes,
  };
}

function fromUnixSeconds(seconds: number): PyDateTime {
  if (!Number.isFinite(seconds)) throw new DateTimeParseError('invalid datetime format');
  let s = seconds;
  while (Math.abs(s) > MS_WATERSHED) s /= 1000;
  const totalUs = Math.round(s * 1e6);
  const ms = Math.floor(totalUs / 1000);
  return utcFields(ms, totalUs - ms * 1000, 0);
}

/** Python's float(str) for the strings pydantic tries first (numbers, with optional spaces/_). */
function pythonFloat(text: string): number | null {
  const t = text.trim();
  if (!/^[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?$/.test(t))
    return null;
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
    const mins = tz.length > 3 ? Number(tz.slice(-2)) : 0;
    offsetMinutes = (tz[0] === '-' ? -1 : 1) * (60 * Number(tz.slice(1, 3)) + mins);
    if (Math.abs(offsetMinutes) >= 24 * 60) throw new DateTimeParseError('invalid datetime format');
  }
  const dt: PyDateTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: s === undefined ? 0 : Number(s),
    microsecond: us === undefined ? 0 : Number(us.padEnd(6, '0')),
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
  return utcFields(ms, Math.min(999, Math.floor((nowMs - ms) * 1000)), null);
}
