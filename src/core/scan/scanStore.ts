// scan(): every artifact of a store with its data, and every problem.
//
// A full scan stats every sidecar and data path, in worker threads for big stores. Between full
// scans, where the filesystem reports changes (storeWatch.ts), a rescan lists the metadata store
// and stats only what changed, plus data folders (their contents are not watched).
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ArtifactError } from '../errors';
import { dataPathOf, keyProblem, METADATA_DIR, SIDECAR_SUFFIX, sidecarPathOf } from '../layout';
import { localStorage } from '../storage/localStorage';
import type { Artifact, ArtifactEntry, Problem, ScanOptions, StoreReport } from '../types';
import { firstKeys } from './firstPage';
import { listMetadata, type MetadataListing, type UnreadableDir } from './listMetadata';
import { findOrphans, orphanAgain } from './orphans';
import {
  folderStamps,
  indexBytes,
  indexFile,
  isRacy,
  loadIndex,
  RECORD_CHUNK,
  type SavedIndex,
  type ScanState,
  sameNumbers,
  sameStrings,
  stampsHold,
} from './scanIndex';
import {
  DATA_DIR,
  DATA_FILE,
  DATA_MISSING,
  DATA_OTHER,
  type DirTuple,
  dirSize,
  type PartRequest,
  type PartResult,
  readRecord,
  type SidecarRecord,
  STAMP,
  scanPart,
  shareOf,
} from './scanPart';
import { deliverPendingEvents, StoreWatch, watchable } from './storeWatch';
import { inlineDirCache, PARALLEL_THRESHOLD, scanShares, shareCount } from './workerPool';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Sidecars of unsafe keys (refused: never read). */
export type Unsafe = { key: string; why: string }[];

export interface Built {
  kind: number;
  size: number;
  entry: ArtifactEntry | null;
  problems: Problem[];
}

interface Parsed {
  result: Artifact | ArtifactError;
  /** The sidecar's stamp when it was read (STAMP numbers); null when not to be trusted. */
  stamp: Float64Array | null;
  /** The entry made from it, reused while the data's kind and size stay the same. */
  built?: Built;
}

const DATA_KINDS = ['missing', 'file', 'directory', 'other'] as const;

export function notAStore(root: string, message: string): StoreReport {
  return {
    root,
    artifacts: [],
    problems: [{ kind: 'not-a-store', path: root, message }],
    brokenKeys: [],
    totalBytes: 0,
    scannedAt: new Date().toISOString(),
    isStore: false,
  };
}

/** Checks the store folder itself; returns a not-a-store report when it is not one. */
export function storeShapeProblem(root: string): StoreReport | null {
  const rootStat = statSync(root, { throwIfNoEntry: false });
  if (!rootStat) return notAStore(root, `The folder ${root} does not exist.`);
  if (!rootStat.isDirectory()) return notAStore(root, `${root} is a file, not a cache store folder.`);
  const meta = statSync(path.join(root, METADATA_DIR), { throwIfNoEntry: false });
  if (!meta) {
    return notAStore(root, `Not an xpersist cache (yet): ${root} has no ${METADATA_DIR}/ folder.`);
  }
  if (!meta.isDirectory()) {
    return notAStore(
      root,
      `${METADATA_DIR} in ${root} is a file, not a folder: xpersist cannot list this cache (keys() fails).`,
    );
  }
  return null;
}

/** What scanStore keeps between scans of one store. */
export interface ScanMemory {
  /** Where the scan index is persisted between store objects and processes; null: nowhere. */
  indexDir: string | null;
  /** What the last full scan may pass on to the next one (null before the first). */
  state: ScanState | null;
  /** Parsed sidecars by key, with the entry built from them. */
  parsed: Map<string, Parsed>;
  /** Sidecars at the last scan, to choose between inline and parallel. */
  lastCount: number | null;
  /** Change tracking (null where the filesystem does not report changes reliably). */
  watch: StoreWatch | null | undefined;
  /** Folders first watched after the last scan: their entries are not known to be current. */
  unverified: Set<string>;
  /** The folders the last scan relied on (watched from the start of the next full scan). */
  folders: Set<string>;
  /** How the last scan ran: every path stat'ed, or only what changed. */
  lastMode: 'full' | 'incremental' | null;
  /** What the last full scan could take from the previous one (diagnostics and tests). */
  lastReuse: ScanReuse | null;
}

export interface ScanReuse {
  /** A persisted index was loaded (a new store object). */
  indexLoaded: boolean;
  listingReused: boolean;
  orphansReused: boolean;
  /** Sidecars read and parsed (the others were proven unchanged by their stamps). */
  sidecarsRead: number;
  /** Data folders (zarr stores and their subfolders) listed to sum their sizes (local stores). */
  foldersRead?: number;
}

export function newScanMemory(indexDir: string | null = null): ScanMemory {
  return {
    indexDir,
    state: null,
    parsed: new Map(),
    lastCount: null,
    watch: undefined,
    unverified: new Set(),
    folders: new Set(),
    lastMode: null,
    lastReuse: null,
  };
}

export function closeScanMemory(memory: ScanMemory): void {
  memory.watch?.close();
}

/** A record from a thread or the index, as the scan uses it. */
function fromRecord(root: string, key: string, r: SidecarRecord, stamp: Float64Array | null): Parsed {
  if ('error' in r) {
    return { result: new ArtifactError(key, sidecarPathOf(root, key), r.error.kind, r.error.reason), stamp };
  }
  return { result: r, stamp };
}

function toRecord(result: Artifact | ArtifactError): SidecarRecord {
  return result instanceof ArtifactError ? { error: { kind: result.kind, reason: result.reason } } : result;
}

/** Reads one sidecar now (a stamp is not known for it, so it is not trusted later). */
function parse(root: string, key: string): Parsed {
  try {
    return fromRecord(root, key, readRecord(root, key), null);
  } catch (err) {
    const p = sidecarPathOf(root, key);
    const reason = `the sidecar cannot be read: ${(err as Error).message}`;
    return { result: new ArtifactError(key, p, 'invalid-sidecar', reason), stamp: null };
  }
}

/** One key as a scan observed it. */
interface Observation {
  key: string;
  /** New parsed sidecar, or the previous one when unchanged. */
  parsed: Parsed | null;
  /** The sidecar could not be read (permissions...). */
  error: string | null;
  kind: number;
  size: number;
}

export async function scanStore(
  root: string,
  memory: ScanMemory,
  options: ScanOptions = {},
): Promise<StoreReport> {
  const shape = storeShapeProblem(root);
  if (shape) return shape;
  if (memory.watch === undefined) memory.watch = watchable(root) ? new StoreWatch() : null;
  const watch = memory.watch;
  if (watch) await deliverPendingEvents();
  if (watch?.usable()) {
    memory.lastMode = 'incremental';
    return incrementalScan(root, memory, watch);
  }
  memory.lastMode = 'full';
  if (watch) {
    // Watch before statting: a change during the full scan is then seen by the next one.
    watch.startFullScan();
    watch.watchFolders(new Set([root, path.join(root, METADATA_DIR), ...memory.folders]));
  }
  return fullScan(root, memory, options);
}

/** What the previous full scan (this object's, or a persisted index) knew. */
interface Prior {
  state: ScanState | null;
  parsed: Map<string, Parsed>;
  saved: SavedIndex | null;
}

function priorOf(root: string, memory: ScanMemory): Prior {
  if (memory.state || !memory.indexDir) return { state: memory.state, parsed: memory.parsed, saved: null };
  const saved = loadIndex(memory.indexDir, root);
  if (!saved) return { state: null, parsed: memory.parsed, saved: null };
  // Stamps now, records once the threads are busy (their deserialisation is the larger part).
  const parsed = new Map<string, Parsed>();
  for (let i = 0; i < saved.keys.length; i++) {
    const stamp = saved.stamps.subarray(i * STAMP, (i + 1) * STAMP);
    parsed.set(saved.keys[i], { result: PENDING, stamp });
  }
  return { state: saved.state, parsed, saved };
}

const PENDING = new ArtifactError('', '', 'invalid-sidecar', 'not read yet');

/** Fills in the records of a loaded index, a chunk at a time; a key without one is read again. */
async function fillRecords(root: string, prior: Prior, breathe: () => Promise<void>): Promise<void> {
  const saved = prior.saved;
  if (!saved) return;
  const keys = saved.keys;
  for (let c = 0; c < saved.recordChunks; c++) {
    if (c > 0) await breathe();
    const records = saved.records(c);
    const from = c * RECORD_CHUNK;
    const to = Math.min(keys.length, from + RECORD_CHUNK);
    for (let i = from; i < to; i++) {
      const p = prior.parsed.get(keys[i]);
      if (!p) continue;
      const r = records?.[i - from];
      if (!r) p.stamp = null;
      else if ('error' in r)
        p.result = new ArtifactError(keys[i], sidecarPathOf(root, keys[i]), r.error.kind, r.error.reason);
      else p.result = r;
    }
  }
}

/** The metadata listing: the previous one while every folder it read is unchanged. */
function currentListing(
  metaRoot: string,
  prior: ScanState | null,
  observedAt: number,
): { listing: MetadataListing; stamps: Float64Array; reused: boolean } {
  if (prior) {
    const now = folderStamps(prior.listing.dirs, observedAt);
    if (stampsHold(prior.listingStamps, now)) return { listing: prior.listing, stamps: now, reused: true };
  }
  const listing = listMetadata(metaRoot);
  return { listing, stamps: folderStamps(listing.dirs, observedAt), reused: false };
}

/** Orphan data: the previous findings (each looked at again) while no folder they read changed. */
function currentOrphans(
  root: string,
  keys: string[],
  prior: ScanState | null,
  listingReused: boolean,
  observedAt: number,
): { orphans: Problem[]; dirs: string[]; stamps: Float64Array; rels: string[] } {
  if (prior && listingReused) {
    const now = folderStamps(prior.orphanDirs, observedAt);
    if (stampsHold(prior.orphanStamps, now)) {
      const orphans = prior.orphanRels.map((rel) => orphanAgain(root, rel)).filter((p) => p !== null);
      return { orphans, dirs: prior.orphanDirs, stamps: now, rels: prior.orphanRels };
    }
  }
  const dirs: string[] = [];
  const orphans = findOrphans(root, keys, dirs);
  const rels = orphans.map((p) => path.relative(root, p.path).split(path.sep).join('/'));
  return { orphans, dirs, stamps: folderStamps(dirs, observedAt), rels };
}

/** The keys cut into shares, each with the stamps and folder sizes already known for its keys. */
function shareRequests(
  root: string,
  keys: string[],
  parsed: Map<string, Parsed>,
  dirSizes: Map<string, DirTuple[]> | undefined,
): PartRequest[] {
  const parts = shareCount(keys.length);
  const byShare: string[][] = Array.from({ length: parts }, () => []);
  for (const k of keys) byShare[shareOf(k, parts)].push(k);
  return byShare.map((ks) => {
    const known = new Float64Array(ks.length * STAMP).fill(Number.NaN);
    for (let i = 0; i < ks.length; i++) {
      const stamp = parsed.get(ks[i])?.stamp;
      // Element by element: a TypedArray#set call per key cost more than the copy at 100,000.
      if (stamp) for (let j = 0; j < STAMP; j++) known[i * STAMP + j] = stamp[j];
    }
    const dirs: PartRequest['dirs'] = [];
    if (dirSizes?.size) {
      for (let i = 0; i < ks.length; i++) {
        const entries = dirSizes.get(ks[i]);
        if (entries) dirs.push([i, entries]);
      }
    }
    return { root, keys: ks, known, dirs };
  });
}

async function fullScan(root: string, memory: ScanMemory, options: ScanOptions): Promise<StoreReport> {
  // Before anything is read: a change after this moment is newer than any stamp trusted below.
  const observedAt = Date.now();
  const metaRoot = path.join(root, METADATA_DIR);
  const prior = priorOf(root, memory);
  // Loading a big index is itself a step: let the host answer what waited before the listing.
  if ((prior.saved?.keys.length ?? 0) >= PARALLEL_THRESHOLD) await nextTurn();
  const { listing, stamps: listingStamps, reused } = currentListing(metaRoot, prior.state, observedAt);
  const keys: string[] = [];
  const unsafe: Unsafe = [];
  for (const key of listing.keys) {
    const why = keyProblem(key);
    if (why) unsafe.push({ key, why });
    else keys.push(key);
  }
  // A big store's phases each hold the thread for a while (seconds at 100,000 keys on a loaded
  // machine): between them the host answers what waited, e.g. the view asking for the first page.
  const breathe = keys.length >= PARALLEL_THRESHOLD ? nextTurn : async () => {};
  reportFirstPage(root, keys, options);
  await breathe();
  const reqs = shareRequests(root, keys, prior.parsed, prior.state?.dirSizes);
  const pending = scanShares(reqs);
  // Awaited below; a failure meanwhile is not an unhandled rejection.
  pending.catch(() => undefined);
  await breathe();
  // While the threads stat: orphan data and the index's records, here.
  const orphans = currentOrphans(root, listing.keys, prior.state, reused, observedAt);
  await breathe();
  await fillRecords(root, prior, breathe);
  const shares = await pending;
  const seen = observeShares(root, reqs, shares, prior.parsed, observedAt);
  const observations = seen.observations;
  let changed = seen.changed || !prior.state || !reused || !sameStrings(orphans.rels, prior.state.orphanRels);
  memory.lastReuse = {
    indexLoaded: prior.saved !== null,
    listingReused: reused,
    orphansReused: orphans.dirs === prior.state?.orphanDirs,
    sidecarsRead: seen.sidecarsRead,
    foldersRead: shares.reduce((n, sh) => n + sh.foldersRead, 0),
  };
  await breathe();
  changed ||= !prior.state || !sameNumbers(listingStamps, prior.state.listingStamps);
  const dirSizes = folderSizes(reqs, shares, observedAt);
  changed ||= !sameDirSizes(dirSizes, prior.state?.dirSizes);
  memory.state = {
    listing,
    listingStamps,
    orphanDirs: orphans.dirs,
    orphanStamps: orphans.stamps,
    orphanRels: orphans.rels,
    dirSizes,
  };
  const out = report(root, memory, observations, unsafe, listing, orphans.orphans);
  if (changed && memory.indexDir) await saveIndex(root, memory, breathe);
  return out;
}

/** The folder sizes the shares summed, per key; a key with a folder measured racily has none. */
function folderSizes(reqs: PartRequest[], shares: PartResult[], observedAt: number): Map<string, DirTuple[]> {
  const out = new Map<string, DirTuple[]>();
  for (let s = 0; s < shares.length; s++) {
    for (const [i, entries] of shares[s].dirs) {
      if (entries.every((e) => !isRacy(e[1], e[2], observedAt))) out.set(reqs[s].keys[i], entries);
    }
  }
  return out;
}

/** Whether two scans measured the same folders at the same stamps (then the index need not change). */
function sameDirSizes(a: Map<string, DirTuple[]>, b: Map<string, DirTuple[]> | undefined): boolean {
  if (!b || a.size !== b.size) return false;
  for (const [key, entries] of a) {
    const other = b.get(key);
    if (!other || other.length !== entries.length) return false;
    for (let i = 0; i < entries.length; i++) {
      const [dir, m, c, files, subdirs] = entries[i];
      const o = other[i];
      if (o[0] !== dir || o[1] !== m || o[2] !== c) return false;
      if (!sameStrings(files, o[3]) || !sameStrings(subdirs, o[4])) return false;
    }
  }
  return true;
}

/** What the threads found, per key: the new record, the one already held, or one read here. */
function observeShares(
  root: string,
  reqs: PartRequest[],
  shares: PartResult[],
  before: Map<string, Parsed>,
  observedAt: number,
): { observations: Observation[]; changed: boolean; sidecarsRead: number } {
  // Sidecars read again: by the threads, and here where the index's record was unusable.
  let sidecarsRead = shares.reduce((n, sh) => n + sh.changed.length, 0);
  const observations: Observation[] = [];
  let changed = false;
  for (let s = 0; s < shares.length; s++) {
    const share = shares[s];
    const fresh = new Map(share.changed);
    const shareKeys = reqs[s].keys;
    for (let i = 0; i < shareKeys.length; i++) {
      const key = shareKeys[i];
      const held = before.get(key);
      if (share.gone[i]) {
        changed ||= held !== undefined;
        continue; // deleted while scanning
      }
      let parsed: Parsed | null = null;
      if (!share.errors[i]) {
        const j = i * STAMP;
        const racy = isRacy(share.stamps[j], share.stamps[j + 1], observedAt);
        const record = fresh.get(i);
        if (record) {
          const trusted = racy ? null : share.stamps.subarray(j, j + STAMP);
          parsed = fromRecord(root, key, record, trusted);
          changed ||= trusted !== null || held?.stamp != null;
        } else if (held && held.result !== PENDING) {
          // Unchanged: the stamp is the one already held (equal, so no new copy).
          parsed = held;
          if (racy) parsed.stamp = null;
        } else {
          parsed = parse(root, key);
          sidecarsRead++;
        }
      }
      observations.push({
        key,
        parsed,
        error: share.errors[i],
        kind: share.data[i * 2],
        size: share.data[i * 2 + 1],
      });
    }
  }
  return { observations, changed, sidecarsRead };
}

/**
 * Hands `onProgress` the first page (ScanOptions.firstPage) of a store more than twice its size:
 * those keys stat'ed and read now, inline, before the threads prove the rest.
 */
function reportFirstPage(root: string, keys: string[], options: ScanOptions): void {
  const page = options.firstPage;
  if (!page || !options.onProgress || keys.length <= page.size * 2) return;
  const first = firstKeys(keys, page.size, page.compare);
  const part = scanPart(
    { root, keys: first, known: new Float64Array(first.length * STAMP).fill(Number.NaN) },
    inlineDirCache,
  );
  const records = new Map(part.changed);
  const observations: Observation[] = [];
  for (let i = 0; i < first.length; i++) {
    if (part.gone[i]) continue;
    const record = records.get(i);
    observations.push({
      key: first[i],
      parsed: record ? fromRecord(root, first[i], record, null) : null,
      error: part.errors[i],
      kind: part.data[i * 2],
      size: part.data[i * 2 + 1],
    });
  }
  const report = storeReport(root, collect(root, observations));
  options.onProgress({ phase: 'sidecars', done: first.length, total: keys.length, report });
}

/** Persists what this scan knows (best effort: a store is scanned the same without it). */
async function saveIndex(root: string, memory: ScanMemory, breathe: () => Promise<void>): Promise<void> {
  if (!memory.indexDir || !memory.state) return;
  const keys = [...memory.parsed.keys()];
  const stamps = new Float64Array(keys.length * STAMP).fill(Number.NaN);
  const records: SidecarRecord[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const p = memory.parsed.get(keys[i]) as Parsed;
    if (p.stamp) stamps.set(p.stamp, i * STAMP);
    records[i] = toRecord(p.result);
  }
  try {
    mkdirSync(memory.indexDir, { recursive: true });
    await localStorage.write(
      indexFile(memory.indexDir, root),
      await indexBytes(root, memory.state, keys, stamps, records, breathe),
    );
  } catch {
    // An index that cannot be written only makes the next new store object slower.
  }
}

function incrementalScan(root: string, memory: ScanMemory, watch: StoreWatch): StoreReport {
  const metaRoot = path.join(root, METADATA_DIR);
  const dirty = watch.takeDirty();
  const unverified = memory.unverified;
  const listing = listMetadata(metaRoot);
  const observations: Observation[] = [];
  const unsafe: Unsafe = [];
  for (const key of listing.keys) {
    const why = keyProblem(key);
    if (why) {
      unsafe.push({ key, why });
      continue;
    }
    const sidecar = sidecarPathOf(root, key);
    const data = dataPathOf(root, key);
    const prev = memory.parsed.get(key);
    let parsed = prev ?? null;
    let error: string | null = null;
    if (!prev || dirty.has(sidecar) || unverified.has(path.dirname(sidecar))) {
      try {
        const st = statSync(sidecar, { throwIfNoEntry: false });
        if (!st?.isFile()) continue; // deleted since the listing
        parsed = fromRecord(root, key, readRecord(root, key), null);
      } catch (err) {
        error = (err as Error).message;
        parsed = null;
      }
    }
    let kind: number;
    let size = 0;
    const built = prev?.built;
    const dataDir = path.dirname(data);
    if (
      built &&
      built.kind !== DATA_DIR &&
      !dirty.has(data) &&
      !unverified.has(dataDir) &&
      watch.watching(dataDir)
    ) {
      kind = built.kind;
      size = built.size;
    } else {
      const st = statSync(data, { throwIfNoEntry: false });
      if (!st) kind = DATA_MISSING;
      else if (st.isFile()) {
        kind = DATA_FILE;
        size = st.size;
      } else if (st.isDirectory()) {
        kind = DATA_DIR;
        size = dirSize(data, st.mtimeMs, st.ctimeMs, inlineDirCache);
      } else kind = DATA_OTHER;
    }
    observations.push({ key, parsed, error, kind, size });
  }
  return report(root, memory, observations, unsafe, listing, findOrphans(root, listing.keys));
}

/** Sidecars of unsafe keys; `inMeta` locates a path relative to the metadata store. */
export function unsafeProblems(unsafe: Unsafe, inMeta: (rel: string) => string): Problem[] {
  return unsafe.map(({ key, why }) => ({
    kind: 'unsafe-key',
    key,
    path: inMeta(`${key}${SIDECAR_SUFFIX}`),
    message: `Sidecar for an unsafe key: ${why}.`,
    fixable: true,
  }));
}

/** What in the metadata store is not a sidecar: files, and folders with nothing in them. */
export function strayProblems(
  strayFiles: string[],
  emptyDirs: string[],
  inMeta: (rel: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  for (const rel of strayFiles) {
    problems.push({
      kind: 'stray-file',
      path: inMeta(rel),
      message: rel.endsWith(`${SIDECAR_SUFFIX}.bak`)
        ? `Not a sidecar (a backup copy): xpersist's keys() would list it as the key "${rel.slice(0, rel.indexOf(SIDECAR_SUFFIX))}", which does not exist.`
        : `Not a sidecar: xpersist's keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  for (const rel of emptyDirs) {
    problems.push({
      kind: 'stray-file',
      path: inMeta(rel),
      message: `Empty folder in the metadata store (xpersist's delete() leaves these); keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  return problems;
}

/** Folders of the metadata store that could not be listed: their keys are unknown, no fix. */
export function unreadableProblems(unreadable: UnreadableDir[], inMeta: (rel: string) => string): Problem[] {
  return unreadable.map(({ rel, reason }) => ({
    kind: 'unreadable-folder',
    path: inMeta(rel),
    message: `This folder of the metadata store cannot be listed, so the keys inside it are not shown (${reason}).`,
    fixable: false,
  }));
}

/** Artifacts and their own problems from the observed keys (shared by scans and first pages). */
interface Collected {
  artifacts: ArtifactEntry[];
  problems: Problem[];
  brokenKeys: string[];
  totalBytes: number;
  seen: Map<string, Parsed>;
}

function collect(root: string, observations: Observation[]): Collected {
  const out: Collected = { artifacts: [], problems: [], brokenKeys: [], totalBytes: 0, seen: new Map() };
  for (const o of observations) {
    if (o.error || !o.parsed) {
      out.problems.push({
        kind: 'invalid-sidecar',
        key: o.key,
        path: sidecarPathOf(root, o.key),
        message: `The sidecar cannot be read: ${o.error}`,
        fixable: true,
      });
      out.brokenKeys.push(o.key);
      continue;
    }
    const parsed = o.parsed;
    out.seen.set(o.key, parsed);
    if (!parsed.built || parsed.built.kind !== o.kind || parsed.built.size !== o.size) {
      parsed.built = buildEntry(
        o.key,
        sidecarPathOf(root, o.key),
        dataPathOf(root, o.key),
        parsed.result,
        o.kind,
        o.size,
      );
    }
    const built = parsed.built;
    if (built.problems.length > 0) out.problems.push(...built.problems);
    if (built.entry) {
      out.artifacts.push(built.entry);
      out.totalBytes += built.entry.sizeBytes ?? 0;
    } else out.brokenKeys.push(o.key);
  }
  // Shares come back grouped by thread: restore key order.
  out.artifacts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  out.brokenKeys.sort();
  return out;
}

const byPath = (a: Problem, b: Problem) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function report(
  root: string,
  memory: ScanMemory,
  observations: Observation[],
  unsafe: Unsafe,
  listing: Pick<MetadataListing, 'strayFiles' | 'emptyDirs' | 'unreadableDirs'>,
  orphans: Problem[],
): StoreReport {
  const metaRoot = path.join(root, METADATA_DIR);
  const inMeta = (rel: string): string => path.join(metaRoot, ...rel.split('/'));
  const { artifacts, problems: own, brokenKeys, totalBytes, seen } = collect(root, observations);
  const problems = [...unsafeProblems(unsafe, inMeta), ...own];
  memory.parsed = seen;
  memory.lastCount = observations.length;
  problems.push(...strayProblems(listing.strayFiles, listing.emptyDirs, inMeta));
  problems.push(...unreadableProblems(listing.unreadableDirs ?? [], inMeta));
  problems.push(...orphans);
  if (memory.watch) {
    // Watch every folder whose entries this scan relied on; new ones are verified next time.
    const folders = new Set([root, metaRoot]);
    for (const key of seen.keys()) {
      const slash = key.lastIndexOf('/');
      if (slash < 0) continue;
      folders.add(path.dirname(sidecarPathOf(root, key)));
      folders.add(path.dirname(dataPathOf(root, key)));
    }
    memory.unverified = memory.watch.watchFolders(folders);
    memory.folders = folders;
  }
  return storeReport(root, { artifacts, problems, brokenKeys, totalBytes });
}

/** A store's report from what a scan found; problems in path order. */
export function storeReport(
  root: string,
  found: Pick<StoreReport, 'artifacts' | 'problems' | 'brokenKeys' | 'totalBytes'>,
): StoreReport {
  const { artifacts, problems, brokenKeys, totalBytes } = found;
  problems.sort(byPath);
  return {
    root,
    artifacts,
    problems,
    brokenKeys,
    totalBytes,
    scannedAt: new Date().toISOString(),
    isStore: true,
  };
}

export function buildEntry(
  key: string,
  sidecarPath: string,
  dataPath: string,
  result: Artifact | ArtifactError,
  kind: number,
  size: number,
): Built {
  if (result instanceof ArtifactError && result.kind === 'unsupported-sidecar') {
    const problem: Problem = {
      kind: 'unreadable-sidecar',
      key,
      path: sidecarPath,
      message: `Sidecar not read (${result.reason}). xpersist itself may read it: no automatic fix.`,
      fixable: false,
    };
    return { kind, size, entry: null, problems: [problem] };
  }
  if (result instanceof ArtifactError) {
    return {
      kind,
      size,
      entry: null,
      problems: [
        {
          kind: result.kind === 'invalid-json' ? 'invalid-json' : 'invalid-sidecar',
          key,
          path: sidecarPath,
          message: `Broken sidecar (${result.reason}). xpersist treats the key as missing${
            kind === DATA_MISSING ? '' : ' and its data is kept but unreachable'
          }.`,
          fixable: true,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  if (kind === DATA_MISSING) {
    problems.push({
      kind: 'data-missing',
      key,
      path: dataPath,
      message: `The sidecar exists but its data ${dataPath} does not: Prefect would treat the target as cached and then fail to load it.`,
      fixable: true,
    });
  }
  let keyField: string | undefined;
  if (result.key !== key) {
    keyField = result.key;
    problems.push({
      kind: 'key-mismatch',
      key,
      path: sidecarPath,
      message: `The sidecar's "key" field is ${JSON.stringify(result.key)}, not ${JSON.stringify(key)}: xpersist's get() would load the data of ${JSON.stringify(result.key)}.`,
    });
    const why = keyProblem(result.key);
    if (why) {
      problems.push({
        kind: 'unsafe-key',
        key,
        path: sidecarPath,
        message: `The sidecar's "key" field ${JSON.stringify(result.key)} is unsafe (${why}): xpersist would read outside the store.`,
      });
    }
  }
  const exists = kind === DATA_FILE || kind === DATA_DIR;
  // Field by field, not spread: one object shape for every entry (10,000 of them per scan).
  const entry: ArtifactEntry = {
    key,
    serializer: result.serializer,
    loadKwargs: result.loadKwargs,
    dumpKwargs: result.dumpKwargs,
    additionalMetadata: result.additionalMetadata,
    createdAt: result.createdAt,
    createdAtText: result.createdAtText,
    ...(keyField !== undefined ? { keyField } : {}),
    sidecarPath,
    dataPath,
    dataExists: exists,
    sizeBytes: exists ? size : null,
    dataKind: DATA_KINDS[kind] ?? 'other',
    problems,
  };
  return { kind, size, entry, problems };
}
