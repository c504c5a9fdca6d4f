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
        return new Uint8Array(Bunzip.decode(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
      }
      case 'lz4': {
        const lz4 = await import('lz4js');
        return lz4.decompress(data);
      }
      case 'lzma': {
        const { LZMA } = await import('lzma/src/lzma-d-min.js');
        const out = LZMA.decompress(data);
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
