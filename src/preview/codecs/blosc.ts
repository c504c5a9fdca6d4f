// Blosc 1.x chunks decoded block by block, so a slice that needs 256 KiB of an 8 MiB chunk
// decompresses (and reads) only the blocks that hold it: c-blosc's blosc_getitem idea. Handles the
// codecs zarr/xarray users meet by default (lz4, and zlib via node's native zlib) with byte shuffle
// or none; anything else reports `supported: false` so the caller decodes the whole chunk another way.

import { inflateSync } from 'node:zlib';
import { lz4DecodeBlock } from './lz4Block';
import { unshuffleRange } from './shuffle';

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
      b[0] <= 2 &&
      blocksize > 0 &&
      !tinyBlocks(nbytes, blocksize) &&
      !bitshuffle &&
      (memcpyed || compformat === 1 || compformat === 3),
  };
}

/**
 * c-blosc never writes blocks under 128 bytes (MIN_BUFFERSIZE) except a chunk's only block. A
 * chunk of 10^6 such blocks is hostile: decoded block by block here it costs an allocation per
 * block (seconds), so it goes whole through numcodecs' C decoder, which is linear.
 */
const tinyBlocks = (nbytes: number, blocksize: number): boolean => blocksize < 128 && nbytes > blocksize;

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
  return [starts[j], blockEnds(h, starts)[j]];
}

const endsCache = new WeakMap<number[], number[]>();

/**
 * Where each block's bytes end: the next larger start below cbytes (blocks may be stored out of
 * order), else cbytes. Computed once per chunk, so reading all 10^6 blocks of a hostile chunk is
 * linear (already ordered, the usual case) or n log n, where a scan per block was quadratic.
 */
function blockEnds(h: BloscHeader, starts: number[]): number[] {
  const cached = endsCache.get(starts);
  if (cached) return cached;
  let ordered = true;
  for (let j = 1; j < starts.length && ordered; j++) ordered = starts[j - 1] <= starts[j];
  const order = starts.map((_, j) => j);
  if (!ordered) order.sort((a, b) => starts[a] - starts[b]);
  const ends = new Array<number>(starts.length);
  let next = h.cbytes;
  for (let i = order.length - 1; i >= 0; ) {
    const v = starts[order[i]];
    let k = i;
    for (; k >= 0 && starts[order[k]] === v; k--) ends[order[k]] = next;
    if (v < h.cbytes) next = v;
    i = k;
  }
  endsCache.set(starts, ends);
  return ends;
}

export const blockLength = (h: BloscHeader, j: number): number =>
  j === h.nblocks - 1 && h.nbytes % h.blocksize !== 0 ? h.nbytes % h.blocksize : h.blocksize;

/** Bytes [off, off + len) of a decoded block, to be written to out[dst...]. */
export interface BlockPiece {
  off: number;
  len: number;
  dst: number;
}

/** How block j is split into separately compressed streams (c-blosc 1.x blosc_d rules). */
function splitsOf(h: BloscHeader, j: number): { bsize: number; nsplits: number; neblock: number } {
  const bsize = blockLength(h, j);
  const leftover = j === h.nblocks - 1 && bsize !== h.blocksize;
  const nsplits =
    !h.dontSplit && h.typesize <= 16 && Math.floor(h.blocksize / h.typesize) >= 128 && !leftover
      ? h.typesize
      : 1;
  return { bsize, nsplits, neblock: Math.floor(bsize / nsplits) };
}

/**
 * How many leading bytes of each stream the pieces need. Shuffled, element i's byte p sits at
 * p * n + i, so a piece needs one interval per byte plane; with a split per plane (the default
 * for typesize <= 16) a point needs only a short prefix of each stream.
 */
function neededPrefixes(
  h: BloscHeader,
  bsize: number,
  nsplits: number,
  neblock: number,
  pieces: BlockPiece[],
) {
  const need = new Array<number>(nsplits).fill(0);
  const mark = (a: number, b: number) => {
    for (let k = Math.floor(a / neblock); k < nsplits && k * neblock < b; k++)
      need[k] = Math.max(need[k], Math.min(b, (k + 1) * neblock) - k * neblock);
  };
  const n = Math.floor(bsize / h.typesize);
  for (const p of pieces) {
    if (!h.shuffle) {
      mark(p.off, p.off + p.len);
      continue;
    }
    // Elements [e0, e1) are shuffled; bytes past n * typesize are stored as they are.
    const e0 = Math.min(n, Math.floor(p.off / h.typesize));
    const e1 = Math.min(n, Math.floor((p.off + p.len) / h.typesize));
    for (let b = 0; b < h.typesize && e1 > e0; b++) mark(b * n + e0, b * n + e1);
    if (p.off + p.len > n * h.typesize) mark(Math.max(p.off, n * h.typesize), p.off + p.len);
  }
  return need;
}

/** Decodes the needed prefix of each stream of block j into tmp (tmp.length >= blocksize). */
function decodeStreams(
  h: BloscHeader,
  j: number,
  src: Uint8Array,
  srcOffset: number,
  need: number[],
  tmp: Uint8Array,
) {
  const { nsplits, neblock } = splitsOf(h, j);
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let s = srcOffset;
  // Streams after the last needed one are not even walked.
  let last = nsplits - 1;
  while (last >= 0 && need[last] === 0) last--;
  for (let k = 0, d = 0; k <= last; k++, d += neblock) {
    const cb = dv.getInt32(s, true);
    s += 4;
    const want = need[k];
    if (want > 0) {
      if (cb === neblock) tmp.set(src.subarray(s, s + want), d);
      else if (h.compformat === 1) {
        const n = lz4DecodeBlock(src, s, s + cb, tmp, d, want === neblock ? Number.POSITIVE_INFINITY : want);
        if (want === neblock ? n !== neblock : n < want)
          throw new Error(`Blosc/LZ4 block decoded to ${n} bytes, expected ${neblock}`);
      } else if (h.compformat === 3) {
        const out = inflateSync(src.subarray(s, s + cb));
        if (out.length !== neblock) throw new Error('Blosc/zlib block has the wrong size');
        tmp.set(out.subarray(0, want), d);
      } else throw new Error(`Blosc codec ${h.compformat} not handled block-wise`);
    }
    // A stream no piece needs is skipped unread: its compressed size is in front of it.
    s += cb;
  }
}

/**
 * Writes the pieces of block j into `out`, decoding only what they need: the streams they touch,
 * each up to the last byte needed. `tmp` is scratch of at least blocksize bytes, reused by the
 * caller across blocks so a chunk decodes without allocating per block.
 */
export function decodeBloscPieces(
  h: BloscHeader,
  j: number,
  src: Uint8Array,
  srcOffset: number,
  pieces: BlockPiece[],
  out: Uint8Array,
  tmp: Uint8Array,
): void {
  if (h.memcpyed) {
    // c-blosc stores a chunk it could not compress as it is, unshuffled.
    for (const p of pieces) out.set(src.subarray(srcOffset + p.off, srcOffset + p.off + p.len), p.dst);
    return;
  }
  const { bsize, nsplits, neblock } = splitsOf(h, j);
  const n = Math.floor(bsize / h.typesize);
  const ts = h.typesize;
  const aligned = (p: BlockPiece) =>
    p.off % ts === 0 && ((p.off + p.len) % ts === 0 || p.off + p.len >= n * ts);
  if (h.shuffle && !pieces.every(aligned)) {
    // Pieces that split an element (an item size other than Blosc's typesize): the whole block.
    const whole = new Uint8Array(bsize);
    decodeBloscPieces(h, j, src, srcOffset, [{ off: 0, len: bsize, dst: 0 }], whole, tmp);
    for (const p of pieces) out.set(whole.subarray(p.off, p.off + p.len), p.dst);
    return;
  }
  decodeStreams(h, j, src, srcOffset, neededPrefixes(h, bsize, nsplits, neblock, pieces), tmp);
  if (!h.shuffle) {
    for (const p of pieces) out.set(tmp.subarray(p.off, p.off + p.len), p.dst);
    return;
  }
  const span = denseSpan(pieces, ts, n);
  if (span) {
    // Many short pieces (the rows of a map slice): one long unshuffle of the span they cover,
    // then plain copies. Hundreds of short calls would each run cold in a fresh process.
    const flat = new Uint8Array((span[1] - span[0]) * ts);
    unshuffleRange(tmp, ts, n, span[0], span[1] - span[0], flat, 0);
    for (const p of pieces) {
      const a = Math.min(p.off, n * ts) - span[0] * ts;
      const b = Math.min(p.off + p.len, n * ts) - span[0] * ts;
      out.set(flat.subarray(a, b), p.dst);
    }
  } else {
    for (const p of pieces) {
      const e0 = Math.min(n, Math.floor(p.off / ts));
      unshuffleRange(tmp, ts, n, e0, Math.min(n, Math.floor((p.off + p.len) / ts)) - e0, out, p.dst);
    }
  }
  for (const p of pieces) {
    // Bytes past the last whole element are stored as they are.
    const tail = Math.max(p.off, n * ts);
    if (tail < p.off + p.len) out.set(tmp.subarray(tail, p.off + p.len), p.dst + tail - p.off);
  }
}

/** The element span [a, b) of several pieces that fill at least half of it, or null. */
function denseSpan(pieces: BlockPiece[], ts: number, n: number): [number, number] | null {
  if (pieces.length < 2) return null;
  let a = n;
  let b = 0;
  let covered = 0;
  for (const p of pieces) {
    const e0 = Math.min(n, Math.floor(p.off / ts));
    const e1 = Math.min(n, Math.floor((p.off + p.len) / ts));
    a = Math.min(a, e0);
    b = Math.max(b, e1);
    covered += e1 - e0;
  }
  return b > a && covered * 2 >= b - a ? [a, b] : null;
}

/**
 * Decodes block j. `src` holds the compressed bytes of that block starting at `srcOffset`
 * (a whole chunk with srcOffset = blockStart, or just the block's bytes with srcOffset = 0).
 */
export function decodeBloscBlock(h: BloscHeader, j: number, src: Uint8Array, srcOffset: number): Uint8Array {
  const bsize = blockLength(h, j);
  const out = new Uint8Array(bsize);
  decodeBloscPieces(h, j, src, srcOffset, [{ off: 0, len: bsize, dst: 0 }], out, new Uint8Array(h.blocksize));
  return out;
}
