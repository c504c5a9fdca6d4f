// The readers' file access for artifacts on object storage (s3://, az://, abfs:// URLs): an object
// is a file read by ranged GETs through a block cache, a key prefix is a folder (a zarr store).
// Nothing here downloads an object whole unless a reader asks for all of its bytes: HDF5 and
// netCDF3 headers, parquet footers, CSV rows and zarr chunks each fetch only their own ranges.

import { AsyncLocalStorage } from 'node:async_hooks';
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
  /** The client's identity (bucket and options), so one scope never mixes two clients' answers. */
  id: string;
}

/** The objects under a key prefix ('' or ending in '/'), as one listing of this scope saw them. */
interface Listing {
  id: string;
  prefix: string;
  objects: ObjectInfo[];
  /** Every object under the prefix (no further page): absent keys are known to be absent. */
  complete: boolean;
}

/**
 * What one public preview call has learned of the objects it reads. A describe() or readValues()
 * stats the same folder and objects many times over (the sniffer, the handle cache's signature,
 * the zarr reader's metadata probes, every RemoteFile.open): inside one call each HEAD and
 * listing is sent once, and a complete listing answers the HEADs of the objects under it. A new
 * call starts empty, so a rewritten object is never read from an old ETag.
 */
interface Scope {
  heads: Map<string, Promise<ObjectInfo | null>>;
  listings: Promise<Listing>[];
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs one public preview call in its own request scope (nested calls share the outer one). */
export function withRemoteScope<T>(fn: () => Promise<T>): Promise<T> {
  if (scopes.getStore()) return fn();
  return scopes.run({ heads: new Map(), listings: [] }, fn);
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
  return { client: await client, key: loc.prefix, url: loc.root, id };
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

const folderPrefix = (t: Target): string => (t.key ? `${t.key}/` : '');

/** A complete listing of this scope that holds every object under `prefix` (or null). */
async function covering(scope: Scope, id: string, prefix: string): Promise<Listing | null> {
  // A snapshot: a listing being made asks this too, and must not wait for itself.
  for (const p of [...scope.listings]) {
    const l = await p.catch(() => null);
    if (l?.complete && l.id === id && prefix.startsWith(l.prefix)) return l;
  }
  return null;
}

async function head(t: Target): Promise<ObjectInfo | null> {
  if (!t.key) return null;
  const scope = scopes.getStore();
  if (!scope) return countedHead(t);
  const memo = `${t.id}\0${t.key}`;
  let p = scope.heads.get(memo);
  if (!p) {
    p = (async () => {
      const l = await covering(scope, t.id, t.key);
      if (l) return l.objects.find((o) => o.key === t.key) ?? null;
      return countedHead(t);
    })();
    scope.heads.set(memo, p);
  }
  return p;
}

function countedHead(t: Target): Promise<ObjectInfo | null> {
  stats.heads++;
  return t.client.head(t.key);
}

/** The objects under `key/` this scope knows, or `read` of them (recorded for the scope). */
function listed(t: Target, read: () => Promise<Listing>): Promise<Listing> {
  const scope = scopes.getStore();
  if (!scope) return read();
  const prefix = folderPrefix(t);
  const known = (async () => {
    const l = await covering(scope, t.id, prefix);
    if (l) return { ...l, prefix, objects: l.objects.filter((o) => o.key.startsWith(prefix)) };
    return read();
  })();
  scope.listings.push(known);
  return known;
}

/**
 * The first page of the objects under `key/` (enough to know a folder exists). A short page is
 * asked for its successor, which the SDKs answer without a request when the server gave no
 * continuation: the page is then known complete, and answers HEADs of the objects in the folder.
 */
function firstPage(t: Target): Promise<ObjectInfo[]> {
  return listed(t, async () => {
    const prefix = folderPrefix(t);
    const pages = t.client.listPages(prefix)[Symbol.asyncIterator]();
    stats.listings++;
    const first = await pages.next();
    const objects = first.done ? [] : [...first.value];
    let complete = !!first.done;
    if (!complete && objects.length < 1000) {
      const more = await pages.next();
      complete = !!more.done;
      if (!more.done) {
        stats.listings++;
        objects.push(...more.value);
      }
    }
    if (!complete) await pages.return?.();
    return { id: t.id, prefix, objects, complete };
  }).then((l) => l.objects);
}

/** Every object under `key/`, up to MAX_LISTED (then incomplete), as one listing of the scope. */
function wholeListing(t: Target): Promise<Listing> {
  return listed(t, async () => {
    const prefix = folderPrefix(t);
    const objects: ObjectInfo[] = [];
    for await (const page of t.client.listPages(prefix)) {
      stats.listings++;
      objects.push(...page);
      if (objects.length > MAX_LISTED) return { id: t.id, prefix, objects, complete: false };
    }
    return { id: t.id, prefix, objects, complete: true };
  });
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
  const l = await wholeListing(await target(url));
  if (!l.complete) return null;
  return l.objects.reduce((n, o) => n + o.size, 0);
}

export interface RemoteDirent {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

/** The immediate children of a folder, from one listing of its prefix (no directory markers). */
export async function remoteReaddir(url: string): Promise<RemoteDirent[]> {
  const t = await target(url);
  const base = folderPrefix(t);
  const kinds = new Map<string, boolean>();
  const l = await wholeListing(t);
  // Past MAX_LISTED, the rest of the listing is read here (a folder's names must all be seen).
  const pages = async function* (): AsyncIterable<ObjectInfo[]> {
    yield l.objects;
    if (l.complete) return;
    let skip = l.objects.length;
    for await (const page of t.client.listPages(base)) {
      stats.listings++;
      if (skip >= page.length) skip -= page.length;
      else {
        yield page.slice(skip);
        skip = 0;
      }
    }
  };
  for await (const page of pages()) {
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
