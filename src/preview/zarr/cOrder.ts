// zarrita returns Fortran-ordered arrays with their own strides; the preview model is C order.

import { cStrides } from '../dataset/blockRuns';
import type { RawData } from '../dataset/rawDataset';

/** Copies `data` (laid out with `stride`, `width` units per element) into C order. */
export function toCOrder(data: RawData, shape: number[], stride: number[], width = 1): RawData {
  const c = cStrides(shape);
  if (shape.length <= 1 || stride.every((s, i) => s === c[i] || shape[i] <= 1)) return data;
  const n = shape.reduce((a, b) => a * b, 1);
  const ctor = (data as unknown as { constructor: new (n: number) => RawData }).constructor;
  const out = (Array.isArray(data) ? new Array(n * width) : new ctor(n * width)) as unknown as {
    [i: number]: unknown;
  };
  const src = data as unknown as { [i: number]: unknown };
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += idx[d] * stride[d];
    for (let w = 0; w < width; w++) out[i * width + w] = src[off * width + w];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out as unknown as RawData;
}
