// Min, max, mean and missing count of a slice, as shown beside the plot.
import type { Value } from '../../preview/model';

export interface SliceStats {
  count: number;
  numeric: number;
  nan: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}

export function sliceStats(values: Value[]): SliceStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let numeric = 0;
  let nan = 0;
  for (const v of values) {
    if (v === null) nan++;
    else if (typeof v === 'number') {
      numeric++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (typeof v === 'boolean') {
      numeric++;
      sum += v ? 1 : 0;
      min = Math.min(min, v ? 1 : 0);
      max = Math.max(max, v ? 1 : 0);
    }
  }
  return {
    count: values.length,
    numeric,
    nan,
    min: numeric ? min : null,
    max: numeric ? max : null,
    mean: numeric ? sum / numeric : null,
  };
}

/** Epoch milliseconds of an ISO date, or null (e.g. "2001-02-30" in a 360_day calendar). */
export function isoToMs(v: Value): number | null {
  if (typeof v !== 'string' || !/^-?\d{4,}-\d\d-\d\d/.test(v)) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.length === 10 ? `${v}T00:00:00` : v}Z`);
  return Number.isNaN(ms) ? null : ms;
}
