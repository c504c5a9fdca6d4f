// Byte shuffle (Blosc and HDF5 H5Z_SHUFFLE use the same layout): byte j of element i is stored at
// j * n + i; bytes past the last whole element are left as they are.

export function unshuffleBytes(src: Uint8Array, typesize: number): Uint8Array {
  const n = Math.floor(src.length / typesize);
  const out = new Uint8Array(src.length);
  if (typesize === 4) {
    const b1 = n;
    const b2 = 2 * n;
    const b3 = 3 * n;
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      out[o] = src[i];
      out[o + 1] = src[b1 + i];
      out[o + 2] = src[b2 + i];
      out[o + 3] = src[b3 + i];
    }
  } else {
    for (let j = 0; j < typesize; j++) {
      const base = j * n;
      for (let i = 0; i < n; i++) out[i * typesize + j] = src[base + i];
    }
  }
  const rest = n * typesize;
  if (rest < src.length) out.set(src.subarray(rest), rest);
  return out;
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
  if (typesize === 4) {
    // Four reading streams, one sequential write: the byte-at-a-stride loop below is ~5x slower
    // on float32, the common netCDF-4 case (a whole-variable statistics pass is dominated by it).
    const b0 = first;
    const b1 = n + first;
    const b2 = 2 * n + first;
    const b3 = 3 * n + first;
    for (let i = 0, o = outOffset; i < count; i++, o += 4) {
      out[o] = src[b0 + i];
      out[o + 1] = src[b1 + i];
      out[o + 2] = src[b2 + i];
      out[o + 3] = src[b3 + i];
    }
    return;
  }
  for (let j = 0; j < typesize; j++) {
    const base = j * n + first;
    for (let i = 0; i < count; i++) out[outOffset + i * typesize + j] = src[base + i];
  }
}
