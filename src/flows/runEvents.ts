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
  z.object({
    event: z.literal('executor'),
    kind: z.string(),
    scheduler: z.optional(z.string()),
    num_workers: z.optional(z.number()),
    address: z.optional(z.string()),
    cluster_class: z.optional(z.string()),
    dashboard: z.optional(z.nullable(z.string())),
    started_cluster: z.optional(z.boolean()),
    workers: z.optional(z.number()),
  }),
  z.object({ event: z.literal('workers'), workers: z.number() }),
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
  /** Each mapped child's latest state, by map index. */
  children?: Record<number, LiveState>;
  /** The flow of the task's last event. */
  flow?: string | null;
  /**
   * A run of a flow pattern (`regional-*`) runs one flow per name, with the same slugs: the
   * task's state in each of them (its `state` is what they add up to, see `combined`).
   */
  perFlow?: Record<string, LiveState>;
}

/** The executor a run uses, as the runner reported it when Prefect started it. */
export interface LiveExecutor {
  kind: string;
  scheduler?: string;
  /** The Dask scheduler's address. */
  address?: string;
  clusterClass?: string;
  /** The Dask dashboard (http://…/status). */
  dashboard?: string | null;
  /** True when the run created the cluster (and cancelling it stops it). */
  startedCluster?: boolean;
  workers?: number;
}

export interface LiveRun {
  flow: string | null;
  executor?: LiveExecutor;
  flowState: string | null;
  /** A run of a flow pattern: each flow's final state, by name (`flowState` is the worst). */
  flowStates?: Record<string, string>;
  /** The flow's failure, e.g. Dask's KilledWorker when a worker died. */
  flowException?: string;
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

/** What a node's states in several flows add up to: running first, then failed, then the rest. */
const COMBINED_ORDER: readonly LiveState[] = [
  'Running',
  'Failed',
  'Pending',
  'Success',
  'Cached',
  'Skipped',
  'Other',
];

function combined(states: LiveState[]): LiveState {
  return COMBINED_ORDER.find((st) => states.includes(st)) ?? 'Other';
}

/** The task's state by flow once its events come from more than one flow, else undefined. */
function acrossFlows(
  prev: LiveTask | undefined,
  flow: string | null,
  state: LiveState,
): Record<string, LiveState> | undefined {
  if (prev?.perFlow) return flow === null ? prev.perFlow : { ...prev.perFlow, [flow]: state };
  if (!prev?.flow || flow === null || prev.flow === flow) return undefined;
  return { [prev.flow]: prev.state, [flow]: state };
}

/** Applies one event (received at `at`); returns the slug of the task it changed, if any. */
export function applyRunEvent(run: LiveRun, e: RunEvent, at: number = Date.now()): string | null {
  switch (e.event) {
    case 'start':
      run.flow = e.flow ?? run.flow;
      return null;
    case 'flow': {
      run.flow = run.flow ?? e.flow;
      run.flowStates = { ...run.flowStates, [e.flow]: e.state };
      // One failed flow of a pattern's fails the run, whatever the flows after it did.
      const states = Object.values(run.flowStates);
      run.flowState = states.find((st) => liveState(st) === 'Failed') ?? e.state;
      if (e.exception) run.flowException = e.exception;
      return null;
    }
    case 'task': {
      const slug = e.slug ?? e.task;
      const prev = run.tasks.get(slug);
      const state = liveState(e.state);
      if (e.map_index !== null && e.map_index !== undefined) {
        // A mapped child: count children by state on the parent node.
        const t = prev ?? { slug, task: e.task, state: 'Running', message: null, mapped: {}, startedAt: at };
        t.mapped = { ...t.mapped, [state]: (t.mapped?.[state] ?? 0) + 1 };
        t.children = { ...t.children, [e.map_index]: state };
        if (state === 'Failed')
          Object.assign(t, { exception: e.exception, traceback: e.traceback, where: e.where });
        // A mapped task lasts from its first child's start to its last child's end.
        t.startedAt ??= at;
        if (FINAL.has(state)) t.durationMs = Math.max(t.durationMs ?? 0, at - t.startedAt);
        run.tasks.set(slug, t);
        return slug;
      }
      const perFlow = acrossFlows(prev, e.flow, state);
      const shown = perFlow ? combined(Object.values(perFlow)) : state;
      // A failure in one flow stays on the node while another flow's instance of it runs or
      // succeeds; within one flow a new attempt clears it, as before.
      const failedElsewhere = state !== 'Failed' && perFlow && Object.values(perFlow).includes('Failed');
      const failure = failedElsewhere ? prev : e;
      run.tasks.set(slug, {
        ...prev,
        slug,
        task: e.task,
        state: shown,
        message: e.message,
        location: e.location ?? prev?.location,
        exception: failure?.exception,
        traceback: failure?.traceback,
        where: failure?.where,
        flow: e.flow,
        ...(perFlow ? { perFlow } : {}),
        ...timing(prev, shown, at),
      });
      return slug;
    }
    case 'executor':
      run.executor = {
        kind: e.kind,
        scheduler: e.scheduler,
        address: e.address,
        clusterClass: e.cluster_class,
        dashboard: e.dashboard,
        startedCluster: e.started_cluster,
        workers: e.workers,
      };
      return null;
    case 'workers':
      if (run.executor) run.executor.workers = e.workers;
      return null;
    case 'error':
      run.error = { exception: e.exception, traceback: e.traceback, where: e.where };
      return null;
    case 'end':
      run.running = false;
      run.status = e.status;
      markUnfinished(run);
      return null;
  }
}

/** Tasks finished and seen so far; mapped children count one each, their parent none. */
export function runProgress(run: LiveRun): { finished: number; total: number; running: string | null } {
  let finished = 0;
  let total = 0;
  let running: string | null = null;
  const open = (st: LiveState) => st === 'Running' || st === 'Pending';
  for (const t of run.tasks.values()) {
    const children = Object.values(t.children ?? {});
    if (children.length > 0) {
      total += children.length;
      finished += children.filter((st) => !open(st)).length;
      if (!running && children.some((st) => st === 'Running')) running = t.task;
    } else {
      total++;
      if (!open(t.state)) finished++;
      else if (!running && t.state === 'Running') running = t.task;
    }
  }
  return { finished, total, running };
}

/** What a run that ended left Running never finished: its process died (a killed Dask worker,
 * a cancel). Shown as failed, with that reason, rather than spinning forever. */
const UNFINISHED = 'no final state: the process running it ended (a killed worker, or the run was stopped)';

const unfinished = (run: LiveRun) => (run.flowException ? `${UNFINISHED}; ${run.flowException}` : UNFINISHED);

function markUnfinished(run: LiveRun): void {
  for (const t of run.tasks.values()) {
    for (const [i, st] of Object.entries(t.children ?? {}))
      if (st === 'Running' && t.children) {
        t.children[Number(i)] = 'Failed';
        t.mapped = { ...t.mapped, Failed: (t.mapped?.Failed ?? 0) + 1 };
        t.exception ??= unfinished(run);
      }
    if (t.state === 'Running' && !t.children)
      Object.assign(t, { state: 'Failed', exception: unfinished(run) });
  }
}

/**
 * The lines of one runner connection (python/xpersist_events.py's Connection): the first must be
 * the run's token, then one JSON event per line. `push` returns the complete event lines of a
 * chunk, or null when the connection did not authenticate and must be dropped.
 */
export class RunEventLines {
  private buf = '';
  private authed = false;

  constructor(private readonly token: string) {}

  push(chunk: string): string[] | null {
    this.buf += chunk;
    const lines: string[] = [];
    for (let nl = this.buf.indexOf('\n'); nl !== -1; nl = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (this.authed) lines.push(line);
      else if (line === this.token) this.authed = true;
      else return null;
    }
    return lines;
  }
}
