// Entry of the scan worker thread (bundled as xpersist-scan-worker.js beside the main bundle).
import { parentPort } from 'node:worker_threads';
import { type DirCache, type PartRequest, SCAN_PROTOCOL, scanPart } from './scanPart';

const dirs: DirCache = new Map();

type Wire = Omit<PartRequest, 'keys'> & { keys: string; v: number };

parentPort?.on('message', (msg: { id: number; req: Wire }) => {
  try {
    const { keys, v, ...rest } = msg.req;
    // A worker bundle from another build: fail, and the scan runs inline.
    if (v !== SCAN_PROTOCOL) throw new Error(`scan protocol ${v}, this worker speaks ${SCAN_PROTOCOL}`);
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
