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
