// The zarrita store for a local .zarr folder: metadata documents come from memory (read once while
// listing, patched for zarrita), chunks from disk. Every chunk read is counted so tests and the
// benchmark can prove that a slice reads only the chunks it needs.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { AbsolutePath, AsyncReadable, RangeQuery } from '@zarrita/storage';

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
    const p = path.join(this.root, rel);
    // Keys come from metadata we parsed; refuse anything that would leave the store.
    if (path.relative(this.root, p).startsWith('..')) throw new Error(`key outside the store: ${key}`);
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
      const buf = await fsp.readFile(this.file(key));
      this.count(key, buf.byteLength);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(this.file(key), 'r');
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
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      this.count(key, bytesRead);
      return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    } finally {
      await fh?.close();
    }
  }
}
