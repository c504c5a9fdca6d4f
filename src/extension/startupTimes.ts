// Where startup time goes, from activate() to the first page of the Caches view: one line in
// Output → xpersist (`startup: ...`). It tells a user what made the view slow, and `npm run bench`
// reads it from a real VS Code. Nothing here waits or changes behaviour.
import { log } from './log';

// Set by the bundle's first and last lines (esbuild.mjs banner and footer): module evaluation.
declare const __xpersistBundleStart: number | undefined;
declare const __xpersistBundleEnd: number | undefined;
// CPU time of the process at the same points: unlike wall time, not inflated by other processes.
declare const __xpersistBundleCpu: NodeJS.CpuUsage | undefined;
declare const __xpersistBundleEndCpu: NodeJS.CpuUsage | undefined;

const cpuMs = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) =>
  (to.user - from.user + to.system - from.system) / 1000;

export interface StartupLine {
  /** Evaluating the bundle's modules (first to last line of dist/extension.js). */
  evalMs: number | null;
  /** From the end of that evaluation to activate(): the extension host's time, not ours. */
  hostGapMs: number | null;
  activateMs: number;
  /** CPU time of the evaluation and of activate() (the process's; both are synchronous). */
  evalCpuMs: number | null;
  activateCpuMs: number;
  /** Listing the candidate stores: settings and the workspace walk. */
  discoveryMs: number | null;
  /** activate() to every store found at startup scanned (discovery + scans). */
  storesReadyMs: number | null;
  /** The scans' own durations, summed (they run concurrently). */
  scanMs: number;
  /** activate() to the first page of every such store handed to the view. */
  firstPageMs: number;
  /**
   * activate() to the first page of every such store ready to hand over (a first scan's early
   * page or its report): ours alone, whereas firstPageMs also waits for the workbench to ask.
   */
  firstPageReadyMs: number | null;
  stores: number;
  rows: number;
  /** Stores whose first page was listed before their first scan ended (big local stores). */
  earlyPages: number;
  /**
   * activate() to the view's first request for its root, and for a store's children: when the
   * workbench asked, which no extension controls (it tells our time from the window's).
   */
  rootAskedMs: number | null;
  storeAskedMs: number | null;
  /**
   * Per store, in the order served: when the view asked for its children and when they were
   * handed over (after activate()), and how many rows. Tells the wait for the workbench from ours.
   */
  pages: { rows: number; readyMs: number | null; askedMs: number | null; servedMs: number }[];
}

const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** The log line; `npm run bench` parses its JSON part. */
export function formatStartupLine(s: StartupLine): string {
  const rounded = Object.fromEntries(
    Object.entries(s).map(([k, v]) => [
      k,
      typeof v === 'number' && k.endsWith('Ms')
        ? r1(v)
        : k === 'pages'
          ? s.pages.map((p) => ({
              ...p,
              readyMs: r1(p.readyMs),
              askedMs: r1(p.askedMs),
              servedMs: r1(p.servedMs),
            }))
          : v,
    ]),
  );
  return (
    `startup: first page of the Caches view ${r1(s.firstPageMs)} ms after activate() ` +
    `(${s.stores} stores, ${s.rows} rows; scans ${r1(s.scanMs)} ms) ${JSON.stringify(rounded)}`
  );
}

export class StartupTimes {
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  private activateMs = 0;
  private activateCpuMs = 0;
  private discoveryMs: number | null = null;
  private storesReadyMs: number | null = null;
  private expected: string[] | null = null;
  private readonly served = new Map<string, { rows: number; scanMs: number; early: boolean; at: number }>();
  private readonly storeAsked = new Map<string, number>();
  private readonly ready = new Map<string, number>();
  private done = false;
  private rootAskedMs: number | null = null;
  private storeAskedMs: number | null = null;

  activated(): void {
    this.activateMs = performance.now() - this.t0;
    this.activateCpuMs = cpuMs(this.cpu0, process.cpuUsage());
  }

  /** Discovery (and the first scans) finished: these stores make up the first page. */
  discovered(roots: string[], discoveryMs: number | null): void {
    this.storesReadyMs = performance.now() - this.t0;
    this.discoveryMs = discoveryMs;
    this.expected = roots;
    this.maybeReport();
  }

  /**
   * The view was given a store's first real children (artifacts, problems, or a final message);
   * `early`: the first page of a scan still running.
   */
  /** The view asked for its root (`store`: for a store's children); the first time counts. */
  asked(what: 'root' | 'store', root?: string): void {
    const at = performance.now() - this.t0;
    if (what === 'root') this.rootAskedMs ??= at;
    else {
      this.storeAskedMs ??= at;
      if (root !== undefined && !this.storeAsked.has(root)) this.storeAsked.set(root, at);
    }
  }

  /** A store's first page can be served (the view may not have asked yet); the first time counts. */
  pageReady(root: string): void {
    if (!this.done && !this.ready.has(root)) this.ready.set(root, performance.now() - this.t0);
  }

  pageServed(root: string, rows: number, scanMs: number | null, early = false): void {
    if (this.done || this.served.has(root)) return;
    this.served.set(root, { rows, scanMs: scanMs ?? 0, early, at: performance.now() - this.t0 });
    this.maybeReport();
  }

  private maybeReport(): void {
    if (this.done || !this.expected || !this.expected.every((r) => this.served.has(r))) return;
    this.done = true;
    const pages = this.expected.map((r) => this.served.get(r)!);
    const start = typeof __xpersistBundleStart === 'number' ? __xpersistBundleStart : null;
    const end = typeof __xpersistBundleEnd === 'number' ? __xpersistBundleEnd : null;
    log().info(
      formatStartupLine({
        evalMs: start !== null && end !== null ? end - start : null,
        hostGapMs: end !== null ? this.t0 - end : null,
        activateMs: this.activateMs,
        evalCpuMs:
          typeof __xpersistBundleCpu === 'object' && typeof __xpersistBundleEndCpu === 'object'
            ? cpuMs(__xpersistBundleCpu, __xpersistBundleEndCpu)
            : null,
        activateCpuMs: this.activateCpuMs,
        discoveryMs: this.discoveryMs,
        storesReadyMs: this.storesReadyMs,
        scanMs: pages.reduce((n, p) => n + p.scanMs, 0),
        firstPageMs: performance.now() - this.t0,
        firstPageReadyMs: this.expected.every((r) => this.ready.has(r))
          ? Math.max(0, ...this.expected.map((r) => this.ready.get(r) ?? 0))
          : null,
        stores: pages.length,
        rows: pages.reduce((n, p) => n + p.rows, 0),
        earlyPages: pages.filter((p) => p.early).length,
        rootAskedMs: this.rootAskedMs,
        storeAskedMs: this.storeAskedMs,
        pages: [...this.served]
          .filter(([r]) => this.expected?.includes(r))
          .sort((a, b) => a[1].at - b[1].at)
          .map(([r, p]) => ({
            rows: p.rows,
            readyMs: this.ready.get(r) ?? null,
            askedMs: this.storeAsked.get(r) ?? null,
            servedMs: p.at,
          })),
      }),
    );
  }
}
