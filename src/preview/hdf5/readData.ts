// Reading a hyper-rectangle of an HDF5 dataset: contiguous and compact data by byte runs; chunked
// data (version 1 B-tree index, single chunk, implicit) chunk by chunk, with node's native zlib
// for deflate and shuffle undone only for the elements that are needed.

import { promisify } from 'node:util';
import { createInflate, inflate } from 'node:zlib';
import { unshuffleRange } from '../codecs/shuffle';
import { blockRuns, cStrides, forEachBlock, type Run } from '../dataset/blockRuns';
import { UNDEFINED_ADDRESS } from './byteReader';
import type { H5Dataset, H5Tree } from './h5Tree';
import { H5Unsupported } from './h5Unsupported';

const inflateAsync = promisify(inflate);
// Node's default 16 KiB output steps make threaded inflate of MiB-sized chunks several times slower.
const ZLIB_OPTS = { chunkSize: 1 << 20 };

interface ChunkEntry {
  address: number;
  size: number;
  filterMask: number;
}

interface BtreeNode {
  level: number;
  /** Per child: its first chunk's element offsets (the key before it) and its address. */
  children: Array<{ offs: number[]; entry: ChunkEntry }>;
}

/** Per dataset, the chunk B-tree nodes read so far (by address). */
const btreeNodes = new WeakMap<H5Dataset, Map<number, Promise<BtreeNode>>>();

async function readBtreeNode(tree: H5Tree, addr: number, rank: number, maxLevel: number): Promise<BtreeNode> {
  const f = tree.file;
  const O = f.superblock.sizeOfOffsets;
  const keySize = 8 + 8 * (rank + 1);
  const head = await f.bytes(addr, 8 + 2 * O);
  const r = f.reader(head);
  r.signature('TREE');
  if (r.u8() !== 1) throw new Error('HDF5: chunk B-tree node of the wrong type');
  const level = r.u8();
  // Levels strictly decrease along a path: a damaged file's cycle ends here.
  if (level >= maxLevel) throw new Error('HDF5: chunk B-tree levels do not decrease');
  const entries = r.u16();
  const node = await f.bytes(addr, 8 + 2 * O + entries * (keySize + O) + keySize);
  const nr = f.reader(node, 8 + 2 * O);
  const children: BtreeNode['children'] = [];
  for (let i = 0; i < entries; i++) {
    const size = nr.u32();
    const filterMask = nr.u32();
    const offs: number[] = [];
    for (let d = 0; d < rank; d++) offs.push(Number(nr.u64()));
    nr.u64();
    const child = nr.offset();
    children.push({ offs, entry: { address: child, size, filterMask } });
  }
  return { level, children };
}

/** -1, 0 or 1 as chunk offsets compare in the B-tree's (row-major) order. */
function compareOffs(a: number[], b: number[]): number {
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return a[d] < b[d] ? -1 : 1;
  return 0;
}

/**
 * The stored chunk at chunk coordinates `c`, found by descending the version 1 B-tree from its
 * root: one node per level, not the whole index (on object storage each node is a ranged GET, and
 * a slice of a long time series needs one leaf of hundreds). Nodes are kept per dataset.
 */
async function btree1Lookup(
  tree: H5Tree,
  ds: H5Dataset,
  root: number,
  c: number[],
): Promise<ChunkEntry | null> {
  if (root === UNDEFINED_ADDRESS) return null;
  const chunk = chunkDims(ds);
  const want = c.map((x, d) => x * chunk[d]);
  let nodes = btreeNodes.get(ds);
  if (!nodes) {
    nodes = new Map();
    btreeNodes.set(ds, nodes);
  }
  let addr = root;
  let maxLevel = 64;
  for (;;) {
    let p = nodes.get(addr);
    if (!p) {
      p = readBtreeNode(tree, addr, c.length, maxLevel);
      nodes.set(addr, p);
      p.catch(() => nodes.delete(addr));
    }
    const node = await p;
    if (node.level >= maxLevel) throw new Error('HDF5: chunk B-tree levels do not decrease');
    if (node.level === 0) return node.children.find((k) => compareOffs(k.offs, want) === 0)?.entry ?? null;
    // The last child whose first chunk is at or before the wanted one holds it, if any does.
    let pick: ChunkEntry | null = null;
    for (const k of node.children) {
      if (compareOffs(k.offs, want) <= 0) pick = k.entry;
      else break;
    }
    if (!pick) return null;
    maxLevel = node.level;
    addr = pick.address;
  }
}

function chunkDims(ds: H5Dataset): number[] {
  const l = ds.layout;
  if (l.kind === 'chunked-btree1' || l.kind === 'chunked-single' || l.kind === 'chunked-implicit')
    return l.chunk;
  return ds.shape;
}

export function elementSize(tree: H5Tree, ds: H5Dataset): number {
  const t = ds.type;
  if (t.kind === 'vlen-string' || t.kind === 'vlen') return 4 + tree.file.superblock.sizeOfOffsets + 4;
  if (t.kind === 'reference') return tree.file.superblock.sizeOfOffsets;
  if (t.kind === 'enum') return (t.base as { size: number }).size;
  return t.size;
}

function fillOut(out: Uint8Array, runs: Run[], size: number, fill: Uint8Array | null): void {
  if (!fill || fill.every((b) => b === 0)) return; // `out` starts zeroed
  for (const r of runs) for (let i = 0; i < r.n; i++) out.set(fill.subarray(0, size), (r.dst + i) * size);
}

/** Reads the selection as raw element bytes in C order (native HDF5 byte order). */
export async function readRawBytes(
  tree: H5Tree,
  ds: H5Dataset,
  ranges: Array<[number, number]>,
): Promise<Uint8Array> {
  const f = tree.file;
  const size = elementSize(tree, ds);
  const outShape = ranges.map(([a, b]) => b - a);
  const count = outShape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * size);
  if (count === 0) return out;
  const outStrides = cStrides(outShape);
  const l = ds.layout;
  if (l.kind === 'compact' || l.kind === 'contiguous') {
    const runs = blockRuns(
      ds.shape,
      ds.shape.map(() => 0),
      ranges,
      outStrides,
    );
    if (l.kind === 'compact') {
      for (const r of runs) out.set(l.data.subarray(r.src * size, (r.src + r.n) * size), r.dst * size);
      return out;
    }
    if (l.address === UNDEFINED_ADDRESS) {
      fillOut(out, runs, size, ds.fill);
      return out;
    }
    // Coalesce runs that are close in the file into one read.
    let i = 0;
    while (i < runs.length) {
      let k = i;
      while (
        k + 1 < runs.length &&
        (runs[k + 1].src - (runs[k].src + runs[k].n)) * size < 65536 &&
        runs[k + 1].src >= runs[k].src
      )
        k++;
      const start = runs[i].src * size;
      const end = (runs[k].src + runs[k].n) * size;
      const buf = await f.raw(l.address + start, end - start);
      for (let j = i; j <= k; j++)
        out.set(
          buf.subarray(runs[j].src * size - start, (runs[j].src + runs[j].n) * size - start),
          runs[j].dst * size,
        );
      i = k + 1;
    }
    return out;
  }
  if (l.kind === 'unsupported') throw new H5Unsupported(l.reason);
  const chunk = l.chunk;
  let lookup: (c: number[]) => Promise<ChunkEntry | null>;
  const chunkBytes = chunk.reduce((a, b) => a * b, 1) * size;
  if (l.kind === 'chunked-btree1') {
    const root = l.address;
    lookup = (c) => btree1Lookup(tree, ds, root, c);
  } else if (l.kind === 'chunked-single') {
    lookup = async () =>
      l.address === UNDEFINED_ADDRESS
        ? null
        : { address: l.address, size: l.filteredSize ?? chunkBytes, filterMask: l.filterMask };
  } else {
    const perDim = ds.shape.map((s, d) => Math.ceil(s / chunk[d]));
    const strides = cStrides(perDim);
    lookup = async (c) =>
      l.address === UNDEFINED_ADDRESS
        ? null
        : {
            address: l.address + c.reduce((a, x, d) => a + x * strides[d], 0) * chunkBytes,
            size: chunkBytes,
            filterMask: 0,
          };
  }
  const jobs: Promise<void>[] = [];
  forEachBlock(chunk, ranges, (c) => {
    const origin = c.map((x, d) => x * chunk[d]);
    const runs = blockRuns(chunk, origin, ranges, outStrides);
    const key = [...c];
    jobs.push(
      (async () => {
        const e = await lookup(key);
        if (!e) {
          fillOut(out, runs, size, ds.fill);
          return;
        }
        await decodeChunk(tree, ds, e, size, chunkBytes, runs, out);
      })(),
    );
  });
  await Promise.all(jobs);
  return out;
}

/**
 * Inflates a chunk but keeps only the byte ranges wanted, and stops once past the last one: a 2-D
 * slice of a (32, 256, 256) chunk needs 1/32 of it, spread over the 4 shuffle planes. The output
 * buffer is allocated whole but only the wanted pages are ever written (the rest stay unmapped).
 */
function inflateRanges(
  data: Uint8Array,
  total: number,
  ranges: Array<[number, number]>,
): Promise<Uint8Array> {
  const maxEnd = ranges.reduce((m, [, b]) => Math.max(m, b), 0);
  return new Promise((resolve, reject) => {
    const out = new Uint8Array(total);
    let pos = 0;
    let done = false;
    const z = createInflate(ZLIB_OPTS);
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(out);
    };
    z.on('data', (b: Buffer) => {
      if (done) return;
      const start = pos;
      const end = pos + b.length;
      for (const [a, c] of ranges) {
        const lo = Math.max(a, start);
        const hi = Math.min(c, end, total);
        if (lo < hi) out.set(b.subarray(lo - start, hi - start), lo);
      }
      pos = end;
      if (pos >= maxEnd) {
        z.destroy();
        finish();
      }
    });
    z.on('end', () => finish());
    z.on('error', (err) => finish(err));
    z.end(data);
  });
}

/** Byte ranges of the decoded chunk that `runs` need (in the shuffled layout when shuffled). */
function neededRanges(runs: Run[], size: number, n: number, shuffled: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const r of runs) {
    if (!shuffled) out.push([r.src * size, (r.src + r.n) * size]);
    else for (let j = 0; j < size; j++) out.push([j * n + r.src, j * n + r.src + r.n]);
  }
  return out;
}

async function decodeChunk(
  tree: H5Tree,
  ds: H5Dataset,
  e: ChunkEntry,
  size: number,
  chunkBytes: number,
  runs: Run[],
  out: Uint8Array,
): Promise<void> {
  let data: Uint8Array = await tree.file.raw(e.address, e.size);
  tree.file.stats.chunks++;
  // The netCDF-4 default pipeline ([shuffle,] deflate[, fletcher32]): inflate only what is needed.
  const active = ds.filters.filter((_, i) => !(e.filterMask & (1 << i))).map((f) => f.id);
  const shuffleFirst = active[0] === 2 && (ds.filters.find((f) => f.id === 2)?.values[0] || size) === size;
  const simple = active.filter((id) => id !== 3);
  if ((simple.length === 1 && simple[0] === 1) || (simple.length === 2 && shuffleFirst && simple[1] === 1)) {
    if (active.includes(3)) data = data.subarray(0, data.length - 4);
    const shuffled = simple.length === 2;
    const n = chunkBytes / size;
    const dec = await inflateRanges(data, chunkBytes, neededRanges(runs, size, n, shuffled));
    for (const r of runs) {
      if (shuffled) unshuffleRange(dec, size, n, r.src, r.n, out, r.dst * size);
      else out.set(dec.subarray(r.src * size, (r.src + r.n) * size), r.dst * size);
    }
    return;
  }
  let shuffled = 0;
  // Filters apply in pipeline order when writing: undo them in reverse.
  for (let i = ds.filters.length - 1; i >= 0; i--) {
    if (e.filterMask & (1 << i)) continue;
    const flt = ds.filters[i];
    if (flt.id === 1) data = await inflateAsync(data, ZLIB_OPTS);
    else if (flt.id === 2) {
      if (shuffled) throw new H5Unsupported('shuffle applied twice');
      shuffled = flt.values[0] || size;
      if (i !== 0) {
        // Another filter ran before shuffle when writing: unshuffle the whole chunk now.
        const whole = new Uint8Array(data.length);
        unshuffleRange(
          data,
          shuffled,
          Math.floor(data.length / shuffled),
          0,
          Math.floor(data.length / shuffled),
          whole,
          0,
        );
        data = whole;
        shuffled = 0;
      }
    } else if (flt.id === 3) data = data.subarray(0, data.length - 4);
    else throw new H5Unsupported(`HDF5 filter ${flt.name || flt.id}`);
  }
  if (data.length < chunkBytes)
    throw new Error(`HDF5 chunk at ${e.address} decoded to ${data.length} bytes, expected ${chunkBytes}`);
  if (shuffled && shuffled === size) {
    const n = chunkBytes / size;
    for (const r of runs) unshuffleRange(data, size, n, r.src, r.n, out, r.dst * size);
  } else {
    if (shuffled) {
      const n = Math.floor(data.length / shuffled);
      const whole = new Uint8Array(data.length);
      unshuffleRange(data, shuffled, n, 0, n, whole, 0);
      data = whole;
    }
    for (const r of runs) out.set(data.subarray(r.src * size, (r.src + r.n) * size), r.dst * size);
  }
}
