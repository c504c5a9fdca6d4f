// Worker thread of the fuzz harness (bundled as xpersist-fuzz-worker.js beside the test bundle):
// runs one case's public calls and reports how each one ended. It lives in a thread with
// resourceLimits so the harness can stop a hang or a heap blow-up by ending the thread: one
// runaway fails one case, not the suite.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CacheStore } from '../../src/core/index';
import * as preview from '../../src/preview/index';
import { analyzePython, resolveTarget } from '../../src/python/index';
import type { CaseCall } from './families';

/** How one public call ended. `nonError`: it threw something that is not an Error. */
export interface CallOutcome {
  fn: string;
  ms: number;
  /** CPU time of the process meanwhile (this thread's work: the harness thread only waits). */
  cpuMs: number;
  status: 'resolved' | 'rejected';
  message?: string;
  errorName?: string;
  nonError?: boolean;
  /** A call documented to never throw (describe, scan, analyzePython...) did. */
  mustNotReject?: boolean;
}

export type WorkerRequest = { type: 'run'; id: number; dir: string; call: CaseCall };
export type WorkerReply =
  | { type: 'start'; id: number; fn: string }
  | { type: 'done'; id: number; outcomes: CallOutcome[] }
  | { type: 'escaped'; what: string };

const post = (m: WorkerReply): void => parentPort?.postMessage(m);

// Anything escaping the readers' promises (a third-party callback throwing later) is a defect:
// report it instead of letting the thread die silently.
process.on('uncaughtException', (err) =>
  post({ type: 'escaped', what: `uncaught exception: ${describeErr(err)}` }),
);
process.on('unhandledRejection', (err) =>
  post({ type: 'escaped', what: `unhandled rejection: ${describeErr(err)}` }),
);

function describeErr(err: unknown): string {
  return err instanceof Error
    ? `${err.name}: ${err.message}`.slice(0, 500)
    : `non-Error ${typeof err}: ${String(err)}`;
}

/** Runs `fn` and records its time and how it ended (never throws). */
async function timed<T>(
  id: number,
  fn: string,
  outcomes: CallOutcome[],
  run: () => Promise<T> | T,
  mustNotReject = false,
): Promise<T | undefined> {
  post({ type: 'start', id, fn });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cpuMs = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  try {
    const value = await run();
    outcomes.push({ fn, ms: performance.now() - t0, cpuMs: cpuMs(), status: 'resolved' });
    return value;
  } catch (err) {
    const o: CallOutcome = {
      fn,
      ms: performance.now() - t0,
      cpuMs: cpuMs(),
      status: 'rejected',
      mustNotReject,
    };
    if (err instanceof Error) {
      o.message = err.message;
      o.errorName = err.name;
    } else {
      o.nonError = true;
      o.message = String(err);
    }
    outcomes.push(o);
    return undefined;
  }
}

/** describe, then a small read of up to three variables (or the first rows of a table). */
async function previewCalls(id: number, file: string, serializer: string, out: CallOutcome[]): Promise<void> {
  const model = await timed(id, 'describe', out, () => preview.describe(file, serializer), true);
  if (model?.kind === 'dataset') {
    const vars = [...Object.entries(model.dataVars), ...Object.entries(model.coords)].slice(0, 3);
    for (const [name, v] of vars) {
      const sel = Object.fromEntries(
        v.dims.map((d, i) => [d, [0, Math.min(4, v.shape[i] ?? 0)] as [number, number]]),
      );
      await timed(id, `readValues(${name.slice(0, 40)})`, out, () =>
        preview.readValues(file, serializer, name, sel),
      );
    }
  } else if (model?.kind === 'table') {
    await timed(id, 'readRows', out, () => preview.readRows(file, serializer, 0, 20));
    await timed(id, 'summarizeColumns', out, () => preview.summarizeColumns(file, serializer));
  }
  await preview.closeAll();
}

/** The read-only store calls: open, keys, has, getArtifact of each key, scan. */
async function storeCalls(id: number, root: string, keys: string[], out: CallOutcome[]): Promise<void> {
  const store = await timed(id, 'open', out, () => CacheStore.open(root, { readonly: true }));
  if (!store) return;
  await timed(id, 'keys', out, () => store.keys(), true);
  for (const key of keys) {
    await timed(id, `has(${key})`, out, () => store.has(key), true);
    await timed(id, `getArtifact(${key})`, out, () => store.getArtifact(key));
  }
  await timed(id, 'scan', out, () => store.scan(), true);
}

/** JSON has no dates or bigints: the template fields mark them. */
function templateFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v && typeof v === 'object' && '$date' in v) out[k] = new Date(String((v as { $date: string }).$date));
    else if (k === 'big' && typeof v === 'string') out[k] = BigInt(v);
    else out[k] = v;
  }
  return out;
}

async function runCase(id: number, dir: string, call: CaseCall): Promise<CallOutcome[]> {
  const out: CallOutcome[] = [];
  const at = (p: string) => path.join(dir, p);
  if (call.kind === 'preview') await previewCalls(id, at(call.path), call.serializer, out);
  else if (call.kind === 'store') await storeCalls(id, at(call.root), call.keys, out);
  else if (call.kind === 'python') {
    const source = readFileSync(at(call.path), 'utf8');
    await timed(id, 'analyzePython', out, () => analyzePython(source), true);
  } else {
    const t = JSON.parse(readFileSync(at(call.path), 'utf8'));
    const fields = templateFields(t.fields);
    await timed(id, 'resolveTarget', out, () => resolveTarget(t.template, fields, t.runtime), true);
  }
  return out;
}

parentPort?.on('message', (msg: WorkerRequest) => {
  runCase(msg.id, msg.dir, msg.call).then(
    // A late callback of a reader (after its promise settled) still belongs to this case:
    // give it a few turns of the event loop before saying the case is done.
    (outcomes) => setTimeout(() => post({ type: 'done', id: msg.id, outcomes }), 5),
    (err) => post({ type: 'escaped', what: `harness: ${describeErr(err)}` }),
  );
});
