// Blosc 1.x chunks decoded block by block, so a slice that needs 256 KiB of an 8 MiB chunk
// decompresses (and reads) only the blocks that hold it: c-blosc's blosc_getitem idea. Handles the
// codecs zarr/xarray users meet by default (lz4, and zlib via node's native zlib) with byte shuffle
// or none; anything else reports `supported: false` so the caller decodes the whole chunk another way.

import { inflateSync } from 'node:zlib';
import { lz4DecodeBlock } from './lz4Block';
import { unshuffleBytes } from './shuffle';

export const BLOSC_HEADER = 16;

export interface BloscHeader {
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
  nblocks: number;
  memcpyed: boolean;
  shuffle: boolean;
  bitshuffle: boolean;
  dontSplit: boolean;
  /** 0 blosclz, 1 lz4/lz4hc, 2 snappy, 3 zlib, 4 zstd */
  compformat: number;
  supported: boolean;
}

export function parseBloscHeader(b: Uint8Array): BloscHeader {
  if (b.length < BLOSC_HEADER) throw new Error('truncated Blosc chunk');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = b[2];
  const typesize = b[3];
  const nbytes = dv.getUint32(4, true);
  const blocksize = dv.getUint32(8, true);
  const cbytes = dv.getUint32(12, true);
  const memcpyed = (flags & 0x2) !== 0;
  const shuffle = (flags & 0x1) !== 0 && typesize > 1;
  const bitshuffle = (flags & 0x4) !== 0 && !shuffle;
  const compformat = (flags & 0xe0) >> 5;
  return {
    typesize,
    nbytes,
    blocksize,
    cbytes,
    nblocks: blocksize > 0 ? Math.ceil(nbytes / blocksize) : 0,
    memcpyed,
    shuffle,
    bitshuffle,
    dontSplit: (flags & 0x10) !== 0,
    compformat,
    supported:
      b[0] <= 2 && blocksize > 0 && !bitshuffle && (memcpyed || compformat === 1 || compformat === 3),
  };
}

/** Where block j's compressed bytes start (offsets are from the chunk start). */
export function blockStarts(h: BloscHeader, b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = new Array(h.nblocks);
  for (let j = 0; j < h.nblocks; j++) out[j] = dv.getUint32(BLOSC_HEADER + 4 * j, true);
  return out;
}

/** Compressed byte range [start, end) of block j. */
export function blockExtent(h: BloscHeader, starts: number[], j: number): [number, number] {
  if (h.memcpyed) {
    const s = BLOSC_HEADER + j * h.blocksize;
    return [s, s + blockLength(h, j)];
  }
  let end = h.cbytes;
  for (const s of starts) if (s > starts[j] && s < end) end = s;
  return [starts[j], end];
}

export const blockLength = (h: BloscHeader, j: number): number =>
  j === h.nblocks - 1 && h.nbytes % h.blocksize !== 0 ? h.nbytes % h.blocksize : h.blocksize;

/**
 * Decodes block j. `src` holds the compressed bytes of that block starting at `srcOffset`
 * (a whole chunk with srcOffset = blockStart, or just the block's bytes with srcOffset = 0).
 */
export function decodeBloscBlock(h: BloscHeader, j: number, src: Uint8Array, srcOffset: number): Uint8Array {
  const bsize = blockLength(h, j);
  if (h.memcpyed) return src.slice(srcOffset, srcOffset + bsize);
  const leftover = j === h.nblocks - 1 && bsize !== h.blocksize;
  const nsplits =
    !h.dontSplit && h.typesize <= 16 && Math.floor(h.blocksize / h.typesize) >= 128 && !leftover
      ? h.typesize
      : 1;
  const neblock = Math.floor(bsize / nsplits);
  const tmp = new Uint8Array(bsize);
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let s = srcOffset;
  let d = 0;
  for (let k = 0; k < nsplits; k++) {
    const cb = dv.getInt32(s, true);
    s += 4;
    if (cb === neblock) tmp.set(src.subarray(s, s + neblock), d);
    else if (h.compformat === 1) {
      const n = lz4DecodeBlock(src, s, s + cb, tmp, d);
      if (n !== neblock) throw new Error(`Blosc/LZ4 block decoded to ${n} bytes, expected ${neblock}`);
    } else if (h.compformat === 3) {
      const out = inflateSync(src.subarray(s, s + cb));
      if (out.length !== neblock) throw new Error('Blosc/zlib block has the wrong size');
      tmp.set(out, d);
    } else throw new Error(`Blosc codec ${h.compformat} not handled block-wise`);
    s += cb;
    d += neblock;
  }
  return h.shuffle ? unshuffleBytes(tmp, h.typesize) : tmp;
}
