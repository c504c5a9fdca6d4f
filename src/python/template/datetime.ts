// A pendulum DateTime (what Prefect puts in `date`), with the calendar arithmetic its
// formatting needs. Proleptic Gregorian, like Python's datetime.

import { isLeap, utcFields } from '../../common/calendar';

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  microsecond?: number;
  /** UTC offset in seconds (pendulum's `utcoffset()`); 0 for UTC. */
  offsetSeconds?: number;
  /** `Timezone('UTC')`'s name, or `+01:00` for a fixed offset. */
  tzName?: string;
  /**
   * false when only the day is meaningful: a target is evaluated for a day ("as of"), while
   * the run's time of day is unknown, so anything that shows the time becomes a wildcard.
   */
  timeKnown?: boolean;
}

const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Python's `toordinal()`: day 1 is 0001-01-01. */
export function toOrdinal(y: number, m: number, d: number): number {
  const y1 = y - 1;
  const before = y1 * 365 + Math.floor(y1 / 4) - Math.floor(y1 / 100) + Math.floor(y1 / 400);
  return before + DAYS_BEFORE_MONTH[m] + (m > 2 && isLeap(y) ? 1 : 0) + d;
}

export class PyDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly offsetSeconds: number;
  readonly tzName: string;
  readonly timeKnown: boolean;

  constructor(p: DateTimeParts) {
    this.year = p.year;
    this.month = p.month;
    this.day = p.day;
    this.hour = p.hour ?? 0;
    this.minute = p.minute ?? 0;
    this.second = p.second ?? 0;
    this.microsecond = p.microsecond ?? 0;
    this.offsetSeconds = p.offsetSeconds ?? 0;
    this.tzName = p.tzName ?? (this.offsetSeconds === 0 ? 'UTC' : formatOffset(this.offsetSeconds, ':'));
    this.timeKnown = p.timeKnown ?? true;
  }

  /** `pendulum.instance(date)` in UTC, as `pendulum.now("utc")` gives. */
  static fromDate(d: Date, timeKnown = true): PyDateTime {
    return new PyDateTime({ ...utcFields(d), timeKnown });
  }

  /** The same wall-clock instant shifted by whole days (pendulum `add(days=n)`). */
  addDays(n: number): PyDateTime {
    const ms = Date.UTC(this.year, this.month - 1, this.day) + n * 86400000;
    const { year, month, day } = utcFields(new Date(ms));
    return new PyDateTime({ ...this, year, month, day });
  }

  get ordinal(): number {
    return toOrdinal(this.year, this.month, this.day);
  }
  /** Monday = 0, as `weekday()`. */
  get weekday(): number {
    return (this.ordinal + 6) % 7;
  }
  get isoWeekday(): number {
    return this.weekday + 1;
  }
  /** pendulum's day_of_week: Sunday = 0. */
  get dayOfWeek(): number {
    return this.isoWeekday % 7;
  }
  get dayOfYear(): number {
    return this.ordinal - toOrdinal(this.year, 1, 1) + 1;
  }
  get quarter(): number {
    return Math.ceil(this.month / 3);
  }

  /** `isocalendar()`: [ISO year, ISO week, ISO weekday]. */
  get isoCalendar(): [number, number, number] {
    let year = this.year;
    const week1Monday = (y: number) => {
      const first = toOrdinal(y, 1, 1);
      const firstWeekday = (first + 6) % 7;
      let monday = first - firstWeekday;
      if (firstWeekday > 3) monday += 7;
      return monday;
    };
    let start = week1Monday(year);
    const today = this.ordinal;
    let week = Math.floor((today - start) / 7);
    if (today < start) {
      year -= 1;
      start = week1Monday(year);
      week = Math.floor((today - start) / 7);
    } else if (week >= 52 && today >= week1Monday(year + 1)) {
      year += 1;
      week = 0;
    }
    return [year, week + 1, this.isoWeekday];
  }

  /** Seconds since the epoch of the instant (its offset applied). */
  get epochSeconds(): number {
    const days = this.ordinal - toOrdinal(1970, 1, 1);
    return days * 86400 + this.hour * 3600 + this.minute * 60 + this.second - this.offsetSeconds;
  }

  /** `isoformat()`: pendulum's `str()`. */
  isoformat(sep = 'T'): string {
    const p2 = (n: number) => String(n).padStart(2, '0');
    let s = `${String(this.year).padStart(4, '0')}-${p2(this.month)}-${p2(this.day)}${sep}`;
    s += `${p2(this.hour)}:${p2(this.minute)}:${p2(this.second)}`;
    if (this.microsecond) s += `.${String(this.microsecond).padStart(6, '0')}`;
    return s + formatOffset(this.offsetSeconds, ':');
  }

  repr(): string {
    let s = `DateTime(${this.year}, ${this.month}, ${this.day}, ${this.hour}, ${this.minute}, ${this.second}`;
    if (this.microsecond) s += `, ${this.microsecond}`;
    return `${s}, tzinfo=Timezone('${this.tzName}'))`;
  }
}

/** `+HHMM` (sep '') or `+HH:MM`; seconds appended when not whole minutes, as Python does. */
export function formatOffset(seconds: number, sep: string): string {
  const sign = seconds < 0 ? '-' : '+';
  let s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const p2 = (n: number) => String(n).padStart(2, '0');
  let out = `${sign}${p2(h)}${sep}${p2(m)}`;
  if (s) out += `${sep}${p2(s)}`;
  return out;
}
