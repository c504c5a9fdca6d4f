// The messages between the extension host and the preview worker thread (previewWorkerEntry.ts).
// Only plain data crosses: arguments and results are structured-cloned (NaN, ±Infinity and bigints
// arrive as they left: the JSON policy for webviews is src/common/jsonSafe.ts, applied by the
// panels), errors travel as name and message and are rebuilt as Errors on the host side.

/** Bumped when a message changes: a worker bundle of another build refuses to answer. */
export const PREVIEW_PROTOCOL = 1;

/** The one-shot preview calls the worker answers (the preview API's names). */
export const WORKER_METHODS = [
  'describe',
  'readValues',
  'readRows',
  'summarizeColumns',
  'countRows',
  'coordinateValues',
  'closeAll',
] as const;
export type WorkerMethod = (typeof WORKER_METHODS)[number];

export interface WorkerCall {
  v: number;
  id: number;
  method: WorkerMethod;
  args: unknown[];
}

export type WorkerAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };
