// Chunk reads run through one of these, never all at once: a selection of 2000x2000 over 1x1
// chunks started 4 M opens together (7 GB of pending promises and buffers). The shape is the
// ChunkQueue zarrita's get() takes as `createQueue`, so its reads are bounded the same way.

import { MAX_CONCURRENT_CHUNKS } from '../limits';

export interface LimitedQueue {
  add(fn: () => Promise<void>): void;
  onIdle(): Promise<Array<void>>;
}

/** Runs at most `limit` added tasks at a time; after a failure the tasks not yet started are skipped. */
export function limitedQueue(limit = MAX_CONCURRENT_CHUNKS): LimitedQueue {
  const waiting: Array<() => void> = [];
  let head = 0; // waiting[head...] have not started (an index, not shift(): linear in the tasks)
  let active = 0;
  let failed = false;
  const all: Promise<void>[] = [];
  const release = (): void => {
    if (head < waiting.length) {
      const next = waiting[head];
      waiting[head++] = () => undefined;
      next();
    } else active--;
  };
  const slot = (): Promise<void> => {
    if (active < limit) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  return {
    add(fn) {
      const p = slot()
        .then(() => (failed ? undefined : fn()))
        .catch((err: unknown) => {
          failed = true;
          throw err;
        })
        .finally(release);
      // Observed at once: onIdle reports the first failure, the others must not be unhandled.
      p.catch(() => undefined);
      all.push(p);
    },
    onIdle: () => Promise.all(all),
  };
}
