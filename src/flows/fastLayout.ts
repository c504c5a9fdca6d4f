// A simple layered layout in linear time for flows dagre would lay out too slowly: dagre splits
// every edge that spans k layers into k dummy nodes, so a 500-task flow whose tasks read results
// from far upstream becomes tens of thousands of nodes (8 s here). This one ranks by longest
// path, orders each layer by the mean position of its neighbours (a few sweeps), and draws long
// edges as curves instead of routing them between layers.
import type { FlowGraph } from './graph';
import type { GraphLayout } from './layoutTypes';

const NODESEP = 18;
const RANKSEP = 56;
const MARGIN = 16;

/** Longest-path layer of each node (cycles, which Prefect forbids, are cut at a visited node). */
export function longestPathRanks(graph: FlowGraph): Map<string, number> {
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let r = 0;
    for (const u of graph.upstream.get(id) ?? []) r = Math.max(r, visit(u) + 1);
    visiting.delete(id);
    rank.set(id, r);
    return r;
  };
  for (const n of graph.nodes) visit(n.id);
  return rank;
}

/** How many dummy nodes dagre would add: the layers each edge skips. */
export function dummyCount(graph: FlowGraph, rank: Map<string, number>): number {
  let d = 0;
  for (const e of graph.edges)
    d += Math.max(0, Math.abs((rank.get(e.to) ?? 0) - (rank.get(e.from) ?? 0)) - 1);
  return d;
}

export function fastLayeredLayout(
  graph: FlowGraph,
  size: (id: string) => { width: number; height: number },
): GraphLayout {
  const rank = longestPathRanks(graph);
  const layers: string[][] = [];
  for (const n of graph.nodes) {
    const r = rank.get(n.id) ?? 0;
    if (!layers[r]) layers[r] = [];
    layers[r].push(n.id);
  }
  for (let i = 0; i < layers.length; i++) if (!layers[i]) layers[i] = [];
  const pos = new Map<string, number>();
  const place = () => {
    for (const layer of layers) {
      layer.forEach((id, i) => {
        pos.set(id, (i + 0.5) / layer.length);
      });
    }
  };
  place();
  const mean = (ids: string[]) =>
    ids.length ? ids.reduce((s, id) => s + (pos.get(id) ?? 0.5), 0) / ids.length : -1;
  // Barycentre sweeps: down using predecessors, up using successors.
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers : [...layers].reverse();
    for (const layer of order) {
      const key = new Map(
        layer.map((id) => [id, mean((down ? graph.upstream : graph.downstream).get(id) ?? [])]),
      );
      layer.sort((a, b) => {
        const ka = key.get(a) ?? -1;
        const kb = key.get(b) ?? -1;
        return (ka < 0 ? (pos.get(a) ?? 0) : ka) - (kb < 0 ? (pos.get(b) ?? 0) : kb);
      });
      layer.forEach((id, i) => {
        pos.set(id, (i + 0.5) / layer.length);
      });
    }
  }
  const sizes = new Map(graph.nodes.map((n) => [n.id, size(n.id)]));
  const layerWidth = layers.map((l) => Math.max(0, ...l.map((id) => sizes.get(id)?.width ?? 0)));
  const layerHeight = layers.map(
    (l) => l.reduce((s, id) => s + (sizes.get(id)?.height ?? 0), 0) + NODESEP * Math.max(0, l.length - 1),
  );
  const height = Math.max(...layerHeight, 0) + 2 * MARGIN;
  const xy = new Map<string, { x: number; y: number }>();
  let x = MARGIN;
  layers.forEach((layer, li) => {
    let y = MARGIN + (height - 2 * MARGIN - layerHeight[li]) / 2;
    for (const id of layer) {
      const s = sizes.get(id) ?? { width: 0, height: 0 };
      xy.set(id, { x: x + layerWidth[li] / 2, y: y + s.height / 2 });
      y += s.height + NODESEP;
    }
    x += layerWidth[li] + RANKSEP;
  });
  const width = x - RANKSEP + MARGIN;
  return {
    width: Math.ceil(width),
    height: Math.ceil(height),
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      ...(xy.get(n.id) ?? { x: 0, y: 0 }),
      ...(sizes.get(n.id) ?? { width: 0, height: 0 }),
    })),
    edges: graph.edges.map((e) => {
      const a = xy.get(e.from) ?? { x: 0, y: 0 };
      const b = xy.get(e.to) ?? { x: 0, y: 0 };
      const sx = a.x + (sizes.get(e.from)?.width ?? 0) / 2;
      const tx = b.x - (sizes.get(e.to)?.width ?? 0) / 2;
      const mid = (sx + tx) / 2;
      return {
        from: e.from,
        to: e.to,
        points: [
          { x: sx, y: a.y },
          { x: Math.min(mid, sx + RANKSEP), y: a.y },
          { x: Math.max(mid, tx - RANKSEP), y: b.y },
          { x: tx, y: b.y },
        ],
      };
    }),
  };
}
