// Time values on plot axes.
import type { Value } from '../../preview/model';

/** Epoch milliseconds of an ISO date, or null (e.g. "2001-02-30" in a 360_day calendar). */
export function isoToMs(v: Value): number | null {
  if (typeof v !== 'string' || !/^-?\d{4,}-\d\d-\d\d/.test(v)) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.length === 10 ? `${v}T00:00:00` : v}Z`);
  return Number.isNaN(ms) ? null : ms;
}
