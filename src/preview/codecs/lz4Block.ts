// LZ4 block format decoder (the raw blocks Blosc stores; no frame header), on typed arrays with no
// allocation: short copies are byte loops (a copyWithin/set call costs more than ~32 byte moves),
// long ones are native copies, and overlapping matches (runs, repeated patterns) are copied by
// doubling the already-written pattern rather than byte by byte.

const SHORT = 32;

/** Copies a match of `len` bytes from `offset` bytes back; returns the new write position. */
function copyMatch(dst: Uint8Array, d: number, offset: number, len: number): number {
  const m = d - offset;
  const e = d + len;
  if (len <= SHORT) {
    for (let i = 0; i < len; i++) dst[d + i] = dst[m + i];
    return e;
  }
  if (offset === 1) {
    dst.fill(dst[m], d, e);
    return e;
  }
  // [m, d) repeats with period `offset`; copying from m to a multiple of the period keeps it, and
  // each copy doubles the distance, so a long overlapping match takes log2(len/offset) copies.
  let w = d;
  while (w < e) {
    const k = Math.min(e - w, w - m);
    dst.copyWithin(w, m, m + k);
    w += k;
  }
  return e;
}

/**
 * Decodes src[start, end) into dst from dstStart; returns the number of bytes written. With
 * `limit`, stops after the sequence that reaches dstStart + limit (a caller that needs only a
 * prefix of the block, e.g. one element of a byte-shuffled plane, skips the rest). `history`:
 * bytes before dstStart that matches may reach (the previous blocks of a linked LZ4 frame).
 */
export function lz4DecodeBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart = 0,
  limit = Number.POSITIVE_INFINITY,
  history = 0,
): number {
  let s = start;
  let d = dstStart;
  const stop = dstStart + limit;
  while (s < end) {
    const token = src[s++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        b = src[s++];
        lit += b;
      } while (b === 255 && s < end);
    }
    if (lit > 0) {
      if (lit <= SHORT) for (let i = 0; i < lit; i++) dst[d + i] = src[s + i];
      else dst.set(src.subarray(s, s + lit), d);
      s += lit;
      d += lit;
    }
    if (s >= end || d >= stop) break;
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > d - dstStart + history)
      throw new Error('corrupt LZ4 block: bad match offset');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        b = src[s++];
        len += b;
      } while (b === 255 && s < end);
    }
    if (d + len + 4 > dst.length) throw new Error('corrupt LZ4 block: match past the end of the output');
    d = copyMatch(dst, d, offset, len + 4);
    if (d >= stop) break;
  }
  return d - dstStart;
}
