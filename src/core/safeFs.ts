// File operations that never reach outside a store. A path below the store's root is walked
// component by component without following symlinks (a symlinked folder inside a store is
// refused, wherever it points), and each change is made relative to the folder that walk proved,
// at the moment of the change: on Linux through /proc/self/fd/N, a handle on the folder itself,
// so a parent swapped for a symlink after the check changes nothing (an openat()-like walk: Node
// has no *at calls). Elsewhere the chain of folders is checked again around each change, and a
// move that the check does not confirm is undone before anything is removed.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  promises as fsp,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isInside, WORK_PREFIX } from './layout';

export class OutsideStoreError extends Error {
  constructor(
    readonly target: string,
    readonly root: string,
  ) {
    super(`Refused: ${target} is not inside the cache store ${root}.`);
    this.name = 'OutsideStoreError';
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

const DIR_FLAGS = constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0);

let fdPaths: boolean | undefined;

/** Whether `/proc/self/fd/N/name` reaches into the folder open as N (Linux with /proc). */
function useFdPaths(): boolean {
  if (fdPaths !== undefined) return fdPaths;
  fdPaths = false;
  if (process.platform !== 'linux' || !constants.O_DIRECTORY || !constants.O_NOFOLLOW) return false;
  try {
    const fd = openSync('/', DIR_FLAGS);
    try {
      fdPaths = lstatSync(`/proc/self/fd/${fd}/.`).ino === lstatSync('/').ino;
    } finally {
      closeSync(fd);
    }
  } catch {}
  return fdPaths;
}

/** Tests only: force the portable mode (false) or the detected one (undefined). */
export function setFdPathsForTests(value: false | undefined): void {
  fdPaths = value;
}

/** Whether changes are pinned to folder handles here (else checked around each change). */
export function pinsFolders(): boolean {
  return useFdPaths();
}

function codeError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const isMissing = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

interface Link {
  path: string;
  dev: number;
  ino: number;
}

/**
 * A folder of a store reached from its root without following a symlink. `at(name)` is the path
 * through which to change an entry of it: pinned to the folder itself where the OS allows.
 */
export class StoreDir {
  private constructor(
    readonly path: string,
    private fd: number | null,
    private readonly chain: Link[],
  ) {}

  static openRoot(root: string): StoreDir {
    const real = realpathSync(root);
    const st = lstatSync(real);
    const fd = useFdPaths() ? openSync(real, DIR_FLAGS) : null;
    return new StoreDir(real, fd, [{ path: real, dev: st.dev, ino: st.ino }]);
  }

  at(name: string): string {
    return this.fd === null ? path.join(this.path, name) : `/proc/self/fd/${this.fd}/${name}`;
  }

  /** One step down; `create` makes the folder when missing (inside this one, never elsewhere). */
  child(name: string, create = false): StoreDir {
    const ref = this.at(name);
    let st = lstatSync(ref, { throwIfNoEntry: false });
    if (!st && create) {
      try {
        mkdirSync(ref);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      st = lstatSync(ref, { throwIfNoEntry: false });
    }
    const shown = path.join(this.path, name);
    if (!st) throw codeError('ENOENT', `no such folder ${shown}`);
    if (st.isSymbolicLink()) throw new OutsideStoreError(shown, this.chain[0].path);
    if (!st.isDirectory()) throw codeError('ENOTDIR', `${shown} is not a folder`);
    const link = { path: shown, dev: st.dev, ino: st.ino };
    if (this.fd === null) return new StoreDir(shown, null, [...this.chain, link]);
    let fd: number;
    try {
      fd = openSync(ref, DIR_FLAGS);
    } catch (err) {
      // O_NOFOLLOW|O_DIRECTORY on a symlink: ELOOP or ENOTDIR. Swapped since the lstat.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') throw new OutsideStoreError(shown, this.chain[0].path);
      throw err;
    }
    const opened = fstatSync(fd);
    if (opened.ino !== st.ino || opened.dev !== st.dev) {
      closeSync(fd);
      throw codeError('EAGAIN', `${shown} changed while it was opened`);
    }
    return new StoreDir(shown, fd, [...this.chain, link]);
  }

  /** Whether every folder from the root down to this one is still where and what it was. */
  holds(): boolean {
    if (this.fd !== null) return true; // the handle is the folder, wherever it is
    return this.chain.every((l) => {
      const st = lstatSync(l.path, { throwIfNoEntry: false });
      return st?.isDirectory() === true && !st.isSymbolicLink() && st.ino === l.ino && st.dev === l.dev;
    });
  }

  /** The error for an entry of this folder that is not where the walk found it any more. */
  refuse(name: string): OutsideStoreError {
    return new OutsideStoreError(path.join(this.path, name), this.chain[0].path);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The components of `target` below `root`; throws unless it is lexically strictly inside. */
function partsBelow(root: string, target: string): string[] {
  const rel = path.relative(root, target);
  if (rel === '' || !isInside(root, target)) throw new OutsideStoreError(target, root);
  const parts = rel.split(path.sep);
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new OutsideStoreError(target, root);
  return parts;
}

/**
 * Walks from the store root to `dir` (the root itself allowed), no component a symlink.
 * `create` makes missing folders one by one, each inside the one just proven. Throws
 * OutsideStoreError for a symlink, an ENOENT/ENOTDIR error when a component is missing or a file.
 */
export function openStoreDir(root: string, dir: string, options: { create?: boolean } = {}): StoreDir {
  const parts = path.resolve(dir) === path.resolve(root) ? [] : partsBelow(root, dir);
  let cur = StoreDir.openRoot(root);
  try {
    for (const part of parts) {
      const next = cur.child(part, options.create ?? false);
      cur.close();
      cur = next;
    }
  } catch (err) {
    cur.close();
    throw err;
  }
  return cur;
}

/**
 * Throws unless `target` is strictly inside root with no symlinked folder on the way (the
 * target itself may be a symlink: it is removed as a link). Missing folders are fine.
 */
export async function assertInsideStore(root: string, target: string): Promise<void> {
  partsBelow(root, target);
  try {
    openStoreDir(root, path.dirname(target)).close();
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

export function workName(kind: 'trash' | 'tmp'): string {
  return `${WORK_PREFIX}${kind}-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

// Which machine made a work entry: a store on a shared file system (an HPC home) is written
// from several hosts, where a pid means nothing. A hash, not the name: it is written into stores.
const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const WORK_NAME = /^\.xpersist-(?:tmp|trash)-(?:([0-9a-f]{8})-)?(\d+)-[0-9a-f]{8}(?:\.json)?$/;
/** A work entry of another host (or of an older version, without a host) is left this long. */
export const FOREIGN_WORK_MS = 24 * 3600_000;

/**
 * Whether a work entry (staged import, sidecar being written, data being removed) was left by a
 * process that died: on this host, its pid is gone; from elsewhere, it is older than a day (an
 * import in progress there keeps its entry for its own duration only).
 */
export function abandonedWork(name: string, mtimeMs: number, now = Date.now()): boolean {
  const m = WORK_NAME.exec(name);
  if (!m) return false;
  const pid = Number(m[2]);
  if (m[1] === HOST) return pid !== process.pid && !processAlive(pid);
  return now - mtimeMs > FOREIGN_WORK_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

const sameEntry = (a: Stats | undefined, b: Stats): boolean => a?.ino === b.ino && a?.dev === b.dev;

/**
 * Removes a file or folder so that it disappears from its place at once, and only it: renamed
 * to a work name in its own (proven) folder, checked, then removed without following symlinks.
 * Returns false when it did not exist.
 */
export async function removeAtomically(root: string, target: string): Promise<boolean> {
  const name = partsBelow(root, target).pop() as string;
  let dir: StoreDir;
  try {
    dir = openStoreDir(root, path.dirname(target));
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
  try {
    const st = lstatSync(dir.at(name), { throwIfNoEntry: false });
    if (!st) return false;
    const aside = workName('trash');
    try {
      renameSync(dir.at(name), dir.at(aside));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code !== 'EBUSY' && code !== 'EXDEV') throw err;
      // A mount point: emptied in place.
      if (!dir.holds()) throw new OutsideStoreError(target, root);
      await removeTree(dir, name, { ops: 0 });
      return true;
    }
    if (!dir.holds() || !sameEntry(lstatSync(dir.at(aside), { throwIfNoEntry: false }), st)) {
      // What moved is not what was checked: put it back and touch nothing.
      try {
        renameSync(dir.at(aside), dir.at(name));
      } catch {}
      throw new OutsideStoreError(target, root);
    }
    await removeTree(dir, aside, { ops: 0 });
    return true;
  } finally {
    dir.close();
  }
}

const YIELD_EVERY = 512;

/** Removes `name` in `dir` and everything below it, never through a symlink. */
async function removeTree(dir: StoreDir, name: string, count: { ops: number }): Promise<void> {
  // A big zarr is thousands of calls: let the event loop breathe.
  if (++count.ops % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  const st = lstatSync(dir.at(name), { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) {
    if (!dir.holds()) throw dir.refuse(name);
    unlinkSync(dir.at(name));
    return;
  }
  const sub = dir.child(name);
  try {
    for (const n of readdirSync(sub.at('.'))) await removeTree(sub, n, count);
  } finally {
    sub.close();
  }
  if (!dir.holds()) throw dir.refuse(name);
  rmdirSync(dir.at(name));
}

/** Removes `dir` when it is empty (a folder a delete left), through its proven parent. */
export function removeEmptyDir(root: string, dir: string): void {
  const name = partsBelow(root, dir).pop() as string;
  let parent: StoreDir;
  try {
    parent = openStoreDir(root, path.dirname(dir));
  } catch {
    return;
  }
  try {
    if (parent.holds()) rmdirSync(parent.at(name));
  } catch {
    // Not empty any more, or gone: either way nothing to prune.
  } finally {
    parent.close();
  }
}

/** Empty folders from `start` up to, not including, `stopAt`; in removal order. */
export async function emptyAncestors(
  start: string,
  stopAt: string,
  removing: Set<string>,
): Promise<string[]> {
  const out: string[] = [];
  let dir = start;
  while (dir !== stopAt && isInside(stopAt, dir)) {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      break;
    }
    if (!names.every((n) => removing.has(path.join(dir, n)))) break;
    out.push(dir);
    removing.add(dir);
    dir = path.dirname(dir);
  }
  return out;
}

/** Writes `text` as a new work file in `dir` (never through an existing entry); its name. */
export function writeWorkFile(dir: StoreDir, text: string): string {
  const name = `${workName('tmp')}.json`;
  writeFileSync(dir.at(name), text, { encoding: 'utf8', flag: 'wx' });
  return name;
}

/** Removes what a failed write staged or placed (best effort: a scan reports what is left). */
export async function discardStaged(root: string, entries: string[]): Promise<void> {
  for (const p of entries) await removeAtomically(root, p).catch(() => undefined);
}

/**
 * Copies a file or a folder tree. Anything else (a FIFO, a socket, a device) is refused before it
 * is opened: copyFile would wait forever on a FIFO without a writer, or copy a device's endless
 * stream. fs.cp refuses a FIFO or socket inside a folder by itself (ERR_FS_CP_FIFO_PIPE).
 */
export async function copyData(src: string, dst: string): Promise<void> {
  const st = await fsp.stat(src);
  if (st.isDirectory()) await fsp.cp(src, dst, { recursive: true, errorOnExist: true, force: false });
  else if (st.isFile()) await fsp.copyFile(src, dst);
  else throw new Error(`${src} is not a regular file or folder (FIFO, socket or device): not copied`);
}
