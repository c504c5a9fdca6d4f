// Which variables hold decoded times, and in which CF calendar.
import type { Calendar } from '../../preview/cf/calendars';
import { calendarOf } from '../../preview/cf/calendarTime';
import type { Variable } from '../../preview/model';

/** The calendar of a variable holding decoded times (cftime or datetime64), else null. */
export function timeCalendar(v: Variable | undefined): Calendar | null {
  if (!v) return null;
  if (v.calendar) return calendarOf(v.calendar);
  return v.dtype.startsWith('datetime64') ? 'proleptic_gregorian' : null;
}
