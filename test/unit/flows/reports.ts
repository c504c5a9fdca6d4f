// StoreReports for the flows tests: synthetic ones, and one read straight from a fixture cache's
// sidecars (independent of src/core, whose scan has its own tests).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ArtifactEntry, StoreReport } from '../../../src/core/types';

export function entry(
  root: string,
  key: string,
  opts: {
    createdAt?: Date | null;
    dataExists?: boolean;
    sizeBytes?: number | null;
    metadata?: Record<string, unknown>;
    serializer?: string;
  } = {},
): ArtifactEntry {
  const dataExists = opts.dataExists ?? true;
  return {
    key,
    serializer: opts.serializer ?? 'xarray.zarr',
    loadKwargs: {},
    dumpKwargs: { mode: 'w' },
    additionalMetadata: opts.metadata ?? {},
    createdAt: opts.createdAt === undefined ? new Date('2026-11-25T12:00:00Z') : opts.createdAt,
    createdAtText: null,
    sidecarPath: `${root}/xpersist_metadata_store/${key}.artifact.json`,
    dataPath: `${root}/${key}`,
    dataExists,
    sizeBytes: dataExists ? (opts.sizeBytes ?? 1000) : null,
    dataKind: dataExists ? 'directory' : 'missing',
    problems: [],
  };
}

export function report(root: string, artifacts: ArtifactEntry[], brokenKeys: string[] = []): StoreReport {
  return {
    root,
    artifacts: [...artifacts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    problems: [],
    brokenKeys,
    totalBytes: artifacts.reduce((s, a) => s + (a.sizeBytes ?? 0), 0),
    scannedAt: new Date().toISOString(),
    isStore: true,
  };
}

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((s, n) => s + sizeOf(path.join(p, n)), 0);
}

/** A report of a fixture cache made by reading its sidecars (flat keys only). */
export function reportFromDisk(root: string): StoreReport {
  const meta = path.join(root, 'xpersist_metadata_store');
  const artifacts: ArtifactEntry[] = [];
  const broken: string[] = [];
  for (const f of readdirSync(meta)) {
    if (!f.endsWith('.artifact.json')) continue;
    const key = f.slice(0, -'.artifact.json'.length);
    try {
      const j = JSON.parse(readFileSync(path.join(meta, f), 'utf8'));
      const dataPath = path.join(root, key);
      const e = entry(root, key, {
        createdAt: j.created_at ? new Date(`${j.created_at}Z`) : null,
        dataExists: existsSync(dataPath),
        metadata: j.additional_metadata ?? {},
        serializer: j.serializer,
      });
      e.sizeBytes = e.dataExists ? sizeOf(dataPath) : null;
      artifacts.push(e);
    } catch {
      broken.push(key);
    }
  }
  return report(root, artifacts, broken);
}
