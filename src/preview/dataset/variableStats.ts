// Statistics of a whole variable (min/max/mean/NaN count), read chunk by chunk: one block of the
// variable's own chunk grid is in memory at a time, so memory stays flat whatever the size, and
// progress is reported after every block so a caller can draw a bar and cancel between blocks.

import type { DecodePlan } from '../cf/decodePlan';
import { decodeValues } from '../cf/decodeValues';
import { RequestError } from '../errors';
import type { DecodedDataset } from './decodedDataset';
import { product, type RawData } from './rawDataset';

export interface VariableStats {
  variable: string;
  dtype: string;
  /** Values read so far (missing ones included). */
  count: number;
  /** NaN (or missing) values, as `isnull().sum()`. */
  nanCount: number;
  /** Over non-missing values; ISO text for times (lexical order is chronological). */
  min: number | string | null;
  max: number | string | null;
  /** Over finite numbers; null for strings/times or when there are none. */
  mean: number | null;
  /** Blocks of the chunk grid read so far, and how many the variable has. */
  blocksDone: number;
  blocksTotal: number;
  /** Every block has been read. */
  done: boolean;
}

export interface StatsStreamOptions {
  signal?: AbortSignal;
  /** Called after each block with the statistics so far (`done` on the last). */
  onProgress?: (partial: VariableStats) => void;
  /** Block size when the variable is not chunked (contiguous netCDF): at most this many values. */
  maxBlockValues?: number;
  /**
   * Worker threads for a local variable (each folds an interleaved share of the blocks). Default:
   * up to 4 (the CPUs) for a variable of at least 16 Mi values in 8 blocks, else 1 (this thread).
   */
  threads?: number;
}

/** A chunk shape to walk: the stored chunks, or leading-dimension slabs of a contiguous variable. */
export function blockShape(shape: number[], chunks: number[] | null, maxValues: number): number[] {
  if (chunks && chunks.length === shape.length && chunks.every((c) => c > 0))
    return chunks.map((c, i) => Math.min(c, Math.max(1, shape[i])));
  const out = shape.map((s) => Math.max(1, s));
  // Shrink leading dimensions first: a slab of whole trailing rows is one contiguous read.
  for (let d = 0; d < out.length && product(out) > maxValues; d++) {
    const rest = product(out.slice(d + 1));
    out[d] = Math.max(1, Math.floor(maxValues / rest));
  }
  return out;
}

/** Every block of the grid as [start, stop) per dimension, in C order. */
export function* blockRanges(shape: number[], block: number[]): Generator<Array<[number, number]>> {
  if (shape.some((s) => s === 0)) return;
  const counts = shape.map((s, i) => Math.ceil(s / block[i]));
  const idx = shape.map(() => 0);
  const total = product(counts);
  for (let k = 0; k < total; k++) {
    yield idx.map((j, d) => [j * block[d], Math.min(shape[d], (j + 1) * block[d])] as [number, number]);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < counts[d]) break;
      idx[d] = 0;
    }
  }
}

/** Running statistics of some blocks (merged across threads with mergeAcc). */
export interface Acc {
  count: number;
  nan: number;
  n: number;
  sum: number;
  min: number | string | null;
  max: number | string | null;
}

/** Plain numbers on disk with nothing to decode: reduce the typed array itself (the hot path). */
function plainNumeric(plan: DecodePlan): boolean {
  const k = plan.raw.storage.kind;
  const wide = (k === 'int' || k === 'uint') && plan.raw.storage.bytes === 8;
  return (
    (k === 'float' || k === 'int' || k === 'uint') &&
    !wide &&
    plan.reinterpret === null &&
    plan.scale === null &&
    plan.offset === null &&
    !plan.time &&
    !plan.timedelta &&
    !plan.bool &&
    plan.rawTimeUnit === null
  );
}

interface Fold {
  nan: number;
  n: number;
  sum: number;
  lo: number;
  hi: number;
}

/**
 * The loop over one typed array. It is written once per array type (see reduceTyped): V8 then
 * sees one element kind per call site, several times faster than a polymorphic ArrayLike loop.
 * Four partial sums (added together at the end) let the additions overlap instead of each waiting
 * for the one before: the sum is still float64 over every value, only grouped differently.
 */
function foldF32(a: Float32Array, f: Fold): void {
  let { nan, n, lo, hi } = f;
  let s0 = f.sum;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (const end = a.length - 3; i < end; i += 4) {
    const x0 = a[i];
    const x1 = a[i + 1];
    const x2 = a[i + 2];
    const x3 = a[i + 3];
    // Four numbers at once on the common path (no NaN among them).
    if (!(Number.isNaN(x0) || Number.isNaN(x1) || Number.isNaN(x2) || Number.isNaN(x3))) {
      s0 += x0;
      s1 += x1;
      s2 += x2;
      s3 += x3;
      if (x0 < lo) lo = x0;
      if (x1 < lo) lo = x1;
      if (x2 < lo) lo = x2;
      if (x3 < lo) lo = x3;
      if (x0 > hi) hi = x0;
      if (x1 > hi) hi = x1;
      if (x2 > hi) hi = x2;
      if (x3 > hi) hi = x3;
      n += 4;
      continue;
    }
    for (let j = i; j < i + 4; j++) {
      const x = a[j];
      if (Number.isNaN(x)) nan++;
      else {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        s0 += x;
        n++;
      }
    }
  }
  for (; i < a.length; i++) {
    const x = a[i];
    if (Number.isNaN(x)) nan++;
    else {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      s0 += x;
      n++;
    }
  }
  f.nan = nan;
  f.n = n;
  f.sum = s0 + s1 + (s2 + s3);
  f.lo = lo;
  f.hi = hi;
}

function foldF64(a: Float64Array, f: Fold): void {
  let { nan, n, sum, lo, hi } = f;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (Number.isNaN(x)) {
      nan++;
      continue;
    }
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    sum += x;
    n++;
  }
  Object.assign(f, { nan, n, sum, lo, hi });
}

function foldAny(a: ArrayLike<number>, f: Fold, fills: Set<number>): void {
  let { nan, n, sum, lo, hi } = f;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (Number.isNaN(x) || fills.has(x)) {
      nan++;
      continue;
    }
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    sum += x;
    n++;
  }
  Object.assign(f, { nan, n, sum, lo, hi });
}

function reduceTyped(acc: Acc, data: ArrayLike<number>, fills: Set<number>): void {
  const f: Fold = {
    nan: acc.nan,
    n: acc.n,
    sum: acc.sum,
    lo: typeof acc.min === 'number' ? acc.min : Number.POSITIVE_INFINITY,
    hi: typeof acc.max === 'number' ? acc.max : Number.NEGATIVE_INFINITY,
  };
  if (fills.size === 0 && data instanceof Float32Array) foldF32(data, f);
  else if (fills.size === 0 && data instanceof Float64Array) foldF64(data, f);
  else foldAny(data, f, fills);
  acc.count += data.length;
  acc.nan = f.nan;
  acc.n = f.n;
  acc.sum = f.sum;
  if (f.lo <= f.hi) {
    acc.min = f.lo;
    acc.max = f.hi;
  }
}

function reduceValues(acc: Acc, values: ArrayLike<unknown>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    acc.count++;
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      acc.nan++;
      continue;
    }
    const x = typeof v === 'boolean' ? Number(v) : v;
    if (typeof x === 'number') {
      if (acc.min === null || (typeof acc.min === 'number' && x < acc.min)) acc.min = x;
      if (acc.max === null || (typeof acc.max === 'number' && x > acc.max)) acc.max = x;
      acc.sum += x;
      acc.n++;
    } else if (typeof x === 'string') {
      if (acc.min === null || (typeof acc.min === 'string' && x < acc.min)) acc.min = x;
      if (acc.max === null || (typeof acc.max === 'string' && x > acc.max)) acc.max = x;
    }
  }
}

export function snapshot(
  plan: DecodePlan,
  name: string,
  acc: Acc,
  done: number,
  total: number,
): VariableStats {
  const mean = acc.n > 0 && Number.isFinite(acc.sum) ? acc.sum / acc.n : acc.n > 0 ? acc.sum : null;
  return {
    variable: name,
    dtype: plan.dtype,
    count: acc.count,
    nanCount: acc.nan,
    min: acc.min,
    max: acc.max,
    mean,
    blocksDone: done,
    blocksTotal: total,
    done: done === total,
  };
}

/** The plan of a variable the statistics can read, and its block grid. */
export function statsPlan(ds: DecodedDataset, variable: string, maxBlockValues = 4_194_304) {
  const plan = ds.plans.get(variable);
  if (!plan) throw new RequestError(`no variable '${variable}' in this dataset`);
  if (plan.raw.storage.kind === 'other')
    throw new RequestError(`'${variable}' has a data type the preview cannot read`);
  const block = blockShape(plan.shape, plan.chunks, maxBlockValues);
  const total = plan.shape.some((s) => s === 0)
    ? 0
    : product(plan.shape.map((s, i) => Math.ceil(s / block[i])));
  return { plan, block, total };
}

export const emptyAcc = (): Acc => ({ count: 0, nan: 0, n: 0, sum: 0, min: null, max: null });

/** a + b (b's blocks after a's): counts and sums add, extremes combine. */
export function mergeAcc(a: Acc, b: Acc): Acc {
  const pick = (x: Acc['min'], y: Acc['min'], lower: boolean): Acc['min'] => {
    if (x === null) return y;
    if (y === null || typeof x !== typeof y) return x;
    return (lower ? y < x : y > x) ? y : x;
  };
  return {
    count: a.count + b.count,
    nan: a.nan + b.nan,
    n: a.n + b.n,
    sum: a.sum + b.sum,
    min: pick(a.min, b.min, true),
    max: pick(a.max, b.max, false),
  };
}

/**
 * Folds the blocks of the grid whose index (C order) `take` accepts into `acc`, calling `onBlock`
 * after each; throws an AbortError-named RequestError when `signal` aborts between blocks.
 */
export async function foldBlocks(
  ds: DecodedDataset,
  variable: string,
  acc: Acc,
  take: (index: number) => boolean,
  opts: { signal?: AbortSignal; maxBlockValues?: number; onBlock?: () => void } = {},
): Promise<void> {
  const { plan, block } = statsPlan(ds, variable, opts.maxBlockValues);
  const fast = plainNumeric(plan);
  const fills = new Set(plan.fills.map(Number).filter((f) => !Number.isNaN(f)));
  let index = -1;
  for (const ranges of blockRanges(plan.shape, block)) {
    if (!take(++index)) continue;
    if (opts.signal?.aborted) throw abortError(variable);
    const r = [...ranges];
    if (plan.stackChars) r.push([0, plan.raw.shape[plan.raw.shape.length - 1]]);
    const raw = await ds.raw.read(plan.raw, r);
    if (fast)
      reduceTyped(acc, raw.data as Exclude<RawData, Array<string | null>> as ArrayLike<number>, fills);
    else reduceValues(acc, decodeValues(plan, raw));
    opts.onBlock?.();
  }
}

/**
 * Reads `variable` block by block along its chunk grid and folds each block into running
 * statistics; throws an AbortError-named RequestError when `signal` aborts between blocks.
 */
export async function streamVariableStats(
  ds: DecodedDataset,
  variable: string,
  opts: StatsStreamOptions = {},
): Promise<VariableStats> {
  const { plan, total } = statsPlan(ds, variable, opts.maxBlockValues);
  const acc = emptyAcc();
  let done = 0;
  await foldBlocks(ds, variable, acc, () => true, {
    ...opts,
    onBlock: () => {
      done++;
      opts.onProgress?.(snapshot(plan, variable, acc, done, total));
    },
  });
  const out = snapshot(plan, variable, acc, done, total);
  if (total === 0) opts.onProgress?.(out);
  return out;
}

export function abortError(variable: string): RequestError {
  const e = new RequestError(`statistics of '${variable}' cancelled`);
  e.name = 'AbortError';
  return e;
}
