// joblib's compressed files: the whole pickle stream compressed with zlib, gzip, bz2, xz, lzma
// ("alone" format) or lz4 (frame), recognised by their magic bytes.

import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { Lz4LimitError, lz4DecompressFrame } from '../codecs/lz4Frame';
import { LzmaLimitError, lzmaDecompress } from '../codecs/lzma';
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

/** A decode of an lzma or lz4 joblib is also stopped after this long (a bomb under the limit). */
const DECODE_DEADLINE_MS = 10_000;

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
      case 'lz4':
        // Our own frame decoder (codecs/lz4Frame.ts), bounded by the input and the limit: the lz4js
        // package it replaced trusted declared block sizes and looped for seconds past the input's end.
        return lz4DecompressFrame(data, MAX_PICKLE_BYTES);
      case 'lzma':
        // lzma-d had no output limit and decoded past a truncated input without end.
        return lzmaDecompress(data, {
          limit: MAX_PICKLE_BYTES,
          deadline: performance.now() + DECODE_DEADLINE_MS,
          onDeadline: () => {
            throw new UnsupportedError(
              `lzma-compressed file: decompressing took over ${DECODE_DEADLINE_MS / 1000} s`,
            );
          },
        });
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
    if (err instanceof LzmaLimitError || err instanceof Lz4LimitError) tooBig();
    if (/maxOutputLength|larger than/.test((err as Error).message)) tooBig();
    throw new UnsupportedError(
      `${kind}-compressed file could not be decompressed: ${(err as Error).message}`,
    );
  }
}
