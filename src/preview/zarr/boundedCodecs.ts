// zarrita's zlib and gzip codecs inflate without an output limit (a chunk of a few MB inflating
// to 4 GB to return 3 values): replaced in its registry by ones that stop at the chunk's declared
// decoded size, as the fast path does (fastChunks.ts inflateChunk).

import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import * as zarr from 'zarrita';
import { UnsupportedError } from '../errors';
import { MAX_READ_BYTES } from '../limits';

const inflateAsync = promisify(inflate);
const gunzipAsync = promisify(gunzip);

/** Bytes of one decoded chunk, or MAX_READ_BYTES for types of no fixed size (strings, objects). */
export function declaredChunkBytes(meta: { dataType?: unknown; shape?: unknown } | undefined): number {
  const shape = Array.isArray(meta?.shape) ? (meta.shape as number[]) : null;
  const t = String(meta?.dataType ?? '');
  const bits = t === 'bool' ? 8 : /^(u?int|float|complex)(\d+)$/.exec(t)?.[2];
  if (!shape || bits === undefined) return MAX_READ_BYTES;
  const n = shape.reduce((a, b) => a * b, 1) * (Number(bits) / 8);
  // A crc32c codec after it adds 4 bytes; a little slack costs nothing.
  return Number.isSafeInteger(n) ? Math.min(MAX_READ_BYTES, n + 64) : MAX_READ_BYTES;
}

function boundedCodec(format: 'zlib' | 'gzip') {
  return class {
    kind = 'bytes_to_bytes' as const;
    constructor(private readonly limit: number) {}
    static fromConfig(_config: unknown, meta?: { dataType?: unknown; shape?: unknown }) {
      return new this(declaredChunkBytes(meta));
    }
    encode(): never {
      throw new Error(`${format} encoding is not used by the preview`);
    }
    async decode(bytes: Uint8Array): Promise<Uint8Array> {
      const opts = { maxOutputLength: Math.max(1, this.limit) };
      try {
        return new Uint8Array(
          format === 'zlib' ? await inflateAsync(bytes, opts) : await gunzipAsync(bytes, opts),
        );
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          throw new UnsupportedError(`a ${format} zarr chunk inflates past its declared ${this.limit} bytes`);
        throw err;
      }
    }
  };
}

let installed = false;
/** Puts the bounded codecs in zarrita's registry (once, before any array is opened). */
export function installBoundedCodecs(): void {
  if (installed) return;
  installed = true;
  const zlib = boundedCodec('zlib');
  const gzip = boundedCodec('gzip');
  // biome-ignore lint/suspicious/noExplicitAny: zarrita's registry entries are loosely typed codec classes
  const reg = zarr.registry as Map<string, () => any>;
  for (const name of ['zlib', 'numcodecs.zlib']) reg.set(name, () => zlib);
  for (const name of ['gzip', 'numcodecs.gzip']) reg.set(name, () => gzip);
}
