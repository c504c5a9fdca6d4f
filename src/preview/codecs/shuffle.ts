// Byte shuffle (Blosc and HDF5 H5Z_SHUFFLE use the same layout): byte j of element i is stored at
// j * n + i; bytes past the last whole element are left as they are.

/** Typed-array words are host-endian: the word-at-a-time paths below assume little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function unshuffleBytes(src: Uint8Array, typesize: number): Uint8Array {
  const n = Math.floor(src.length / typesize);
  const out = new Uint8Array(src.length);
  unshuffleRange(src, typesize, n, 0, n, out, 0);
  const rest = n * typesize;
  if (rest < src.length) out.set(src.subarray(rest), rest);
  return out;
}

/**
 * float32/int32 with every plane and the output 4-byte aligned: four elements at a time, one
 * 32-bit load per plane, a 4x4 byte transpose in registers and four 32-bit stores (several times
 * fewer memory operations than byte moves; a statistics pass spends much of its time here).
 */
function unshuffle4Words(
  src: Uint8Array,
  n: number,
  first: number,
  quads: number,
  out: Uint8Array,
  at: number,
) {
  const p = new Uint32Array(src.buffer, src.byteOffset, src.byteLength >>> 2);
  const w = new Uint32Array(out.buffer, out.byteOffset + at, quads * 4);
  const q = n >>> 2;
  const f = first >>> 2;
  for (let i = 0; i < quads; i++) {
    const a = p[f + i];
    const b = p[q + f + i];
    const c = p[2 * q + f + i];
    const d = p[3 * q + f + i];
    // Interleave bytes of a/b and of c/d, then 16-bit halves: element k gets byte k of each plane.
    const ab02 = (a & 0x00ff00ff) | ((b & 0x00ff00ff) << 8);
    const ab13 = ((a >>> 8) & 0x00ff00ff) | (b & 0xff00ff00);
    const cd02 = (c & 0x00ff00ff) | ((d & 0x00ff00ff) << 8);
    const cd13 = ((c >>> 8) & 0x00ff00ff) | (d & 0xff00ff00);
    w[4 * i] = (ab02 & 0xffff) | (cd02 << 16);
    w[4 * i + 1] = (ab13 & 0xffff) | (cd13 << 16);
    w[4 * i + 2] = (ab02 >>> 16) | (cd02 & 0xffff0000);
    w[4 * i + 3] = (ab13 >>> 16) | (cd13 & 0xffff0000);
  }
}

/** float32/int32: one 32-bit store per element instead of four byte stores where aligned. */
function unshuffle4(src: Uint8Array, n: number, first: number, count: number, out: Uint8Array, at: number) {
  const outAligned = LITTLE_ENDIAN && (out.byteOffset + at) % 4 === 0;
  if (outAligned && src.byteOffset % 4 === 0 && n % 4 === 0 && first % 4 === 0 && count >= 4) {
    const quads = count >>> 2;
    unshuffle4Words(src, n, first, quads, out, at);
    const done = quads * 4;
    unshuffle4(src, n, first + done, count - done, out, at + done * 4);
    return;
  }
  const b1 = n + first;
  const b2 = 2 * n + first;
  const b3 = 3 * n + first;
  if (outAligned) {
    const w = new Uint32Array(out.buffer, out.byteOffset + at, count);
    for (let i = 0; i < count; i++)
      w[i] = src[first + i] | (src[b1 + i] << 8) | (src[b2 + i] << 16) | (src[b3 + i] << 24);
    return;
  }
  for (let i = 0, o = at; i < count; i++, o += 4) {
    out[o] = src[first + i];
    out[o + 1] = src[b1 + i];
    out[o + 2] = src[b2 + i];
    out[o + 3] = src[b3 + i];
  }
}

/** float64/int64: two 32-bit stores per element. */
function unshuffle8(src: Uint8Array, n: number, first: number, count: number, out: Uint8Array, at: number) {
  const w = new Uint32Array(out.buffer, out.byteOffset + at, 2 * count);
  const b = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => j * n + first);
  const [b0, b1, b2, b3, b4, b5, b6, b7] = b;
  for (let i = 0; i < count; i++) {
    w[2 * i] = src[b0 + i] | (src[b1 + i] << 8) | (src[b2 + i] << 16) | (src[b3 + i] << 24);
    w[2 * i + 1] = src[b4 + i] | (src[b5 + i] << 8) | (src[b6 + i] << 16) | (src[b7 + i] << 24);
  }
}

/** Unshuffles only elements [first, first + count) of a shuffled buffer of `n` elements. */
export function unshuffleRange(
  src: Uint8Array,
  typesize: number,
  n: number,
  first: number,
  count: number,
  out: Uint8Array,
  outOffset: number,
): void {
  if (count <= 0) return;
  if (typesize === 4) {
    unshuffle4(src, n, first, count, out, outOffset);
    return;
  }
  if (typesize === 8 && LITTLE_ENDIAN && (out.byteOffset + outOffset) % 4 === 0) {
    unshuffle8(src, n, first, count, out, outOffset);
    return;
  }
  for (let j = 0; j < typesize; j++) {
    const base = j * n + first;
    for (let i = 0; i < count; i++) out[outOffset + i * typesize + j] = src[base + i];
  }
}
