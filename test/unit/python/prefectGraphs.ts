// Flows as the real prefect 1.4.1 builds them (the venv; nothing runs), beside the analysis' own:
// every task (slug, name, kind, tags), edge and constant, for tests that compare the two.
import assert from 'node:assert/strict';
import type { FlowInfo, PythonAnalysis } from '../../../src/python/index';
import { pyRepr } from '../../../src/python/template/repr';
import { toPyValue } from '../../../src/python/template/resolve';
import { runPython } from '../helpers';

const DUMP = `
import json, runpy, sys, warnings
warnings.simplefilter("ignore")
import prefect
g = runpy.run_path(sys.argv[1], run_name="implicit")
print(json.dumps([{
    "name": f.name,
    "tasks": sorted([f.slugs[t], t.name, type(t).__name__, sorted(t.tags)] for t in f.tasks),
    "edges": sorted([f.slugs[e.upstream_task], f.slugs[e.downstream_task], e.key or "", e.mapped, e.flattened] for e in f.edges),
    "constants": sorted([f.slugs[t], k, repr(v)] for t, c in f.constants.items() for k, v in c.items()),
} for f in g.values() if isinstance(f, prefect.Flow)]))
`;

export interface Dumped {
  name: string;
  tasks: [string, string, string, string[]][];
  edges: [string, string, string, boolean, boolean][];
  constants: [string, string, string][];
}

/** Every flow the module at `file` builds, as prefect records it. */
export function prefectFlows(file: string): Dumped[] {
  return JSON.parse(runPython(DUMP, [file]));
}

/** The classes of Prefect's own tasks (the analysis marks them internal, not one of the file's). */
const PREFECT_OWN = new Set([
  'Constant',
  'List',
  'Tuple',
  'Set',
  'Dict',
  'GetItem',
  'CompareValue',
  'Merge',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'FloorDiv',
  'Mod',
  'Pow',
  'And',
  'GreaterThan',
  'GreaterThanOrEqual',
  'LessThan',
  'LessThanOrEqual',
]);

function ours(f: FlowInfo) {
  return {
    tasks: f.nodes
      .map((n) => [
        n.id,
        n.task,
        n.kind === 'parameter' ? 'Parameter' : n.internal ? 'internal' : 'task',
        n.tags ?? [],
      ])
      .sort(),
    edges: f.edges.map((e) => [e.from, e.to, e.key ?? '', e.mapped, e.flattened ?? false]).sort(),
    constants: f.nodes
      .flatMap((n) =>
        Object.entries(n.inputs ?? {}).flatMap(([k, v]) =>
          v.kind === 'const' ? [[n.id, k, pyRepr(toPyValue(v.value))] as [string, string, string]] : [],
        ),
      )
      .sort(),
  };
}

/** Asserts that the analysis' flow `name` has prefect's tasks, edges and constants. */
export function assertSameFlow(a: PythonAnalysis, dumped: Dumped[], name: string): void {
  const d = dumped.find((x) => x.name === name);
  assert.ok(d, `prefect has no flow ${name}`);
  const f = a.flows.find((x) => x.name === name);
  assert.ok(f, `flow ${name} not found`);
  const o = ours(f);
  const kind = (cls: string) =>
    cls === 'Parameter' ? 'Parameter' : PREFECT_OWN.has(cls) ? 'internal' : 'task';
  assert.deepEqual(
    o.tasks,
    d.tasks.map(([slug, task, cls, tags]) => [slug, task, kind(cls), tags]),
  );
  assert.deepEqual(o.edges, d.edges);
  assert.deepEqual(o.constants, d.constants);
}
