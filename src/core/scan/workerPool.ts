// Two long-lived worker threads that run scan batches in parallel. Started on the first large
// scan; referenced only while a batch is in flight so they never keep a process alive. When the
// worker bundle is not beside this one (e.g. the core used unbundled), batches run inline.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type BatchRequest, type BatchResult, type DirSizeCache, runBatch } from './statBatch';

const WORKER_FILE = 'xpersist-scan-worker.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>;
}

let slots: Slot[] | null = null;
let disabled = false;
let nextId = 1;
const inlineDirCache: DirSizeCache = new Map();

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
    slot.worker.on('message', (msg: { id: number; res?: BatchResult; error?: string }) => {
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

function send(slot: Slot, req: BatchRequest): Promise<BatchResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, req }, [req.stamps.buffer as ArrayBuffer]);
  });
}

/** Which slot a path goes to: stable across scans, so each worker's folder cache stays warm. */
function slotOf(p: string, count: number): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) h = (h * 31 + p.charCodeAt(i)) | 0;
  return (h >>> 0) % count;
}

/** Whether scans run in worker threads (for diagnostics and tests). */
export function poolInfo(): { workers: number; disabled: boolean } {
  return { workers: slots?.length ?? 0, disabled };
}

/** Below this many entries a scan runs inline: starting a worker would cost more. */
export const PARALLEL_THRESHOLD = 400;

/**
 * Runs `req` split over the workers, or inline for small requests. Index i of the result
 * always corresponds to index i of the request.
 */
export async function runBatchParallel(req: BatchRequest): Promise<BatchResult> {
  const pool = req.sidecars.length + req.dataPaths.length >= PARALLEL_THRESHOLD ? startSlots() : null;
  if (!pool) return runBatch(req, inlineDirCache);
  const k = pool.length;
  const parts = pool.map(() => ({ sidecarIdx: [] as number[], dataIdx: [] as number[] }));
  for (let i = 0; i < req.sidecars.length; i++) parts[slotOf(req.sidecars[i], k)].sidecarIdx.push(i);
  for (let i = 0; i < req.dataPaths.length; i++) parts[slotOf(req.dataPaths[i], k)].dataIdx.push(i);
  try {
    const results = await Promise.all(
      parts.map((part, s) => {
        const stamps = new Float64Array(part.sidecarIdx.length * 3);
        for (let j = 0; j < part.sidecarIdx.length; j++) {
          for (let c = 0; c < 3; c++) stamps[j * 3 + c] = req.stamps[part.sidecarIdx[j] * 3 + c];
        }
        return send(pool[s], {
          sidecars: part.sidecarIdx.map((i) => req.sidecars[i]),
          stamps,
          dataPaths: part.dataIdx.map((i) => req.dataPaths[i]),
        });
      }),
    );
    const n = req.sidecars.length;
    const out: BatchResult = {
      stamps: new Float64Array(n * 3),
      texts: new Array(n),
      errors: new Array(n),
      data: new Float64Array(req.dataPaths.length * 2),
    };
    for (let s = 0; s < results.length; s++) {
      const r = results[s];
      const { sidecarIdx, dataIdx } = parts[s];
      for (let j = 0; j < sidecarIdx.length; j++) {
        const i = sidecarIdx[j];
        for (let c = 0; c < 3; c++) out.stamps[i * 3 + c] = r.stamps[j * 3 + c];
        out.texts[i] = r.texts[j];
        out.errors[i] = r.errors[j];
      }
      for (let j = 0; j < dataIdx.length; j++) {
        out.data[dataIdx[j] * 2] = r.data[j * 2];
        out.data[dataIdx[j] * 2 + 1] = r.data[j * 2 + 1];
      }
    }
    return out;
  } catch {
    // A worker died: finish inline (the pool is disabled for the rest of the process).
    return runBatch(req, inlineDirCache);
  }
}
