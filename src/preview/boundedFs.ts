// File access for the readers that holds on hostile files: one fs.read of 2 GiB or more aborts
// Node (its length must be an int32), a FIFO blocks open() and read() forever, and /dev/zero never
// ends. So the readers open only regular files, read in bounded slices, and refuse with a clear
// error any single piece larger than a preview needs.

import { constants, promises as fsp, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { UnsupportedError } from './errors';
import { MAX_READ_BYTES } from './limits';

/** Largest length passed to one fs.read call (far below the int32 limit). */
export const READ_SLICE = 64 * 1024 * 1024;

// O_NONBLOCK: if a regular file is swapped for a FIFO between stat and open, open() still returns.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function notRegular(file: string, what: string): UnsupportedError {
  return new UnsupportedError(`${what} ${file} is not a regular file (FIFO, device or folder): not read`);
}

/** Opens `file` for reading only if it is a regular file (after symlinks), checked before and after open. */
export async function openRegular(file: string, what = 'file'): Promise<fsp.FileHandle> {
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
  fh: fsp.FileHandle,
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
