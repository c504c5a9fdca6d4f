// Decoded times (ISO text in a CF calendar) as numbers a plot can put on an axis, and back, plus
// calendar-aware tick positions. Numbers are days since the calendar's own origin, so a noleap
// year is 365 days long on the axis and 360_day's February 30 has a place.

import { type Calendar, civilDate, dayNumber, normalizeCalendar } from './calendars';
import { isoDateTime } from './isoFormat';

const ISO_RE = /^(-?\d{4,})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?(Z)?$/;
const NS_PER_DAY = 86_400e9;

/** The calendar a variable's times are in ('standard' for datetime64 and plain dates). */
export function calendarOf(name: string | undefined | null): Calendar {
  return normalizeCalendar(name ?? 'standard') ?? 'standard';
}

/** Days (with the time of day as a fraction) since the calendar's origin, or null when not a time. */
export function isoToDays(v: unknown, cal: Calendar): number | null {
  if (typeof v !== 'string') return null;
  const m = ISO_RE.exec(v);
  if (!m) return null;
  const [, y, mo, d, hh = '0', mi = '0', ss = '0', frac = ''] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > (cal === '360_day' ? 30 : 31)) return null;
  const ns =
    ((Number(hh) * 60 + Number(mi)) * 60 + Number(ss)) * 1e9 + (frac ? Number(frac.padEnd(9, '0')) : 0);
  return dayNumber(cal, Number(y), month, day) + ns / NS_PER_DAY;
}

/** ISO text of a day number (inverse of isoToDays, to the nearest millisecond). */
export function daysToIso(days: number, cal: Calendar): string {
  const whole = Math.floor(days);
  const ms = Math.round((days - whole) * 86_400_000);
  const extra = ms >= 86_400_000 ? 1 : 0;
  return isoDateTime(civilDate(cal, whole + extra), (extra ? 0 : ms) * 1e6);
}

export interface TimeTick {
  value: number;
  label: string;
}

const YEAR_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const MONTH_STEPS = [1, 2, 3, 6];
const DAY_STEPS = [1, 2, 5, 10];
const HOUR_STEPS = [1, 3, 6, 12];

function monthTicks(lo: number, hi: number, cal: Calendar, stepMonths: number, fmt: 'year' | 'month') {
  const start = civilDate(cal, Math.floor(lo));
  const out: TimeTick[] = [];
  let k = start.year * 12 + (start.month - 1);
  k -= ((k % stepMonths) + stepMonths) % stepMonths;
  for (let guard = 0; guard < 10_000; guard++, k += stepMonths) {
    const year = Math.floor(k / 12);
    const month = k - year * 12 + 1;
    const value = dayNumber(cal, year, month, 1);
    if (value > hi) break;
    if (value < lo) continue;
    const iso = isoDateTime({ year, month, day: 1 }, 0);
    out.push({ value, label: fmt === 'year' ? iso.slice(0, iso.indexOf('-', 1)) : iso.slice(0, -12) });
  }
  return out;
}

function dayTicks(lo: number, hi: number, cal: Calendar, stepDays: number, hours: boolean): TimeTick[] {
  const out: TimeTick[] = [];
  const first = Math.ceil(lo / stepDays) * stepDays;
  for (let v = first; v <= hi && out.length < 1000; v += stepDays) {
    const iso = daysToIso(v, cal);
    out.push({ value: v, label: hours ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10) });
  }
  return out;
}

/**
 * Tick positions between lo and hi (day numbers) at round calendar dates: years, months, days or
 * hours, whichever gives at most `maxTicks` ticks (and at least two when the span allows).
 */
export function timeTicks(lo: number, hi: number, cal: Calendar, maxTicks = 8): TimeTick[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [{ value: lo, label: daysToIso(lo, cal).slice(0, 10) }] : [];
  const span = hi - lo;
  const yearLen = cal === '360_day' ? 360 : 365.25;
  // A step fits when it gives between ~2 and maxTicks ticks over the span.
  const fits = (stepDays: number) => span / stepDays <= maxTicks && span / stepDays >= 1.5;
  for (const s of YEAR_STEPS) if (fits(s * yearLen)) return monthTicks(lo, hi, cal, s * 12, 'year');
  for (const s of MONTH_STEPS) if (fits((s * yearLen) / 12)) return monthTicks(lo, hi, cal, s, 'month');
  for (const s of DAY_STEPS) if (fits(s)) return dayTicks(lo, hi, cal, s, false);
  for (const s of HOUR_STEPS) if (fits(s / 24)) return dayTicks(lo, hi, cal, s / 24, true);
  return dayTicks(lo, hi, cal, span / maxTicks, true);
}

/** The dtype a person reads: `cftime (noleap)` for xarray's object arrays of cftime dates. */
export function displayDtype(v: { dtype: string; calendar?: string }): string {
  return v.calendar && v.dtype === 'object' ? `cftime (${v.calendar})` : v.dtype;
}
