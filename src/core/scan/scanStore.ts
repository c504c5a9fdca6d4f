// scan(): every artifact of a store with its data, and every problem.
//
// A full scan stats every sidecar and data path, in worker threads for big stores. Between full
// scans, where the filesystem reports changes (storeWatch.ts), a rescan lists the metadata store
// and stats only what changed, plus data folders (their contents are not watched).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ArtifactError } from '../errors';
import { dataPathOf, keyProblem, METADATA_DIR, SIDECAR_SUFFIX, sidecarPathOf } from '../layout';
import { parseSidecarText } from '../sidecar/parseSidecar';
import type { Artifact, ArtifactEntry, Problem, StoreReport } from '../types';
import { listMetadata } from './listMetadata';
import { findOrphans } from './orphans';
import {
  DATA_DIR,
  DATA_FILE,
  DATA_MISSING,
  DATA_OTHER,
  dirSize,
  type PartResult,
  readWhole,
} from './scanPart';
import { deliverPendingEvents, StoreWatch, watchable } from './storeWatch';
import { inlineDirCache, scanShares } from './workerPool';

interface Built {
  kind: number;
  size: number;
  entry: ArtifactEntry | null;
  problems: Problem[];
}

interface Parsed {
  result: Artifact | ArtifactError;
  /** The entry made from it, reused while the data's kind and size stay the same. */
  built?: Built;
}

const DATA_KINDS = ['missing', 'file', 'directory', 'other'] as const;

function notAStore(root: string, message: string): StoreReport {
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
  /** Unique per CacheStore object: the scan threads keep their sidecar stamps under it. */
  storeId: number;
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
}

let nextStoreId = 1;

export function newScanMemory(): ScanMemory {
  return {
    storeId: nextStoreId++,
    parsed: new Map(),
    lastCount: null,
    watch: undefined,
    unverified: new Set(),
    folders: new Set(),
    lastMode: null,
  };
}

export function closeScanMemory(memory: ScanMemory): void {
  memory.watch?.close();
}

function parse(root: string, key: string, text: string | null): Parsed {
  const sidecarPath = sidecarPathOf(root, key);
  let result: Artifact | ArtifactError;
  try {
    result = parseSidecarText(text ?? readFileSync(sidecarPath, 'utf8'), key, sidecarPath);
  } catch (err) {
    result =
      err instanceof ArtifactError
        ? err
        : new ArtifactError(
            key,
            sidecarPath,
            'invalid-sidecar',
            `the sidecar cannot be read: ${(err as Error).message}`,
          );
  }
  return { result };
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

export async function scanStore(root: string, memory: ScanMemory): Promise<StoreReport> {
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
  return fullScan(root, memory);
}

async function fullScan(root: string, memory: ScanMemory): Promise<StoreReport> {
  const metaRoot = path.join(root, METADATA_DIR);
  // The first scan of a big store already goes parallel: a names-only listing says how big.
  const expected = memory.lastCount ?? readdirSync(metaRoot).length;
  const shares = await scanShares(root, memory.storeId, expected);
  const observations: Observation[] = [];
  const unsafe: PartResult['unsafe'] = [];
  for (const share of shares) {
    unsafe.push(...share.unsafe);
    for (let i = 0; i < share.keys.length; i++) {
      if (share.gone[i]) continue; // deleted while scanning
      const key = share.keys[i];
      const text = share.texts[i];
      // Unchanged for the thread that stat'ed it; read here in the rare case this side lost it.
      const parsed = share.errors[i]
        ? null
        : ((text === null ? memory.parsed.get(key) : undefined) ?? parse(root, key, text));
      observations.push({
        key,
        parsed,
        error: share.errors[i],
        kind: share.data[i * 2],
        size: share.data[i * 2 + 1],
      });
    }
  }
  const first = shares[0];
  return report(root, memory, observations, unsafe, first.strayFiles, first.emptyDirs, first.orphans);
}

function incrementalScan(root: string, memory: ScanMemory, watch: StoreWatch): StoreReport {
  const metaRoot = path.join(root, METADATA_DIR);
  const dirty = watch.takeDirty();
  const unverified = memory.unverified;
  const listing = listMetadata(metaRoot);
  const observations: Observation[] = [];
  const unsafe: PartResult['unsafe'] = [];
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
        parsed = parse(root, key, readWhole(sidecar, st.size));
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
  return report(
    root,
    memory,
    observations,
    unsafe,
    listing.strayFiles,
    listing.emptyDirs,
    findOrphans(root, listing.keys),
  );
}

function report(
  root: string,
  memory: ScanMemory,
  observations: Observation[],
  unsafe: PartResult['unsafe'],
  strayFiles: string[],
  emptyDirs: string[],
  orphans: Problem[],
): StoreReport {
  const metaRoot = path.join(root, METADATA_DIR);
  const problems: Problem[] = [];
  const artifacts: ArtifactEntry[] = [];
  const brokenKeys: string[] = [];
  const seen = new Map<string, Parsed>();
  let totalBytes = 0;
  for (const { key, why } of unsafe) {
    problems.push({
      kind: 'unsafe-key',
      key,
      path: path.join(metaRoot, `${key}${SIDECAR_SUFFIX}`),
      message: `Sidecar for an unsafe key: ${why}.`,
      fixable: true,
    });
  }
  for (const o of observations) {
    if (o.error || !o.parsed) {
      problems.push({
        kind: 'invalid-sidecar',
        key: o.key,
        path: sidecarPathOf(root, o.key),
        message: `The sidecar cannot be read: ${o.error}`,
        fixable: true,
      });
      brokenKeys.push(o.key);
      continue;
    }
    const parsed = o.parsed;
    seen.set(o.key, parsed);
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
    if (built.problems.length > 0) problems.push(...built.problems);
    if (built.entry) {
      artifacts.push(built.entry);
      totalBytes += built.entry.sizeBytes ?? 0;
    } else brokenKeys.push(o.key);
  }
  memory.parsed = seen;
  memory.lastCount = observations.length;
  // Shares come back grouped by thread: restore key order.
  artifacts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  brokenKeys.sort();
  for (const rel of strayFiles) {
    problems.push({
      kind: 'stray-file',
      path: path.join(metaRoot, ...rel.split('/')),
      message: rel.endsWith(`${SIDECAR_SUFFIX}.bak`)
        ? `Not a sidecar (a backup copy): xpersist's keys() would list it as the key "${rel.slice(0, rel.indexOf(SIDECAR_SUFFIX))}", which does not exist.`
        : `Not a sidecar: xpersist's keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  for (const rel of emptyDirs) {
    problems.push({
      kind: 'stray-file',
      path: path.join(metaRoot, ...rel.split('/')),
      message: `Empty folder in the metadata store (xpersist's delete() leaves these); keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  problems.push(...orphans);
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

function buildEntry(
  key: string,
  sidecarPath: string,
  dataPath: string,
  result: Artifact | ArtifactError,
  kind: number,
  size: number,
): Built {
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
  const entry: ArtifactEntry = {
    ...result,
    key,
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
