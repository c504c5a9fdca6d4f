// scan() of a store on object storage: one paginated listing of the store's prefix gives every
// sidecar, data object and size; only sidecars whose ETag is new are fetched (in parallel, with
// a bound), so a rescan with no change costs the listing requests alone.
import { ArtifactError } from '../errors';
import { METADATA_DIR, SIDECAR_SUFFIX } from '../layout';
import { DATA_DIR, DATA_FILE, DATA_MISSING } from '../scan/scanPart';
import { buildEntry, notAStore, storeReport, strayProblems, unsafeProblems } from '../scan/scanStore';
import { parseSidecarText, sidecarBytesText } from '../sidecar/parseSidecar';
import type { Artifact, ArtifactEntry, Problem, ScanOptions, StoreReport } from '../types';
import { mapLimit, type ObjectClient, type ObjectInfo } from './objectClient';
import { type ObjectLocation, objectUrl } from './objectUrl';
import { loadRemoteIndex, type RemoteScanMemory, saveRemoteIndex } from './remoteIndex';
import { dataOf, partitionListing, type RemoteListing, remoteOrphans } from './remoteListing';

/** Sidecar GETs in flight: enough to hide latency, few enough not to be throttled. */
const SIDECARS_IN_FLIGHT = 32;

const KIND_CODE = { file: DATA_FILE, directory: DATA_DIR, missing: DATA_MISSING } as const;

function parseResult(text: string, key: string, url: string): Artifact | ArtifactError {
  try {
    return parseSidecarText(text, key, url);
  } catch (err) {
    if (err instanceof ArtifactError) return err;
    return new ArtifactError(
      key,
      url,
      'invalid-sidecar',
      `the sidecar cannot be read: ${(err as Error).message}`,
    );
  }
}

/** Sidecars fetched before the first partial report (the tree's first page), then per report. */
const FIRST_BATCH = 200;
const BATCH = 1000;

const CANCELLED = 'Scan cancelled.';

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error(CANCELLED);
}

/** Fetches the sidecars whose ETag the memory does not hold; returns how many were read. */
async function refreshSidecars(
  client: ObjectClient,
  listing: RemoteListing,
  memory: RemoteScanMemory,
  progress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const stale: [string, ObjectInfo][] = [];
  for (const [key, info] of listing.sidecars) {
    const known = memory.sidecars.get(key);
    if (!known || info.etag === '' || known.etag !== info.etag) stale.push([key, info]);
  }
  for (const key of memory.sidecars.keys()) if (!listing.sidecars.has(key)) memory.sidecars.delete(key);
  for (let at = 0; at < stale.length; ) {
    const batch = stale.slice(at, at + (at === 0 ? FIRST_BATCH : BATCH));
    await mapLimit(batch, SIDECARS_IN_FLIGHT, async ([key, info]) => {
      throwIfCancelled(signal);
      const bytes = await client.get(info.key, signal);
      if (bytes === null)
        memory.sidecars.delete(key); // deleted since the listing
      else memory.sidecars.set(key, { etag: info.etag, text: sidecarBytesText(bytes) });
    });
    at += batch.length;
    if (at < stale.length) progress(at, stale.length);
  }
  return stale.length;
}

function remoteReport(loc: ObjectLocation, listing: RemoteListing, memory: RemoteScanMemory): StoreReport {
  const url = (rel: string) => objectUrl(loc, rel);
  const inMeta = (rel: string) => url(`${METADATA_DIR}/${rel}`);
  const problems: Problem[] = [...unsafeProblems(listing.unsafe, inMeta)];
  const artifacts: ArtifactEntry[] = [];
  const brokenKeys: string[] = [];
  let totalBytes = 0;
  const keys = [...listing.sidecars.keys()].filter((k) => memory.sidecars.has(k)).sort();
  for (const key of keys) {
    const sidecarUrl = inMeta(`${key}${SIDECAR_SUFFIX}`);
    const text = memory.sidecars.get(key)?.text ?? '';
    const data = dataOf(listing, key);
    const built = buildEntry(
      key,
      sidecarUrl,
      url(key),
      parseResult(text, key, sidecarUrl),
      KIND_CODE[data.kind],
      data.size,
    );
    problems.push(...built.problems);
    if (built.entry) {
      artifacts.push(built.entry);
      totalBytes += built.entry.sizeBytes ?? 0;
    } else brokenKeys.push(key);
  }
  problems.push(...strayProblems(listing.strays, [], inMeta));
  // Every listed key, read or not yet: data of a key still being read is not orphan data.
  const allKeys = [...listing.sidecars.keys(), ...listing.unsafe.map((u) => u.key)];
  problems.push(...remoteOrphans(listing, allKeys, url));
  return storeReport(loc.root, { artifacts, problems, brokenKeys, totalBytes });
}

async function listStore(client: ObjectClient, base: string, options: ScanOptions): Promise<ObjectInfo[]> {
  const objects: ObjectInfo[] = [];
  for await (const page of client.listPages(base, options.signal)) {
    objects.push(...page);
    options.onProgress?.({ phase: 'listing', done: objects.length, total: null });
  }
  return objects;
}

export async function scanRemote(
  client: ObjectClient,
  loc: ObjectLocation,
  memory: RemoteScanMemory,
  options: ScanOptions = {},
): Promise<StoreReport> {
  const base = loc.prefix ? `${loc.prefix}/` : '';
  let objects: ObjectInfo[];
  try {
    objects = await listStore(client, base, options);
  } catch (err) {
    if (options.signal?.aborted) throw new Error(CANCELLED);
    // A missing bucket, refused credentials or an unreachable endpoint: reported, not thrown,
    // as a local scan reports a missing folder.
    return notAStore(loc.root, (err as Error).message);
  }
  const listing = partitionListing(objects, base);
  if (listing.sidecars.size === 0 && listing.unsafe.length === 0 && listing.strays.length === 0) {
    return notAStore(
      loc.root,
      `Not an xpersist cache (yet): no objects under ${objectUrl(loc, METADATA_DIR)}/.`,
    );
  }
  const indexLoaded = loadRemoteIndex(memory, loc.root);
  const onBatch = (done: number, total: number) =>
    options.onProgress?.({ phase: 'sidecars', done, total, report: remoteReport(loc, listing, memory) });
  let read: number;
  try {
    read = await refreshSidecars(client, listing, memory, onBatch, options.signal);
  } catch (err) {
    if (options.signal?.aborted) throw new Error(CANCELLED);
    throw err;
  }
  memory.lastReuse = { indexLoaded, listingReused: false, orphansReused: false, sidecarsRead: read };
  const report = remoteReport(loc, listing, memory);
  if (read > 0 || indexLoaded) await saveRemoteIndex(memory, loc.root);
  return report;
}
