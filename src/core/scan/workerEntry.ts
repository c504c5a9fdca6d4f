// Entry of the scan worker thread (bundled as xpersist-scan-worker.js beside the main bundle).
import { parentPort } from 'node:worker_threads';
import { type DirCache, type PartRequest, scanPart } from './scanPart';

const dirs: DirCache = new Map();

type Wire = Omit<PartRequest, 'keys'> & { keys: string };

parentPort?.on('message', (msg: { id: number; req: Wire }) => {
  try {
    const { keys, ...rest } = msg.req;
    const res = scanPart({ ...rest, keys: keys === '' ? [] : keys.split('\0') }, dirs);
    parentPort?.postMessage({ id: msg.id, res }, [
      res.data.buffer,
      res.gone.buffer,
      res.stamps.buffer,
    ] as never);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
  }
});
