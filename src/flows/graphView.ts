// What the flow graph panel draws: each node with its cache state (as the lens says it), why it
// is stale, its live state while a flow runs, and the layout.

import type { CacheStatus, TaskCacheState } from './cacheState';
import { liveExecutorLabel } from './executor';
import type { FlowStates } from './fileStates';
import type { GraphNode } from './graph';
import { layoutFlowGraph } from './graphLayout';
import { lensLabel } from './labels';
import type { LiveExecutor, LiveRun, LiveState, LiveTask } from './runEvents';
import { offersInvalidate, offersRerun, type WriteAccess } from './taskActions';

export type NodeStatus = CacheStatus | 'parameter';

export interface SourceChange {
  /** When the task's function source last changed. */
  changedAt: Date;
  /** How that was found: "git blame", "file modification time", "unsaved edits". */
  basis: string;
}

export interface GraphViewNode {
  id: string;
  label: string;
  kind: 'task' | 'parameter';
  line: number;
  mapped: boolean;
  target: string | null;
  status: NodeStatus;
  statusLabel: string;
  /** Why the node is stale (upstream newer, or source changed after the artifact). */
  staleReason?: string;
  storeRoot: string | null;
  /** Whether the node's menu offers Invalidate / Rerun: not where the delete would be refused. */
  canInvalidate: boolean;
  canRerun: boolean;
  /** Key to preview (cached artifact, or the newest pattern match). */
  previewKey?: string;
  live?: {
    state: LiveState;
    message: string | null;
    exception?: string;
    traceback?: string;
    where?: { file: string; line: number } | null;
    mapped?: Record<string, number>;
    durationMs?: number;
  };
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphViewEdge {
  from: string;
  to: string;
  kind: 'data' | 'upstream';
  mapped: boolean;
  points: { x: number; y: number }[];
  /** The edge's hover text, by task names: node ids ("get_data-1") are internal. */
  tooltip: string;
}

export interface GraphViewModel {
  flow: string | null;
  flowIndex: number;
  file: string;
  evaluatedAt: string;
  width: number;
  height: number;
  nodes: GraphViewNode[];
  edges: GraphViewEdge[];
  running: boolean;
  /** Whether the workspace is trusted (runs and deletes are offered only then). */
  trusted: boolean;
  runSummary: string | null;
  /** The executor of the current or last run, with its Dask dashboard when it has one. */
  executor: { label: string; dashboard: string | null } | null;
}

const fmtDate = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

export function staleReason(s: TaskCacheState, change: SourceChange | undefined): string | undefined {
  if (s.status === 'stale') {
    return s.staleBecause?.length
      ? `upstream ${s.staleBecause.join(', ')} has a newer artifact (make-like staleness)`
      : 'an upstream artifact is newer';
  }
  if (s.status === 'cached' && change && s.artifact?.createdAt && change.changedAt > s.artifact.createdAt) {
    return `the task's source changed ${fmtDate(change.changedAt)} (${change.basis}), after its artifact was written ${fmtDate(s.artifact.createdAt)}`;
  }
  return undefined;
}

/**
 * A node's run mark, unless the cache changed since the run: a task that ran (or was loaded from
 * cache) and whose target is now not cached was invalidated after it, so "ran" no longer holds.
 */
export function liveMark(run: LiveRun | null, node: string, status: NodeStatus): LiveTask | undefined {
  const t = run?.tasks.get(node);
  if (!t || run?.running) return t;
  if (
    (t.state === 'Success' || t.state === 'Cached') &&
    (status === 'not-cached' || status === 'sidecar-without-data')
  )
    return undefined;
  return t;
}

export interface GraphViewOptions {
  now: Date;
  sourceChanges?: Map<string, SourceChange>;
  live?: LiveRun | null;
  /** Trust and read-only modes; without it nothing destructive is offered. */
  access?: WriteAccess;
}

export function buildGraphView(fs: FlowStates, file: string, opts: GraphViewOptions): GraphViewModel {
  const access: WriteAccess = opts.access ?? { trusted: false, readonlyReason: () => 'unknown' };
  const byNode = new Map(fs.states.map((s) => [s.node, s]));
  const labels = new Map<string, string[]>();
  const infos = fs.graph.nodes.map((n) => {
    const s = byNode.get(n.id);
    const target = s?.key ?? s?.pattern ?? null;
    labels.set(n.id, [n.task, target ?? '']);
    return { n, s, target };
  });
  const layout = layoutFlowGraph(fs.graph, labels);
  const pos = new Map(layout.nodes.map((p) => [p.id, p]));
  const nodes: GraphViewNode[] = infos.map(({ n, s, target }) =>
    viewNode(n, s, target, pos.get(n.id) ?? { x: 0, y: 0, width: 120, height: 40 }, opts, access),
  );
  const taskName = new Map(fs.graph.nodes.map((n) => [n.id, n.task]));
  const edges: GraphViewEdge[] = fs.graph.edges.map((e, i) => ({
    from: e.from,
    to: e.to,
    kind: e.kind,
    mapped: e.mapped,
    points: layout.edges[i]?.points ?? [],
    tooltip: `${taskName.get(e.from) ?? e.from} → ${taskName.get(e.to) ?? e.to} (${e.kind === 'data' ? 'data' : 'upstream_tasks'}${e.mapped ? ', mapped' : ''})`,
  }));
  return {
    flow: fs.name,
    flowIndex: fs.flow,
    file,
    evaluatedAt: opts.now.toISOString(),
    width: layout.width,
    height: layout.height,
    nodes,
    edges,
    running: opts.live?.running ?? false,
    trusted: access.trusted,
    runSummary: opts.live ? runSummary(opts.live) : null,
    executor: opts.live?.executor ? executorView(opts.live, opts.live.executor) : null,
  };
}

/** One node as drawn: its state (stale where its source changed), actions, live mark and box. */
function viewNode(
  n: GraphNode,
  s: TaskCacheState | undefined,
  target: string | null,
  p: { x: number; y: number; width: number; height: number },
  opts: GraphViewOptions,
  access: WriteAccess,
): GraphViewNode {
  const stale = s && n.taskIndex !== null ? staleReason(s, opts.sourceChanges?.get(n.id)) : undefined;
  const status: NodeStatus =
    n.kind === 'parameter' ? 'parameter' : stale ? 'stale' : (s?.status ?? 'no-target');
  const live = liveMark(opts.live ?? null, n.id, status);
  const previewKey = s?.artifact?.key ?? s?.matches[0]?.key;
  return {
    id: n.id,
    label: n.task,
    kind: n.kind,
    line: n.line,
    mapped: n.mapped,
    target,
    status,
    statusLabel:
      n.kind === 'parameter'
        ? 'parameter'
        : s
          ? stale && s.status === 'cached'
            ? `stale · ${target}`
            : lensLabel(s, opts.now)
          : 'no target',
    ...(stale ? { staleReason: stale } : {}),
    storeRoot: s?.storeRoot ?? null,
    canInvalidate: n.kind === 'task' && !!s && offersInvalidate(s, access),
    canRerun: n.kind === 'task' && (s ? offersRerun(s, access) : access.trusted),
    ...(previewKey ? { previewKey } : {}),
    ...(live
      ? {
          live: {
            state: live.state,
            message: live.message,
            exception: live.exception,
            traceback: live.traceback,
            where: live.where,
            mapped: live.mapped,
            durationMs: live.durationMs,
          },
        }
      : {}),
    x: p.x,
    y: p.y,
    width: p.width,
    height: p.height,
  };
}

/** The counts line above the graph, while the run goes on and after it. */
function runSummary(live: LiveRun): string {
  const tasks = [...live.tasks.values()];
  const count = (st: LiveState) => tasks.filter((t) => t.state === st).length;
  return live.running
    ? `running: ${count('Success') + count('Cached')} done (${count('Cached')} cached), ${count('Running')} running, ${count('Failed')} failed`
    : `last run: ${live.flowState ?? (live.status === 0 ? 'Success' : 'Failed')} · ${count('Success')} ran, ${count('Cached')} cached, ${count('Failed')} failed`;
}

function executorView(live: LiveRun, executor: LiveExecutor): GraphViewModel['executor'] {
  return {
    label: liveExecutorLabel(executor),
    // A cluster the run started is gone once the run ends, and so is its dashboard.
    dashboard: live.running || executor.startedCluster === false ? (executor.dashboard ?? null) : null,
  };
}
