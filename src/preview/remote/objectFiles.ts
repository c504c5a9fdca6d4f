// The readers' file access for artifacts on object storage (s3://, az://, abfs:// URLs): an object
// is a file read by ranged GETs through a block cache, a key prefix is a folder (a zarr store).
// Nothing here downloads an object whole unless a reader asks for all of its bytes: HDF5 and
// netCDF3 headers, parquet footers, CSV rows and zarr chunks each fetch only their own ranges.

import { fsspecOptions } from '../../core/remote/fsspecConfig';
import { type ObjectClient, type ObjectInfo, openObjectClient } from '../../core/remote/objectClient';
import { type ObjectLocation, parseObjectUrl } from '../../core/remote/objectUrl';

type Options = Record<string, unknown>;

/** Bytes fetched per block: HDF5 metadata and netCDF3 headers are many small reads close together. */
export const BLOCK_BYTES = 64 * 1024;
/** Blocks kept in memory for all remote files together (LRU). */
const CACHE_BYTES = 64 * 1024 * 1024;
/** A read this large (a chunk, a row group) is one ranged GET of exactly its bytes, not cached. */
const DIRECT_BYTES = 2 * 1024 * 1024;
/** Objects listed to size a remote folder (as the local walk's bound). */
const MAX_LISTED = 20_000;

const PROTOCOLS = { s3: ['s3', 's3a'], az: ['az', 'abfs', 'abfss'] } as const;

/** Requests and bytes fetched from object storage by the readers (tests and the bench assert them). */
export interface FetchStats {
  requests: number;
  bytes: number;
  listings: number;
  heads: number;
}

const stats: FetchStats = { requests: 0, bytes: 0, listings: 0, heads: 0 };

export function remoteFetchStats(): FetchStats {
  return { ...stats };
}

export function resetRemoteFetchStats(): void {
  Object.assign(stats, { requests: 0, bytes: 0, listings: 0, heads: 0 });
}

// Storage options per bucket, as the caller last gave them (ReadOptions.storageOptions): the
// readers below the public API see only paths.
const optionsByBucket = new Map<string, Options>();
const clients = new Map<string, Promise<ObjectClient>>();

const bucketOf = (loc: ObjectLocation): string =>
  `${loc.scheme}://${loc.bucket}${loc.account ? `@${loc.account}` : ''}`;

/** Records the storage options to read objects under `url` with (none given: keep the last ones). */
export function useStorageOptions(url: string, options: Options | undefined): void {
  if (options === undefined) return;
  optionsByBucket.set(bucketOf(parseObjectUrl(url)), options);
}

interface Target {
  client: ObjectClient;
  /** The object key (or folder prefix) the URL names, without a trailing '/'. */
  key: string;
  url: string;
}

async function target(url: string): Promise<Target> {
  const loc = parseObjectUrl(url.replace(/\/+$/, ''));
  const bucket = bucketOf(loc);
  const options = fsspecOptions([...PROTOCOLS[loc.scheme]], optionsByBucket.get(bucket) ?? {});
  // The options are the cache key only in memory; they are never logged or put in messages.
  const id = `${bucket}\0${JSON.stringify(options)}`;
  let client = clients.get(id);
  if (!client) {
    client = openObjectClient({ ...loc, prefix: '', root: bucket }, options);
    clients.set(id, client);
  }
  return { client: await client, key: loc.prefix, url: loc.root };
}

function enoent(url: string): Error {
  return Object.assign(new Error(`ENOENT: no such object or prefix: ${url}`), { code: 'ENOENT' });
}

export interface RemoteStat {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
  mtimeMs: number;
  /** The object's ETag ('' for a folder): a changed object is never read from stale blocks. */
  etag: string;
}

function fileStat(o: ObjectInfo): RemoteStat {
  return {
    isFile: () => true,
    isDirectory: () => false,
    size: o.size,
    mtimeMs: o.lastModified,
    etag: o.etag,
  };
}

function dirStat(size: number): RemoteStat {
  return { isFile: () => false, isDirectory: () => true, size, mtimeMs: 0, etag: '' };
}

async function head(t: Target): Promise<ObjectInfo | null> {
  if (!t.key) return null;
  stats.heads++;
  return t.client.head(t.key);
}

/** First page of the objects under `key/` (enough to know a folder exists). */
async function firstPage(t: Target): Promise<ObjectInfo[]> {
  stats.listings++;
  for await (const page of t.client.listPages(t.key ? `${t.key}/` : '')) return page;
  return [];
}

/** An object is a file; a prefix with objects below it is a folder; else null (as a failed stat). */
export async function remoteStat(url: string): Promise<RemoteStat | null> {
  const t = await target(url);
  const o = await head(t);
  if (o) return fileStat(o);
  const page = await firstPage(t);
  return page.length > 0 ? dirStat(0) : null;
}

/** The object at `url` (one HEAD, no listing); null when there is none. */
export async function remoteHead(url: string): Promise<RemoteStat | null> {
  const o = await head(await target(url));
  return o ? fileStat(o) : null;
}

/** Total bytes of the objects under a folder, null past MAX_LISTED objects (as the local walk). */
export async function remoteFolderSize(url: string): Promise<number | null> {
  const t = await target(url);
  let total = 0;
  let n = 0;
  stats.listings++;
  for await (const page of t.client.listPages(t.key ? `${t.key}/` : '')) {
    for (const o of page) total += o.size;
    n += page.length;
    if (n > MAX_LISTED) return null;
  }
  return total;
}

export interface RemoteDirent {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

/** The immediate children of a folder, from one listing of its prefix (no directory markers). */
export async function remoteReaddir(url: string): Promise<RemoteDirent[]> {
  const t = await target(url);
  const base = t.key ? `${t.key}/` : '';
  const kinds = new Map<string, boolean>();
  stats.listings++;
  for await (const page of t.client.listPages(base)) {
    for (const o of page) {
      const rest = o.key.slice(base.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (name) kinds.set(name, (kinds.get(name) ?? false) || slash >= 0);
    }
  }
  if (kinds.size === 0) throw enoent(url);
  return [...kinds].map(([name, dir]) => ({ name, isDirectory: () => dir, isFile: () => !dir }));
}

// One LRU of blocks for every remote file: key `url \0 etag \0 block index`.
const blocks = new Map<string, Promise<Uint8Array>>();
let cachedBytes = 0;
const blockSize = new Map<string, number>();

function remember(key: string, p: Promise<Uint8Array>, expected: number): void {
  blocks.set(key, p);
  blockSize.set(key, expected);
  cachedBytes += expected;
  while (cachedBytes > CACHE_BYTES && blocks.size > 1) {
    const oldest = blocks.keys().next().value as string;
    blocks.delete(oldest);
    cachedBytes -= blockSize.get(oldest) ?? 0;
    blockSize.delete(oldest);
  }
  // A failed fetch is not kept: the next read retries.
  p.catch(() => {
    if (blocks.get(key) === p) {
      blocks.delete(key);
      cachedBytes -= blockSize.get(key) ?? 0;
      blockSize.delete(key);
    }
  });
}

/** Drops every cached block (tests measure cold reads; closeAll frees the memory). */
export function clearRemoteBlocks(): void {
  blocks.clear();
  blockSize.clear();
  cachedBytes = 0;
}

/** An object opened for positioned reads, shaped like the part of fs.FileHandle the readers use. */
export class RemoteFile {
  private constructor(
    private readonly t: Target,
    private readonly info: ObjectInfo,
  ) {}

  static async open(url: string): Promise<RemoteFile> {
    const t = await target(url);
    const o = await head(t);
    // No listing to tell a folder from nothing: callers stat first, and a missing metadata
    // object (zarr.json in a v2 store) must cost one HEAD only.
    if (o) return new RemoteFile(t, o);
    throw enoent(url);
  }

  get size(): number {
    return this.info.size;
  }

  async stat(): Promise<RemoteStat> {
    return fileStat(this.info);
  }

  async close(): Promise<void> {}

  private async fetch(start: number, end: number): Promise<Uint8Array> {
    stats.requests++;
    const b = await this.t.client.getRange(this.t.key, start, end);
    if (!b) throw enoent(this.t.url);
    stats.bytes += b.byteLength;
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Blocks [first, last] of the object, fetching each run of missing ones with one GET. */
  private blocksOf(first: number, last: number): Promise<Uint8Array>[] {
    const id = `${this.t.url}\0${this.info.etag}\0`;
    const out: Promise<Uint8Array>[] = [];
    let i = first;
    while (i <= last) {
      const hit = blocks.get(id + i);
      if (hit) {
        blocks.delete(id + i);
        blocks.set(id + i, hit);
        out.push(hit);
        i++;
        continue;
      }
      let j = i;
      while (j + 1 <= last && !blocks.has(id + (j + 1))) j++;
      const start = i * BLOCK_BYTES;
      const end = Math.min(this.info.size, (j + 1) * BLOCK_BYTES);
      const run = this.fetch(start, end);
      for (let k = i; k <= j; k++) {
        const off = (k - i) * BLOCK_BYTES;
        const p = run.then((b) => b.subarray(off, Math.min(b.byteLength, off + BLOCK_BYTES)));
        remember(id + k, p, Math.min(BLOCK_BYTES, this.info.size - k * BLOCK_BYTES));
        out.push(p);
      }
      i = j + 1;
    }
    return out;
  }

  /** fs.FileHandle.read: up to `length` bytes at `position` into buffer[offset...]. */
  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    const n = Math.max(0, Math.min(length, this.info.size - position));
    if (n === 0) return { bytesRead: 0, buffer };
    if (n >= DIRECT_BYTES) {
      const b = await this.fetch(position, position + n);
      buffer.set(b, offset);
      return { bytesRead: b.byteLength, buffer };
    }
    const first = Math.floor(position / BLOCK_BYTES);
    const last = Math.floor((position + n - 1) / BLOCK_BYTES);
    const got = await Promise.all(this.blocksOf(first, last));
    let done = 0;
    for (let k = 0; k < got.length && done < n; k++) {
      const from = k === 0 ? position - first * BLOCK_BYTES : 0;
      const piece = got[k].subarray(from, from + (n - done));
      if (piece.byteLength === 0) break;
      buffer.set(piece, offset + done);
      done += piece.byteLength;
    }
    return { bytesRead: done, buffer };
  }
}
