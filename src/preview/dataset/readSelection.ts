// readValues on a decoded dataset: resolves an isel-like selection, refuses big ones, reads only
// the hyper-rectangle needed and decodes it.

import type { DecodePlan } from '../cf/decodePlan';
import { decodeValues } from '../cf/decodeValues';
import { RequestError } from '../errors';
import { MAX_SELECTION_CHUNKS, MAX_SELECTION_VALUES } from '../limits';
import type { Selection, ValuesResult } from '../model';
import type { DecodedDataset } from './decodedDataset';

export interface ResolvedSelection {
  ranges: Array<[number, number]>;
  /** Dimensions kept (an integer drops its dimension, as isel does). */
  dims: string[];
  shape: number[];
  count: number;
}

function normIndex(i: number, len: number, dim: string): number {
  if (!Number.isInteger(i)) throw new RequestError(`index for '${dim}' must be an integer, got ${i}`);
  const j = i < 0 ? i + len : i;
  if (j < 0 || j >= len) throw new RequestError(`index ${i} is out of bounds for '${dim}' (size ${len})`);
  return j;
}

/** Python slice semantics for [start, stop): negatives count from the end, out-of-range clamps. */
function normRange(start: number, stop: number, len: number, dim: string): [number, number] {
  if (!Number.isInteger(start) || !Number.isInteger(stop)) {
    throw new RequestError(`range for '${dim}' must be two integers, got [${start}, ${stop}]`);
  }
  const clamp = (x: number): number => Math.min(len, Math.max(0, x < 0 ? x + len : x));
  const a = clamp(start);
  const b = clamp(stop);
  return [a, Math.max(a, b)];
}

export function resolveSelection(
  variable: string,
  dims: string[],
  shape: number[],
  selection: Selection | undefined,
  limit = MAX_SELECTION_VALUES,
): ResolvedSelection {
  const sel = selection ?? {};
  for (const k of Object.keys(sel)) {
    if (!dims.includes(k)) {
      throw new RequestError(
        `'${variable}' has no dimension '${k}' (dimensions: ${dims.join(', ') || 'none'})`,
      );
    }
  }
  const ranges: Array<[number, number]> = [];
  const keptDims: string[] = [];
  const keptShape: number[] = [];
  dims.forEach((d, i) => {
    const s = sel[d];
    const len = shape[i];
    if (s === undefined || s === null) {
      ranges.push([0, len]);
      keptDims.push(d);
      keptShape.push(len);
    } else if (typeof s === 'number') {
      const j = normIndex(s, len, d);
      ranges.push([j, j + 1]);
    } else if (Array.isArray(s) && s.length === 2) {
      const r = normRange(s[0], s[1], len, d);
      ranges.push(r);
      keptDims.push(d);
      keptShape.push(r[1] - r[0]);
    } else {
      throw new RequestError(
        `selection for '${d}' must be an index or [start, stop], got ${JSON.stringify(s)}`,
      );
    }
  });
  const count = ranges.reduce((a, [s, e]) => a * (e - s), 1);
  if (count > limit) {
    const big = keptDims.map((d, i) => `${d}=${keptShape[i]}`).join(', ');
    throw new RequestError(
      `selection of '${variable}' has ${count.toLocaleString('en-US')} values, over the preview limit of ` +
        `${limit.toLocaleString('en-US')}; pick an index or a smaller range along some of: ${big}`,
    );
  }
  return { ranges, dims: keptDims, shape: keptShape, count };
}

/** Chunks of the grid `chunks` that `ranges` touch (1 for a contiguous variable). */
export function chunksTouched(chunks: number[] | null, ranges: Array<[number, number]>): number {
  if (!chunks) return 1;
  let n = 1;
  ranges.forEach(([a, b], d) => {
    const c = Math.max(1, chunks[d] ?? 1);
    n *= b > a ? Math.floor((b - 1) / c) - Math.floor(a / c) + 1 : 0;
  });
  return n;
}

/** Refuses a selection over more chunks than a preview call opens, before any is opened. */
export function checkChunkCount(
  variable: string,
  chunks: number[] | null,
  ranges: Array<[number, number]>,
): void {
  const n = chunksTouched(chunks, ranges);
  if (n > MAX_SELECTION_CHUNKS)
    throw new RequestError(
      `selection of '${variable}' spans ${n.toLocaleString('en-US')} chunks (chunk shape ` +
        `${(chunks ?? []).join('x')}), over the preview limit of ${MAX_SELECTION_CHUNKS.toLocaleString('en-US')}` +
        ' chunks per call; pick an index or a smaller range',
    );
}

export async function readDecoded(
  ds: DecodedDataset,
  variable: string,
  selection: Selection | undefined,
): Promise<ValuesResult> {
  const plan: DecodePlan | undefined = ds.plans.get(variable);
  if (!plan) {
    const names = [...ds.plans.keys()].join(', ');
    throw new RequestError(`no variable '${variable}' in this dataset (variables: ${names})`);
  }
  const sel = resolveSelection(variable, plan.dims, plan.shape, selection);
  const ranges = [...sel.ranges];
  if (plan.stackChars) ranges.push([0, plan.raw.shape[plan.raw.shape.length - 1]]);
  if (sel.count === 0) return { dims: sel.dims, shape: sel.shape, values: [] };
  checkChunkCount(variable, plan.raw.chunks, ranges);
  const raw = await ds.raw.read(plan.raw, ranges);
  return { dims: sel.dims, shape: sel.shape, values: decodeValues(plan, raw) };
}
