// Data entries that no sidecar accounts for: an entry is covered when it is a key's data, or an
// ancestor folder of a key's data (then its own entries are checked the same way).
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { METADATA_DIR, SIDECAR_SUFFIX, TRASH_DIR, WORK_PREFIX } from '../layout';
import type { Problem } from '../types';

/** `walked` receives every folder whose entries the result depends on (root first). */
export function findOrphans(root: string, keys: string[], walked: string[] = []): Problem[] {
  const out: Problem[] = [];
  const exact = new Set(keys);
  const ancestors = new Set<string>();
  for (const k of keys) {
    for (let j = k.indexOf('/'); j !== -1; j = k.indexOf('/', j + 1)) ancestors.add(k.slice(0, j));
  }
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    walked.push(dir);
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    // Names only: the type of an entry matters just for the few no key accounts for.
    for (const name of names) {
      const rel = prefix + name;
      // The extension's trash (src/core/trash.ts) is neither data nor a leftover.
      if (prefix === '' && (name === METADATA_DIR || name === TRASH_DIR)) continue;
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

/** The problem of one entry no key accounts for, as it is now (null when it is gone). */
export function orphanAgain(root: string, rel: string): Problem | null {
  const p = path.join(root, ...rel.split('/'));
  const st = lstatSync(p, { throwIfNoEntry: false });
  return st ? orphanProblem(p, rel, st.isDirectory()) : null;
}

function orphanProblem(p: string, rel: string, isDir: boolean): Problem {
  let nested = false;
  if (isDir) {
    try {
      nested = readdirSync(p).includes(METADATA_DIR);
    } catch {}
  }
  return classifyOrphan(p, rel, isDir, nested, isDir && !nested && holdsNoFiles(p));
}

/**
 * The problem of an entry no key accounts for, from what is known of it: whether it is a folder,
 * holds a store of its own (`nested`), or holds no files at all (`empty`). Shared by local and
 * object-storage scans, so both word every case alike.
 */
export function classifyOrphan(
  p: string,
  rel: string,
  isDir: boolean,
  nested: boolean,
  empty: boolean,
): Problem {
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
  if (isDir && nested) {
    return {
      kind: 'orphan-data',
      key: rel,
      path: p,
      message: `A cache store nested inside this one (it has its own ${METADATA_DIR}/); no sidecar here refers to it.`,
      fixable: false,
    };
  }
  if (isDir && empty) {
    return {
      kind: 'orphan-data',
      key: rel,
      path: p,
      message: "Empty folders with no sidecar (xpersist's delete() of nested keys leaves these).",
      fixable: true,
    };
  }
  return {
    kind: 'orphan-data',
    key: rel,
    path: p,
    message: `Data without a sidecar: no key "${rel}" (or below it) in ${METADATA_DIR}/. A failed put() leaves these.`,
    fixable: true,
  };
}
