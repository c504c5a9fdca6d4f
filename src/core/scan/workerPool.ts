// Long-lived worker threads that scan shares of a store in parallel. Started on the first large
// scan; referenced only while a scan is in flight so they never keep a process alive. When the
// worker bundle is not beside this one (the core used unbundled), or a worker dies, scans run
// inline.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { newPartCaches, type PartResult, scanPart } from './scanPart';

const WORKER_FILE = 'xpersist-scan-worker.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: PartResult) => void; reject: (e: Error) => void }>;
}

let slots: Slot[] | null = null;
let disabled = false;
let nextId = 1;
const inlineCaches = newPartCaches();
/** Folder sizes known to the main thread (incremental scans). */
export const inlineDirCache = inlineCaches.dirs;

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

/** Whether scans run in worker threads (for diagnostics and tests). */
export function poolInfo(): { workers: number; disabled: boolean } {
  return { workers: slots?.length ?? 0, disabled };
}

/** Below this many sidecars a scan runs inline: a worker round trip would cost more. */
export const PARALLEL_THRESHOLD = 400;

function ask(slot: Slot, storeId: number, root: string, part: number, parts: number): Promise<PartResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, req: { storeId, root, part, parts } });
  });
}

/**
 * Scans a store in shares, in parallel when it is large (`expected`: its size at the last scan,
 * or null when unknown). `inlineStoreId` keeps inline stamps apart from the workers' ones.
 */
export async function scanShares(
  root: string,
  storeId: number,
  expected: number | null,
): Promise<PartResult[]> {
  const pool = expected !== null && expected >= PARALLEL_THRESHOLD ? startSlots() : null;
  if (pool) {
    try {
      return await Promise.all(pool.map((slot, i) => ask(slot, storeId, root, i, pool.length)));
    } catch {
      // A worker died: this scan and the next ones run inline (without the workers' stamps).
    }
  }
  return [scanPart({ storeId: -storeId, root, part: 0, parts: 1 }, inlineCaches)];
}
