// Finds cache stores in a workspace: folders holding `xpersist_metadata_store/`. Breadth-first,
// bounded in depth and in folders visited, skipping folders that never hold caches.
//
// Folders are read synchronously in slices of a few milliseconds, yielding between slices: on a
// busy extension host at startup an await per folder costs far more than the read itself, while
// a huge tree still never blocks the host for long.
import { type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';
import { METADATA_DIR } from '../core/layout';

export const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '__pycache__',
  '.ipynb_checkpoints',
  '.vscode-test',
  'site-packages',
]);

export interface DiscoveryOptions {
  maxDepth: number;
  /** Stop after visiting this many folders (huge data trees). */
  maxFolders?: number;
}

/** True for a virtualenv/conda env folder (has pyvenv.cfg or conda-meta). */
function isEnvironment(names: string[]): boolean {
  return names.includes('pyvenv.cfg') || names.includes('conda-meta');
}

const SLICE_MS = 8;
const yieldToHost = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function findStoreFolders(root: string, options: DiscoveryOptions): Promise<string[]> {
  const found: string[] = [];
  const maxFolders = options.maxFolders ?? 20_000;
  let visited = 0;
  let sliceStart = performance.now();
  let level: string[] = [root];
  for (let depth = 0; depth <= options.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (++visited > maxFolders) return found.sort();
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToHost();
        sliceStart = performance.now();
      }
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const names = entries.map((e) => e.name);
      if (names.includes(METADATA_DIR)) {
        const meta = entries.find((e) => e.name === METADATA_DIR);
        if (meta?.isDirectory()) {
          found.push(dir);
          // A store's data folders (zarr chunks...) are not searched further.
          continue;
        }
      }
      if (depth > 0 && isEnvironment(names)) continue;
      for (const e of entries) {
        if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name) && !e.name.endsWith('.zarr')) {
          next.push(path.join(dir, e.name));
        }
      }
    }
    level = next;
  }
  return found.sort();
}
