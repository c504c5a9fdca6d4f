// LZ4 block format decoder (the raw blocks Blosc stores; no frame header).

export function lz4DecodeBlock(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart = 0,
): number {
  let s = start;
  let d = dstStart;
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
      if (lit < 32) for (let i = 0; i < lit; i++) dst[d + i] = src[s + i];
      else dst.set(src.subarray(s, s + lit), d);
      s += lit;
      d += lit;
    }
    if (s >= end) break;
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || offset > d - dstStart) throw new Error('corrupt LZ4 block: bad match offset');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        b = src[s++];
        len += b;
      } while (b === 255 && s < end);
    }
    len += 4;
    const m = d - offset;
    if (offset >= len) dst.copyWithin(d, m, m + len);
    else for (let i = 0; i < len; i++) dst[d + i] = dst[m + i];
    d += len;
  }
  return d - dstStart;
}
