// One share of a scan, run by a worker thread (or inline for small stores): for the keys of this
// share, stat each sidecar and read and parse it only when its stamp differs from the one the
// caller already knows (from this store object's last scan, or a persisted index), and stat each
// data path (summing folders). Synchronous on purpose: on these VMs a syscall costs microseconds
// and async fs adds ten times that in thread-pool overhead.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { ArtifactError } from '../errors';
import { dataPathOf, sidecarPathOf } from '../layout';
import { parseSidecarText } from '../sidecar/parseSidecar';
import { notRegularReason, readSidecarBytes, SidecarNotReadError } from '../sidecar/readSidecar';
import type { Artifact } from '../types';

export const DATA_MISSING = 0;
export const DATA_FILE = 1;
export const DATA_DIR = 2;
export const DATA_OTHER = 3;

/** Bumped with any change to what crosses to the threads: a stale worker bundle refuses. */
export const SCAN_PROTOCOL = 5;

/** Numbers per sidecar stamp: mtimeMs, ctimeMs, size, inode. NaN: unknown (never equal). */
export const STAMP = 4;

export interface PartRequest {
  root: string;
  /** Safe keys of this share. */
  keys: string[];
  /** The stamps the caller knows, STAMP numbers per key (NaN where unknown or not trusted). */
  known: Float64Array;
  /** Folder sizes known from an earlier scan, by index in keys (revalidated before use). */
  dirs?: [index: number, entries: DirTuple[]][];
}

/**
 * A folder's size as it crosses threads and lives in the index: its path, the mtime and ctime it
 * was measured at, the bytes of its files, and its subfolders (each with its own entry).
 */
export type DirTuple = [dir: string, mtimeMs: number, ctimeMs: number, files: string[], subdirs: string[]];

/** A parsed sidecar as it crosses threads and lives in the index: an Artifact or why not. */
export type SidecarRecord = Artifact | { error: { kind: ArtifactError['kind']; reason: string } };

export interface PartResult {
  /** The stamps seen now, STAMP numbers per key (NaN when gone or unreadable). */
  stamps: Float64Array;
  /** Sidecars whose stamp differed from the known one: [index in keys, parsed]. */
  changed: [number, SidecarRecord][];
  /** Why a sidecar could not be read (it is then listed as broken); null when fine. */
  errors: (string | null)[];
  /** Sidecar vanished or is not a file (deleted while scanning): 1, else 0. */
  gone: Uint8Array;
  /** [kind, sizeBytes] per key. */
  data: Float64Array;
  /** The folder sizes each key whose data is a folder was summed from, by index in keys. */
  dirs: [index: number, entries: DirTuple[]][];
  /** Folders listed to sum them (the others' sizes were still current). */
  foldersRead: number;
}

interface DirEntry {
  mtimeMs: number;
  ctimeMs: number;
  /** Names of the folder's files (not sizes: see dirSize). */
  files: string[];
  subdirs: string[];
}

/** What a thread remembers between scans: folder listings, revalidated by each folder's mtime/ctime. */
export type DirCache = Map<string, DirEntry>;

/** Folders listed by dirSize() so far in this thread (scanPart reports its own share). */
let foldersListed = 0;

/**
 * Sums a folder; `used` collects the entry of every folder summed (to pass on to the index).
 * Only a folder's listing is reused while its mtime and ctime are unchanged: the files' sizes are
 * stat'ed every time, since a chunk rewritten in place changes no folder's stamp.
 */
export function dirSize(
  dir: string,
  mtimeMs: number,
  ctimeMs: number,
  cache: DirCache,
  used?: DirTuple[],
): number {
  let entry = cache.get(dir);
  if (!entry || entry.mtimeMs !== mtimeMs || entry.ctimeMs !== ctimeMs) {
    entry = { mtimeMs, ctimeMs, files: [], subdirs: [] };
    foldersListed++;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) entry.subdirs.push(dir + sep + d.name);
      else entry.files.push(d.name);
    }
    cache.set(dir, entry);
  }
  used?.push([dir, entry.mtimeMs, entry.ctimeMs, entry.files, entry.subdirs]);
  let total = 0;
  for (const name of entry.files) total += lstatSync(dir + sep + name, { throwIfNoEntry: false })?.size ?? 0;
  for (const sub of entry.subdirs) {
    const st = lstatSync(sub, { throwIfNoEntry: false });
    if (st?.isDirectory()) total += dirSize(sub, st.mtimeMs, st.ctimeMs, cache, used);
  }
  return total;
}

/**
 * Folder sizes from an earlier scan (another thread's or process's) where this cache has none:
 * each is used only while its folder's mtime and ctime are still the ones it was measured at.
 */
function seedDirs(cache: DirCache, dirs: PartRequest['dirs']): void {
  for (const [, entries] of dirs ?? []) {
    for (const [dir, mtimeMs, ctimeMs, files, subdirs] of entries) {
      if (!cache.has(dir)) cache.set(dir, { mtimeMs, ctimeMs, files, subdirs });
    }
  }
}

/** Which share a key belongs to: stable across scans, so each thread's folder sizes stay useful. */
export function shareOf(key: string, parts: number): number {
  if (parts === 1) return 0;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return (h >>> 0) % parts;
}

/** Reads and parses one sidecar; a broken one is a record too. Throws when it cannot be read. */
export function readRecord(root: string, key: string): SidecarRecord {
  const p = sidecarPathOf(root, key);
  try {
    return parseSidecarText(readSidecarBytes(p), key, p);
  } catch (err) {
    if (err instanceof ArtifactError) return { error: { kind: err.kind, reason: err.reason } };
    if (err instanceof SidecarNotReadError)
      return { error: { kind: 'unsupported-sidecar', reason: err.message } };
    throw err;
  }
}

const MAX_DIR_ENTRIES = 500_000;

function dataOf(
  root: string,
  key: string,
  data: Float64Array,
  i: number,
  dirs: DirCache,
  used: PartResult['dirs'],
): void {
  try {
    const p = dataPathOf(root, key);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) data[i * 2] = DATA_MISSING;
    else if (st.isFile()) {
      data[i * 2] = DATA_FILE;
      data[i * 2 + 1] = st.size;
    } else if (st.isDirectory()) {
      data[i * 2] = DATA_DIR;
      const entries: DirTuple[] = [];
      data[i * 2 + 1] = dirSize(p, st.mtimeMs, st.ctimeMs, dirs, entries);
      used.push([i, entries]);
    } else data[i * 2] = DATA_OTHER;
  } catch {
    data[i * 2] = DATA_OTHER;
  }
}

export function scanPart(req: PartRequest, dirs: DirCache): PartResult {
  const { root, keys, known } = req;
  if (dirs.size > MAX_DIR_ENTRIES) dirs.clear();
  seedDirs(dirs, req.dirs);
  const listedBefore = foldersListed;
  const n = keys.length;
  const usedDirs: PartResult['dirs'] = [];
  const stamps = new Float64Array(n * STAMP).fill(Number.NaN);
  const changed: [number, SidecarRecord][] = [];
  const errors: (string | null)[] = new Array(n).fill(null);
  const gone = new Uint8Array(n);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    const j = i * STAMP;
    try {
      const st = statSync(sidecarPathOf(root, key), { throwIfNoEntry: false });
      if (!st) gone[i] = 1;
      else if (!st.isFile()) {
        // A FIFO, device or folder named like a sidecar: xpersist lists the key; not read here.
        changed.push([i, { error: { kind: 'unsupported-sidecar', reason: notRegularReason(st) } }]);
      } else {
        stamps[j] = st.mtimeMs;
        stamps[j + 1] = st.ctimeMs;
        stamps[j + 2] = st.size;
        stamps[j + 3] = st.ino;
        if (
          known[j] !== stamps[j] ||
          known[j + 1] !== stamps[j + 1] ||
          known[j + 2] !== stamps[j + 2] ||
          known[j + 3] !== stamps[j + 3]
        ) {
          changed.push([i, readRecord(root, key)]);
        }
      }
    } catch (err) {
      errors[i] = (err as Error).message;
      stamps.fill(Number.NaN, j, j + STAMP);
    }
    dataOf(root, key, data, i, dirs, usedDirs);
  }
  return { stamps, changed, errors, gone, data, dirs: usedDirs, foldersRead: foldersListed - listedBefore };
}
