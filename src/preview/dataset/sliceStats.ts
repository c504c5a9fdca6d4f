// Statistics of a slice for the panel's legend: min/max/mean over finite numbers, and how many
// values are missing (NaN or null). Times (ISO text) get lexical min/max, which is chronological.

import type { Value } from '../model';

export interface SliceStats {
  count: number;
  nanCount: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
}

export function sliceStats(values: ArrayLike<Value | undefined>): SliceStats {
  let nan = 0;
  let n = 0;
  let sum = 0;
  let min: number | string | null = null;
  let max: number | string | null = null;
  let numeric = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      nan++;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        n++;
        if (v > 0) max = typeof max === 'number' || max === null ? v : max;
        else min = typeof min === 'number' || min === null ? v : min;
        continue;
      }
      numeric++;
      sum += v;
      if (min === null || (typeof min === 'number' && v < min)) min = v;
      if (max === null || (typeof max === 'number' && v > max)) max = v;
    } else if (typeof v === 'string') {
      if (min === null || (typeof min === 'string' && v < min)) min = v;
      if (max === null || (typeof max === 'string' && v > max)) max = v;
    } else if (typeof v === 'boolean') {
      numeric++;
      sum += v ? 1 : 0;
    }
    n++;
  }
  return { count: n + nan, nanCount: nan, min, max, mean: numeric > 0 ? sum / numeric : null };
}
