// The host side of the preview worker: runs the one-shot preview calls in a worker thread with
// `resourceLimits` and a deadline, so a hostile file that runs the heap out or loops ends that
// thread with a clear error instead of taking the extension host (every extension of the window)
// down. The next call starts a fresh thread. Issue 16, docs/ARCHITECTURE.md ("Hostile input").
import { Worker } from 'node:worker_threads';
import { PREVIEW_PROTOCOL, type WorkerAnswer, type WorkerMethod } from './protocol';

export interface PreviewWorkerOptions {
  /** The thread's V8 heap limit; over it the thread ends (ERR_WORKER_OUT_OF_MEMORY). */
  maxHeapMb?: number;
  /** A call unanswered after this long ends the thread (and fails the calls sharing it). */
  deadlineMs?: number;
}

/** Far above the 2 s budget: a slow network read must not be cut, a loop must be stopped. */
export const PREVIEW_DEADLINE_MS = 30_000;
/** Above the budget (256 MB) and the lzma guard (512 MiB of heap growth), below harm. */
export const PREVIEW_HEAP_MB = 1024;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  what: string;
}

/** An Error with the reader's name (UnsupportedError, RequestError...) and message. */
function rebuilt(e: { name: string; message: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class PreviewWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly maxHeapMb: number;
  private readonly deadlineMs: number;
  /** Threads started so far (a stopped one is replaced on the next call). */
  started = 0;

  constructor(
    private readonly file: string,
    options: PreviewWorkerOptions = {},
  ) {
    this.maxHeapMb = options.maxHeapMb ?? PREVIEW_HEAP_MB;
    this.deadlineMs = options.deadlineMs ?? PREVIEW_DEADLINE_MS;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.file, {
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxHeapMb,
        maxYoungGenerationSizeMb: 64,
        stackSizeMb: 4,
      },
    });
    this.started++;
    w.on('message', (m: WorkerAnswer) => this.settle(m));
    w.on('error', (err: Error & { code?: string }) =>
      this.stop(
        w,
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `ran out of its memory budget (${this.maxHeapMb} MB) and was stopped`
          : `failed and was stopped (${err.name}: ${err.message})`,
      ),
    );
    w.on('exit', (code) => this.stop(w, `ended unexpectedly (exit code ${code})`));
    // Idle threads never keep the host (or a test process) alive.
    w.unref();
    this.worker = w;
    return w;
  }

  private settle(m: WorkerAnswer): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (this.pending.size === 0) this.worker?.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(rebuilt(m.error));
  }

  /** Ends the thread and fails every call it was running with `why`. */
  private stop(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    void w.terminate();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`The preview reader of ${p.what} ${why}.`));
    }
    this.pending.clear();
  }

  /** Calls `method` of the preview API in the thread. `what` names the input in errors. */
  call<T>(method: WorkerMethod, args: unknown[], what: string): Promise<T> {
    const w = this.thread();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.stop(w, `gave no answer in ${Math.round(this.deadlineMs / 1000)} s and was stopped`),
        this.deadlineMs,
      );
      timer.unref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, what });
      w.ref();
      w.postMessage({ v: PREVIEW_PROTOCOL, id, method, args });
    });
  }

  /** Ends the thread (extension deactivation, tests); later calls start a new one. */
  async dispose(): Promise<void> {
    const w = this.worker;
    if (w) this.stop(w, 'was closed');
    await w?.terminate();
  }
}
