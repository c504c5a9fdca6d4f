// Which parts of a stored block (a zarr chunk, an HDF5 chunk) land where in a selection: the
// block's contiguous runs along its last dimension, as element offsets in the block and in the
// C-order output. Shared by the chunk readers so they only differ in how blocks are decoded.

export function cStrides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

export interface Run {
  /** element offset in the source block, element offset in the output, elements */
  src: number;
  dst: number;
  n: number;
}

/** Runs of the part of block [origin, origin+blockShape) that lies in the selection. */
export function blockRuns(
  blockShape: number[],
  origin: number[],
  ranges: Array<[number, number]>,
  outStrides: number[],
): Run[] {
  const nd = blockShape.length;
  if (nd === 0) return [{ src: 0, dst: 0, n: 1 }];
  const bs = cStrides(blockShape);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < nd; d++) {
    lo.push(Math.max(ranges[d][0], origin[d]) - origin[d]);
    hi.push(Math.min(ranges[d][1], origin[d] + blockShape[d]) - origin[d]);
  }
  const runs: Run[] = [];
  const last = nd - 1;
  const n = hi[last] - lo[last];
  const idx = lo.slice(0, last);
  for (;;) {
    let src = lo[last];
    let dst = origin[last] + lo[last] - ranges[last][0];
    for (let d = 0; d < last; d++) {
      src += idx[d] * bs[d];
      dst += (origin[d] + idx[d] - ranges[d][0]) * outStrides[d];
    }
    const prev = runs[runs.length - 1];
    if (prev && prev.src + prev.n === src && prev.dst + prev.n === dst) prev.n += n;
    else runs.push({ src, dst, n });
    let d = last - 1;
    while (d >= 0) {
      if (++idx[d] < hi[d]) break;
      idx[d] = lo[d];
      d--;
    }
    if (d < 0) break;
  }
  return runs;
}

/**
 * Calls visit with the grid index of every block of shape `blockShape` that the selection
 * touches, in C order. The index array is reused between calls: copy it to keep it.
 */
export function forEachBlock(
  blockShape: number[],
  ranges: Array<[number, number]>,
  visit: (index: number[]) => void,
): void {
  const lo = ranges.map(([a], d) => Math.floor(a / blockShape[d]));
  const hi = ranges.map(([, b], d) => Math.floor((b - 1) / blockShape[d]));
  const c = [...lo];
  for (;;) {
    visit(c);
    let d = c.length - 1;
    while (d >= 0) {
      if (++c[d] <= hi[d]) break;
      c[d] = lo[d];
      d--;
    }
    if (d < 0) break;
  }
}
