// Walks xpersist_metadata_store/ recursively. Unlike xpersist's keys() (one non-recursive ls),
// a nested key `a/b/c.zarr` is found as itself, and anything that is not a sidecar is a stray.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SIDECAR_SUFFIX } from '../layout';

export interface MetadataListing {
  /** Keys from sidecar file names (relative path minus `.artifact.json`, `/`-separated). */
  keys: string[];
  /** Files in the metadata store that are not sidecars, relative, `/`-separated. */
  strayFiles: string[];
  /** Folders with nothing in them (delete() of nested keys leaves them), relative. */
  emptyDirs: string[];
  /** Every folder read (the metadata store first): the listing holds while none of them changes. */
  dirs: string[];
}

export function listMetadata(metaRoot: string): MetadataListing {
  const out: MetadataListing = { keys: [], strayFiles: [], emptyDirs: [], dirs: [] };
  // Returns how many files the subtree holds; a subtree with none is reported once, at its top.
  const walk = (dir: string, prefix: string): number => {
    let files = 0;
    out.dirs.push(dir);
    const emptyBelow: string[] = [];
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + d.name;
      if (d.isDirectory()) {
        const mark = out.emptyDirs.length;
        const n = walk(path.join(dir, d.name), `${rel}/`);
        if (n === 0) {
          out.emptyDirs.length = mark;
          emptyBelow.push(rel);
        }
        files += n;
      } else {
        files++;
        if (d.name.endsWith(SIDECAR_SUFFIX) && d.name.length > SIDECAR_SUFFIX.length) {
          out.keys.push(rel.slice(0, -SIDECAR_SUFFIX.length));
        } else out.strayFiles.push(rel);
      }
    }
    out.emptyDirs.push(...emptyBelow);
    return files;
  };
  walk(metaRoot, '');
  return out;
}

/** UTF-16 code-unit order (the default sort), which is Python's sorted() order for str. */
export function sortKeys(keys: string[]): string[] {
  return keys.sort();
}
