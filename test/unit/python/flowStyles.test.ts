// Flow structure against real Prefect 1.4.1: the venv's Python loads
// test/fixtures/python/flow_styles.py (decorators and aliases, functional tasks, a Task
// subclass, .map / unmapped / upstream_tasks, Parameters, constants, tags, task_args, loops,
// flows built in functions, the imperative API) and dumps every Flow's slugs, parameters, edges
// and constants; the static analysis must find the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzePython, type PythonAnalysis } from '../../../src/python/index';
import { pyRepr } from '../../../src/python/template/repr';
import { toPyValue } from '../../../src/python/template/resolve';
import { fixturesDir, runPython } from '../helpers';

const file = path.join(fixturesDir(), 'python/flow_styles.py');

const DUMP = `
import json, runpy, sys, warnings
warnings.simplefilter("ignore")
import prefect
g = runpy.run_path(sys.argv[1], run_name="styles")
out = []
for f in g.values():
    if isinstance(f, prefect.Flow):
        out.append({
            "name": f.name,
            "slugs": sorted(f.slugs.values()),
            "params": sorted([p.name, p.required, None if p.required else p.default] for p in f.parameters()),
            "edges": sorted([f.slugs[e.upstream_task], f.slugs[e.downstream_task], e.key or "", e.mapped] for e in f.edges),
            "constants": sorted([f.slugs[t], k, repr(v)] for t, c in f.constants.items() for k, v in c.items()),
        })
print(json.dumps(out))
`;

interface Dumped {
  name: string;
  slugs: string[];
  params: [string, boolean, unknown][];
  edges: [string, string, string, boolean][];
  constants: [string, string, string][];
}

function ours(a: PythonAnalysis, name: string) {
  const f = a.flows.find((x) => x.name === name);
  assert.ok(f, `flow ${name} not found`);
  return {
    slugs: f.nodes.map((n) => n.id).sort(),
    params: f.parameters.map((p) => [p.name, p.required, p.required ? null : (p.default ?? null)]).sort(),
    edges: f.edges.map((e) => [e.from, e.to, e.key ?? '', e.mapped]).sort(),
    constants: f.nodes
      .flatMap((n) =>
        Object.entries(n.inputs ?? {}).flatMap(([k, v]) =>
          v.kind === 'const' ? [[n.id, k, pyRepr(toPyValue(v.value))] as [string, string, string]] : [],
        ),
      )
      .sort(),
  };
}

describe('flow structure matches real Prefect', () => {
  let dumped: Dumped[] = [];
  const a = analyzePython(readFileSync(file, 'utf8'));
  before(() => {
    dumped = JSON.parse(runPython(DUMP, [file]));
  });

  it('finds the same flows', () => {
    assert.deepEqual(a.flows.map((f) => f.name).sort(), dumped.map((d) => d.name).sort());
    assert.equal(a.prefect, 1);
  });

  for (const name of [
    'decorators',
    'mapping',
    'functional',
    'built-in-function',
    'imperative',
    'reentered',
    'listed',
  ]) {
    it(`flow ${name}: slugs, parameters, edges and constants`, () => {
      const d = dumped.find((x) => x.name === name);
      assert.ok(d, `prefect has no flow ${name}`);
      const o = ours(a, name);
      // Every task Prefect adds itself (Constant, List, GetItem, ...) included.
      assert.deepEqual(o.slugs, d.slugs);
      assert.deepEqual(o.params, d.params);
      assert.deepEqual(o.edges, d.edges);
      assert.deepEqual(o.constants, d.constants);
    });
  }

  it('records mapped nodes and the tasks behind every node', () => {
    const mapping = a.flows.find((f) => f.name === 'mapping')!;
    assert.deepEqual(
      mapping.nodes.filter((n) => n.mapped).map((n) => n.id),
      ['piece-1', 'no_index-1', 'combine-1'],
    );
    for (const f of a.flows) {
      for (const n of f.nodes) {
        if (n.kind === 'parameter' || n.internal) continue;
        assert.notEqual(n.taskIndex, null, `${f.name}/${n.id} has no task`);
        const t = a.tasks[n.taskIndex!];
        assert.ok(n.id.startsWith(t.name) || n.task !== t.name, `${n.id} vs task ${t.name}`);
      }
    }
  });
});
