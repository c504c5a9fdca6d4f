// What the core needs from an object store (S3 or Azure Blob): a flat, paginated listing with
// sizes and change stamps, whole and ranged GETs, PUTs and deletes. The SDK behind each is
// loaded only when a store of its kind is opened (they are large and slow to require).
import type { ObjectLocation } from './objectUrl';
import { LightS3Reads, lightS3Config } from './s3Light';

export interface ObjectInfo {
  /** The full object key (the store's prefix included). */
  key: string;
  size: number;
  /** Changes whenever the content does (S3 ETag, Azure ETag). */
  etag: string;
  /** ms since the epoch. */
  lastModified: number;
}

export interface ObjectClient {
  readonly location: ObjectLocation;
  /** Every object whose key starts with `prefix`, one page at a time (no delimiter). */
  listPages(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo[]>;
  /** The whole object; null when there is none. */
  get(key: string, signal?: AbortSignal): Promise<Buffer | null>;
  /** Bytes [start, end) of an object (fewer at its end); null when there is none. */
  getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer | null>;
  head(key: string): Promise<ObjectInfo | null>;
  put(key: string, body: Buffer | string): Promise<void>;
  /** Deletes these objects (keys that do not exist are fine). */
  deleteMany(keys: string[]): Promise<void>;
}

/** The listing as one array (the scan needs all of it; the UI may page through listPages). */
export async function listAll(
  client: ObjectClient,
  prefix: string,
  signal?: AbortSignal,
): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const page of client.listPages(prefix, signal)) out.push(...page);
  return out;
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** An error of an object store in words a user can act on, naming the bucket and prefix only. */
export class ObjectStoreError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }
}

/**
 * Opens the client for a location; the SDK of its kind is required now, not before. In the
 * bundles each client is a sibling file (dist/xpersist-s3.js, dist/xpersist-azure.js: esbuild.mjs,
 * plugin `lazy-object-clients`), so a user with only local stores never loads or parses them.
 */
export async function openObjectClient(
  location: ObjectLocation,
  storageOptions: Record<string, unknown>,
): Promise<ObjectClient> {
  try {
    if (location.scheme === 's3') {
      const sdk = (): ObjectClient => {
        const { S3ObjectClient } = require('./s3Client') as typeof import('./s3Client');
        return new S3ObjectClient(location, storageOptions);
      };
      const light = lightS3Config(location.bucket, storageOptions);
      return light ? withLightReads(new LightS3Reads(location, light), sdk) : sdk();
    }
    const { AzureObjectClient } = require('./azureClient') as typeof import('./azureClient');
    return new AzureObjectClient(location, storageOptions);
  } catch (err) {
    // Options that cannot make a client (no Azure account, say) are a property of the store, as
    // a missing folder is: the store opens, and every request fails with the reason.
    return failingClient(location, err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * Reads (HEAD, GET, listing) by the light SigV4 client; writes and deletes by the SDK client,
 * required on the first write only, so a preview or a scan never loads the SDK.
 */
function withLightReads(reads: LightS3Reads, sdk: () => ObjectClient): ObjectClient {
  let writer: ObjectClient | null = null;
  const w = (): ObjectClient => {
    try {
      writer ??= sdk();
    } catch (err) {
      writer = failingClient(reads.location, err instanceof Error ? err : new Error(String(err)));
    }
    return writer;
  };
  return {
    location: reads.location,
    listPages: (prefix, signal) => reads.listPages(prefix, signal),
    get: (key, signal) => reads.get(key, signal),
    getRange: (key, start, end, signal) => reads.getRange(key, start, end, signal),
    head: (key) => reads.head(key),
    put: (key, body) => w().put(key, body),
    deleteMany: (keys) => w().deleteMany(keys),
  };
}

function failingClient(location: ObjectLocation, err: Error): ObjectClient {
  const fail = async (): Promise<never> => {
    throw err;
  };
  return {
    location,
    // biome-ignore lint/correctness/useYield: it fails before the first page
    async *listPages() {
      throw err;
    },
    get: fail,
    getRange: fail,
    head: fail,
    put: fail,
    deleteMany: fail,
  };
}
