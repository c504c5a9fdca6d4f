// The flow graph of one Prefect flow (tasks and parameters, data and upstream edges), and the
// closures the editor needs ("invalidate with downstream", make-like staleness).
import type { FlowInfo } from '../python/types';

export interface GraphNode {
  id: string;
  kind: 'task' | 'parameter';
  /** The task's name (a Parameter's name). */
  task: string;
  line: number;
  mapped: boolean;
  taskIndex: number | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'data' | 'upstream';
  mapped: boolean;
  key: string | null;
}

export interface FlowGraph {
  name: string | null;
  /** A flow made in a loop or a factory: the pattern of its names (`regional-*`). */
  namePattern?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** node id → ids of the nodes it feeds. */
  downstream: Map<string, string[]>;
  /** node id → ids of the nodes it depends on. */
  upstream: Map<string, string[]>;
}

export function buildFlowGraph(flow: FlowInfo): FlowGraph {
  const nodes: GraphNode[] = flow.nodes.map((n) => ({
    id: n.id,
    kind: n.kind ?? 'task',
    task: n.task,
    line: n.line,
    mapped: n.mapped,
    taskIndex: n.taskIndex ?? null,
  }));
  const ids = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = flow.edges
    .filter((e) => ids.has(e.from) && ids.has(e.to))
    .map((e) => ({ from: e.from, to: e.to, kind: e.kind, mapped: e.mapped, key: e.key ?? null }));
  const downstream = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const upstream = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    const d = downstream.get(e.from)!;
    if (!d.includes(e.to)) d.push(e.to);
    const u = upstream.get(e.to)!;
    if (!u.includes(e.from)) u.push(e.from);
  }
  const graph: FlowGraph = { name: flow.name, nodes, edges, downstream, upstream };
  if (flow.name === null && flow.namePattern !== undefined) graph.namePattern = flow.namePattern;
  return graph;
}

function closure(start: string, next: Map<string, string[]>): string[] {
  if (!next.has(start)) return [];
  const seen = new Set([start]);
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    for (const n of next.get(order[i]) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        order.push(n);
      }
    }
  }
  return order;
}

/** The node and everything that depends on it, nearest first (what a rerun recomputes). */
export const downstreamClosure = (graph: FlowGraph, id: string): string[] => closure(id, graph.downstream);

/** The node and everything it depends on, nearest first. */
export const upstreamClosure = (graph: FlowGraph, id: string): string[] => closure(id, graph.upstream);

/** Node ids with every node after the ones it depends on (file order among equals); cycles last. */
export function topologicalOrder(graph: FlowGraph): string[] {
  const indegree = new Map(graph.nodes.map((n) => [n.id, graph.upstream.get(n.id)?.length ?? 0]));
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const out: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    out.push(id);
    for (const d of graph.downstream.get(id) ?? []) {
      const left = (indegree.get(d) ?? 0) - 1;
      indegree.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (out.length < graph.nodes.length) {
    const done = new Set(out);
    for (const n of graph.nodes) if (!done.has(n.id)) out.push(n.id);
  }
  return out;
}
