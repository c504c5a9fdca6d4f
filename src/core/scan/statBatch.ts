// The per-file work of a scan: stat each sidecar (read it only when its stamp changed) and
// stat each data path (summing folders). Synchronous on purpose: on these VMs a syscall costs
// microseconds and async fs adds ten times that in thread-pool overhead, so a scan runs this
// in two worker threads (see workerPool.ts), or inline for small stores.
import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export interface BatchRequest {
  sidecars: string[];
  /** [mtimeMs, ctimeMs, size] per sidecar as last seen; NaN when unknown. */
  stamps: Float64Array;
  dataPaths: string[];
}

export const DATA_MISSING = 0;
export const DATA_FILE = 1;
export const DATA_DIR = 2;
export const DATA_OTHER = 3;

export interface BatchResult {
  /** New stamps; NaN triple when the sidecar vanished or is not a file. */
  stamps: Float64Array;
  /** Text of each sidecar whose stamp changed; null when unchanged or unreadable. */
  texts: (string | null)[];
  /** Read errors (permissions...), by sidecar index. */
  errors: (string | null)[];
  /** [kind, sizeBytes] per data path. */
  data: Float64Array;
}

interface DirEntry {
  mtimeMs: number;
  ctimeMs: number;
  filesBytes: number;
  subdirs: string[];
}

/** Folder sizes keyed by path, revalidated by each folder's own mtime/ctime. */
export type DirSizeCache = Map<string, DirEntry>;

let readBuf = Buffer.allocUnsafe(64 * 1024);

function readWhole(file: string, size: number): string {
  if (size + 1 > readBuf.length) readBuf = Buffer.allocUnsafe(size + 1024);
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    for (;;) {
      const got = readSync(fd, readBuf, n, readBuf.length - n, n);
      if (got === 0) break;
      n += got;
      if (n === readBuf.length) readBuf = Buffer.concat([readBuf, Buffer.allocUnsafe(readBuf.length)]);
    }
    return readBuf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

export function dirSize(dir: string, mtimeMs: number, ctimeMs: number, cache: DirSizeCache): number {
  let entry = cache.get(dir);
  if (!entry || entry.mtimeMs !== mtimeMs || entry.ctimeMs !== ctimeMs) {
    entry = { mtimeMs, ctimeMs, filesBytes: 0, subdirs: [] };
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) entry.subdirs.push(p);
      else entry.filesBytes += lstatSync(p, { throwIfNoEntry: false })?.size ?? 0;
    }
    cache.set(dir, entry);
  }
  let total = entry.filesBytes;
  for (const sub of entry.subdirs) {
    const st = lstatSync(sub, { throwIfNoEntry: false });
    if (st?.isDirectory()) total += dirSize(sub, st.mtimeMs, st.ctimeMs, cache);
  }
  return total;
}

export function runBatch(req: BatchRequest, dirCache: DirSizeCache): BatchResult {
  const n = req.sidecars.length;
  const stamps = new Float64Array(n * 3).fill(Number.NaN);
  const texts: (string | null)[] = new Array(n).fill(null);
  const errors: (string | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const file = req.sidecars[i];
    try {
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      stamps[i * 3] = st.mtimeMs;
      stamps[i * 3 + 1] = st.ctimeMs;
      stamps[i * 3 + 2] = st.size;
      const o = req.stamps;
      if (o[i * 3] === st.mtimeMs && o[i * 3 + 1] === st.ctimeMs && o[i * 3 + 2] === st.size) continue;
      texts[i] = readWhole(file, st.size);
    } catch (err) {
      errors[i] = (err as Error).message;
    }
  }
  const m = req.dataPaths.length;
  const data = new Float64Array(m * 2);
  for (let i = 0; i < m; i++) {
    try {
      const st = statSync(req.dataPaths[i], { throwIfNoEntry: false });
      if (!st) data[i * 2] = DATA_MISSING;
      else if (st.isFile()) {
        data[i * 2] = DATA_FILE;
        data[i * 2 + 1] = st.size;
      } else if (st.isDirectory()) {
        data[i * 2] = DATA_DIR;
        data[i * 2 + 1] = dirSize(req.dataPaths[i], st.mtimeMs, st.ctimeMs, dirCache);
      } else data[i * 2] = DATA_OTHER;
    } catch {
      data[i * 2] = DATA_OTHER;
    }
  }
  return { stamps, texts, errors, data };
}
