// Bytes of a pickle stream: in memory (decompressed joblib files, small files) or from a file
// with a sliding buffer, so a multi-GB joblib array is skipped over rather than read.

import { closeSync, readSync } from 'node:fs';
import { openRegularSync } from '../boundedFs';

/** A byte range of the stream kept for later (array data, big bytes objects). */
export interface LazyBytes {
  offset: number;
  length: number;
  read(offset: number, length: number): Uint8Array;
}

export interface PickleSource {
  pos: number;
  readonly size: number;
  byte(): number;
  bytes(n: number): Uint8Array;
  /** Remembers the next n bytes without reading them, and moves past them. */
  lazy(n: number): LazyBytes;
  close(): void;
}

export class TruncatedPickle extends Error {
  constructor() {
    super('the pickle stream ends early (truncated file?)');
  }
}

export class MemorySource implements PickleSource {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get size(): number {
    return this.buf.length;
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new TruncatedPickle();
    return this.buf[this.pos++];
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new TruncatedPickle();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lazy(n: number): LazyBytes {
    if (this.pos + n > this.buf.length) throw new TruncatedPickle();
    const offset = this.pos;
    this.pos += n;
    const buf = this.buf;
    return { offset, length: n, read: (o, l) => buf.subarray(offset + o, offset + Math.min(n, o + l)) };
  }
  close(): void {}
}

const WINDOW = 1 << 20;

export class FileSource implements PickleSource {
  pos = 0;
  private readonly fd: number;
  private win = new Uint8Array(0);
  private winStart = 0;

  constructor(
    path: string,
    readonly size: number,
  ) {
    this.fd = openRegularSync(path, 'pickle');
  }

  private fill(n: number): void {
    if (this.pos >= this.winStart && this.pos + n <= this.winStart + this.win.length) return;
    if (this.pos + n > this.size) throw new TruncatedPickle();
    const len = Math.min(Math.max(n, WINDOW), this.size - this.pos);
    const buf = new Uint8Array(len);
    readSync(this.fd, buf, 0, len, this.pos);
    this.win = buf;
    this.winStart = this.pos;
  }

  byte(): number {
    this.fill(1);
    return this.win[this.pos++ - this.winStart];
  }

  bytes(n: number): Uint8Array {
    this.fill(n);
    const o = this.pos - this.winStart;
    this.pos += n;
    return this.win.subarray(o, o + n);
  }

  lazy(n: number): LazyBytes {
    if (this.pos + n > this.size) throw new TruncatedPickle();
    const offset = this.pos;
    this.pos += n;
    const fd = this.fd;
    return {
      offset,
      length: n,
      read: (o, l) => {
        const len = Math.max(0, Math.min(l, n - o));
        const buf = new Uint8Array(len);
        readSync(fd, buf, 0, len, offset + o);
        return buf;
      },
    };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Bytes a BlockSource does not hold yet: the caller fetches [offset, offset + length) and runs
 * the (synchronous, side-effect free) pickle machine again from the start.
 */
export class NeedBytes extends Error {
  constructor(
    readonly offset: number,
    readonly length: number,
  ) {
    super(`pickle bytes ${offset}..${offset + length} are not fetched yet`);
  }
}

/**
 * A pickle on object storage, read through the blocks fetched so far (`blocks`: block index ->
 * bytes, filled by the caller between runs). A joblib array's data is skipped (lazy) and only the
 * values the tree keeps are asked for, so a multi-GB pickle costs a few ranged GETs.
 */
export class BlockSource implements PickleSource {
  pos = 0;
  constructor(
    private readonly blocks: Map<number, Uint8Array>,
    readonly size: number,
    readonly blockSize: number,
    /** Bytes asked for at least per miss: the opcode stream is read forward. */
    private readonly ahead = blockSize,
  ) {}

  private range(offset: number, n: number): Uint8Array {
    if (offset + n > this.size) throw new TruncatedPickle();
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + Math.max(n, 1) - 1) / this.blockSize);
    for (let b = first; b <= last; b++) {
      if (this.blocks.has(b)) continue;
      const start = b * this.blockSize;
      const end = Math.min(this.size, Math.max((last + 1) * this.blockSize, start + this.ahead));
      throw new NeedBytes(start, end - start);
    }
    if (first === last) {
      const o = offset - first * this.blockSize;
      return (this.blocks.get(first) as Uint8Array).subarray(o, o + n);
    }
    const out = new Uint8Array(n);
    for (let b = first, at = 0; b <= last; b++) {
      const block = this.blocks.get(b) as Uint8Array;
      const from = b === first ? offset - first * this.blockSize : 0;
      const part = block.subarray(from, Math.min(block.length, from + n - at));
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  byte(): number {
    const v = this.range(this.pos, 1)[0];
    this.pos++;
    return v;
  }

  bytes(n: number): Uint8Array {
    const out = this.range(this.pos, n);
    this.pos += n;
    return out;
  }

  lazy(n: number): LazyBytes {
    if (this.pos + n > this.size) throw new TruncatedPickle();
    const offset = this.pos;
    this.pos += n;
    return {
      offset,
      length: n,
      read: (o, l) => this.range(offset + o, Math.max(0, Math.min(l, n - o))),
    };
  }

  close(): void {}
}
