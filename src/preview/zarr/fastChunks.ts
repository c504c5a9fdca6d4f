// Direct chunk reads for the common zarr layouts (numeric, C order, Blosc / zlib / gzip / none):
// only the chunks a selection touches are opened, and for Blosc only the blocks that hold the
// selected elements are read and decompressed. Other layouts go through zarrita.

import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { dirnamePath, joinPath, openRegular, type ReadHandle, readRange, relativePath } from '../boundedFs';
import {
  BLOSC_HEADER,
  type BlockPiece,
  type BloscHeader,
  blockExtent,
  blockLength,
  blockStarts,
  decodeBloscPieces,
  parseBloscHeader,
} from '../codecs/blosc';
import { blockRuns, cStrides, forEachBlock } from '../dataset/blockRuns';
import { limitedQueue } from '../dataset/limitedQueue';
import type { RawData, Storage } from '../dataset/rawDataset';
import { UnsupportedError } from '../errors';
import type { Json } from './zarrMetadata';
import { countRead, type ReadStats } from './zarrStore';

const inflateAsync = promisify(inflate);
const gunzipAsync = promisify(gunzip);
// Node's default 16 KiB output steps make threaded inflate of MiB-sized chunks several times slower.
const ZLIB_OPTS = { chunkSize: 1 << 20 };

type Codec = 'raw' | 'blosc' | 'zlib' | 'gzip';

export interface FastArray {
  dir: string;
  shape: number[];
  chunks: number[];
  itemsize: number;
  bigEndian: boolean;
  storage: Storage;
  fill: Uint8Array;
  codec: Codec;
  /** zarr v3 crc32c codec: 4 checksum bytes after the compressed data. */
  checksumBytes: number;
  chunkKey(idx: number[]): string;
}

function fillBytes(storage: Storage, fill: unknown): Uint8Array {
  const size = storage.kind === 'bool' ? 1 : (storage as { bytes: number }).bytes;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  const little = !(storage as { bigEndian?: boolean }).bigEndian;
  let v: number | bigint = 0;
  if (typeof fill === 'number') v = fill;
  else if (fill === 'NaN') v = Number.NaN;
  else if (fill === 'Infinity') v = Number.POSITIVE_INFINITY;
  else if (fill === '-Infinity') v = Number.NEGATIVE_INFINITY;
  else if (typeof fill === 'boolean') v = fill ? 1 : 0;
  if (storage.kind === 'float') {
    if (size === 4) dv.setFloat32(0, Number(v), little);
    else dv.setFloat64(0, Number(v), little);
  } else if (storage.kind === 'int' || storage.kind === 'uint' || storage.kind === 'bool') {
    const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
    if (size === 8) dv.setBigUint64(0, BigInt.asUintN(64, BigInt(n)), little);
    else if (size === 4) dv.setUint32(0, n >>> 0, little);
    else if (size === 2) dv.setUint16(0, n & 0xffff, little);
    else dv.setUint8(0, n & 0xff);
  }
  return out;
}

const numericFast = (s: Storage): boolean =>
  s.kind === 'bool' || s.kind === 'int' || s.kind === 'uint' || (s.kind === 'float' && s.bytes !== 2);

export function fastArrayFor(dir: string, meta: Json, storage: Storage): FastArray | null {
  if (!numericFast(storage)) return null;
  const shape = (meta.shape as number[]) ?? [];
  const itemsize = storage.kind === 'bool' ? 1 : (storage as { bytes: number }).bytes;
  const bigEndian = Boolean((storage as { bigEndian?: boolean }).bigEndian);
  if (meta.zarr_format === 2) {
    if (meta.order === 'F' && shape.length > 1) return null;
    if (Array.isArray(meta.filters) && meta.filters.length > 0) return null;
    const comp = meta.compressor as Json | null;
    const id = comp?.id ?? null;
    const codec: Codec | null =
      id === null ? 'raw' : id === 'blosc' ? 'blosc' : id === 'zlib' ? 'zlib' : id === 'gzip' ? 'gzip' : null;
    if (!codec) return null;
    const sep = meta.dimension_separator === '/' ? '/' : '.';
    return {
      dir,
      shape,
      chunks: (meta.chunks as number[]) ?? shape,
      itemsize,
      bigEndian,
      storage,
      fill: fillBytes(storage, meta.fill_value),
      codec,
      checksumBytes: 0,
      chunkKey: (idx) => (idx.length ? idx.join(sep) : '0'),
    };
  }
  if (meta.zarr_format === 3) {
    const codecs = (meta.codecs as Json[]) ?? [];
    let codec: Codec = 'raw';
    let checksumBytes = 0;
    for (const [i, c] of codecs.entries()) {
      const name = c?.name;
      if (name === 'bytes' && i === 0) continue;
      if (name === 'crc32c' && i === codecs.length - 1) {
        checksumBytes = 4;
        continue;
      }
      if (codec !== 'raw') return null;
      if (name === 'blosc') codec = 'blosc';
      else if (name === 'gzip') codec = 'gzip';
      else if (name === 'zlib') codec = 'zlib';
      else return null;
    }
    if (codecs[0]?.name !== 'bytes') return null;
    const grid = (meta.chunk_grid as Json | undefined)?.configuration as Json | undefined;
    const enc = meta.chunk_key_encoding as
      | { name?: string; configuration?: { separator?: string } }
      | undefined;
    const v2keys = enc?.name === 'v2';
    const sep = enc?.configuration?.separator ?? (v2keys ? '.' : '/');
    return {
      dir,
      shape,
      chunks: (grid?.chunk_shape as number[]) ?? shape,
      itemsize,
      bigEndian,
      storage,
      fill: fillBytes(storage, meta.fill_value),
      codec,
      checksumBytes,
      chunkKey: (idx) => (v2keys ? (idx.length ? idx.join(sep) : '0') : ['c', ...idx].join(sep)),
    };
  }
  return null;
}

interface Run {
  /** byte offset in the decoded chunk, byte offset in the output, byte length */
  src: number;
  dst: number;
  len: number;
}

/** Contiguous byte runs of chunk `c` that fall in the selection. */
function runsFor(fa: FastArray, c: number[], ranges: Array<[number, number]>, outStrides: number[]): Run[] {
  const origin = c.map((ci, d) => ci * fa.chunks[d]);
  return blockRuns(fa.chunks, origin, ranges, outStrides).map((r) => ({
    src: r.src * fa.itemsize,
    dst: r.dst * fa.itemsize,
    len: r.n * fa.itemsize,
  }));
}

const readFileRange = (fh: ReadHandle, offset: number, length: number, key: string): Promise<Uint8Array> =>
  readRange(fh, offset, length, `zarr chunk ${key}`);

/** Bytes of one decoded chunk, from its declared shape. */
export const chunkBytes = (fa: FastArray): number => fa.chunks.reduce((a, b) => a * b, 1) * fa.itemsize;

/**
 * An uncompressed chunk: only the span the runs touch is read (a preview never needs a whole huge
 * chunk), and a file shorter than the declared chunk is an error, not zeros.
 */
async function copyRawChunk(fa: FastArray, fh: ReadHandle, key: string, runs: Run[], out: Uint8Array) {
  const { size } = await fh.stat();
  const want = chunkBytes(fa) + fa.checksumBytes;
  if (size < want)
    throw new UnsupportedError(`zarr chunk ${key} is truncated: ${size} bytes, its shape needs ${want}`);
  if (runs.length === 0) return 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const r of runs) {
    lo = Math.min(lo, r.src);
    hi = Math.max(hi, r.src + r.len);
  }
  const data = await readFileRange(fh, lo, hi - lo, key);
  for (const r of runs) out.set(data.subarray(r.src - lo, r.src - lo + r.len), r.dst);
  return data.length;
}

/** zlib/gzip output limited to the declared chunk size: a bomb cannot inflate past it. */
async function inflateChunk(fa: FastArray, data: Uint8Array, key: string): Promise<Uint8Array> {
  const opts = { ...ZLIB_OPTS, maxOutputLength: Math.max(1, chunkBytes(fa)) };
  try {
    return fa.codec === 'zlib' ? await inflateAsync(data, opts) : await gunzipAsync(data, opts);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new UnsupportedError(`zarr chunk ${key} inflates past its declared ${chunkBytes(fa)} bytes`);
    throw new UnsupportedError(`zarr chunk ${key}: ${(err as Error).message}`);
  }
}

/** The pieces of each Blosc block that the runs need, by block number. */
function piecesByBlock(h: BloscHeader, runs: Run[]): Map<number, BlockPiece[]> {
  const out = new Map<number, BlockPiece[]>();
  for (const r of runs) {
    for (let done = 0; done < r.len; ) {
      const pos = r.src + done;
      const j = Math.floor(pos / h.blocksize);
      const off = pos - j * h.blocksize;
      const len = Math.min(r.len - done, blockLength(h, j) - off);
      const list = out.get(j) ?? [];
      if (list.length === 0) out.set(j, list);
      list.push({ off, len, dst: r.dst + done });
      done += len;
    }
  }
  return out;
}

/**
 * A Blosc chunk read and decoded only where the runs need it: the blocks that hold them, and in
 * each block only the streams and prefixes they touch (decodeBloscPieces). False when the
 * chunk's Blosc variant is not one decoded here (the caller then decodes it whole).
 */
async function copyBloscChunk(
  fh: ReadHandle,
  key: string,
  runs: Run[],
  out: Uint8Array,
  count: (key: string, n: number) => void,
): Promise<boolean> {
  const head = await readFileRange(fh, 0, 4096, key);
  count(key, head.length);
  const h = parseBloscHeader(head);
  if (!h.supported) return false;
  let meta = head;
  const need = BLOSC_HEADER + 4 * (h.memcpyed ? 0 : h.nblocks);
  if (need > meta.length) {
    meta = await readFileRange(fh, 0, need, key);
    count(key, meta.length);
  }
  const starts = h.memcpyed ? [] : blockStarts(h, meta);
  const pieces = piecesByBlock(h, runs);
  const order = [...pieces.keys()].sort((a, b) => a - b);
  const tmp = new Uint8Array(h.blocksize);
  // Read the wanted blocks in runs of consecutive ones.
  for (let i = 0; i < order.length; ) {
    let k = i;
    while (k + 1 < order.length && order[k + 1] === order[k] + 1) k++;
    // Multithreaded c-blosc writes blocks in the order they finished: block j+1 may come
    // before block j in the chunk, so a run spans from its lowest start to its highest end.
    const extents = order.slice(i, k + 1).map((j) => blockExtent(h, starts, j));
    // A loop, not Math.min(...): spreading 200,000+ extents overflows the stack.
    let s0 = Number.POSITIVE_INFINITY;
    let e1 = 0;
    for (const [a, b] of extents) [s0, e1] = [Math.min(s0, a), Math.max(e1, b)];
    const bytes = await readFileRange(fh, s0, e1 - s0, key);
    count(key, bytes.length);
    for (let j = i; j <= k; j++) {
      const b = order[j];
      decodeBloscPieces(h, b, bytes, extents[j - i][0] - s0, pieces.get(b) ?? [], out, tmp);
    }
    i = k + 1;
  }
  return true;
}

/** Copies the chunk's runs into `out`, reading and decoding as little of it as possible. */
async function copyChunk(
  fa: FastArray,
  file: string,
  runs: Run[],
  out: Uint8Array,
  stats: ReadStats,
): Promise<void> {
  let fh: ReadHandle;
  try {
    fh = await openRegular(file, 'zarr chunk');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // A missing chunk reads as the fill value (zarr semantics; docs/xpersist-format.md, "Data formats").
    for (const r of runs) for (let o = 0; o < r.len; o += fa.itemsize) out.set(fa.fill, r.dst + o);
    return;
  }
  const count = (key: string, n: number) => countRead(stats, key, n);
  const key = relativePath(dirnamePath(fa.dir), file);
  try {
    if (fa.codec === 'blosc' && (await copyBloscChunk(fh, key, runs, out, count))) return;
    if (fa.codec === 'raw') {
      count(key, await copyRawChunk(fa, fh, key, runs, out));
      return;
    }
    const { size } = await fh.stat();
    let data = await readFileRange(fh, 0, size, key);
    count(key, data.length);
    if (fa.checksumBytes) data = data.subarray(0, data.length - fa.checksumBytes);
    let chunk: Uint8Array;
    if (fa.codec === 'zlib' || fa.codec === 'gzip') chunk = await inflateChunk(fa, data, key);
    else {
      // Blosc variants decoded whole (bitshuffle, zstd, blosclz...): numcodecs' c-blosc build.
      const { default: Blosc } = await import('numcodecs/blosc');
      chunk = await Blosc.fromConfig({ id: 'blosc' }).decode(data);
    }
    if (chunk.length < chunkBytes(fa))
      throw new UnsupportedError(
        `zarr chunk ${key} decodes to ${chunk.length} bytes, its shape needs ${chunkBytes(fa)}`,
      );
    for (const r of runs) out.set(chunk.subarray(r.src, r.src + r.len), r.dst);
  } finally {
    await fh.close();
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) b.subarray(i, i + size).reverse();
}

export function viewAs(storage: Storage, bytes: Uint8Array): RawData {
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  const n = bytes.byteLength;
  switch (storage.kind) {
    case 'bool':
      return new Uint8Array(buf, off, n);
    case 'float':
      return storage.bytes === 4 ? new Float32Array(buf, off, n / 4) : new Float64Array(buf, off, n / 8);
    case 'int':
    case 'uint': {
      const u = storage.kind === 'uint';
      if (storage.bytes === 1) return u ? new Uint8Array(buf, off, n) : new Int8Array(buf, off, n);
      if (storage.bytes === 2) return u ? new Uint16Array(buf, off, n / 2) : new Int16Array(buf, off, n / 2);
      if (storage.bytes === 4) return u ? new Uint32Array(buf, off, n / 4) : new Int32Array(buf, off, n / 4);
      return u ? new BigUint64Array(buf, off, n / 8) : new BigInt64Array(buf, off, n / 8);
    }
    default:
      throw new Error(`no typed array for ${storage.kind}`);
  }
}

export async function readFast(
  fa: FastArray,
  ranges: Array<[number, number]>,
  stats: ReadStats,
): Promise<RawData> {
  const outShape = ranges.map(([a, b]) => b - a);
  const count = outShape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * fa.itemsize);
  const outStrides = cStrides(outShape);
  const queue = limitedQueue();
  if (count > 0)
    forEachBlock(fa.chunks, ranges, (c) => {
      const runs = runsFor(fa, c, ranges, outStrides);
      const file = joinPath(fa.dir, fa.chunkKey(c));
      queue.add(() => copyChunk(fa, file, runs, out, stats));
    });
  await queue.onIdle();
  if (fa.bigEndian && fa.itemsize > 1) swapBytes(out, fa.itemsize);
  return viewAs(fa.storage, out);
}
