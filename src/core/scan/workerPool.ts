// Long-lived worker threads that scan shares of a store in parallel. Started on the first large
// scan; referenced only while a scan is in flight so they never keep a process alive. When the
// worker bundle is not beside this one (the core used unbundled), or a worker dies, scans run
// inline.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type DirCache, type PartRequest, type PartResult, SCAN_PROTOCOL, scanPart } from './scanPart';

const WORKER_FILE = 'xpersist-scan-worker.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: PartResult) => void; reject: (e: Error) => void }>;
}

let slots: Slot[] | null = null;
let disabled = false;
let nextId = 1;
/** Folder sizes known to the main thread (inline and incremental scans). */
export const inlineDirCache: DirCache = new Map();

function workerPath(): string | null {
  if (typeof __dirname !== 'string') return null;
  const p = path.join(__dirname, WORKER_FILE);
  return existsSync(p) ? p : null;
}

function startSlots(): Slot[] | null {
  if (slots) return slots;
  const file = workerPath();
  const wanted = process.env.XPERSIST_SCAN_THREADS;
  if (disabled || !file || wanted === '0') return null;
  const count = wanted
    ? Math.max(1, Number(wanted) || 2)
    : Math.max(2, Math.min(4, os.availableParallelism?.() ?? 2));
  slots = Array.from({ length: count }, () => {
    const slot: Slot = { worker: new Worker(file), pending: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (msg: { id: number; res?: PartResult; error?: string }) => {
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if (msg.res) p.resolve(msg.res);
      else p.reject(new Error(msg.error ?? 'scan worker failed'));
    });
    const fail = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      disabled = true;
      slots = null;
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`scan worker exited with code ${code}`)));
    return slot;
  });
  return slots;
}

/**
 * Starts the scan threads ahead of the first large scan (a window opening a big store), so their
 * start-up overlaps the work before it. No-op when they run or cannot.
 */
export function warmUpScanThreads(): void {
  startSlots();
}

/** Whether scans run in worker threads (for diagnostics and tests). */
export function poolInfo(): { workers: number; disabled: boolean } {
  return { workers: slots?.length ?? 0, disabled };
}

/** Below this many sidecars a scan runs inline: a worker round trip would cost more. */
export const PARALLEL_THRESHOLD = 400;

function ask(slot: Slot, req: PartRequest): Promise<PartResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    // Keys as one string (keys never hold NUL): cloning one string is a copy, 5,000 are not.
    const wire = {
      v: SCAN_PROTOCOL,
      root: req.root,
      keys: req.keys.join('\0'),
      known: req.known,
      dirs: req.dirs,
    };
    slot.worker.postMessage({ id, req: wire }, [req.known.buffer as ArrayBuffer]);
  });
}

/** How many shares a scan of `expected` sidecars is cut into (1: inline). */
export function shareCount(expected: number): number {
  if (expected < PARALLEL_THRESHOLD) return 1;
  return startSlots()?.length ?? 1;
}

/**
 * Scans the shares (made for shareCount() of them), in the worker threads when there is more
 * than one. A worker that dies makes this scan and the next ones run inline.
 */
export async function scanShares(reqs: PartRequest[]): Promise<PartResult[]> {
  const pool = reqs.length > 1 ? startSlots() : null;
  if (pool && pool.length === reqs.length) {
    const copies = reqs.map((r) => ({ ...r, known: r.known.slice() }));
    try {
      return await Promise.all(pool.map((slot, i) => ask(slot, copies[i])));
    } catch {
      // fall through: inline, with the known stamps the workers did not consume
    }
  }
  return reqs.map((r) => scanPart(r, inlineDirCache));
}
