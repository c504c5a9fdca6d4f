// CF time decoding as xarray 2024.x does it by default: "<unit> since <date>" with a calendar.
// Standard calendars decode with pandas' nanosecond arithmetic when the result fits datetime64[ns];
// otherwise, and for the model calendars, with cftime's microsecond calendar arithmetic. Either
// way the preview returns ISO 8601 text of the calendar date (2001-02-30 exists in 360_day).

import {
  type Calendar,
  civilDate,
  dayNumber,
  isStandardCalendar,
  normalizeCalendar,
  UNIX_EPOCH_JDN,
} from './calendars';
import { isoDateTime, isoDuration } from './isoFormat';

export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'D';

export const UNIT_NS: Record<TimeUnit, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  D: 86_400_000_000_000n,
};

const UNIT_NAMES: Record<string, TimeUnit> = {
  nanoseconds: 'ns',
  microseconds: 'us',
  milliseconds: 'ms',
  seconds: 's',
  minutes: 'm',
  hours: 'h',
  days: 'D',
  // Not accepted by xarray, but common in files and understood by cftime/udunits.
  secs: 's',
  mins: 'm',
  hrs: 'h',
  msecs: 'ms',
  usecs: 'us',
};

/** xarray's `_netcdf_to_numpy_timeunit`: lower case, plural. */
export function parseTimeUnit(name: string): TimeUnit | null {
  let u = name.trim().toLowerCase();
  if (!u.endsWith('s')) u += 's';
  return UNIT_NAMES[u] ?? null;
}

/** The time-like units xarray's CFTimedeltaCoder decodes (exact match). */
export const TIMEDELTA_UNITS = [
  'days',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
  'microseconds',
  'nanoseconds',
];

interface RefDate {
  year: number;
  month: number;
  day: number;
  /** Time of day in ns, minus the time zone offset (may leave [0, 1 day)). */
  nsOfDay: number;
}

const REF_RE =
  /^(-?\d+)-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

export function parseRefDate(text: string): RefDate | null {
  const m = REF_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let nsOfDay =
    (Number(h) * 3600 + Number(mi) * 60 + Number(s)) * 1e9 + Number((frac + '000000000').slice(0, 9) || '0');
  if (tz && !/^(Z|UTC|GMT)$/i.test(tz)) {
    const tm = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(tz);
    if (tm) {
      const minutes = Number(tm[2]) * 60 + Number(tm[3] ?? 0);
      nsOfDay -= (tm[1] === '-' ? -1 : 1) * minutes * 60e9;
    }
  }
  return { year: Number(y), month, day, nsOfDay };
}

/** Parses `"<unit> since <date>"`; null when the units are not CF time units. */
export function parseSinceUnits(units: unknown): { unit: TimeUnit; ref: RefDate } | null {
  if (typeof units !== 'string') return null;
  const m = /^(.+?)\s+since\s+(.+)$/i.exec(units.trim());
  if (!m) return null;
  const unit = parseTimeUnit(m[1]);
  const ref = parseRefDate(m[2]);
  return unit && ref ? { unit, ref } : null;
}

const NS_PER_DAY = 86_400_000_000_000n;
const US_PER_DAY = 86_400_000_000n;
// pandas' datetime64[ns] range.
const MIN_NS = -9_223_372_036_854_775_807n;
const MAX_NS = 9_223_372_036_854_775_807n;

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type Raw = number | bigint;

function isMissing(v: Raw): boolean {
  return typeof v === 'number' && !Number.isFinite(v);
}

export class TimeDecoder {
  private readonly unitNs: bigint;
  private readonly unitUs: number;
  /** ns since 1970 of the reference date when pandas would take it, else null. */
  private readonly refNs: bigint | null;
  /** Reference as a calendar day number plus µs of day, for the cftime path. */
  private readonly refDay: number;
  private readonly refUs: bigint;

  private constructor(
    readonly unit: TimeUnit,
    readonly calendar: Calendar,
    ref: RefDate,
  ) {
    this.unitNs = UNIT_NS[unit];
    this.unitUs = Number(UNIT_NS[unit]) / 1000;
    this.refDay = dayNumber(calendar, ref.year, ref.month, ref.day);
    this.refUs = BigInt(Math.round(ref.nsOfDay / 1000));
    let refNs: bigint | null = null;
    // pd.Timestamp(ref) works for dates in datetime64[ns]'s range only.
    if (isStandardCalendar(calendar) && ref.year >= 1677 && ref.year <= 2262) {
      const days = dayNumber('proleptic_gregorian', ref.year, ref.month, ref.day) - UNIX_EPOCH_JDN;
      const ns = BigInt(days) * NS_PER_DAY + BigInt(Math.round(ref.nsOfDay));
      if (ns >= MIN_NS && ns <= MAX_NS) refNs = ns;
    }
    this.refNs = refNs;
  }

  /** A decoder for a variable's `units` and `calendar` attributes, or null (left undecoded). */
  static create(units: unknown, calendar: unknown): TimeDecoder | null {
    const parsed = parseSinceUnits(units);
    const cal = normalizeCalendar(calendar);
    if (!parsed || !cal) return null;
    return new TimeDecoder(parsed.unit, cal, parsed.ref);
  }

  /** pandas path: ns since 1970, or null when it would overflow (then xarray falls back to cftime). */
  private pandasNs(v: Raw): bigint | null {
    if (this.refNs === null) return null;
    let offset: bigint;
    if (typeof v === 'bigint') offset = v * this.unitNs;
    else if (Number.isInteger(v) && Math.abs(v) < Number.MAX_SAFE_INTEGER) offset = BigInt(v) * this.unitNs;
    else {
      // xarray: float64 multiply, then astype(int64) (truncation).
      const p = v * Number(this.unitNs);
      if (!Number.isFinite(p) || Math.abs(p) >= 9.2e18) return null;
      offset = BigInt(Math.trunc(p));
    }
    const ns = this.refNs + offset;
    return ns >= MIN_NS && ns <= MAX_NS ? ns : null;
  }

  private cftimeParts(v: Raw): { day: number; usOfDay: bigint } {
    // cftime works in microseconds, rounded to the nearest one.
    const us =
      typeof v === 'bigint'
        ? this.unitNs >= 1000n
          ? v * (this.unitNs / 1000n)
          : v / 1000n
        : BigInt(roundHalfEven(v * this.unitUs));
    const total = this.refUs + us;
    const days = floorDiv(total, US_PER_DAY);
    return { day: this.refDay + Number(days), usOfDay: total - days * US_PER_DAY };
  }

  /** numpy dtype xarray reports, decided like xarray from the first and last stored values. */
  dtypeFor(samples: Raw[]): 'datetime64[ns]' | 'object' {
    if (!isStandardCalendar(this.calendar)) return 'object';
    for (const v of samples) {
      if (isMissing(v)) continue;
      if (this.pandasNs(v) !== null) continue;
      const { day } = this.cftimeParts(v);
      const year = civilDate(this.calendar, day).year;
      if (year < 1678 || year >= 2262) return 'object';
    }
    return 'datetime64[ns]';
  }

  decode(v: Raw): string | null {
    if (isMissing(v)) return null;
    const ns = this.pandasNs(v);
    if (ns !== null) return formatUnixNs(ns);
    const { day, usOfDay } = this.cftimeParts(v);
    return isoDateTime(civilDate(this.calendar, day), Number(usOfDay) * 1000);
  }
}

export function formatUnixNs(ns: bigint): string {
  const days = floorDiv(ns, NS_PER_DAY);
  const rest = Number(ns - days * NS_PER_DAY);
  return isoDateTime(civilDate('proleptic_gregorian', Number(days) + UNIX_EPOCH_JDN), rest);
}

/** numpy datetime64[unit] counts (raw zarr `<M8[...]`): NaT is int64 min. */
export function formatDatetime64(v: bigint, unit: string): string | null {
  if (v === -9_223_372_036_854_775_808n) return null;
  const u = parseNumpyUnit(unit);
  return u === null ? null : formatUnixNs(v * u);
}

/** numpy's datetime64 units: the CF ones and weeks. */
const NUMPY_UNIT_NS: Record<string, bigint> = { ...UNIT_NS, W: 7n * UNIT_NS.D };

export function parseNumpyUnit(unit: string): bigint | null {
  return NUMPY_UNIT_NS[unit] ?? null;
}

/** pandas.to_timedelta(values, unit) for CF timedeltas ("hours"), as ISO 8601 durations. */
export function decodeTimedelta(v: Raw, unit: TimeUnit): string | null {
  if (isMissing(v)) return null;
  const m = UNIT_NS[unit];
  if (typeof v === 'bigint') return isoDuration(v * m);
  if (Number.isInteger(v)) return isoDuration(BigInt(v) * m);
  // pandas cast_from_unit_vectorized: integer part exact, fraction rounded to log10(m) digits.
  const base = Math.trunc(v);
  let frac = v - base;
  const p = Math.floor(Math.log10(Number(m)));
  if (p > 0) {
    const scale = 10 ** p;
    frac = roundHalfEven(frac * scale) / scale;
  }
  return isoDuration(BigInt(base) * m + BigInt(Math.trunc(frac * Number(m))));
}
