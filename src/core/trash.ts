// A store's trash: deletes that can be undone. A trashed key's sidecar and data are renamed into
// <root>/.xpersist-trash/<id>/ (a rename inside the store: no copy, same disk), the sidecar first
// so that no moment has a key over missing data; a restore puts the data back first, then the
// sidecar. xpersist never sees the trash (its keys() lists only xpersist_metadata_store/, and no
// key may start with ".xpersist-"); our scan skips it (scan/orphans.ts). Entries are purged when
// their undo window has passed (docs/ARCHITECTURE.md, "Deletes that can be undone").
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KeyNotFoundError } from './errors';
import { assertSafeKey, dataPathOf, metadataRoot, sidecarPathOf, TRASH_DIR } from './layout';

export { TRASH_DIR };

import {
  assertInsideStore,
  emptyAncestors,
  exists,
  OutsideStoreError,
  openStoreDir,
  removeAtomically,
  removeEmptyDir,
  type StoreDir,
} from './safeFs';

const ENTRY_FILE = 'entry.json';

export interface TrashEntry {
  /** Folder name under TRASH_DIR; what restoreFromTrash takes. */
  id: string;
  key: string;
  /** When the key was trashed (ms since the epoch). */
  deletedAt: number;
}

export interface TrashResult extends TrashEntry {
  /** Where the sidecar and data were (those that existed), as a delete would list them. */
  paths: string[];
  prunedDirs: string[];
}

export function trashRoot(root: string): string {
  return path.join(root, TRASH_DIR);
}

/** Moves `name` of folder `from` to `name2` of folder `to`, both proven inside the store. */
function moveEntry(from: StoreDir, name: string, to: StoreDir, name2: string): void {
  renameSync(from.at(name), to.at(name2));
  // Without pinned folder handles, a folder swapped for a symlink during the rename would make
  // it act elsewhere: put it back and refuse.
  if (!from.holds() || !to.holds()) {
    try {
      renameSync(to.at(name2), from.at(name));
    } catch {}
    throw from.refuse(name);
  }
}

/** Moves the entry at `target` (a path in the store) into `into` as `as`; false when absent. */
function moveInto(root: string, target: string, into: StoreDir, as: string): boolean {
  let dir: StoreDir;
  try {
    dir = openStoreDir(root, path.dirname(target));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
  try {
    if (!lstatSync(dir.at(path.basename(target)), { throwIfNoEntry: false })) return false;
    moveEntry(dir, path.basename(target), into, as);
    return true;
  } finally {
    dir.close();
  }
}

/** Moves `as` of `from` back to `target`, creating its missing folders inside the store. */
function moveOut(root: string, from: StoreDir, as: string, target: string): void {
  const dir = openStoreDir(root, path.dirname(target), { create: true });
  try {
    moveEntry(from, as, dir, path.basename(target));
  } finally {
    dir.close();
  }
}

/**
 * Moves a key's sidecar, then its data, into the trash and prunes the folders left empty. When
 * the data cannot be moved (another disk mounted there), the sidecar goes back and it throws:
 * the key is then as it was.
 */
export async function trashKey(root: string, key: string, now = Date.now()): Promise<TrashResult> {
  assertSafeKey(key);
  const sidecar = sidecarPathOf(root, key);
  const data = dataPathOf(root, key);
  const paths = [sidecar, data];
  for (const p of paths) await assertInsideStore(root, p);
  const present = [];
  for (const p of paths) if (await exists(p)) present.push(p);
  if (present.length === 0) throw new KeyNotFoundError(key, root);
  const removing = new Set(present);
  const prunedDirs = [
    ...(await emptyAncestors(path.dirname(sidecar), metadataRoot(root), removing)),
    ...(await emptyAncestors(path.dirname(data), root, removing)),
  ];
  const id = `${now}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const entry = openStoreDir(root, path.join(trashRoot(root), id), { create: true });
  try {
    const record: TrashEntry = { id, key, deletedAt: now };
    writeFileSync(entry.at(ENTRY_FILE), JSON.stringify(record), { flag: 'wx' });
    moveInto(root, sidecar, entry, 'sidecar');
    try {
      moveInto(root, data, entry, 'data');
    } catch (err) {
      if (lstatSync(entry.at('sidecar'), { throwIfNoEntry: false })) moveOut(root, entry, 'sidecar', sidecar);
      throw err;
    }
  } catch (err) {
    entry.close();
    await removeAtomically(root, path.join(trashRoot(root), id)).catch(() => undefined);
    throw err;
  }
  entry.close();
  for (const dir of prunedDirs) removeEmptyDir(root, dir);
  return { id, key, deletedAt: now, paths: present, prunedDirs };
}

function readEntry(root: string, id: string): TrashEntry {
  if (!/^[0-9]+-[0-9]+-[0-9a-f]+$/.test(id)) throw new Error(`Not a trash entry: ${JSON.stringify(id)}`);
  const dir = openStoreDir(root, path.join(trashRoot(root), id));
  try {
    const rec = JSON.parse(readFileSync(dir.at(ENTRY_FILE), 'utf8')) as TrashEntry;
    assertSafeKey(rec.key);
    return { id, key: rec.key, deletedAt: Number(rec.deletedAt) };
  } finally {
    dir.close();
  }
}

/** The trash's entries, oldest first (unreadable ones are skipped: a purge removes them). */
export function listTrash(root: string): TrashEntry[] {
  let names: string[];
  try {
    names = readdirSync(trashRoot(root));
  } catch {
    return [];
  }
  const out: TrashEntry[] = [];
  for (const n of names) {
    try {
      out.push(readEntry(root, n));
    } catch {}
  }
  return out.sort((a, b) => a.deletedAt - b.deletedAt);
}

/**
 * Puts a trashed key back: its data first, then its sidecar. Refused (nothing moved) when the key
 * exists again meanwhile, e.g. a flow run wrote it: the newer artifact wins.
 */
export async function restoreFromTrash(root: string, id: string): Promise<TrashEntry> {
  const rec = readEntry(root, id);
  const sidecar = sidecarPathOf(root, rec.key);
  const data = dataPathOf(root, rec.key);
  if ((await exists(sidecar)) || (await exists(data)))
    throw new Error(`${JSON.stringify(rec.key)} exists again in ${root}: the trashed copy was not restored.`);
  for (const p of [sidecar, data]) await assertInsideStore(root, p);
  const entryPath = path.join(trashRoot(root), id);
  const entry = openStoreDir(root, entryPath);
  try {
    if (lstatSync(entry.at('data'), { throwIfNoEntry: false })) moveOut(root, entry, 'data', data);
    if (lstatSync(entry.at('sidecar'), { throwIfNoEntry: false })) moveOut(root, entry, 'sidecar', sidecar);
    unlinkSync(entry.at(ENTRY_FILE));
  } finally {
    entry.close();
  }
  removeEmptyDir(root, entryPath);
  removeEmptyDir(root, trashRoot(root));
  return rec;
}

/**
 * Removes trash entries older than `olderThanMs` (0: all), and anything in the trash that is not
 * a readable entry. Returns how many were removed. Never throws for a store without a trash.
 */
export async function purgeTrash(root: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(trashRoot(root));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const n of names) {
    let old = true;
    try {
      old = now - readEntry(root, n).deletedAt >= olderThanMs;
    } catch {}
    if (!old) continue;
    try {
      if (await removeAtomically(root, path.join(trashRoot(root), n))) removed++;
    } catch (err) {
      if (!(err instanceof OutsideStoreError)) throw err;
    }
  }
  removeEmptyDir(root, trashRoot(root));
  return removed;
}
