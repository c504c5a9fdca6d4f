// pendulum 2.1.2's `DateTime.format(fmt)` in its default 'en' locale: what `{date:YYYY-MM-DD}`
// gives (a format spec without '%'). Tokens the formatter matches but does not implement
// (W, ww, gg, k, EE...) print nothing, as pendulum's do.
import { formatOffset, type PyDateTime } from './datetime';
import { DAYS, MONTHS } from './strftime';
import { WILDCARD } from './values';

const TOKENS =
  /\[([^[]*)\]|\\(.)|(Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|E{1,4}|w[o|w]?|W[o|W]?|Qo?|YYYY|YY|Y|gg(?:ggg?)?|GG(?:GGG?)?|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|LTS|LT|LL?L?L?)/g;

const DATE_FORMATS: Record<string, string> = {
  LTS: 'h:mm:ss A',
  LT: 'h:mm A',
  L: 'MM/DD/YYYY',
  LL: 'MMMM D, YYYY',
  LLL: 'MMMM D, YYYY h:mm A',
  LLLL: 'dddd, MMMM D, YYYY h:mm A',
};

const DAYS_SHORT = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

/** Tokens that show the time of day. */
const TIME_TOKENS = new Set([
  'A',
  'h',
  'hh',
  'H',
  'HH',
  'm',
  'mm',
  's',
  'ss',
  'x',
  'X',
  'LTS',
  'LT',
  'LLL',
  'LLLL',
]);

export function ordinalize(n: number): string {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 3 && m100 !== 13) return `${n}rd`;
  if (m10 === 1 && m100 !== 11) return `${n}st`;
  if (m10 === 2 && m100 !== 12) return `${n}nd`;
  return `${n}th`;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function formatToken(dt: PyDateTime, token: string): string {
  if (!dt.timeKnown && (TIME_TOKENS.has(token) || token.startsWith('S'))) return WILDCARD;
  if (token in DATE_FORMATS) return pendulumFormat(dt, DATE_FORMATS[token]);
  switch (token) {
    case 'MMM':
      return MONTHS[dt.month - 1].slice(0, 3);
    case 'MMMM':
      return MONTHS[dt.month - 1];
    case 'dd':
      return DAYS_SHORT[dt.dayOfWeek];
    case 'ddd':
      return DAYS[dt.dayOfWeek].slice(0, 3);
    case 'dddd':
      return DAYS[dt.dayOfWeek];
    case 'Do':
      return ordinalize(dt.day);
    case 'do':
      return ordinalize(dt.dayOfWeek);
    case 'Mo':
      return ordinalize(dt.month);
    case 'Qo':
      return ordinalize(dt.quarter);
    case 'wo':
      return ordinalize(dt.isoCalendar[1]);
    case 'DDDo':
      return ordinalize(dt.dayOfYear);
    case 'A':
      return dt.hour >= 12 ? 'PM' : 'AM';
    case 'a':
    case 'Wo':
      return token;
    case 'YYYY':
    case 'Y':
      return String(dt.year);
    case 'YY':
      return String(dt.year).slice(2);
    case 'Q':
      return String(dt.quarter);
    case 'MM':
      return pad(dt.month, 2);
    case 'M':
      return String(dt.month);
    case 'DD':
      return pad(dt.day, 2);
    case 'D':
      return String(dt.day);
    case 'DDDD':
      return pad(dt.dayOfYear, 3);
    case 'DDD':
      return String(dt.dayOfYear);
    case 'd':
      return String(dt.dayOfWeek);
    case 'E':
      return String(dt.isoWeekday);
    case 'HH':
      return pad(dt.hour, 2);
    case 'H':
      return String(dt.hour);
    case 'hh':
      return pad(dt.hour % 12 || 12, 2);
    case 'h':
      return String(dt.hour % 12 || 12);
    case 'mm':
      return pad(dt.minute, 2);
    case 'm':
      return String(dt.minute);
    case 'ss':
      return pad(dt.second, 2);
    case 's':
      return String(dt.second);
    case 'S':
      return String(Math.floor(dt.microsecond / 100000));
    case 'SS':
      return pad(Math.floor(dt.microsecond / 10000), 2);
    case 'SSS':
      return pad(Math.floor(dt.microsecond / 1000), 3);
    case 'SSSS':
      return pad(Math.floor(dt.microsecond / 100), 4);
    case 'SSSSS':
      return pad(Math.floor(dt.microsecond / 10), 5);
    case 'SSSSSS':
      return pad(dt.microsecond, 6);
    case 'X':
      return String(dt.epochSeconds);
    case 'x':
      return String(BigInt(dt.epochSeconds) * 1000n + BigInt(Math.floor(dt.microsecond / 1000)));
    case 'zz':
    case 'z':
      return dt.tzName;
    case 'ZZ':
      return formatOffset(dt.offsetSeconds - (dt.offsetSeconds % 60), '');
    case 'Z':
      return formatOffset(dt.offsetSeconds - (dt.offsetSeconds % 60), ':');
    default:
      return '';
  }
}

export function pendulumFormat(dt: PyDateTime, fmt: string): string {
  return fmt.replace(
    TOKENS,
    (_m, bracket: string | undefined, escaped: string | undefined, token: string) => {
      if (bracket) return bracket;
      if (escaped) return escaped;
      if (token === undefined) return '';
      return formatToken(dt, token);
    },
  );
}
