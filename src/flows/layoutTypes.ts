// What a flow graph layout produces, shared by the dagre layout (graphLayout.ts) and the linear
// one (fastLayout.ts): a module of its own so neither layout imports the other's types.

export interface LaidOutNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}
