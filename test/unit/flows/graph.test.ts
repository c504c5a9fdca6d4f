// The flow graph built from an analysed flow: nodes, edges, closures and order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildFlowGraph,
  downstreamClosure,
  topologicalOrder,
  upstreamClosure,
} from '../../../src/flows/graph';
import { analyzePython } from '../../../src/python/index';

const src = `from prefect import Flow, Parameter, task, unmapped
@task
def load(region): ...
@task
def clean(ds): ...
@task
def stats(ds, other): ...
@task
def plot(x): ...
@task
def notify(): ...

with Flow("pipeline") as flow:
    region = Parameter("region", default="eu")
    raw = load(region)
    cleaned = clean(raw)
    s = stats.map(cleaned, unmapped(raw))
    p = plot(s)
    notify(upstream_tasks=[p])
    plot(load("us"))
`;

describe('flow graph', () => {
  const a = analyzePython(src);
  const g = buildFlowGraph(a.flows[0]);

  // Prefect's order of addition: a task, then the inputs its call adds (here the Parameter).
  it('has task and parameter nodes, data and upstream edges, mapped flags', () => {
    assert.deepEqual(
      g.nodes.map((n) => [n.id, n.kind, n.mapped]),
      [
        ['load-1', 'task', false],
        ['region', 'parameter', false],
        ['clean-1', 'task', false],
        ['stats-1', 'task', true],
        ['plot-1', 'task', false],
        ['notify-1', 'task', false],
        ['load-2', 'task', false],
        ['plot-2', 'task', false],
      ],
    );
    assert.deepEqual(
      g.edges.map((e) => [e.from, e.to, e.kind, e.mapped, e.key]),
      [
        ['region', 'load-1', 'data', false, 'region'],
        ['load-1', 'clean-1', 'data', false, 'ds'],
        ['clean-1', 'stats-1', 'data', true, 'ds'],
        ['load-1', 'stats-1', 'data', false, 'other'],
        ['stats-1', 'plot-1', 'data', false, 'x'],
        ['plot-1', 'notify-1', 'upstream', false, null],
        ['load-2', 'plot-2', 'data', false, 'x'],
      ],
    );
  });

  it('gives downstream closures for "invalidate with downstream", nearest first', () => {
    assert.deepEqual(downstreamClosure(g, 'load-1'), ['load-1', 'clean-1', 'stats-1', 'plot-1', 'notify-1']);
    assert.deepEqual(downstreamClosure(g, 'plot-2'), ['plot-2']);
    assert.deepEqual(downstreamClosure(g, 'missing'), []);
    assert.deepEqual(upstreamClosure(g, 'notify-1'), [
      'notify-1',
      'plot-1',
      'stats-1',
      'clean-1',
      'load-1',
      'region',
    ]);
  });

  it('orders nodes after their dependencies', () => {
    const order = topologicalOrder(g);
    assert.equal(order.length, g.nodes.length);
    for (const e of g.edges) assert.ok(order.indexOf(e.from) < order.indexOf(e.to), `${e.from} → ${e.to}`);
  });

  it('survives a cycle (an imperative flow gone wrong)', () => {
    const cyclic = buildFlowGraph({
      name: 'c',
      variable: null,
      line: 1,
      parameters: [],
      nodes: [
        { id: 'a', task: 'a', line: 1, mapped: false },
        { id: 'b', task: 'b', line: 2, mapped: false },
      ],
      edges: [
        { from: 'a', to: 'b', kind: 'upstream', mapped: false },
        { from: 'b', to: 'a', kind: 'upstream', mapped: false },
      ],
    });
    assert.deepEqual(topologicalOrder(cyclic).sort(), ['a', 'b']);
    assert.deepEqual(downstreamClosure(cyclic, 'a'), ['a', 'b']);
  });
});
