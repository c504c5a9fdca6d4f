// The JSON lines python/xpersist_flow_runner.py sends while a flow runs, parsed and folded into
// the live state of each task node.
import * as z from 'zod/mini';

const where = z.optional(z.nullable(z.object({ file: z.string(), line: z.number() })));

export const runEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('start'),
    file: z.string(),
    flow: z.nullable(z.string()),
    python: z.string(),
    version: z.string(),
  }),
  z.object({
    event: z.literal('task'),
    task: z.string(),
    slug: z.nullable(z.string()),
    map_index: z.nullable(z.number()),
    flow: z.nullable(z.string()),
    state: z.string(),
    message: z.nullable(z.string()),
    location: z.optional(z.string()),
    exception: z.optional(z.string()),
    traceback: z.optional(z.string()),
    where,
  }),
  z.object({
    event: z.literal('flow'),
    flow: z.string(),
    state: z.string(),
    message: z.nullable(z.string()),
    exception: z.optional(z.string()),
  }),
  z.object({ event: z.literal('error'), exception: z.string(), traceback: z.string(), where }),
  z.object({ event: z.literal('end'), status: z.number() }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;

export function parseRunEvent(line: string): RunEvent | null {
  try {
    const r = runEventSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The states the graph shows while a flow runs. */
export type LiveState = 'Pending' | 'Running' | 'Success' | 'Cached' | 'Failed' | 'Skipped' | 'Other';

export interface LiveTask {
  slug: string;
  task: string;
  state: LiveState;
  message: string | null;
  location?: string;
  exception?: string;
  traceback?: string;
  where?: { file: string; line: number } | null;
  /** Mapped children seen, by state. */
  mapped?: Record<string, number>;
  /** When the task was first seen Running (ms since epoch, the host's clock). */
  startedAt?: number;
  /** From Running to its final state (Success, Failed, ...). */
  durationMs?: number;
}

export interface LiveRun {
  flow: string | null;
  flowState: string | null;
  running: boolean;
  status: number | null;
  tasks: Map<string, LiveTask>;
  error?: { exception: string; traceback: string; where?: { file: string; line: number } | null };
}

export function liveState(name: string): LiveState {
  if (name === 'Pending' || name === 'Scheduled' || name === 'Submitted') return 'Pending';
  if (name === 'Running' || name === 'Retrying' || name === 'Looped') return 'Running';
  if (name === 'Cached') return 'Cached';
  if (name === 'Success' || name === 'Mapped') return 'Success';
  if (name === 'Failed' || name === 'TriggerFailed' || name === 'TimedOut' || name === 'ValidationFailed')
    return 'Failed';
  if (name === 'Skipped') return 'Skipped';
  return 'Other';
}

export function newLiveRun(flow: string | null): LiveRun {
  return { flow, flowState: null, running: true, status: null, tasks: new Map() };
}

const FINAL: ReadonlySet<LiveState> = new Set(['Success', 'Cached', 'Failed', 'Skipped']);

/** Start and duration of a task from its state changes (the host's clock at each event). */
function timing(prev: LiveTask | undefined, state: LiveState, at: number): Partial<LiveTask> {
  const startedAt = prev?.startedAt ?? (state === 'Running' ? at : undefined);
  if (startedAt === undefined) return {};
  return FINAL.has(state) ? { startedAt, durationMs: Math.max(0, at - startedAt) } : { startedAt };
}

/** Applies one event (received at `at`); returns the slug of the task it changed, if any. */
export function applyRunEvent(run: LiveRun, e: RunEvent, at: number = Date.now()): string | null {
  switch (e.event) {
    case 'start':
      run.flow = e.flow ?? run.flow;
      return null;
    case 'flow':
      run.flow = run.flow ?? e.flow;
      run.flowState = e.state;
      return null;
    case 'task': {
      const slug = e.slug ?? e.task;
      const prev = run.tasks.get(slug);
      const state = liveState(e.state);
      if (e.map_index !== null && e.map_index !== undefined) {
        // A mapped child: count children by state on the parent node.
        const t = prev ?? { slug, task: e.task, state: 'Running', message: null, mapped: {}, startedAt: at };
        t.mapped = { ...t.mapped, [state]: (t.mapped?.[state] ?? 0) + 1 };
        if (state === 'Failed')
          Object.assign(t, { exception: e.exception, traceback: e.traceback, where: e.where });
        // A mapped task lasts from its first child's start to its last child's end.
        t.startedAt ??= at;
        if (FINAL.has(state)) t.durationMs = Math.max(t.durationMs ?? 0, at - t.startedAt);
        run.tasks.set(slug, t);
        return slug;
      }
      run.tasks.set(slug, {
        ...prev,
        slug,
        task: e.task,
        state,
        message: e.message,
        location: e.location ?? prev?.location,
        exception: e.exception,
        traceback: e.traceback,
        where: e.where,
        ...timing(prev, state, at),
      });
      return slug;
    }
    case 'error':
      run.error = { exception: e.exception, traceback: e.traceback, where: e.where };
      return null;
    case 'end':
      run.running = false;
      run.status = e.status;
      return null;
  }
}
