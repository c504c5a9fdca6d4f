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
  const layers = rankLayers(graph);
  orderLayers(graph, layers);
  const sizes = new Map(graph.nodes.map((n) => [n.id, size(n.id)]));
  const { xy, width, height } = placeLayers(layers, sizes);
  return {
    width: Math.ceil(width),
    height: Math.ceil(height),
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      ...(xy.get(n.id) ?? { x: 0, y: 0 }),
      ...(sizes.get(n.id) ?? { width: 0, height: 0 }),
    })),
    edges: graph.edges.map((e) => ({
      from: e.from,
      to: e.to,
      points: edgePoints(xy, sizes, e.from, e.to),
    })),
  };
}

/** The nodes of each longest-path layer, in graph order; a layer no node has is empty. */
function rankLayers(graph: FlowGraph): string[][] {
  const rank = longestPathRanks(graph);
  const layers: string[][] = [];
  for (const n of graph.nodes) {
    const r = rank.get(n.id) ?? 0;
    if (!layers[r]) layers[r] = [];
    layers[r].push(n.id);
  }
  for (let i = 0; i < layers.length; i++) if (!layers[i]) layers[i] = [];
  return layers;
}

/** Sorts each layer in place so that edges cross less: barycentre sweeps. */
function orderLayers(graph: FlowGraph, layers: string[][]): void {
  // A node's position in its layer, from 0 to 1 (layers of different sizes compare).
  const pos = new Map<string, number>();
  const place = (layer: string[]) => {
    layer.forEach((id, i) => {
      pos.set(id, (i + 0.5) / layer.length);
    });
  };
  for (const layer of layers) place(layer);
  const mean = (ids: string[]) =>
    ids.length ? ids.reduce((s, id) => s + (pos.get(id) ?? 0.5), 0) / ids.length : -1;
  // Down using predecessors, up using successors; a node without neighbours keeps its position.
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
      place(layer);
    }
  }
}

type Size = { width: number; height: number };

/** Node centres: layers left to right, each as wide as its widest node and centred vertically. */
function placeLayers(
  layers: string[][],
  sizes: Map<string, Size>,
): { xy: Map<string, { x: number; y: number }>; width: number; height: number } {
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
  return { xy, width: x - RANKSEP + MARGIN, height };
}

/** An edge from the right side of `from` to the left side of `to`, as a four-point curve. */
function edgePoints(
  xy: Map<string, { x: number; y: number }>,
  sizes: Map<string, Size>,
  from: string,
  to: string,
): { x: number; y: number }[] {
  const a = xy.get(from) ?? { x: 0, y: 0 };
  const b = xy.get(to) ?? { x: 0, y: 0 };
  const sx = a.x + (sizes.get(from)?.width ?? 0) / 2;
  const tx = b.x - (sizes.get(to)?.width ?? 0) / 2;
  const mid = (sx + tx) / 2;
  return [
    { x: sx, y: a.y },
    { x: Math.min(mid, sx + RANKSEP), y: a.y },
    { x: Math.max(mid, tx - RANKSEP), y: b.y },
    { x: tx, y: b.y },
  ];
}
