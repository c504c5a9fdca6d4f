// Entry of the scan worker thread (bundled as xpersist-scan-worker.js beside the main bundle).
import { parentPort } from 'node:worker_threads';
import { type BatchRequest, type DirSizeCache, runBatch } from './statBatch';

const dirCache: DirSizeCache = new Map();

parentPort?.on('message', (msg: { id: number; req: BatchRequest }) => {
  try {
    if (dirCache.size > 500_000) dirCache.clear();
    const res = runBatch(msg.req, dirCache);
    parentPort?.postMessage({ id: msg.id, res }, [res.stamps.buffer, res.data.buffer] as never);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
  }
});
