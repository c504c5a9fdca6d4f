// The zarrita store for a local .zarr folder: metadata documents come from memory (read once while
// listing, patched for zarrita), chunks from disk. Every chunk read is counted so tests and the
// benchmark can prove that a slice reads only the chunks it needs.

import path from 'node:path';
import type { AbsolutePath, AsyncReadable, RangeQuery } from '@zarrita/storage';
import { isRemotePath, joinPath, openRegular, type ReadHandle, readRange, readWhole } from '../boundedFs';

export interface ReadStats {
  reads: number;
  bytes: number;
  /** Distinct chunk files read (bounded). */
  files: Set<string>;
}

const KEEP_FILES = 100_000;

export function countRead(stats: ReadStats, key: string, n: number): void {
  stats.reads++;
  stats.bytes += n;
  if (stats.files.size < KEEP_FILES) stats.files.add(key.replace(/^\/+/, ''));
}

export class ZarrFsStore implements AsyncReadable {
  readonly stats: ReadStats = { reads: 0, bytes: 0, files: new Set() };
  /** Metadata documents by store key ("/tas/.zarray", "/sub/zarr.json"). */
  readonly meta = new Map<string, Uint8Array>();

  constructor(readonly root: string) {}

  private file(key: string): string {
    const rel = key.replace(/^\/+/, '');
    const p = joinPath(this.root, rel);
    // Keys come from metadata we parsed; refuse anything that would leave the store.
    if (!isInside(this.root, p)) throw new Error(`key outside the store: ${key}`);
    return p;
  }

  private count(key: string, n: number): void {
    countRead(this.stats, key, n);
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const m = this.meta.get(key);
    if (m) return m;
    if (/(^|\/)(\.zarray|\.zattrs|\.zgroup|\.zmetadata|zarr\.json)$/.test(key)) return undefined;
    try {
      const buf = await readWhole(this.file(key), 'zarr chunk');
      this.count(key, buf.byteLength);
      return buf;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    let fh: ReadHandle | undefined;
    try {
      fh = await openRegular(this.file(key), 'zarr chunk');
      let offset: number;
      let length: number;
      if ('suffixLength' in range) {
        const { size } = await fh.stat();
        length = Math.min(range.suffixLength, size);
        offset = size - length;
      } else {
        offset = range.offset;
        length = range.length;
      }
      const buf = await readRange(fh, offset, length, `zarr chunk ${key}`);
      this.count(key, buf.byteLength);
      return buf;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    } finally {
      await fh?.close();
    }
  }
}

/** `p` is `root` or below it, lexically (keys with `..` segments never get here: see openZarr). */
export function isInside(root: string, p: string): boolean {
  if (isRemotePath(root)) {
    // Object keys are literal: below the root means the root's prefix and no '.'/'..' segment.
    const base = root.replace(/\/+$/, '');
    return (p === base || p.startsWith(`${base}/`)) && isSafeKey(p.slice(base.length + 1));
  }
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** A metadata key or group path: `/`-separated, no `.`/`..` segment, no backslash or NUL. */
export function isSafeKey(key: string): boolean {
  return !/[\\\0]/.test(key) && key.split('/').every((s) => s !== '..' && s !== '.');
}
