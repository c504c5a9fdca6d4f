// What a scan of an object store remembers: each sidecar's ETag and parsed result, so a rescan
// fetches only sidecars whose ETag changed. The listing is read on every scan, so a persisted
// copy (per store, in the caller's index folder) is proven current object by object before use:
// an ETag changes with the content, and a sidecar not in the listing is gone.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { localStorage } from '../storage/localStorage';

export interface RemoteScanMemory {
  indexDir: string | null;
  /** Sidecar text by key, with the ETag it was read at. */
  sidecars: Map<string, { etag: string; text: string }>;
  /** Whether the persisted index was loaded into `sidecars` (once per store object). */
  loaded: boolean;
  lastReuse: {
    indexLoaded: boolean;
    listingReused: boolean;
    orphansReused: boolean;
    sidecarsRead: number;
  } | null;
}

const VERSION = 1;

export function newRemoteMemory(indexDir: string | null): RemoteScanMemory {
  return { indexDir, sidecars: new Map(), loaded: false, lastReuse: null };
}

function indexPath(indexDir: string, root: string): string {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 24);
  return path.join(indexDir, `${id}.remote-index.json`);
}

/** Loads the persisted index of `root` once; a missing or unreadable one is simply not used. */
export function loadRemoteIndex(memory: RemoteScanMemory, root: string): boolean {
  if (memory.loaded || !memory.indexDir) return false;
  memory.loaded = true;
  try {
    const saved = JSON.parse(readFileSync(indexPath(memory.indexDir, root), 'utf8')) as {
      version: number;
      root: string;
      sidecars: [string, string, string][];
    };
    if (saved.version !== VERSION || saved.root !== root || !Array.isArray(saved.sidecars)) return false;
    for (const [key, etag, text] of saved.sidecars) {
      if (typeof key === 'string' && typeof etag === 'string' && etag !== '' && typeof text === 'string') {
        memory.sidecars.set(key, { etag, text });
      }
    }
    return true;
  } catch {
    return false;
  }
}

/** Persists the sidecars known now (best effort: without it a new window only reads more). */
export async function saveRemoteIndex(memory: RemoteScanMemory, root: string): Promise<void> {
  if (!memory.indexDir) return;
  const sidecars = [...memory.sidecars].map(([key, v]) => [key, v.etag, v.text]);
  try {
    mkdirSync(memory.indexDir, { recursive: true });
    await localStorage.write(
      indexPath(memory.indexDir, root),
      JSON.stringify({ version: VERSION, root, sidecars }),
    );
  } catch {
    // An index that cannot be written only makes the next store object slower.
  }
}
