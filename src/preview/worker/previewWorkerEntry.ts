// Entry of the preview worker thread (bundled as xpersist-preview-worker.js beside the extension):
// answers the one-shot preview calls with the readers of this bundle, so a runaway read (a heap
// blow-up, a loop) ends this thread, never the extension host. Handles stay open between calls,
// as they do in the host: a readValues after a describe reuses the opened dataset.
import { parentPort } from 'node:worker_threads';
import * as preview from '../index';
import { PREVIEW_PROTOCOL, type WorkerAnswer, type WorkerCall, type WorkerMethod } from './protocol';

const reply = (m: WorkerAnswer): void => parentPort?.postMessage(m);

// Named one by one (not preview[method]): the bundle keeps only what is called, and a method
// name from a message can reach nothing else.
const METHODS: Record<WorkerMethod, (...args: never[]) => Promise<unknown>> = {
  describe: preview.describe,
  readValues: preview.readValues,
  readRows: preview.readRows,
  summarizeColumns: preview.summarizeColumns,
  countRows: preview.countRows,
  coordinateValues: preview.coordinateValues,
  closeAll: preview.closeAll,
};

async function answer(msg: WorkerCall): Promise<unknown> {
  if (msg.v !== PREVIEW_PROTOCOL)
    throw new Error(`preview protocol ${msg.v}, this worker speaks ${PREVIEW_PROTOCOL}`);
  if (!Object.hasOwn(METHODS, msg.method))
    throw new Error(`the preview worker has no method ${String(msg.method)}`);
  const fn = METHODS[msg.method] as (...args: unknown[]) => Promise<unknown>;
  return fn(...msg.args);
}

parentPort?.on('message', (msg: WorkerCall) => {
  answer(msg).then(
    (value) => reply({ id: msg.id, ok: true, value }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(`the reader threw a non-Error: ${String(err)}`);
      reply({ id: msg.id, ok: false, error: { name: e.name, message: e.message || e.name } });
    },
  );
});
