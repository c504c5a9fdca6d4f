// One flat listing of a store's prefix, read as a local scan reads folders: sidecars under
// xpersist_metadata_store/ (nested keys nest there), strays beside them, and data objects, whose
// "folders" (a zarr store is many objects under `<key>/`) are prefixes. Pure: no I/O here.
import { keyProblem, METADATA_DIR, SIDECAR_SUFFIX } from '../layout';
import { classifyOrphan } from '../scan/orphans';
import type { Unsafe } from '../scan/scanStore';
import type { Problem } from '../types';
import type { ObjectInfo } from './objectClient';

export interface RemoteListing {
  /** Sidecars of safe keys, by key. */
  sidecars: Map<string, ObjectInfo>;
  unsafe: Unsafe;
  /** Objects in the metadata store that are not sidecars (relative to it). */
  strays: string[];
  /** Data objects, relative to the store, with sizes. */
  data: Map<string, number>;
  /** Bytes and object count under each data "folder" (every proper prefix of a data object). */
  folders: Map<string, { size: number; objects: number }>;
}

const META = `${METADATA_DIR}/`;

/** True for a relative object name that maps to no path a key could name ("a//b", "../x"). */
export function oddName(rel: string): boolean {
  return rel.split('/').some((s) => s === '' || s === '.' || s === '..');
}

function addFolders(folders: RemoteListing['folders'], rel: string, size: number): void {
  for (let j = rel.indexOf('/'); j !== -1; j = rel.indexOf('/', j + 1)) {
    const dir = rel.slice(0, j);
    const f = folders.get(dir);
    if (f) {
      f.size += size;
      f.objects++;
    } else folders.set(dir, { size, objects: 1 });
  }
}

/** Sorts a listing of the store's prefix (`base` ends with '/', or is '' for a whole bucket). */
export function partitionListing(objects: ObjectInfo[], base: string): RemoteListing {
  const out: RemoteListing = {
    sidecars: new Map(),
    unsafe: [],
    strays: [],
    data: new Map(),
    folders: new Map(),
  };
  for (const o of objects) {
    if (!o.key.startsWith(base)) continue;
    const rel = o.key.slice(base.length);
    // Zero-byte "folder" markers (consoles and some tools write them) are not data.
    if (rel === '' || rel.endsWith('/')) continue;
    if (rel.startsWith(META)) {
      const m = rel.slice(META.length);
      if (
        m.endsWith(SIDECAR_SUFFIX) &&
        m.length > SIDECAR_SUFFIX.length &&
        !m.endsWith(`/${SIDECAR_SUFFIX}`)
      ) {
        const key = m.slice(0, -SIDECAR_SUFFIX.length);
        const why = keyProblem(key);
        if (why) out.unsafe.push({ key, why });
        else out.sidecars.set(key, o);
      } else out.strays.push(m);
      continue;
    }
    out.data.set(rel, o.size);
    addFolders(out.folders, rel, o.size);
  }
  return out;
}

/** A key's data as the scan reports it: one object, a folder of objects, or nothing. */
export function dataOf(
  listing: RemoteListing,
  key: string,
): { kind: 'file' | 'directory' | 'missing'; size: number } {
  const file = listing.data.get(key);
  if (file !== undefined) return { kind: 'file', size: file };
  const dir = listing.folders.get(key);
  if (dir) return { kind: 'directory', size: dir.size };
  return { kind: 'missing', size: 0 };
}

/**
 * Data no sidecar accounts for, as findOrphans words it for a folder: the topmost name that is
 * neither a key nor a folder above one. `url` locates a relative name.
 */
export function remoteOrphans(
  listing: RemoteListing,
  keys: string[],
  url: (rel: string) => string,
): Problem[] {
  const exact = new Set(keys);
  const ancestors = new Set<string>();
  for (const k of keys) {
    for (let j = k.indexOf('/'); j !== -1; j = k.indexOf('/', j + 1)) ancestors.add(k.slice(0, j));
  }
  const found = new Map<string, boolean>();
  for (const rel of listing.data.keys()) {
    const segs = rel.split('/');
    for (let i = 0; i < segs.length; i++) {
      const p = segs.slice(0, i + 1).join('/');
      if (exact.has(p)) break;
      const isDir = i < segs.length - 1;
      if (isDir && ancestors.has(p)) continue;
      found.set(p, found.get(p) === true || isDir);
      break;
    }
  }
  const out: Problem[] = [];
  for (const [rel, isDir] of found) {
    const nested = isDir && listing.folders.has(`${rel}/${METADATA_DIR}`);
    const problem = classifyOrphan(url(rel), rel, isDir, nested, false);
    // An odd name ("a//b", "../x") is reported but never offered for deletion: no key names it.
    out.push(oddName(rel) ? { ...problem, fixable: false } : problem);
  }
  return out;
}
