// StoreStorage on the local disk. Synchronous system calls inside: on these machines a stat or
// a small read costs microseconds, and fs.promises adds a thread-pool round trip (tens of
// microseconds under load) per file. Each call still returns a promise, as a remote one must.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { EntryKind, EntryStat, StoreStorage } from './storage';

let readBuf = Buffer.allocUnsafe(64 * 1024);

/** The whole file through one reused buffer: open, read (until a short read), close. */
export function readFileBytes(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    for (;;) {
      const want = readBuf.length - n;
      const got = readSync(fd, readBuf, n, want, n);
      n += got;
      // A regular file reads short only at its end; a full buffer may have more behind it.
      if (got < want) break;
      readBuf = Buffer.concat([readBuf, Buffer.allocUnsafe(readBuf.length)]);
    }
    return readBuf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The file as UTF-8 text (see readFileBytes). */
export function readFileText(file: string): string {
  const b = readFileBytes(file);
  return b.toString('utf8', 0, b.length);
}

function kindOf(st: Stats): EntryKind {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
}

export function toEntryStat(st: Stats): EntryStat {
  return { kind: kindOf(st), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, id: st.ino };
}

export function statEntry(p: string): EntryStat | null {
  const st = statSync(p, { throwIfNoEntry: false });
  return st ? toEntryStat(st) : null;
}

export const localStorage: StoreStorage = {
  async list(dir) {
    try {
      return readdirSync(dir, { withFileTypes: true }).map((d) => ({
        name: d.name,
        kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other',
      }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  },
  async stat(p) {
    return statEntry(p);
  },
  async read(p) {
    return Buffer.from(readFileBytes(p));
  },
  async readRange(p, start, end) {
    const fd = openSync(p, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.max(0, Math.min(end, size) - start);
      const out = Buffer.allocUnsafe(len);
      let n = 0;
      while (n < len) {
        const got = readSync(fd, out, n, len - n, start + n);
        if (got === 0) break;
        n += got;
      }
      return out.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  },
  async write(p, data) {
    const tmp = path.join(path.dirname(p), `.${path.basename(p)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, p);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  },
  async delete(p) {
    if (lstatSync(p, { throwIfNoEntry: false })) rmSync(p, { force: true });
  },
};
