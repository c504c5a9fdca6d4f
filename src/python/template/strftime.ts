// `datetime.strftime` as CPython 3.11 on Linux does it: Python itself expands %z, %Z and %f,
// then glibc's strftime does the rest in the C locale (English names), including the GNU
// flags (`%-d`, `%_H`, `%^a`, `%#Z`), field widths (`%10A`) and E/O modifiers.
import { isLeap } from '../../common/calendar';
import { formatOffset, type PyDateTime } from './datetime';
import { WILDCARD } from './values';

/** C-locale day and month names, shared with the pendulum formatter. */
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Directives whose value depends on the time of day (a wildcard when only the day is known). */
const TIME_DIRECTIVES = new Set(['H', 'I', 'k', 'l', 'M', 'S', 'p', 'P', 'r', 'R', 'T', 'X', 'c', 's']);

/** Python's wrap_strftime: %z, %Z and %f are replaced before the C library sees the format. */
function wrapPython(dt: PyDateTime, fmt: string): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (i + 1 >= fmt.length) {
      out += '%';
      continue;
    }
    const next = fmt[++i];
    if (next === 'z') out += formatOffset(dt.offsetSeconds, '').replace(/%/g, '%%');
    else if (next === 'Z') out += dt.tzName.replace(/%/g, '%%');
    else if (next === 'f') out += dt.timeKnown ? String(dt.microsecond).padStart(6, '0') : WILDCARD;
    else out += `%${next}`;
  }
  return out;
}

export function strftime(dt: PyDateTime, format: string): string {
  return glibcStrftime(dt, wrapPython(dt, format));
}

interface Tm {
  sec: number;
  min: number;
  hour: number;
  mday: number;
  mon: number;
  year: number;
  wday: number;
  yday: number;
}

function toTm(dt: PyDateTime): Tm {
  return {
    sec: dt.second,
    min: dt.minute,
    hour: dt.hour,
    mday: dt.day,
    mon: dt.month - 1,
    year: dt.year,
    wday: dt.dayOfWeek,
    yday: dt.dayOfYear - 1,
  };
}

function isoWeekDays(yday: number, wday: number): number {
  const big = (Math.trunc(366 / 7) + 2) * 7;
  return yday - ((yday - wday + 4 + big) % 7) + 3;
}

function glibcStrftime(dt: PyDateTime, format: string): string {
  const tm = toTm(dt);
  return strftimeInternal(tm, format, dt.timeKnown, dt.offsetSeconds, dt.tzName);
}

// Long on purpose: one loop over the format, one case per directive (41), all sharing the GNU
// flag, width and E/O state parsed just before; split, that state would travel into every piece.
function strftimeInternal(
  tm: Tm,
  format: string,
  timeKnown: boolean,
  offset: number,
  tzName: string,
): string {
  let out = '';
  const hour12 = tm.hour > 12 ? tm.hour - 12 : tm.hour === 0 ? 12 : tm.hour;
  let i = 0;
  while (i < format.length) {
    const start = i;
    if (format[i] !== '%') {
      out += format[i++];
      continue;
    }
    let pad = '';
    let upper = false;
    let changeCase = false;
    i++;
    for (;;) {
      const c = format[i];
      if (c === '_' || c === '-' || c === '0') pad = c;
      else if (c === '^') upper = true;
      else if (c === '#') changeCase = true;
      else break;
      i++;
    }
    let width = -1;
    if (i < format.length && format[i] >= '0' && format[i] <= '9') {
      width = 0;
      while (i < format.length && format[i] >= '0' && format[i] <= '9') {
        width = Math.min(width * 10 + (format.charCodeAt(i) - 48), 2 ** 31 - 1);
        i++;
      }
    }
    let modifier = '';
    if (format[i] === 'E' || format[i] === 'O') modifier = format[i++];
    const fc = i < format.length ? format[i] : '\0';
    let lower = false;

    const add = (s: string) => {
      const delta = width - s.length;
      if (delta > 0) out += (pad === '0' ? '0' : ' ').repeat(delta);
      out += s;
    };
    const cpy = (s: string) => add(lower ? s.toLowerCase() : upper ? s.toUpperCase() : s);
    const number = (digits: number, value: number, spacePad = false) => {
      let p = pad;
      if (spacePad && p !== '0' && p !== '-') p = '_';
      const d = Math.max(digits, width);
      const neg = value < 0;
      let body = String(Math.abs(value));
      let prefix = '';
      if (p !== '-') {
        const padding = d - body.length - (neg ? 1 : 0);
        if (padding > 0) {
          if (p === '_') {
            prefix = ' '.repeat(padding);
            width = width > padding ? width - padding : 0;
            body = (neg ? '-' : '') + body;
            out += prefix;
            add(body);
            return;
          }
          out += (neg ? '-' : '') + '0'.repeat(padding);
          width = 0;
          add(body);
          return;
        }
      }
      add((neg ? '-' : '') + body);
    };
    const sub = (f: string) => {
      const s = strftimeInternal(tm, f, timeKnown, offset, tzName);
      add(upper ? s.toUpperCase() : s);
    };
    const bad = () => cpy(format.slice(start, fc === '\0' ? i : i + 1));

    if (!timeKnown && TIME_DIRECTIVES.has(fc)) {
      out += WILDCARD;
      i++;
      continue;
    }
    switch (fc) {
      case '%':
        if (modifier) bad();
        else add('%');
        break;
      case 'a':
        if (modifier) bad();
        else {
          if (changeCase) upper = true;
          cpy(DAYS[tm.wday].slice(0, 3));
        }
        break;
      case 'A':
        if (modifier) bad();
        else {
          if (changeCase) upper = true;
          cpy(DAYS[tm.wday]);
        }
        break;
      case 'b':
      case 'h':
        if (changeCase) upper = true;
        if (modifier === 'E') bad();
        else cpy(MONTHS[tm.mon].slice(0, 3));
        break;
      case 'B':
        if (modifier === 'E') bad();
        else {
          if (changeCase) upper = true;
          cpy(MONTHS[tm.mon]);
        }
        break;
      case 'c':
        if (modifier === 'O') bad();
        else sub('%a %b %e %H:%M:%S %Y');
        break;
      case 'C':
        number(1, Math.floor(tm.year / 100));
        break;
      case 'x':
        if (modifier === 'O') bad();
        else sub('%m/%d/%y');
        break;
      case 'D':
        if (modifier) bad();
        else sub('%m/%d/%y');
        break;
      case 'd':
        if (modifier === 'E') bad();
        else number(2, tm.mday);
        break;
      case 'e':
        if (modifier === 'E') bad();
        else number(2, tm.mday, true);
        break;
      case 'F':
        if (modifier) bad();
        else sub('%Y-%m-%d');
        break;
      case 'H':
        if (modifier === 'E') bad();
        else number(2, tm.hour);
        break;
      case 'I':
        if (modifier === 'E') bad();
        else number(2, hour12);
        break;
      case 'k':
        if (modifier === 'E') bad();
        else number(2, tm.hour, true);
        break;
      case 'l':
        if (modifier === 'E') bad();
        else number(2, hour12, true);
        break;
      case 'j':
        if (modifier === 'E') bad();
        else number(3, 1 + tm.yday);
        break;
      case 'M':
        if (modifier === 'E') bad();
        else number(2, tm.min);
        break;
      case 'm':
        if (modifier === 'E') bad();
        else number(2, tm.mon + 1);
        break;
      case 'n':
        add('\n');
        break;
      case 'P':
      case 'p':
        if (fc === 'P') lower = true;
        if (changeCase) {
          upper = false;
          lower = true;
        }
        cpy(tm.hour > 11 ? 'PM' : 'AM');
        break;
      case 'R':
        sub('%H:%M');
        break;
      case 'r':
        sub('%I:%M:%S %p');
        break;
      case 'S':
        if (modifier === 'E') bad();
        else number(2, tm.sec);
        break;
      case 's': {
        // Python passes a struct tm without a zone: mktime reads it as local time, which is
        // UTC in the environments this targets.
        const days = Math.floor(Date.UTC(tm.year, tm.mon, tm.mday) / 86400000);
        number(1, days * 86400 + tm.hour * 3600 + tm.min * 60 + tm.sec);
        break;
      }
      case 'X':
        if (modifier === 'O') bad();
        else sub('%H:%M:%S');
        break;
      case 'T':
        sub('%H:%M:%S');
        break;
      case 't':
        add('\t');
        break;
      case 'u':
        number(1, ((tm.wday - 1 + 7) % 7) + 1);
        break;
      case 'U':
        if (modifier === 'E') bad();
        else number(2, Math.floor((tm.yday - tm.wday + 7) / 7));
        break;
      case 'V':
      case 'g':
      case 'G': {
        if (modifier === 'E') {
          bad();
          break;
        }
        let year = tm.year;
        let days = isoWeekDays(tm.yday, tm.wday);
        if (days < 0) {
          year--;
          days = isoWeekDays(tm.yday + (365 + (isLeap(year) ? 1 : 0)), tm.wday);
        } else {
          const d = isoWeekDays(tm.yday - (365 + (isLeap(year) ? 1 : 0)), tm.wday);
          if (d >= 0) {
            year++;
            days = d;
          }
        }
        if (fc === 'g') number(2, ((year % 100) + 100) % 100);
        else if (fc === 'G') number(1, year);
        else number(2, Math.floor(days / 7) + 1);
        break;
      }
      case 'W':
        if (modifier === 'E') bad();
        else number(2, Math.floor((tm.yday - ((tm.wday - 1 + 7) % 7) + 7) / 7));
        break;
      case 'w':
        if (modifier === 'E') bad();
        else number(1, tm.wday);
        break;
      case 'Y':
        if (modifier === 'O') bad();
        else number(1, tm.year);
        break;
      case 'y':
        number(2, ((tm.year % 100) + 100) % 100);
        break;
      case 'Z':
      case 'z':
        // Python expanded the bare %z and %Z already. A flagged one (`%-z`, `%#Z`) reaches glibc,
        // which prints the struct's tm_zone / tm_gmtoff: the machine's local zone, not the
        // DateTime's, so nothing static can say what it prints.
        out += WILDCARD;
        break;
      default:
        bad();
        break;
    }
    i = fc === '\0' ? i : i + 1;
  }
  return out;
}
