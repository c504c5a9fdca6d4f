// Entry of the scan worker thread (bundled as xpersist-scan-worker.js beside the main bundle).
import { parentPort } from 'node:worker_threads';
import { type DirCache, type PartRequest, scanPart } from './scanPart';

const dirs: DirCache = new Map();

parentPort?.on('message', (msg: { id: number; req: PartRequest }) => {
  try {
    const res = scanPart(msg.req, dirs);
    parentPort?.postMessage({ id: msg.id, res }, [
      res.data.buffer,
      res.gone.buffer,
      res.stamps.buffer,
    ] as never);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
  }
});
