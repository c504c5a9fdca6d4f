// One share of a scan, run by a worker thread (or inline for small stores): list the metadata
// store, then for the keys of this share stat each sidecar (reading it only when its stamp
// changed since this share last sent it) and stat each data path (summing folders). Share 0
// also reports stray files and orphan data. Synchronous on purpose: on these VMs a syscall costs
// microseconds and async fs adds ten times that in thread-pool overhead.
import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { dataPathOf, keyProblem, metadataRoot, sidecarPathOf } from '../layout';
import type { Problem } from '../types';
import { listMetadata } from './listMetadata';
import { findOrphans } from './orphans';

export const DATA_MISSING = 0;
export const DATA_FILE = 1;
export const DATA_DIR = 2;
export const DATA_OTHER = 3;

export interface PartRequest {
  /** Identifies the CacheStore object: its parsed sidecars pair with these stamps. */
  storeId: number;
  root: string;
  part: number;
  parts: number;
}

export interface PartResult {
  /** Safe keys of this share, in listing order. */
  keys: string[];
  /** Sidecar text when it changed since this share last sent it; null when unchanged. */
  texts: (string | null)[];
  /** Why a sidecar could not be read (it is then listed as broken); null when fine. */
  errors: (string | null)[];
  /** Sidecar vanished or is not a file (deleted while scanning): 1, else 0. */
  gone: Uint8Array;
  /** [kind, sizeBytes] per key. */
  data: Float64Array;
  /** Unsafe keys of this share (refused: never stat'ed). */
  unsafe: { key: string; why: string }[];
  /** Share 0 only: the metadata store's stray files and empty folders, and orphan data. */
  strayFiles: string[];
  emptyDirs: string[];
  orphans: Problem[];
}

interface DirEntry {
  mtimeMs: number;
  ctimeMs: number;
  filesBytes: number;
  subdirs: string[];
}

/** What a thread remembers between scans. */
export interface PartCaches {
  /** Folder sizes by path, revalidated by each folder's own mtime/ctime. */
  dirs: Map<string, DirEntry>;
  /** Per store object: the stamp each sidecar had when its text was last sent. */
  stamps: Map<number, Map<string, [number, number, number]>>;
}

export function newPartCaches(): PartCaches {
  return { dirs: new Map(), stamps: new Map() };
}

let readBuf = Buffer.allocUnsafe(64 * 1024);

export function readWhole(file: string, size: number): string {
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

export function dirSize(dir: string, mtimeMs: number, ctimeMs: number, cache: Map<string, DirEntry>): number {
  let entry = cache.get(dir);
  if (!entry || entry.mtimeMs !== mtimeMs || entry.ctimeMs !== ctimeMs) {
    entry = { mtimeMs, ctimeMs, filesBytes: 0, subdirs: [] };
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = dir + sep + d.name;
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

/** Which share a key belongs to: stable across scans, so each thread's stamps stay useful. */
export function shareOf(key: string, parts: number): number {
  if (parts === 1) return 0;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return (h >>> 0) % parts;
}

const MAX_DIR_ENTRIES = 500_000;
const MAX_STORES = 16;

export function scanPart(req: PartRequest, caches: PartCaches): PartResult {
  const { root, part, parts } = req;
  const listing = listMetadata(metadataRoot(root));
  if (caches.dirs.size > MAX_DIR_ENTRIES) caches.dirs.clear();
  let stamps = caches.stamps.get(req.storeId);
  if (!stamps) {
    if (caches.stamps.size >= MAX_STORES) caches.stamps.delete(caches.stamps.keys().next().value as number);
    stamps = new Map();
    caches.stamps.set(req.storeId, stamps);
  }
  const keys: string[] = [];
  const unsafe: { key: string; why: string }[] = [];
  for (const key of listing.keys) {
    if (shareOf(key, parts) !== part) continue;
    const why = keyProblem(key);
    if (why) unsafe.push({ key, why });
    else keys.push(key);
  }
  const n = keys.length;
  const texts: (string | null)[] = new Array(n).fill(null);
  const errors: (string | null)[] = new Array(n).fill(null);
  const gone = new Uint8Array(n);
  const data = new Float64Array(n * 2);
  const seen = new Map<string, [number, number, number]>();
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    try {
      const st = statSync(sidecarPathOf(root, key), { throwIfNoEntry: false });
      if (!st?.isFile()) gone[i] = 1;
      else {
        const stamp: [number, number, number] = [st.mtimeMs, st.ctimeMs, st.size];
        const old = stamps.get(key);
        if (!old || old[0] !== stamp[0] || old[1] !== stamp[1] || old[2] !== stamp[2]) {
          texts[i] = readWhole(sidecarPathOf(root, key), st.size);
        }
        seen.set(key, stamp);
      }
    } catch (err) {
      errors[i] = (err as Error).message;
    }
    try {
      const p = dataPathOf(root, key);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) data[i * 2] = DATA_MISSING;
      else if (st.isFile()) {
        data[i * 2] = DATA_FILE;
        data[i * 2 + 1] = st.size;
      } else if (st.isDirectory()) {
        data[i * 2] = DATA_DIR;
        data[i * 2 + 1] = dirSize(p, st.mtimeMs, st.ctimeMs, caches.dirs);
      } else data[i * 2] = DATA_OTHER;
    } catch {
      data[i * 2] = DATA_OTHER;
    }
  }
  caches.stamps.set(req.storeId, seen);
  const first = part === 0;
  return {
    keys,
    texts,
    errors,
    gone,
    data,
    unsafe,
    strayFiles: first ? listing.strayFiles : [],
    emptyDirs: first ? listing.emptyDirs : [],
    orphans: first ? findOrphans(root, listing.keys) : [],
  };
}
