// Left-to-right layered layout of a flow graph (dagre). The tight-tree ranker keeps a 500-task
// flow well under a second where dagre's default network simplex takes about one.
import dagre from '@dagrejs/dagre';
import { dummyCount, fastLayeredLayout, longestPathRanks } from './fastLayout';
import type { FlowGraph } from './graph';
import type { GraphLayout } from './layoutTypes';

export const NODE_HEIGHT = 52;
const CHAR_W = 7.2;

/** Node widths follow their longest line (task name, target), within bounds. */
export function nodeWidth(lines: string[]): number {
  const longest = Math.max(8, ...lines.map((l) => l.length));
  return Math.round(Math.min(300, Math.max(120, longest * CHAR_W + 36)));
}

/** Above this many nodes plus dummy nodes dagre takes over ~80 ms here (0.25 ms per node): use the fast layout. */
export const DAGRE_BUDGET = 300;

export function layoutFlowGraph(graph: FlowGraph, labels: Map<string, string[]>): GraphLayout {
  if (graph.nodes.length + dummyCount(graph, longestPathRanks(graph)) > DAGRE_BUDGET) {
    const sizes = new Map(
      graph.nodes.map((n) => [
        n.id,
        { width: nodeWidth(labels.get(n.id) ?? [n.task]), height: n.kind === 'parameter' ? 36 : NODE_HEIGHT },
      ]),
    );
    return fastLayeredLayout(graph, (id) => sizes.get(id) ?? { width: 120, height: NODE_HEIGHT });
  }
  return dagreLayout(graph, labels);
}

function dagreLayout(graph: FlowGraph, labels: Map<string, string[]>): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: 'LR',
    nodesep: 18,
    ranksep: 56,
    edgesep: 10,
    marginx: 16,
    marginy: 16,
    ranker: 'tight-tree',
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    g.setNode(n.id, {
      width: nodeWidth(labels.get(n.id) ?? [n.task]),
      height: n.kind === 'parameter' ? 36 : NODE_HEIGHT,
    });
  }
  graph.edges.forEach((e, i) => {
    g.setEdge(e.from, e.to, {}, `${e.kind}:${i}`);
  });
  dagre.layout(g);
  const info = g.graph();
  return {
    width: Math.ceil(info.width ?? 0),
    height: Math.ceil(info.height ?? 0),
    nodes: graph.nodes.map((n) => {
      const v = g.node(n.id);
      return { id: n.id, x: v.x, y: v.y, width: v.width, height: v.height };
    }),
    edges: graph.edges.map((e, i) => ({
      from: e.from,
      to: e.to,
      points: (g.edge({ v: e.from, w: e.to, name: `${e.kind}:${i}` })?.points ?? []).map(
        (p: { x: number; y: number }) => ({ x: p.x, y: p.y }),
      ),
    })),
  };
}
