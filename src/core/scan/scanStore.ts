// scan(): every artifact of a store with its data, and every problem, in one pass.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ArtifactError } from '../errors';
import { dataPathOf, keyProblem, METADATA_DIR, SIDECAR_SUFFIX, sidecarPathOf, WORK_PREFIX } from '../layout';
import { parseSidecarText } from '../sidecar/parseSidecar';
import type { Artifact, ArtifactEntry, Problem, StoreReport } from '../types';
import { listMetadata, sortKeys } from './listMetadata';
import { DATA_DIR, DATA_FILE, DATA_MISSING } from './statBatch';
import { runBatchParallel } from './workerPool';

interface Built {
  kind: number;
  size: number;
  entry: ArtifactEntry | null;
  problems: Problem[];
}

interface Parsed {
  stamp: [number, number, number];
  result: Artifact | ArtifactError;
  /** The entry made from it, reused while the data's kind and size stay the same. */
  built?: Built;
}

/** Parsed sidecars by path, reused while a sidecar's mtime/ctime/size stay the same. */
export type SidecarCache = Map<string, Parsed>;

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

export async function scanStore(root: string, cache: SidecarCache): Promise<StoreReport> {
  const shape = storeShapeProblem(root);
  if (shape) return shape;
  const metaRoot = path.join(root, METADATA_DIR);
  const listing = listMetadata(metaRoot);
  const problems: Problem[] = [];

  const keys: string[] = [];
  const unsafeKeys: string[] = [];
  for (const key of listing.keys) {
    const why = keyProblem(key);
    if (why) {
      problems.push({
        kind: 'unsafe-key',
        key,
        path: path.join(metaRoot, `${key}${SIDECAR_SUFFIX}`),
        message: `Sidecar for an unsafe key: ${why}.`,
        fixable: true,
      });
      unsafeKeys.push(key);
    } else keys.push(key);
  }
  sortKeys(keys);

  const sidecars = keys.map((k) => sidecarPathOf(root, k));
  const stamps = new Float64Array(keys.length * 3).fill(Number.NaN);
  sidecars.forEach((p, i) => {
    const c = cache.get(p);
    if (c) {
      stamps[i * 3] = c.stamp[0];
      stamps[i * 3 + 1] = c.stamp[1];
      stamps[i * 3 + 2] = c.stamp[2];
    }
  });
  const dataPaths = keys.map((k) => dataPathOf(root, k));
  const pending = runBatchParallel({ sidecars, stamps, dataPaths });
  // The main thread lists the data tree for orphans while the workers stat.
  const orphans = findOrphans(root, unsafeKeys.length ? [...keys, ...unsafeKeys] : keys);
  const batch = await pending;

  const seen: SidecarCache = new Map();
  const artifacts: ArtifactEntry[] = [];
  const brokenKeys: string[] = [];
  let totalBytes = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const sidecarPath = sidecars[i];
    if (Number.isNaN(batch.stamps[i * 3])) {
      if (batch.errors[i]) {
        problems.push({
          kind: 'invalid-sidecar',
          key,
          path: sidecarPath,
          message: `The sidecar cannot be read: ${batch.errors[i]}`,
        });
        brokenKeys.push(key);
      }
      continue; // deleted while scanning
    }
    const text = batch.texts[i];
    let parsed: Parsed | undefined = text === null ? cache.get(sidecarPath) : undefined;
    if (!parsed) {
      let result: Artifact | ArtifactError;
      try {
        result = parseSidecarText(text ?? '', key, sidecarPath);
      } catch (err) {
        result =
          err instanceof ArtifactError
            ? err
            : new ArtifactError(key, sidecarPath, 'invalid-sidecar', String(err));
      }
      parsed = { stamp: [batch.stamps[i * 3], batch.stamps[i * 3 + 1], batch.stamps[i * 3 + 2]], result };
    }
    seen.set(sidecarPath, parsed);
    const kind = batch.data[i * 2];
    const size = batch.data[i * 2 + 1];
    if (!parsed.built || parsed.built.kind !== kind || parsed.built.size !== size) {
      parsed.built = buildEntry(key, sidecarPath, dataPaths[i], parsed.result, kind, size);
    }
    const built = parsed.built;
    if (built.problems.length > 0) problems.push(...built.problems);
    if (built.entry) {
      artifacts.push(built.entry);
      totalBytes += built.entry.sizeBytes ?? 0;
    } else brokenKeys.push(key);
  }
  cache.clear();
  for (const [k, v] of seen) cache.set(k, v);

  for (const rel of listing.strayFiles) {
    problems.push({
      kind: 'stray-file',
      path: path.join(metaRoot, ...rel.split('/')),
      message: rel.endsWith(`${SIDECAR_SUFFIX}.bak`)
        ? `Not a sidecar (a backup copy): xpersist's keys() would list it as the key "${rel.slice(0, rel.indexOf(SIDECAR_SUFFIX))}", which does not exist.`
        : `Not a sidecar: xpersist's keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  for (const rel of listing.emptyDirs) {
    problems.push({
      kind: 'stray-file',
      path: path.join(metaRoot, ...rel.split('/')),
      message: `Empty folder in the metadata store (xpersist's delete() leaves these); keys() would list "${rel.split('/')[0]}" as a key.`,
      fixable: true,
    });
  }
  problems.push(...orphans);
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

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

/**
 * Data entries that no sidecar accounts for: an entry is covered when it is a key's data, or an
 * ancestor folder of a key's data (then its own entries are checked the same way).
 */
function findOrphans(root: string, keys: string[]): Problem[] {
  const out: Problem[] = [];
  const exact = new Set(keys);
  const ancestors = new Set<string>();
  for (const k of keys) {
    for (let j = k.indexOf('/'); j !== -1; j = k.indexOf('/', j + 1)) ancestors.add(k.slice(0, j));
  }
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    // Names only: the type of an entry matters just for the few no key accounts for.
    for (const name of names) {
      const rel = prefix + name;
      if (prefix === '' && name === METADATA_DIR) continue;
      if (exact.has(rel)) continue;
      const p = path.join(dir, name);
      const isDir = lstatSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
      if (ancestors.has(rel) && isDir) {
        walk(p, `${rel}/`);
        continue;
      }
      out.push(orphanProblem(p, rel, isDir));
    }
  };
  walk(root, '');
  return out;
}

/** True for a folder tree with no files at all (only empty folders). */
function holdsNoFiles(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).every(
      (d) => d.isDirectory() && holdsNoFiles(path.join(dir, d.name)),
    );
  } catch {
    return false;
  }
}

function orphanProblem(p: string, rel: string, isDir: boolean): Problem {
  if (rel.endsWith(SIDECAR_SUFFIX) && !isDir) {
    return {
      kind: 'unsafe-key',
      key: rel.slice(0, -SIDECAR_SUFFIX.length),
      path: p,
      message: `A sidecar outside ${METADATA_DIR}/: a key starting with "../" in a store nested here wrote it (xpersist does not refuse such keys).`,
      fixable: true,
    };
  }
  if (rel.split('/').pop()?.startsWith(WORK_PREFIX)) {
    return {
      kind: 'orphan-data',
      key: rel,
      path: p,
      message: 'Left over from an interrupted delete or import by this extension.',
      fixable: true,
    };
  }
  if (isDir) {
    let nested = false;
    try {
      nested = readdirSync(p).includes(METADATA_DIR);
    } catch {}
    const empty = !nested && holdsNoFiles(p);
    if (nested) {
      return {
        kind: 'orphan-data',
        key: rel,
        path: p,
        message: `A cache store nested inside this one (it has its own ${METADATA_DIR}/); no sidecar here refers to it.`,
        fixable: false,
      };
    }
    if (empty) {
      return {
        kind: 'orphan-data',
        key: rel,
        path: p,
        message: "Empty folders with no sidecar (xpersist's delete() of nested keys leaves these).",
        fixable: true,
      };
    }
  }
  return {
    kind: 'orphan-data',
    key: rel,
    path: p,
    message: `Data without a sidecar: no key "${rel}" (or below it) in ${METADATA_DIR}/. A failed put() leaves these.`,
    fixable: true,
  };
}
