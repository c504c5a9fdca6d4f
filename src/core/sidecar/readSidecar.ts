// Reading a sidecar's bytes with bounds: a sidecar is a few hundred bytes, but the metadata store
// may hold anything (a FIFO that blocks open() and read() forever, a symlink to /dev/zero that
// never ends, a 100 MB file). Only regular files up to MAX_SIDECAR_BYTES are read; the rest is
// refused with a SidecarNotReadError that says why (xpersist may still read a large one, so such
// a sidecar is reported without an automatic fix).
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** 16 MiB: thousands of times any sidecar xpersist writes; parsing it stays well under a second. */
export const MAX_SIDECAR_BYTES = 16 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (then fstat refuses).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A sidecar that is not read: not a regular file, or larger than the bound. */
export class SidecarNotReadError extends Error {
  constructor(
    message: string,
    readonly code: 'EXP_NOT_REGULAR' | 'EXP_TOO_LARGE',
  ) {
    super(message);
    this.name = 'SidecarNotReadError';
  }
}

function kindName(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/** Why a sidecar that is not a regular file is not read. */
export function notRegularReason(st: Stats): string {
  return `the sidecar is ${kindName(st)}, not read (xpersist would block, fail or read without end)`;
}

let readBuf = Buffer.allocUnsafe(64 * 1024);

/**
 * The bytes of a sidecar file (symlinks followed, as xpersist follows them). Throws the system
 * error (ENOENT, EACCES...) or SidecarNotReadError. The returned view is reused by the next call.
 */
export function readSidecarBytes(file: string, limit = MAX_SIDECAR_BYTES): Buffer {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new SidecarNotReadError(
        `the sidecar is ${kindName(st)}, not read (xpersist would block or read without end)`,
        'EXP_NOT_REGULAR',
      );
    }
    if (st.size > limit) {
      throw new SidecarNotReadError(
        `the sidecar is ${st.size} bytes, over the ${limit}-byte bound of this explorer: not read`,
        'EXP_TOO_LARGE',
      );
    }
    // One byte more than the size: a file that grew since fstat is seen to be larger.
    const want = st.size + 1;
    if (readBuf.length < want) readBuf = Buffer.allocUnsafe(Math.max(want, readBuf.length * 2));
    let n = 0;
    for (;;) {
      const got = readSync(fd, readBuf, n, want - n, n);
      n += got;
      if (got === 0 || n >= want) break;
    }
    if (n > st.size && n > limit) {
      throw new SidecarNotReadError(
        `the sidecar grows past the ${limit}-byte bound of this explorer: not read`,
        'EXP_TOO_LARGE',
      );
    }
    if (n > st.size) return readSidecarRest(fd, n, limit);
    return readBuf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A file being appended to while read: go on up to the bound (the scan re-reads it later). */
function readSidecarRest(fd: number, have: number, limit: number): Buffer {
  let n = have;
  for (;;) {
    if (readBuf.length - n < 64 * 1024) {
      readBuf = Buffer.concat([readBuf.subarray(0, n), Buffer.allocUnsafe(Math.max(64 * 1024, n))]);
    }
    const got = readSync(fd, readBuf, n, Math.min(readBuf.length - n, limit + 1 - n), n);
    n += got;
    if (n > limit) {
      throw new SidecarNotReadError(
        `the sidecar grows past the ${limit}-byte bound of this explorer: not read`,
        'EXP_TOO_LARGE',
      );
    }
    if (got === 0) return readBuf.subarray(0, n);
  }
}
