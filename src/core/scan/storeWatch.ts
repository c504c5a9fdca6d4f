// Change tracking for rescans: inotify watches on the folders whose entries a scan stats (the
// metadata store and its subfolders, the store root, the parents of nested data files). While
// they are healthy, a rescan stats only what changed instead of 20,000 files: the cost that
// dominates on a VM where one stat is several microseconds.
//
// Used only where the kernel reports every change: Linux, on local filesystems. Network and FUSE
// filesystems (NFS, Lustre, GPFS, sshfs) do not see other machines' writes, so they always get
// full scans. Even when healthy, a full scan runs every FULL_SCAN_EVERY_MS, so a lost event
// (inotify queue overflow) is corrected within that time.
import { type FSWatcher, statfsSync, watch } from 'node:fs';
import path from 'node:path';

export const FULL_SCAN_EVERY_MS = 30_000;

// statfs f_type of filesystems whose changes inotify always reports.
const LOCAL_FILESYSTEMS = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0x3153464a, // jfs
  0x52654973, // reiserfs
]);

export function watchable(root: string): boolean {
  if (process.platform !== 'linux' || process.env.XPERSIST_SCAN_WATCH === '0') return false;
  try {
    return LOCAL_FILESYSTEMS.has(Number(statfsSync(root).type));
  } catch {
    return false;
  }
}

export class StoreWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private dirty = new Set<string>();
  /** Something changed that cannot be pinned to a path: the next scan must be full. */
  private lost = true;
  lastFullScan = 0;

  /**
   * Watches exactly these folders (adds new ones, closes the others). Returns the folders added
   * now: changes in them before this moment were not seen.
   */
  watchFolders(dirs: Iterable<string>): Set<string> {
    const wanted = new Set(dirs);
    const added = new Set<string>();
    for (const [dir, w] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || name === undefined) this.lost = true;
          else this.dirty.add(path.join(dir, name.toString()));
        });
        w.on('error', () => this.fail());
        this.watchers.set(dir, w);
        added.add(dir);
      } catch (err) {
        // A folder missing (a nested key's data folder not created yet) is simply not watched;
        // anything else (out of inotify watches) means full scans from now on.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.fail();
          return added;
        }
      }
    }
    return added;
  }

  watching(dir: string): boolean {
    return this.watchers.has(dir);
  }

  private fail(): void {
    this.lost = true;
    this.close();
  }

  /** Whether a scan can trust the watches instead of statting everything. */
  usable(now = Date.now()): boolean {
    return !this.lost && this.watchers.size > 0 && now - this.lastFullScan < FULL_SCAN_EVERY_MS;
  }

  /** The paths changed since the last call (and resets them); call after events are delivered. */
  takeDirty(): Set<string> {
    const d = this.dirty;
    this.dirty = new Set();
    return d;
  }

  /** A full scan starts: what it sees is current; events from now on count for the next scan. */
  startFullScan(now = Date.now()): void {
    this.dirty = new Set();
    this.lost = false;
    this.lastFullScan = now;
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/**
 * Lets the event loop run one poll phase, so inotify events for changes made before this call
 * (by this process or another) have reached the watchers: a timer fires in the next loop
 * iteration, before its poll phase; the immediate after that poll phase.
 */
export async function deliverPendingEvents(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setImmediate(r));
}
