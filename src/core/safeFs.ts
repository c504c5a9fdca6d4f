// File operations that never reach outside a store: every target is checked against the
// store's real path (symlinks resolved) before anything is changed.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isInside, WORK_PREFIX } from './layout';

export class OutsideStoreError extends Error {
  constructor(
    readonly target: string,
    readonly root: string,
  ) {
    super(`Refused: ${target} is not inside the cache store ${root}.`);
    this.name = 'OutsideStoreError';
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Throws unless `target` (resolving symlinks of its existing ancestors) is strictly inside root. */
export async function assertInsideStore(root: string, target: string): Promise<void> {
  const realRoot = await fsp.realpath(root);
  let probe = path.dirname(target);
  const tail = [path.basename(target)];
  for (;;) {
    try {
      const real = await fsp.realpath(probe);
      const resolved = path.join(real, ...tail);
      if (resolved === realRoot || !isInside(realRoot, resolved)) throw new OutsideStoreError(target, root);
      return;
    } catch (err) {
      if (err instanceof OutsideStoreError) throw err;
      const up = path.dirname(probe);
      if (up === probe) throw new OutsideStoreError(target, root);
      tail.unshift(path.basename(probe));
      probe = up;
    }
  }
}

export function workName(kind: 'trash' | 'tmp'): string {
  return `${WORK_PREFIX}${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Removes a file or folder so that it disappears from its place at once: renamed into a work
 * folder inside the store first (a half-deleted zarr never sits under its key), then removed.
 * Returns false when it did not exist.
 */
export async function removeAtomically(root: string, target: string): Promise<boolean> {
  await assertInsideStore(root, target);
  let st: import('node:fs').Stats;
  try {
    st = await fsp.lstat(target);
  } catch {
    return false;
  }
  if (!st.isDirectory()) {
    await fsp.rm(target, { force: true });
    return true;
  }
  const aside = path.join(root, workName('trash'));
  try {
    await fsp.rename(target, aside);
  } catch {
    // Another filesystem under the store (a mount): remove in place.
    await fsp.rm(target, { recursive: true, force: true });
    return true;
  }
  await fsp.rm(aside, { recursive: true, force: true });
  return true;
}

/** Empty folders from `start` up to, not including, `stopAt`; in removal order. */
export async function emptyAncestors(
  start: string,
  stopAt: string,
  removing: Set<string>,
): Promise<string[]> {
  const out: string[] = [];
  let dir = start;
  while (dir !== stopAt && isInside(stopAt, dir)) {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      break;
    }
    if (!names.every((n) => removing.has(path.join(dir, n)))) break;
    out.push(dir);
    removing.add(dir);
    dir = path.dirname(dir);
  }
  return out;
}

/** Writes `text` to a temporary file beside `target` and renames it into place. */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(target), `${workName('tmp')}.json`);
  await fsp.writeFile(tmp, text, { encoding: 'utf8' });
  try {
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export async function copyData(src: string, dst: string): Promise<void> {
  const st = await fsp.stat(src);
  if (st.isDirectory()) await fsp.cp(src, dst, { recursive: true, errorOnExist: true, force: false });
  else await fsp.copyFile(src, dst);
}
