// What `activate()` returns: used by the in-host tests (and by other extensions) to see what
// the extension knows without scraping the UI.
import type { StoreReport } from '../core/types';

export type StoreSource = 'setting' | 'workspace' | 'python';

export interface KnownStore {
  root: string;
  name: string;
  source: StoreSource;
  readonly: boolean;
}

export interface XpersistApi {
  /** Stores found from settings, the workspace and open Python files (discovery awaited). */
  listStores(): Promise<KnownStore[]>;
  /** The latest scan of a known store (scans when there is none yet). */
  getReport(root: string): Promise<StoreReport | undefined>;
  /** Re-discover stores and rescan them; resolves when the tree is up to date. */
  refresh(): Promise<void>;
}
