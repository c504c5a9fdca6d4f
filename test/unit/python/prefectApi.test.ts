// Prefect 1.x's API beyond decorators and `with Flow` (test/fixtures/python/prefect_api.py):
// Task subclasses, the imperative API, case / merge / ifelse, unmapped / flatten / apply_map and
// flows made in a loop. The real prefect 1.4.1 (the venv) builds the flows (nothing runs) and
// dumps every flow's slugs, parameters, edges, constants and tasks; the static analysis must
// find the same, nodes Prefect adds itself (case, Merge, as_bool, CompareValue) included.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzePython, flowTargets, type PythonAnalysis } from '../../../src/python/index';
import { pyRepr } from '../../../src/python/template/repr';
import { toPyValue } from '../../../src/python/template/resolve';
import { fixturesDir, runPython } from '../helpers';

const file = path.join(fixturesDir(), 'python/prefect_api.py');

const DUMP = `
import json, runpy, sys, warnings
warnings.simplefilter("ignore")
import prefect
g = runpy.run_path(sys.argv[1], run_name="api")
flows = []
for f in [*g.values(), *g["regional_flows"], *g["factory_flows"]]:
    if isinstance(f, prefect.Flow) and all(f is not x for x in flows):
        flows.append(f)
target = lambda t: t.target if t.target is None or isinstance(t.target, str) else t.target.__name__
print(json.dumps([{
    "name": f.name,
    "slugs": sorted(f.slugs.values()),
    "params": sorted([p.name, p.required, None if p.required else p.default] for p in f.parameters()),
    "edges": sorted([f.slugs[e.upstream_task], f.slugs[e.downstream_task], e.key or "", e.mapped, e.flattened] for e in f.edges),
    "constants": sorted([f.slugs[t], k, repr(v)] for t, c in f.constants.items() for k, v in c.items()),
    "tasks": sorted([f.slugs[t], t.name, target(t), t.checkpoint] for t in f.tasks if not isinstance(t, prefect.Parameter)),
} for f in flows]))
`;

interface Dumped {
  name: string;
  slugs: string[];
  params: [string, boolean, unknown][];
  edges: [string, string, string, boolean, boolean][];
  constants: [string, string, string][];
  tasks: [string, string, string | null, boolean | null][];
}

function ours(a: PythonAnalysis, index: number) {
  const f = a.flows[index];
  const tasks = f.nodes.flatMap((n) => {
    if (n.kind === 'parameter') return [];
    const t = n.taskIndex === null || n.taskIndex === undefined ? null : a.tasks[n.taskIndex];
    const target = t?.target ? (t.target.kind === 'template' ? t.target.template : t.target.name) : null;
    return [[n.id, n.task, target, t?.checkpoint ?? null]];
  });
  return {
    slugs: f.nodes.map((n) => n.id).sort(),
    params: f.parameters.map((p) => [p.name, p.required, p.required ? null : (p.default ?? null)]).sort(),
    edges: f.edges.map((e) => [e.from, e.to, e.key ?? '', e.mapped, e.flattened ?? false]).sort(),
    constants: f.nodes
      .flatMap((n) =>
        Object.entries(n.inputs ?? {}).flatMap(([k, v]) =>
          v.kind === 'const' ? [[n.id, k, pyRepr(toPyValue(v.value))] as [string, string, string]] : [],
        ),
      )
      .sort(),
    tasks: tasks.sort(),
  };
}

describe('Prefect API matches real Prefect', () => {
  const a = analyzePython(readFileSync(file, 'utf8'));
  let dumped: Dumped[] = [];
  before(() => {
    dumped = JSON.parse(runPython(DUMP, [file]));
  });

  for (const name of ['task-classes', 'imperative', 'branching', 'mapping']) {
    it(`flow ${name}: slugs, parameters, edges, constants and tasks`, () => {
      const d = dumped.find((x) => x.name === name);
      assert.ok(d, `prefect has no flow ${name}`);
      const index = a.flows.findIndex((f) => f.name === name);
      assert.ok(index >= 0, `flow ${name} not found`);
      const o = ours(a, index);
      assert.deepEqual(o.slugs, d.slugs);
      assert.deepEqual(o.params, d.params);
      assert.deepEqual(o.edges, d.edges);
      assert.deepEqual(o.constants, d.constants);
      assert.deepEqual(o.tasks, d.tasks);
    });
  }

  it('makes one flow entry, with a name pattern, for the flows a loop or a factory called in a loop makes', () => {
    const loop = a.flows.filter((f) => f.namePattern);
    assert.deepEqual(
      loop.map((f) => [f.name, f.namePattern]),
      [
        [null, 'regional-*'],
        [null, 'factory-*'],
      ],
    );
    const factory = ours(a, a.flows.indexOf(loop[1]));
    const built = dumped.filter((d) => d.name.startsWith('factory-'));
    assert.deepEqual(built.map((d) => d.name).sort(), ['factory-asia', 'factory-eu', 'factory-us']);
    for (const d of built)
      assert.deepEqual([factory.slugs, factory.edges, factory.tasks], [d.slugs, d.edges, d.tasks]);
    const made = dumped.filter((d) => d.name.startsWith('regional-'));
    assert.deepEqual(made.map((d) => d.name).sort(), ['regional-asia', 'regional-eu', 'regional-us']);
    const o = ours(a, a.flows.indexOf(loop[0]));
    for (const d of made) {
      assert.deepEqual([o.slugs, o.edges, o.tasks], [d.slugs, d.edges, d.tasks]);
    }
    const t = flowTargets(a, a.flows.indexOf(loop[0]), { now: new Date('2026-11-25T10:00:00Z') });
    assert.deepEqual(
      t.map((x) => [x.node, x.pattern]),
      [['fetch_region-1', 'region-*.zarr']],
    );
  });

  it('finds one task per instantiation of a Task subclass, at its line, and none for a class never instantiated', () => {
    const src = readFileSync(file, 'utf8');
    const lineOf = (needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;
    const classTasks = a.tasks.filter((t) => t.functionName === null);
    assert.deepEqual(
      classTasks.map((t) => [t.name, t.variable, t.line]),
      [
        ['Fetch', 'fetch_era5', lineOf('fetch_era5 = Fetch()')],
        ['fetch-cmip6', 'fetch_cmip', lineOf('fetch_cmip = Fetch(')],
        ['regrid', 'regrid', lineOf('regrid = Regrid(')],
        ['FineRegrid', 'fine', lineOf('fine = FineRegrid(')],
        ['load', 'load', lineOf('load = Fetch(')],
        ['clean', 'clean', lineOf('clean = Regrid(')],
        ['Report', 'report', lineOf('report = Report()')],
      ],
    );
    assert.ok(!a.tasks.some((t) => t.name === 'Unused'));
    assert.deepEqual(a.tasks.find((t) => t.name === 'regrid')?.params, ['ds', 'grid']);
    assert.equal(a.tasks.find((t) => t.name === 'Fetch')?.result?.storeIndex, 0);
    assert.ok(
      a.diagnostics.some(
        (d) => d.code === 'checkpoint-false-with-target' && d.line === lineOf('fine = FineRegrid('),
      ),
    );
  });
});
