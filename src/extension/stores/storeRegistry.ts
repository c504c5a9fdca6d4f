// The stores the extension knows (settings, workspace search, CacheStore(...) in Python files),
// each with its CacheStore and latest scan. Scans are coalesced: a burst of file events (a
// Prefect run writing 100 artifacts) becomes one rescan.
import { accessSync, constants } from 'node:fs';
import * as vscode from 'vscode';
import { CacheStore } from '../../core/cacheStore';
import { holdsLargeIndex, warmUpScanThreads } from '../../core/index';
import { isObjectUrl } from '../../core/remote/objectUrl';
import type { ScanOptions, StoreReport } from '../../core/types';
import { findStoreFolders } from '../../explorer/discovery';
import { mergeCandidates, type StoreCandidate } from '../../explorer/storeCandidates';
import { secretsIn } from '../../explorer/storeCredentials';
import {
  defaultResolveContext,
  parseStoreSettings,
  resolveSettingPath,
  storeDisplayName,
} from '../../explorer/storeSettings';
import { naturalCompare } from '../../explorer/treeModel';
import type { KnownStore, StoreSource } from '../api';
import { log } from '../log';

export interface StoreState extends KnownStore {
  sources: StoreSource[];
  /** Why the store is read-only, when it is. */
  readonlyReason: string | null;
  store: CacheStore;
  report: StoreReport | null;
  /** While a first scan of a store on object storage runs: what it has read so far (tree only). */
  partial: StoreReport | null;
  /** "1,200 of 10,000 sidecars" while such a scan runs. */
  progress: string | null;
  scanError: string | null;
  scanning: boolean;
  scanCount: number;
  lastScanMs: number | null;
  /** The storage options the store was opened with (JSON), to reopen it when they change. */
  optionsKey: string;
}

interface Candidate extends StoreCandidate {
  source: StoreSource;
}

/** Why a candidate is read-only: the setting says so, or its folder cannot be written. */
function readonlyReasonOf(c: Candidate): string | null {
  return c.readonly
    ? 'marked read-only in the xpersist.stores setting'
    : !isObjectUrl(c.root) && !writable(c.root) && c.root
      ? 'the folder is not writable'
      : null;
}

/** A store found in a Python file: its root, and its literal storage_options when it has any. */
export interface PythonStoreRef {
  root: string;
  storageOptions?: Record<string, unknown>;
}

/** Credentials a user typed in for a store (kept in VS Code's SecretStorage, never in settings). */
export type StoreSecrets = (root: string) => Promise<Record<string, unknown> | undefined>;

const DEBOUNCE_MS = 400;
/** Rows of a big store listed (in the tree's order) before the rest of its first scan is done. */
const FIRST_PAGE = 200;
const MAX_WAIT_MS = 3000;

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export class StoreRegistry implements vscode.Disposable {
  private readonly states = new Map<string, StoreState>();
  private readonly pythonStores = new Map<string, PythonStoreRef[]>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  private readonly inflight = new Map<string, Promise<StoreReport | undefined>>();
  private readonly rescanAfter = new Set<string>();
  private discovering: Promise<void> | null = null;
  private readonly changedStores = new vscode.EventEmitter<void>();
  private readonly updatedStore = new vscode.EventEmitter<StoreState>();
  /** The set of stores changed (added, removed, renamed). */
  readonly onDidChangeStores = this.changedStores.event;
  /** A store's scan finished (or started: `scanning` flipped). */
  readonly onDidUpdateStore = this.updatedStore.event;
  private readonly disposables: vscode.Disposable[] = [this.changedStores, this.updatedStore];

  /** `indexDir`: where stores' scan indexes are persisted between windows (core OpenOptions). */
  constructor(
    private readonly indexDir?: string,
    private readonly secrets: StoreSecrets = async () => undefined,
  ) {
    // A big store was open in an earlier window: start the scan threads while discovery runs
    // (after activate() has returned: it is not activation's work).
    if (indexDir) setImmediate(() => holdsLargeIndex(indexDir) && warmUpScanThreads());
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('xpersist.stores') || e.affectsConfiguration('xpersist.discovery')) {
          void this.discover();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover()),
    );
  }

  list(): StoreState[] {
    return [...this.states.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.root.localeCompare(b.root),
    );
  }

  get(root: string): StoreState | undefined {
    return this.states.get(root);
  }

  /** Stores found from `CacheStore(...)` in one Python document (replaces the previous list). */
  setPythonStores(documentKey: string, refs: PythonStoreRef[]): void {
    const before = JSON.stringify(this.pythonStores.get(documentKey) ?? []);
    const unique = new Map(refs.map((r) => [r.root, r]));
    if (unique.size === 0) this.pythonStores.delete(documentKey);
    else
      this.pythonStores.set(
        documentKey,
        [...unique.values()].sort((a, b) => a.root.localeCompare(b.root)),
      );
    if (JSON.stringify(this.pythonStores.get(documentKey) ?? []) !== before) void this.discover();
  }

  /** Drops a store so the next discovery opens it again (its options or credentials changed). */
  forget(root: string): void {
    this.states.get(root)?.store.close();
    this.states.delete(root);
    this.watchers.get(root)?.dispose();
    this.watchers.delete(root);
  }

  /** Recomputes the set of stores; scans new ones. Concurrent calls share one run. */
  discover(): Promise<void> {
    if (this.discovering) {
      // Run once more after the current pass so late changes are not lost.
      return this.discovering.then(() => this.discover());
    }
    this.discovering = this.runDiscovery().finally(() => {
      this.discovering = null;
      this.isListed = true;
      this.markListed();
    });
    return this.discovering;
  }

  private async candidates(): Promise<Candidate[]> {
    const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
    const ctx = defaultResolveContext(folders[0]?.uri.fsPath ?? null);
    const out: Candidate[] = [];
    const config = vscode.workspace.getConfiguration('xpersist');
    const { stores, errors } = parseStoreSettings(config.get('stores'));
    for (const e of errors) log().warn(e);
    for (const s of stores) {
      let root: string;
      try {
        root = resolveSettingPath(s.path, ctx);
      } catch (err) {
        log().warn(`xpersist.stores: ${(err as Error).message}`);
        continue;
      }
      const secrets = secretsIn(s.storageOptions);
      if (secrets.length > 0) {
        // Names only: the values are never logged.
        log().warn(
          `xpersist.stores: the storageOptions of ${root} hold ${secrets.join(', ')}; settings files are plain text. Use "Set Store Credentials..." on the store (OS keychain) or environment variables instead.`,
        );
      }
      out.push({
        root,
        source: 'setting',
        name: s.name,
        readonly: s.readonly,
        storageOptions: s.storageOptions,
      });
    }
    if (config.get<boolean>('discovery.enabled', true)) {
      const maxDepth = config.get<number>('discovery.maxDepth', 6);
      for (const f of folders) {
        for (const root of await findStoreFolders(f.uri.fsPath, { maxDepth }))
          out.push({ root, source: 'workspace' });
      }
    }
    for (const refs of this.pythonStores.values())
      for (const r of refs) out.push({ root: r.root, source: 'python', storageOptions: r.storageOptions });
    return out;
  }

  /** How long the last discovery took to list the candidate stores (settings, workspace walk). */
  lastDiscoveryMs: number | null = null;
  private markListed!: () => void;
  /** Resolves once the first discovery has listed the stores (before their scans end). */
  readonly listed = new Promise<void>((resolve) => {
    this.markListed = resolve;
  });
  private isListed = false;

  /** Whether the first discovery has listed the stores. */
  get hasListed(): boolean {
    return this.isListed;
  }

  /** The running first scan of a store with nothing to show yet: settles at its first page. */
  firstScan(root: string): Promise<unknown> | null {
    const state = this.states.get(root);
    const running = this.inflight.get(root);
    if (!state || !running || state.report || state.partial || state.scanError) return null;
    let sub: vscode.Disposable | undefined;
    return new Promise<void>((resolve) => {
      sub = this.onDidUpdateStore((s) => {
        if (s.root === root && s.partial) resolve();
      });
      void running.finally(() => resolve());
    }).finally(() => sub?.dispose());
  }

  private async runDiscovery(): Promise<void> {
    const started = performance.now();
    const cands = await this.candidates();
    this.lastDiscoveryMs = performance.now() - started;
    const merged = mergeCandidates(cands);
    const dropped = this.dropGone(merged);
    const { changed, added } = await this.updateStates(merged);
    const scans = added.map((r) => this.scan(r));
    if (dropped || changed) this.changedStores.fire();
    this.isListed = true;
    this.markListed();
    await Promise.all(scans);
  }

  /** Forgets the stores no candidate names any more; true when there were any. */
  private dropGone(merged: Map<string, unknown>): boolean {
    let dropped = false;
    for (const root of [...this.states.keys()]) {
      if (!merged.has(root)) {
        this.forget(root);
        dropped = true;
      }
    }
    return dropped;
  }

  /**
   * Adds new stores and updates those whose name, mode, sources or options changed (reopening the
   * store when its mode or options did), in root order so that display names are stable.
   */
  private async updateStates(
    merged: Map<string, Candidate & { sources: StoreSource[] }>,
  ): Promise<{ changed: boolean; added: string[] }> {
    let changed = false;
    const taken = new Set<string>();
    const added: string[] = [];
    for (const c of [...merged.values()].sort((a, b) => a.root.localeCompare(b.root))) {
      const name = c.name ?? storeDisplayName(c.root, taken);
      taken.add(name);
      const readonlyReason = readonlyReasonOf(c);
      const prev = this.states.get(c.root);
      const readonly = readonlyReason !== null;
      const options = JSON.stringify(c.storageOptions ?? null);
      if (
        prev &&
        prev.name === name &&
        prev.readonly === readonly &&
        prev.source === c.source &&
        prev.sources.join() === c.sources.join() &&
        prev.optionsKey === options
      ) {
        continue;
      }
      changed = true;
      const store =
        prev && prev.readonly === readonly && prev.optionsKey === options
          ? prev.store
          : await this.open(c, readonly);
      this.states.set(c.root, {
        root: c.root,
        name,
        source: c.source,
        sources: c.sources,
        readonly,
        readonlyReason,
        store,
        report: prev?.report ?? null,
        partial: null,
        progress: null,
        scanError: prev?.scanError ?? null,
        scanning: false,
        scanCount: prev?.scanCount ?? 0,
        lastScanMs: prev?.lastScanMs ?? null,
        optionsKey: options,
      });
      if (!prev) {
        added.push(c.root);
        this.watch(c.root);
      }
    }
    return { changed, added };
  }

  /** Opens a candidate's store; typed-in credentials are added to its options, never saved in them. */
  private async open(c: Candidate, readonly: boolean): Promise<CacheStore> {
    if (!isObjectUrl(c.root)) return CacheStore.open(c.root, { readonly, indexDir: this.indexDir });
    const secret = await this.secrets(c.root).catch(() => undefined);
    const storageOptions = { ...(c.storageOptions ?? {}), ...(secret ?? {}) };
    return CacheStore.open(c.root, { readonly, indexDir: this.indexDir, storageOptions });
  }

  private watch(root: string): void {
    // Object storage sends no change events: its stores rescan on Refresh and after runs.
    if (isObjectUrl(root)) return;
    // The metadata tree and the store's top level: every put()/delete() touches one of them.
    // Watching below data folders would mean a watch per zarr chunk folder.
    const pattern = new vscode.RelativePattern(
      vscode.Uri.file(root),
      '{xpersist_metadata_store,xpersist_metadata_store/**,*}',
    );
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const on = () => this.scheduleScan(root);
    this.watchers.set(
      root,
      vscode.Disposable.from(w, w.onDidCreate(on), w.onDidChange(on), w.onDidDelete(on)),
    );
  }

  /** Rescans after events stop for DEBOUNCE_MS, or at most MAX_WAIT_MS after the first one. */
  scheduleScan(root: string): void {
    const t = this.timers.get(root);
    const since = t?.since ?? Date.now();
    if (t) clearTimeout(t.timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, since + MAX_WAIT_MS - Date.now()));
    const timer = setTimeout(() => {
      this.timers.delete(root);
      void this.scan(root);
    }, wait);
    this.timers.set(root, { timer, since });
  }

  /** Scans a store now; a scan requested while one runs is done once, right after. */
  scan(root: string): Promise<StoreReport | undefined> {
    const running = this.inflight.get(root);
    if (running) {
      this.rescanAfter.add(root);
      return running.then(() => this.inflight.get(root) ?? this.scan(root));
    }
    const p = this.runScan(root).finally(() => {
      this.inflight.delete(root);
      if (this.rescanAfter.delete(root)) void this.scan(root);
    });
    this.inflight.set(root, p);
    return p;
  }

  private async runScan(root: string): Promise<StoreReport | undefined> {
    const state = this.states.get(root);
    if (!state) return undefined;
    state.scanning = true;
    this.updatedStore.fire(state);
    const started = performance.now();
    try {
      // A first scan of a store on object storage may take seconds: it gets a cancellable
      // notification; rescans read only the listing and changed sidecars.
      const report =
        isObjectUrl(root) && !state.report
          ? await this.scanRemote(state)
          : await vscode.window.withProgress(
              { location: { viewId: 'xpersist.caches' }, title: `Scanning ${state.name}` },
              () => state.store.scan(state.report ? undefined : this.firstPage(state)),
            );
      state.report = report;
      state.scanError = null;
      return report;
    } catch (err) {
      if ((err as Error).message === 'Scan cancelled.') {
        // The previous report (if any) stays; the store says the scan was stopped.
        if (!state.report) state.scanError = 'Scan cancelled: Refresh the store to scan it again.';
        return state.report ?? undefined;
      }
      state.scanError = (err as Error).message;
      log().error(`Scanning ${root} failed: ${(err as Error).stack ?? err}`);
      return undefined;
    } finally {
      state.partial = null;
      state.progress = null;
      state.scanning = false;
      state.scanCount++;
      state.lastScanMs = performance.now() - started;
      const r = state.store.lastScanReuse;
      const how = r
        ? ` (${r.indexLoaded ? 'scan index loaded' : 'no scan index'}; ${r.sidecarsRead} sidecars read, listing ${r.listingReused ? 'reused' : 'read'})`
        : '';
      // The first scan of each store at info level: it is what a user waits for after startup.
      const line = `scanned ${root} in ${state.lastScanMs.toFixed(0)} ms${how}`;
      if (state.scanCount === 1) log().info(line);
      else log().debug(line);
      this.updatedStore.fire(state);
    }
  }

  /**
   * A scan of a store on object storage: in a notification with progress and Cancel, the tree
   * showing what is read so far (a first scan of 10,000 sidecars takes seconds).
   */
  private scanRemote(state: StoreState): Promise<StoreReport> {
    return Promise.resolve(
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Scanning ${state.root}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await state.store.scan({
              signal: abort.signal,
              onProgress: (p) => {
                state.progress =
                  p.phase === 'listing'
                    ? `${p.done.toLocaleString('en-US')} objects listed`
                    : `${p.done.toLocaleString('en-US')} of ${(p.total ?? 0).toLocaleString('en-US')} sidecars read`;
                progress.report({ message: state.progress });
                if (p.report) {
                  state.partial = p.report;
                  this.updatedStore.fire(state);
                }
              },
            });
          } finally {
            sub.dispose();
          }
        },
      ),
    );
  }

  /** A local store's first scan: its first rows for the view while the rest is proven. */
  private firstPage(state: StoreState): ScanOptions {
    return {
      firstPage: { size: FIRST_PAGE, compare: naturalCompare },
      onProgress: (p) => {
        if (!p.report || state.report) return;
        state.partial = p.report;
        state.progress = `first ${p.done.toLocaleString('en-US')} of ${(p.total ?? 0).toLocaleString('en-US')} shown`;
        this.updatedStore.fire(state);
      },
    };
  }

  async scanAll(): Promise<void> {
    await Promise.all([...this.states.keys()].map((r) => this.scan(r)));
  }

  dispose(): void {
    for (const s of this.states.values()) s.store.close();
    for (const t of this.timers.values()) clearTimeout(t.timer);
    for (const w of this.watchers.values()) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
