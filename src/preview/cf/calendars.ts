// Day numbers for the CF calendars xarray/cftime decode. Gregorian, Julian and the mixed
// "standard" calendar count Julian Day Numbers; the model calendars (noleap, all_leap, 360_day)
// count days from their own year 0, which is enough because only differences matter.

export type Calendar = 'standard' | 'proleptic_gregorian' | 'julian' | 'noleap' | 'all_leap' | '360_day';

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** CF calendar names and aliases; null for calendars no preview can decode (e.g. "none"). */
export function normalizeCalendar(name: unknown): Calendar | null {
  const c = typeof name === 'string' ? name.trim().toLowerCase() : 'standard';
  switch (c) {
    case '':
    case 'standard':
    case 'gregorian':
      return 'standard';
    case 'proleptic_gregorian':
      return 'proleptic_gregorian';
    case 'julian':
      return 'julian';
    case 'noleap':
    case '365_day':
      return 'noleap';
    case 'all_leap':
    case '366_day':
      return 'all_leap';
    case '360_day':
      return '360_day';
    default:
      return null;
  }
}

export const isStandardCalendar = (c: Calendar): boolean => c === 'standard' || c === 'proleptic_gregorian';

const fdiv = (a: number, b: number): number => Math.floor(a / b);

/** First Julian Day Number of the Gregorian calendar (1582-10-15). */
const GREGORIAN_START_JDN = 2299161;

function gregorianToJdn(y: number, m: number, d: number): number {
  const a = fdiv(14 - m, 12);
  const y2 = y + 4800 - a;
  const m2 = m + 12 * a - 3;
  return d + fdiv(153 * m2 + 2, 5) + 365 * y2 + fdiv(y2, 4) - fdiv(y2, 100) + fdiv(y2, 400) - 32045;
}

function julianToJdn(y: number, m: number, d: number): number {
  const a = fdiv(14 - m, 12);
  const y2 = y + 4800 - a;
  const m2 = m + 12 * a - 3;
  return d + fdiv(153 * m2 + 2, 5) + 365 * y2 + fdiv(y2, 4) - 32083;
}

function jdnToGregorian(j: number): CivilDate {
  const a = j + 32044;
  const b = fdiv(4 * a + 3, 146097);
  const c = a - fdiv(146097 * b, 4);
  return finishJdn(b, c);
}

function jdnToJulian(j: number): CivilDate {
  return finishJdn(0, j + 32082);
}

function finishJdn(b: number, c: number): CivilDate {
  const d = fdiv(4 * c + 3, 1461);
  const e = c - fdiv(1461 * d, 4);
  const m = fdiv(5 * e + 2, 153);
  return {
    day: e - fdiv(153 * m + 2, 5) + 1,
    month: m + 3 - 12 * fdiv(m, 10),
    year: 100 * b + d - 4800 + fdiv(m, 10),
  };
}

const CUM_365 = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const CUM_366 = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

export function dayNumber(cal: Calendar, y: number, m: number, d: number): number {
  switch (cal) {
    case 'proleptic_gregorian':
      return gregorianToJdn(y, m, d);
    case 'julian':
      return julianToJdn(y, m, d);
    case 'standard':
      return y > 1582 || (y === 1582 && (m > 10 || (m === 10 && d >= 15)))
        ? gregorianToJdn(y, m, d)
        : julianToJdn(y, m, d);
    case 'noleap':
      return y * 365 + CUM_365[m - 1] + d - 1;
    case 'all_leap':
      return y * 366 + CUM_366[m - 1] + d - 1;
    case '360_day':
      return y * 360 + (m - 1) * 30 + d - 1;
  }
}

export function civilDate(cal: Calendar, n: number): CivilDate {
  switch (cal) {
    case 'proleptic_gregorian':
      return jdnToGregorian(n);
    case 'julian':
      return jdnToJulian(n);
    case 'standard':
      return n >= GREGORIAN_START_JDN ? jdnToGregorian(n) : jdnToJulian(n);
    case 'noleap':
    case 'all_leap': {
      const len = cal === 'noleap' ? 365 : 366;
      const cum = cal === 'noleap' ? CUM_365 : CUM_366;
      const year = fdiv(n, len);
      const r = n - year * len;
      let month = 1;
      while (r >= cum[month]) month++;
      return { year, month, day: r - cum[month - 1] + 1 };
    }
    case '360_day': {
      const year = fdiv(n, 360);
      const r = n - year * 360;
      return { year, month: fdiv(r, 30) + 1, day: (r % 30) + 1 };
    }
  }
}

/** Julian Day Number of 1970-01-01 (proleptic Gregorian): datetime64 counts from here. */
export const UNIX_EPOCH_JDN = 2440588;
