// Each task's cache state in a flow: its resolved target looked up in its store's report. An
// exact key is cached / not cached / a sidecar without data / broken; a pattern (a target that
// depends on run time) lists the artifacts it matches, narrowed by the flow and task names
// XpersistResult records in `additional_metadata`; a cached artifact older than a cached
// upstream one is stale, as make would say.
import type { ArtifactEntry, StoreReport } from '../core/types';
import { globMatch } from '../python/targets';
import type { FlowInfo, FlowTarget } from '../python/types';
import { buildFlowGraph, type FlowGraph, topologicalOrder } from './graph';
import { keyIndex } from './keyIndex';

export type CacheStatus =
  /** The target's sidecar and data exist: Prefect will skip the task and load it. */
  | 'cached'
  /** Cached, but an upstream cached artifact is newer (or itself stale). */
  | 'stale'
  /** No sidecar at the key: the task runs and writes it. */
  | 'not-cached'
  /** The key is known only at run time: `matches` are the artifacts its pattern matches. */
  | 'runtime'
  /** The sidecar exists but the data does not: Prefect "hits" the target, then fails to load it. */
  | 'sidecar-without-data'
  /** The sidecar is unreadable: Prefect's exists() is True, reading raises. */
  | 'broken'
  /** Formatting the target raises at run time. */
  | 'error'
  /** The task has no target. */
  | 'no-target'
  /** The target is not checked in an xpersist store this analysis can locate. */
  | 'no-store'
  /** The store is known but no scan report was given for it (yet: the scan is running). */
  | 'store-not-scanned'
  /** The store's folder cannot be read (`reason` says why). */
  | 'store-unreadable';

export interface TaskCacheState {
  node: string;
  task: string;
  taskIndex: number | null;
  line: number | null;
  status: CacheStatus;
  key?: string;
  pattern?: string;
  error?: string;
  /** Root of the store looked in. */
  storeRoot: string | null;
  /** The artifact at the key (cached, stale, sidecar-without-data). */
  artifact?: ArtifactEntry;
  /** For a pattern: matching artifacts, newest first. */
  matches: ArtifactEntry[];
  /** For a pattern: matching keys whose sidecar is unreadable. */
  brokenMatches?: string[];
  /** For stale: the upstream nodes whose artifacts are newer (or stale). */
  staleBecause?: string[];
  /** Why the state is no-store / store-not-scanned. */
  reason?: string;
}

export interface CacheStateInput {
  targets: FlowTarget[];
  /** Absolute root of each store of the analysis (same order as `analysis.stores`), null if unknown. */
  storeRoots: readonly (string | null)[];
  reports: readonly StoreReport[];
  /** The flow, for names (narrowing) and edges (staleness). */
  flow?: FlowInfo;
  /** Or its graph, when the caller already built it. */
  graph?: FlowGraph;
  /**
   * For a store without a report: 'missing' when its folder does not exist (nothing is cached
   * there: xpersist creates it on the first write), an error message when it cannot be read,
   * null when its scan is merely pending.
   */
  storeProblem?: (root: string) => 'missing' | string | null;
}

/** The flow's name, or for a flow whose name is a pattern that pattern; neither: no filter. */
type FlowNameFilter = { name: string | null; pattern: string | null };

function flowNameMatches(flow: FlowNameFilter, recorded: string): boolean {
  if (flow.name !== null) return recorded === flow.name;
  return flow.pattern === null || globMatch(flow.pattern, recorded);
}

const normRoot = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

const created = (a: ArtifactEntry) => a.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY;

/**
 * Artifacts a task's runs could have written: the flow_name and task_name xpersist records must
 * be the flow's and the task's. A flow made in a loop or a factory (`namePattern`, e.g.
 * `regional-*`) takes every name the pattern matches (`regional-eu`, `regional-us`).
 */
function narrowed(matches: ArtifactEntry[], flow: FlowNameFilter, taskName: string): ArtifactEntry[] {
  return matches.filter((a) => {
    const md = a.additionalMetadata ?? {};
    const f = md.flow_name;
    const t = md.task_name;
    if (typeof f === 'string' && f !== '' && !flowNameMatches(flow, f)) return false;
    if (typeof t === 'string' && t !== '' && t !== taskName) return false;
    return true;
  });
}

export function computeCacheStates(input: CacheStateInput): TaskCacheState[] {
  const reports = new Map<string, StoreReport>();
  for (const r of input.reports) reports.set(normRoot(r.root), r);
  const name = input.flow?.name ?? input.graph?.name ?? null;
  const pattern = input.flow?.namePattern ?? input.graph?.namePattern ?? null;
  const flowName: FlowNameFilter = { name, pattern: name === null ? pattern : null };
  const states: TaskCacheState[] = input.targets.map((t) => {
    const base: TaskCacheState = {
      node: t.node,
      task: t.task,
      taskIndex: t.taskIndex ?? null,
      line: t.line ?? null,
      status: 'no-target',
      storeRoot: null,
      matches: [],
    };
    if (t.key !== undefined) base.key = t.key;
    if (t.pattern !== undefined) base.pattern = t.pattern;
    if (t.error !== undefined) {
      base.error = t.error;
      base.status = 'error';
      return base;
    }
    if (t.key === undefined && t.pattern === undefined) return base;
    if (t.result?.class !== 'XpersistResult') {
      base.status = 'no-store';
      base.reason = t.result
        ? `the target is checked in a ${t.result.class}, not an xpersist store`
        : 'the task has no result (Prefect cannot check this target)';
      return base;
    }
    const root =
      t.storeIndex !== null && t.storeIndex !== undefined ? (input.storeRoots[t.storeIndex] ?? null) : null;
    if (root === null) {
      base.status = 'no-store';
      base.reason = `the cache store ${t.result.store ?? ''} cannot be located statically`.replace('  ', ' ');
      return base;
    }
    base.storeRoot = root;
    const report = reports.get(normRoot(root));
    if (!report) {
      const problem = input.storeProblem?.(root) ?? null;
      if (problem === 'missing') {
        base.status = 'not-cached';
        base.reason = `the store folder ${root} does not exist yet (xpersist creates it on the first write)`;
      } else if (problem !== null) {
        base.status = 'store-unreadable';
        base.reason = problem;
      } else {
        base.status = 'store-not-scanned';
        base.reason = `no scan of ${root}`;
      }
      return base;
    }
    const index = keyIndex(report);
    if (t.key !== undefined) {
      if (index.broken.has(t.key)) {
        base.status = 'broken';
        return base;
      }
      const a = index.byKey.get(t.key);
      if (!a) base.status = 'not-cached';
      else {
        base.artifact = a;
        base.status = a.dataExists ? 'cached' : 'sidecar-without-data';
      }
      return base;
    }
    const pattern = t.pattern as string;
    base.status = 'runtime';
    base.matches = narrowed(index.match(pattern), flowName, t.task).sort((a, b) => created(b) - created(a));
    const broken = index.brokenMatching(pattern);
    if (broken.length) base.brokenMatches = broken;
    return base;
  });
  const graph = input.graph ?? (input.flow ? buildFlowGraph(input.flow) : null);
  if (graph) markStale(states, graph);
  return states;
}

/** Make-like staleness: cached, yet an upstream artifact (through uncached nodes) is newer. */
function markStale(states: TaskCacheState[], graph: FlowGraph): void {
  const byNode = new Map(states.map((s) => [s.node, s]));
  for (const id of topologicalOrder(graph)) {
    const s = byNode.get(id);
    if (!s || (s.status !== 'cached' && s.status !== 'stale') || !s.artifact) continue;
    const mine = created(s.artifact);
    const because: string[] = [];
    const seen = new Set<string>([id]);
    const queue = [...(graph.upstream.get(id) ?? [])];
    while (queue.length) {
      const up = queue.shift()!;
      if (seen.has(up)) continue;
      seen.add(up);
      const u = byNode.get(up);
      if (u && (u.status === 'cached' || u.status === 'stale') && u.artifact) {
        if (u.status === 'stale' || created(u.artifact) > mine) because.push(up);
        continue; // a cached upstream stops the walk: its own inputs are its business
      }
      queue.push(...(graph.upstream.get(up) ?? []));
    }
    if (because.length) {
      s.status = 'stale';
      s.staleBecause = because;
    }
  }
}
