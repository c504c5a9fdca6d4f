// An HDF5 file opened for lazy reading: the superblock, and positioned reads through a small page
// cache for metadata (object headers, heaps and B-tree nodes are many small reads).

import { openRegular, type ReadHandle } from '../boundedFs';
import { ByteReader, UNDEFINED_ADDRESS } from './byteReader';
import { H5Unsupported } from './h5Unsupported';

const PAGE = 16 * 1024;
const MAX_PAGES = 512;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Superblock {
  version: number;
  sizeOfOffsets: number;
  sizeOfLengths: number;
  baseAddress: number;
  rootObjectHeader: number;
}

export class H5File {
  /** Disk reads, bytes read, and chunks of chunked datasets read (set by readData). */
  readonly stats = { reads: 0, bytes: 0, chunks: 0 };
  private readonly pages = new Map<number, Uint8Array>();
  superblock!: Superblock;
  /** Addresses in the file are relative to the superblock's base address (a user block shifts it). */
  private base = 0;

  private constructor(
    private readonly fh: ReadHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<H5File> {
    const fh = await openRegular(path, 'HDF5 file');
    try {
      const { size } = await fh.stat();
      const f = new H5File(fh, size);
      f.superblock = await f.readSuperblock();
      f.base = f.superblock.baseAddress;
      return f;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.pages.clear();
    await this.fh.close();
  }

  /** Uncached read of [addr, addr+len) (chunk data). */
  async raw(addr: number, len: number): Promise<Uint8Array> {
    const buf = Buffer.allocUnsafe(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, addr + this.base);
    this.stats.reads++;
    this.stats.bytes += bytesRead;
    if (bytesRead < len) throw new Error(`HDF5: read past the end of the file at ${addr}+${len}`);
    return new Uint8Array(buf.buffer, buf.byteOffset, len);
  }

  private async page(i: number): Promise<Uint8Array> {
    let p = this.pages.get(i);
    if (p) {
      this.pages.delete(i);
      this.pages.set(i, p);
      return p;
    }
    const start = i * PAGE;
    const len = Math.min(PAGE, this.size - this.base - start);
    if (len <= 0) throw new Error(`HDF5: address ${start} is past the end of the file`);
    p = await this.raw(start, len);
    this.pages.set(i, p);
    if (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value as number);
    return p;
  }

  /** Cached read for metadata. */
  async bytes(addr: number, len: number): Promise<Uint8Array> {
    if (addr === UNDEFINED_ADDRESS || addr < 0) throw new Error('HDF5: undefined address');
    if (addr + this.base + len > this.size) len = this.size - addr - this.base;
    if (len > 4 * PAGE) return this.raw(addr, len);
    const first = Math.floor(addr / PAGE);
    const last = Math.floor((addr + len - 1) / PAGE);
    if (first === last) {
      const p = await this.page(first);
      const off = addr - first * PAGE;
      return p.subarray(off, off + len);
    }
    const out = new Uint8Array(len);
    let done = 0;
    for (let i = first; i <= last; i++) {
      const p = await this.page(i);
      const off = i === first ? addr - first * PAGE : 0;
      const n = Math.min(p.length - off, len - done);
      out.set(p.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  reader(buf: Uint8Array, start = 0): ByteReader {
    return new ByteReader(
      buf,
      this.superblock?.sizeOfOffsets ?? 8,
      this.superblock?.sizeOfLengths ?? 8,
      start,
    );
  }

  private async readSuperblock(): Promise<Superblock> {
    for (let at = 0; at < this.size; at = at === 0 ? 512 : at * 2) {
      const head = await this.raw(at, Math.min(256, this.size - at));
      if (!SIGNATURE.every((b, i) => head[i] === b)) continue;
      const version = head[8];
      let r: ByteReader;
      if (version === 0 || version === 1) {
        r = new ByteReader(head, head[13], head[14], 24);
        if (version === 1) r.skip(4);
      } else if (version === 2 || version === 3) r = new ByteReader(head, head[9], head[10], 12);
      else throw new H5Unsupported(`HDF5 superblock version ${version} is not supported`);
      const base = r.offset();
      if (version <= 1) {
        r.offset(); // free-space info
        r.offset(); // end of file
        r.offset(); // driver info
        r.offset(); // root entry: link name offset
      } else {
        r.offset(); // superblock extension
        r.offset(); // end of file
      }
      const rootObjectHeader = r.offset();
      return {
        version,
        sizeOfOffsets: r.sizeOfOffsets,
        sizeOfLengths: r.sizeOfLengths,
        baseAddress: base === UNDEFINED_ADDRESS ? at : base,
        rootObjectHeader,
      };
    }
    throw new Error('not an HDF5 file (no superblock signature)');
  }
}
