// Both layouts (dagre for small flows, the linear-time one for big or far-reaching flows) put
// every edge left to right and never overlap two nodes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dummyCount, longestPathRanks } from '../../../src/flows/fastLayout';
import { buildFlowGraph } from '../../../src/flows/graph';
import { DAGRE_BUDGET, layoutFlowGraph } from '../../../src/flows/graphLayout';
import type { GraphLayout } from '../../../src/flows/layoutTypes';
import type { FlowInfo } from '../../../src/python/types';

function flow(n: number, reach: number): FlowInfo {
  let seed = 3;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `t${i}-1`,
    task: `t${i}`,
    line: i + 1,
    mapped: false,
  }));
  const edges: FlowInfo['edges'] = [];
  for (let i = 1; i < n; i++) {
    edges.push({ from: `t${i - 1}-1`, to: `t${i}-1`, kind: 'data', mapped: false });
    if (rnd() < 0.5) {
      const j = Math.max(0, i - 1 - Math.floor(rnd() * Math.min(i, reach)));
      if (j !== i - 1)
        edges.push({
          from: `t${j}-1`,
          to: `t${i}-1`,
          kind: rnd() < 0.3 ? 'upstream' : 'data',
          mapped: false,
        });
    }
  }
  return { name: 'f', variable: 'flow', line: 1, parameters: [], nodes, edges };
}

function check(layout: GraphLayout): void {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const e of layout.edges) {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    assert.ok(a.x < b.x, `${e.from} is left of ${e.to}`);
    assert.ok(e.points.length >= 2);
  }
  const boxes = layout.nodes.map((n) => ({
    id: n.id,
    l: n.x - n.width / 2,
    r: n.x + n.width / 2,
    t: n.y - n.height / 2,
    b: n.y + n.height / 2,
  }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i];
      const q = boxes[j];
      const overlap = p.l < q.r && q.l < p.r && p.t < q.b && q.t < p.b;
      assert.ok(!overlap, `${p.id} overlaps ${q.id}`);
    }
  }
  for (const n of layout.nodes) {
    assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width + 1, `${n.id} inside the drawing`);
    assert.ok(n.y - n.height / 2 >= 0 && n.y + n.height / 2 <= layout.height + 1);
  }
}

describe('flow graph layout', () => {
  it('small flows go through dagre', () => {
    const g = buildFlowGraph(flow(20, 3));
    assert.ok(g.nodes.length + dummyCount(g, longestPathRanks(g)) <= DAGRE_BUDGET);
    check(layoutFlowGraph(g, new Map()));
  });
  it('large or far-reaching flows use the linear-time layout, still left to right without overlaps', () => {
    for (const [n, reach] of [
      [60, 60],
      [500, 8],
      [500, 500],
    ]) {
      const g = buildFlowGraph(flow(n, reach));
      assert.ok(g.nodes.length + dummyCount(g, longestPathRanks(g)) > DAGRE_BUDGET);
      check(layoutFlowGraph(g, new Map()));
    }
  });
  it('ranks nodes by their longest path from the sources', () => {
    const g = buildFlowGraph({
      name: 'r',
      variable: null,
      line: 1,
      parameters: [],
      nodes: ['a', 'b', 'c', 'd'].map((id, i) => ({ id, task: id, line: i, mapped: false })),
      edges: [
        { from: 'a', to: 'b', kind: 'data', mapped: false },
        { from: 'b', to: 'c', kind: 'data', mapped: false },
        { from: 'a', to: 'c', kind: 'upstream', mapped: false },
      ],
    });
    assert.deepEqual(Object.fromEntries(longestPathRanks(g)), { a: 0, b: 1, c: 2, d: 0 });
    assert.equal(dummyCount(g, longestPathRanks(g)), 1);
  });
});
