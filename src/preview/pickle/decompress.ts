// joblib's compressed files: the whole pickle stream compressed with zlib, gzip, bz2, xz, lzma
// ("alone" format) or lz4 (frame), recognised by their magic bytes.

import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { UnsupportedError } from '../errors';
import { MAX_PICKLE_BYTES } from '../limits';

const inflateAsync = promisify(inflate);
const gunzipAsync = promisify(gunzip);

export type Compression = 'none' | 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

export function sniffCompression(head: Uint8Array): Compression {
  const hex = Buffer.from(head.subarray(0, 6)).toString('hex');
  if (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1])) return 'zlib';
  if (hex.startsWith('1f8b')) return 'gzip';
  if (hex.startsWith('425a68')) return 'bz2';
  if (hex === 'fd377a585a00') return 'xz';
  if (hex.startsWith('5d0000')) return 'lzma';
  if (hex.startsWith('04224d18')) return 'lz4';
  return 'none';
}

/**
 * seek-bzip's output stream, growing up to `limit` bytes: past it the decoder is stopped (its
 * own output buffer would grow without bound on a bz2 bomb).
 */
class BoundedOutput {
  private buf = Buffer.allocUnsafe(1 << 16);
  private n = 0;
  constructor(private readonly limit: number) {}
  writeByte(b: number): void {
    if (this.n === this.buf.length) {
      if (this.n >= this.limit) tooBig();
      const next = Buffer.allocUnsafe(Math.min(this.limit, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.n);
      this.buf = next;
    }
    this.buf[this.n++] = b;
  }
  write(src: Uint8Array, off: number, len: number): number {
    for (let i = 0; i < len; i++) this.writeByte(src[off + i]);
    return len;
  }
  flush(): void {}
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/** Heap growth (bytes) an lzma decode may cause: its output is a JS array, 8+ bytes per byte. */
export const LZMA_HEAP_BUDGET = 512 * 1024 * 1024;
const LZMA_DEADLINE_MS = 10_000;

/**
 * lzma-d offers no output limit, and on a bomb its output array exhausts the heap (an abort of
 * the whole process). It reads its input by index, so a proxy over the input checks the heap and
 * the clock every 256 bytes read: the range decoder reads a byte at least every few KiB of
 * output, so the decode is stopped within a few MiB of the budget.
 */
function heapBoundedInput(data: Uint8Array): Uint8Array {
  const base = process.memoryUsage().heapUsed;
  const deadline = performance.now() + LZMA_DEADLINE_MS;
  let reads = 0;
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string' && ++reads % 256 === 0) {
        if (process.memoryUsage().heapUsed - base > LZMA_HEAP_BUDGET) tooBig();
        if (performance.now() > deadline)
          throw new UnsupportedError(
            `lzma-compressed file: decompressing took over ${LZMA_DEADLINE_MS / 1000} s`,
          );
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function tooBig(): never {
  throw new UnsupportedError(
    `decompressed pickle is larger than the preview limit (${MAX_PICKLE_BYTES / 2 ** 20} MiB)`,
  );
}

export async function decompress(kind: Compression, data: Uint8Array): Promise<Uint8Array> {
  const opts = { maxOutputLength: MAX_PICKLE_BYTES, chunkSize: 1 << 20 };
  try {
    switch (kind) {
      case 'none':
        return data;
      case 'zlib':
        return await inflateAsync(data, opts);
      case 'gzip':
        return await gunzipAsync(data, opts);
      case 'bz2': {
        const { default: Bunzip } = await import('seek-bzip');
        const out = new BoundedOutput(MAX_PICKLE_BYTES);
        Bunzip.decode(Buffer.from(data.buffer, data.byteOffset, data.byteLength), out);
        return out.bytes();
      }
      case 'lz4': {
        const lz4 = await import('lz4js');
        // The frame's declared content size (or the sum of its block maxima) sizes the output
        // buffer: refused over the limit before anything is allocated.
        const bound = lz4.decompressBound(data);
        if (!(bound >= 0) || bound > MAX_PICKLE_BYTES) tooBig();
        return lz4.decompress(data, bound);
      }
      case 'lzma': {
        const { LZMA } = await import('lzma/src/lzma-d-min.js');
        const out = LZMA.decompress(heapBoundedInput(data));
        // lzma-d returns a string when the output happens to be valid UTF-8.
        return typeof out === 'string'
          ? new TextEncoder().encode(out)
          : Uint8Array.from(out, (b) => b & 0xff);
      }
      case 'xz': {
        const { XzReadableStream } = await import('xz-decompress');
        const stream = new XzReadableStream(new Blob([new Uint8Array(data)]).stream());
        const chunks: Uint8Array[] = [];
        let total = 0;
        const reader = stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          if (total > MAX_PICKLE_BYTES) {
            await reader.cancel();
            tooBig();
          }
          chunks.push(value);
        }
        return Buffer.concat(chunks);
      }
    }
  } catch (err) {
    if (err instanceof UnsupportedError) throw err;
    if (/maxOutputLength|larger than/.test((err as Error).message)) tooBig();
    throw new UnsupportedError(
      `${kind}-compressed file could not be decompressed: ${(err as Error).message}`,
    );
  }
}
