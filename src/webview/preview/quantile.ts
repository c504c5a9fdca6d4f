// Percentiles in linear time: the colour range of a map needs two order statistics of a slice
// (the 2nd and 98th percentiles), and sorting a 512x512 slice cost more than painting it. An
// introselect (quickselect with median-of-three pivots, falling back to a sort of the remaining
// part when the pivots keep being poor) finds them; the interpolation is numpy's, bit for bit.

/** Sort a[lo..hi] (inclusive) by insertion: the last few elements of a selection. */
function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

function median3(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : Math.max(a, c);
  return a < c ? a : Math.max(b, c);
}

/**
 * Rearrange a[lo..hi] (no NaN) so that a[k] is the value a sort would put there, everything
 * before it is <= a[k] and everything after it >= a[k]. Linear on average; a bounded number of
 * poor pivots before it sorts what is left, so never worse than n log n.
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (hi - lo < 24) {
      insertionSort(a, lo, hi);
      return;
    }
    if (--budget < 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const p = median3(a[lo], a[(lo + hi) >>> 1], a[hi]);
    let i = lo;
    let j = hi;
    // Hoare's scheme: both scans stop on values equal to the pivot, so runs of equal values
    // (a field of zeros, a land mask) split evenly instead of making the selection quadratic.
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // a[j+1..i-1] all equal p, and k is among them
  }
}

/** Smallest of a[lo..hi]. */
function minOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo];
  for (let i = lo + 1; i <= hi; i++) if (a[i] < m) m = a[i];
  return m;
}

/**
 * The values of ranks k and k + 1 (k + 1 clipped to the end). Large arrays first try a bracket:
 * a sorted random sample gives bounds that almost surely hold both ranks, one pass counts what is
 * below and gathers what is between, and only that small part is sorted. One tight pass over the
 * data is what a single cold call (the first paint) runs fastest; when the bracket misses (bad
 * luck or an adversarial order) an introselect on the whole array answers instead.
 */
function ranks(xs: Float64Array, k: number, from: number): [a: number, b: number, partitioned: boolean] {
  const n = xs.length;
  const k1 = Math.min(n - 1, k + 1);
  if (n - from >= 20_000) {
    const hit = bracketed(xs, k, k1);
    if (hit) return [hit[0], hit[1], false];
  }
  selectInPlace(xs, k, from, n - 1);
  // After the selection everything past k is >= xs[k]: the next order statistic is their minimum.
  return [xs[k], k1 > k ? minOf(xs, k + 1, n - 1) : xs[k], true];
}

const SAMPLE = 4096;

function bracketed(xs: Float64Array, k: number, k1: number): [number, number] | null {
  const n = xs.length;
  const sample = new Float64Array(SAMPLE);
  let seed = 0x9e3779b9;
  for (let i = 0; i < SAMPLE; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    sample[i] = xs[Math.floor((seed / 2 ** 32) * n)];
  }
  sample.sort();
  // Six standard deviations of the sample's rank either side of the expected one.
  const p = k / n;
  const margin = Math.ceil(6 * Math.sqrt(SAMPLE * p * (1 - p))) + 2;
  const at = (k / n) * SAMPLE;
  const lo = sample[Math.max(0, Math.floor(at) - margin)];
  const hi = sample[Math.min(SAMPLE - 1, Math.ceil(at) + margin)];
  let below = 0;
  let m = 0;
  const inside = new Float64Array(Math.min(n, 4 * margin * Math.ceil(n / SAMPLE) + 64));
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x < lo) below++;
    else if (x <= hi) {
      if (m === inside.length) return null;
      inside[m++] = x;
    }
  }
  if (below > k || below + m <= k1) return null;
  const part = inside.subarray(0, m).sort();
  return [part[k - below], part[k1 - below]];
}

/**
 * numpy.percentile(xs, q) for each q with its default ('linear') method, for finite xs (which
 * may be reordered); qs ascending, in [0, 100]. numpy interpolates as a + (b - a) * g below
 * g = 0.5 and b - (b - a) * (1 - g) from it, which is repeated here. With float32 data and a
 * Python float q (as xarray's robust=True calls it) numpy 2 does all of it in float32: `float32`
 * repeats that, rounding after each operation as float32 arithmetic does.
 */
export function percentiles(xs: Float64Array, qs: readonly number[], float32 = false): number[] {
  const n = xs.length;
  const r = float32 ? Math.fround : (x: number) => x;
  const out: number[] = [];
  let from = 0;
  for (const q of qs) {
    const pos = r(r(n - 1) * r(q / 100));
    const i = Math.min(n - 1, Math.floor(pos));
    const g = r(pos - i);
    const [a, b, partitioned] = ranks(xs, i, from);
    const d = r(b - a);
    out.push(g >= 0.5 ? r(b - r(d * r(1 - g))) : r(a + r(d * g)));
    // A selection left everything from i on >= xs[i]: the next (larger) rank is found there.
    if (partitioned) from = i;
  }
  return out;
}
