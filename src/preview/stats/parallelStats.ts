// Whole-variable statistics over several threads: a variable of many chunks is split into
// interleaved shares of its block grid (thread t folds blocks t, t + T, t + 2T, ...), each
// thread opens the dataset itself, decodes and reduces its blocks and reports after each one;
// the shares are merged in thread order, so the result does not depend on which thread finishes
// first. Memory stays flat: each thread holds one block at a time. Used for local files when
// the worker bundle is beside this one; otherwise (and for small variables) one thread reads all.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isRemotePath } from '../boundedFs';
import type { DecodedDataset } from '../dataset/decodedDataset';
import {
  type Acc,
  abortError,
  emptyAcc,
  mergeAcc,
  type StatsStreamOptions,
  snapshot,
  statsPlan,
  type VariableStats,
} from '../dataset/variableStats';
import type { ReadOptions } from '../model';
import type { ReaderKind } from '../readers';
import { STATS_PROTOCOL, type StatsJob, type StatsReport } from './statsProtocol';

const WORKER_FILE = 'xpersist-stats-worker.js';
/** Below this a thread's start (loading the readers, ~0.1 s of CPU) costs more than it saves. */
const MIN_PARALLEL_VALUES = 16 * 2 ** 20;
const MIN_PARALLEL_BLOCKS = 8;
/**
 * Statistics threads running in this process. Two variables streamed at once (the compare view's
 * left and right) share the CPUs instead of each taking them all: more threads than CPUs only
 * add memory (each thread holds its readers and a block).
 */
let running = 0;

function workerFile(): string | null {
  if (typeof __dirname !== 'string') return null;
  const p = path.join(__dirname, WORKER_FILE);
  return existsSync(p) ? p : null;
}

/** How many threads to use for `variable` (1: read it in this thread). */
export function statsThreads(
  file: string,
  ds: DecodedDataset,
  variable: string,
  opts: StatsStreamOptions,
): number {
  if (isRemotePath(file) || !workerFile()) return 1;
  const { plan, total } = statsPlan(ds, variable, opts.maxBlockValues);
  if (opts.threads !== undefined) return Math.max(1, Math.min(opts.threads, total));
  const values = plan.shape.reduce((a, b) => a * b, 1);
  if (values < MIN_PARALLEL_VALUES || total < MIN_PARALLEL_BLOCKS) return 1;
  const cpus = Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
  // Fewer than two free: this thread reads the variable itself (and is one of the CPUs' users).
  const free = cpus - running;
  return free >= 2 ? Math.min(free, total) : 1;
}

interface Share {
  worker: Worker;
  acc: Acc;
  blocks: number;
  done: boolean;
}

/** variableStats for a local dataset in `threads` worker threads (see the file comment). */
export function parallelVariableStats(
  file: string,
  kind: ReaderKind,
  options: ReadOptions,
  ds: DecodedDataset,
  variable: string,
  threads: number,
  opts: StatsStreamOptions,
): Promise<VariableStats> {
  const { plan, total } = statsPlan(ds, variable, opts.maxBlockValues);
  const bundle = workerFile();
  if (!bundle) throw new Error(`${WORKER_FILE} is not beside the preview bundle`);
  running += threads;
  return new Promise<VariableStats>((resolve, reject) => {
    const shares: Share[] = [];
    let settled = false;
    const merged = () => shares.reduce((a, s) => mergeAcc(a, s.acc), emptyAcc());
    const blocksDone = () => shares.reduce((a, s) => a + s.blocks, 0);
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      running -= threads;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const s of shares) void s.worker.terminate();
      if (err) reject(err);
      else resolve(snapshot(plan, variable, merged(), blocksDone(), total));
    };
    const onAbort = () => finish(abortError(variable));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    const start = (part: number) => {
      const worker = new Worker(bundle, {
        resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
      });
      const share: Share = { worker, acc: emptyAcc(), blocks: 0, done: false };
      shares.push(share);
      worker.on('message', (m: StatsReport) => {
        if (settled) return;
        if (m.type === 'error') {
          const e = new Error(m.message);
          e.name = m.name;
          return finish(e);
        }
        share.acc = m.acc;
        share.blocks = m.blocks;
        share.done = m.type === 'done';
        if (m.type === 'block') opts.onProgress?.(snapshot(plan, variable, merged(), blocksDone(), total));
        if (shares.length === threads && shares.every((s) => s.done)) {
          const out = snapshot(plan, variable, merged(), blocksDone(), total);
          if (total === 0) opts.onProgress?.(out);
          finish(null);
        }
      });
      worker.on('error', (err) => finish(new Error(`a statistics thread failed: ${err.message}`)));
      worker.on('exit', (code) => finish(new Error(`a statistics thread ended early (exit code ${code})`)));
      const job: StatsJob = { v: STATS_PROTOCOL, path: file, kind, options, variable, part, parts: threads };
      if (opts.maxBlockValues !== undefined) job.maxBlockValues = opts.maxBlockValues;
      worker.postMessage(job);
    };
    try {
      for (let part = 0; part < threads; part++) start(part);
    } catch (err) {
      finish(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
