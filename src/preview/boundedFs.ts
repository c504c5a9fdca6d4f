// File access for the readers that holds on hostile files: one fs.read of 2 GiB or more aborts
// Node (its length must be an int32), a FIFO blocks open() and read() forever, and /dev/zero never
// ends. So the readers open only regular files, read in bounded slices, and refuse with a clear
// error any single piece larger than a preview needs.

import { constants, promises as fsp, fstatSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { isObjectUrl } from '../core/remote/objectUrl';
import { UnsupportedError } from './errors';
import { MAX_READ_BYTES } from './limits';
import { RemoteFile, type RemoteStat, remoteReaddir, remoteStat } from './remote/objectFiles';

/**
 * What the readers read through: a local file's fs.FileHandle, or an object on S3/Azure read by
 * ranged GETs (remote/objectFiles.ts). Paths may be object URLs wherever a reader takes a path.
 */
export interface ReadHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number; mtimeMs: number; isFile(): boolean }>;
  close(): Promise<void>;
}

/** True for an object URL (s3://, az://, abfs://), which the readers read from object storage. */
export const isRemotePath = (p: string): boolean => isObjectUrl(p);

/** path.join for local paths; for an object URL, its segments joined with '/'. */
export function joinPath(root: string, ...parts: string[]): string {
  if (!isRemotePath(root)) return path.join(root, ...parts);
  const rest = parts.flatMap((p) => p.split(/\/+/)).filter((s) => s !== '' && s !== '.');
  return [root.replace(/\/+$/, ''), ...rest].join('/');
}

/** path.dirname, also for object URLs. */
export function dirnamePath(p: string): string {
  if (!isRemotePath(p)) return path.dirname(p);
  const q = p.replace(/\/+$/, '');
  const i = q.lastIndexOf('/');
  return i > q.indexOf('://') + 2 ? q.slice(0, i) : q;
}

/** path.relative, also for object URLs ('/'-separated; `to` is expected below `from`). */
export function relativePath(from: string, to: string): string {
  if (!isRemotePath(from)) return path.relative(from, to);
  const base = from.replace(/\/+$/, '');
  if (to === base) return '';
  return to.startsWith(`${base}/`) ? to.slice(base.length + 1) : to;
}

/** fs.stat for local paths and object URLs alike; null when nothing is there. */
export async function statPath(
  p: string,
): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number; mtimeMs: number } | null> {
  if (isRemotePath(p)) return remoteStat(p);
  return fsp.stat(p).catch(() => null);
}

/** fs.readdir(withFileTypes) for local folders and object prefixes. */
export async function readdirPath(
  p: string,
): Promise<Array<{ name: string; isDirectory(): boolean; isFile(): boolean }>> {
  if (isRemotePath(p)) return remoteReaddir(p);
  return fsp.readdir(p, { withFileTypes: true });
}

export type { RemoteStat };

/** Largest length passed to one fs.read call (far below the int32 limit). */
export const READ_SLICE = 64 * 1024 * 1024;

// O_NONBLOCK: if a regular file is swapped for a FIFO between stat and open, open() still returns.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function notRegular(file: string, what: string): UnsupportedError {
  return new UnsupportedError(`${what} ${file} is not a regular file (FIFO, device or folder): not read`);
}

/** Opens `file` for reading only if it is a regular file (after symlinks), checked before and after open. */
export async function openRegular(file: string, what = 'file'): Promise<ReadHandle> {
  if (isRemotePath(file)) return RemoteFile.open(file);
  const st = await fsp.stat(file);
  if (!st.isFile()) throw notRegular(file, what);
  const fh = await fsp.open(file, OPEN_FLAGS);
  try {
    if (!(await fh.stat()).isFile()) throw notRegular(file, what);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

/** Synchronous openRegular, for the pickle reader's file source. */
export function openRegularSync(file: string, what = 'file'): number {
  if (!statSync(file).isFile()) throw notRegular(file, what);
  const fd = openSync(file, OPEN_FLAGS);
  if (!fstatSync(fd).isFile()) throw notRegular(file, what);
  return fd;
}

/** Refuses a piece larger than `max` before anything is allocated for it. */
export function checkReadLength(length: number, what: string, max = MAX_READ_BYTES): void {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new UnsupportedError(`${what}: invalid length ${length}`);
  if (length > max)
    throw new UnsupportedError(
      `${what} is ${length} bytes, more than the ${max} bytes a preview reads at once: not read`,
    );
}

/**
 * Reads [offset, offset + length) in slices of at most READ_SLICE; stops early at the end of the
 * file (the result is shorter then). Refuses lengths over `max`.
 */
export async function readRange(
  fh: ReadHandle,
  offset: number,
  length: number,
  what: string,
  max = MAX_READ_BYTES,
): Promise<Uint8Array> {
  checkReadLength(length, what, max);
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = Math.min(READ_SLICE, length - done);
    const { bytesRead } = await fh.read(buf, done, n, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, done);
}

/** readRange for a file descriptor, synchronously. */
export function readRangeSync(
  fd: number,
  buf: Uint8Array,
  offset: number,
  position: number,
  length: number,
): number {
  let done = 0;
  while (done < length) {
    const n = Math.min(READ_SLICE, length - done);
    const got = readSync(fd, buf, offset + done, n, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

/** A whole regular file, refused when larger than `max`. */
export async function readWhole(file: string, what: string, max = MAX_READ_BYTES): Promise<Uint8Array> {
  const fh = await openRegular(file, what);
  try {
    const { size } = await fh.stat();
    checkReadLength(size, `${what} ${file}`, max);
    return await readRange(fh, 0, size, `${what} ${file}`, max);
  } finally {
    await fh.close();
  }
}
