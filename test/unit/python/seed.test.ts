// The seed notebook ("Use xpersist with Prefect"): its store, tasks and two flows, resolved to
// `bar.zarr` and `<weekday>-sample_flow-foo_task.zarr`, and looked up in the seed-demo cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { computeCacheStates } from '../../../src/flows/cacheState';
import { fileCacheStates } from '../../../src/flows/fileStates';
import { lensLabel } from '../../../src/flows/labels';
import { analyzePython, flowTargets, resolveStorePath } from '../../../src/python/index';
import { reportFromDisk } from '../flows/reports';
import { cachesDir, fixturesDir, runPython } from '../helpers';

const source = readFileSync(path.join(fixturesDir(), 'python/seed_use_xpersist_with_prefect.py'), 'utf8');
const lineOf = (needle: string, from = 0) => source.slice(0, source.indexOf(needle, from)).split('\n').length;

describe('seed notebook', () => {
  const a = analyzePython(source);

  it('is a Prefect 1 file without diagnostics', () => {
    assert.equal(a.prefect, 1);
    assert.deepEqual(a.syntaxErrors, []);
    assert.deepEqual(a.diagnostics, []);
  });

  it('finds the store built from tempfile.gettempdir()', () => {
    assert.equal(a.stores.length, 1);
    const s = a.stores[0];
    assert.equal(s.variable, 'store');
    assert.equal(s.line, lineOf('store = CacheStore'));
    assert.equal(s.expression, "f'{tempfile.gettempdir()}/my-cache'");
    assert.equal(s.resolution, 'folded');
    assert.equal(s.path, '/tmp/my-cache');
    assert.equal(resolveStorePath(s, { env: { TMPDIR: '/scratch/me/' } }), '/scratch/me/my-cache');
  });

  it('finds the three tasks with their targets and results', () => {
    assert.deepEqual(
      a.tasks.map((t) => [
        t.name,
        t.line,
        t.target,
        t.result?.serializer ?? null,
        t.result?.dumpKwargs ?? null,
      ]),
      [
        [
          'get_data',
          lineOf('@task(\n    target="bar.zarr"'),
          { kind: 'template', template: 'bar.zarr' },
          'xarray.zarr',
          { mode: 'w' },
        ],
        ['total', lineOf('@task\ndef total'), null, null, null],
        [
          'foo_task',
          lineOf('@task(\n    target="{date'),
          { kind: 'template', template: '{date:%A}-{flow_name}-{task_name}.zarr' },
          'xarray.zarr',
          { mode: 'w' },
        ],
      ],
    );
    assert.equal(a.tasks[0].result?.store, 'store');
    assert.equal(a.tasks[0].result?.storeIndex, 0);
  });

  it('builds both flows with Prefect slugs and edges', () => {
    assert.equal(a.flows.length, 2);
    const [f1, f2] = a.flows;
    assert.equal(f1.name, 'my-flow');
    assert.equal(f1.variable, 'flow');
    assert.equal(f1.line, lineOf('with Flow("my-flow")'));
    assert.deepEqual(
      f1.nodes.map((n) => [n.id, n.task, n.line, n.mapped]),
      [
        ['get_data-1', 'get_data', lineOf('    ds = get_data()'), false],
        ['total-1', 'total', lineOf('    total(ds)'), false],
      ],
    );
    assert.deepEqual(
      f1.edges.map((e) => [e.from, e.to, e.kind, e.mapped]),
      [['get_data-1', 'total-1', 'data', false]],
    );
    assert.equal(f2.name, 'sample_flow');
    assert.deepEqual(
      f2.nodes.map((n) => n.id),
      ['foo_task-1'],
    );
  });

  it('resolves the targets to bar.zarr and <weekday>-sample_flow-foo_task.zarr', () => {
    const now = new Date();
    // The weekday Prefect would use: pendulum.now("utc"), formatted by Python.
    const weekday = runPython(
      'import sys, pendulum; print(pendulum.from_timestamp(float(sys.argv[1])).format("dddd"), end="")',
      [String(now.getTime() / 1000)],
    );
    const t1 = flowTargets(a, 'my-flow', { now });
    assert.deepEqual(
      t1.map((t) => [t.node, t.key ?? null, t.template]),
      [
        ['get_data-1', 'bar.zarr', 'bar.zarr'],
        ['total-1', null, null],
      ],
    );
    const t2 = flowTargets(a, 1, { now });
    assert.equal(t2.length, 1);
    assert.equal(t2[0].key, `${weekday}-sample_flow-foo_task.zarr`);
    assert.equal(t2[0].storeIndex, 0);
  });

  it('is cached in the seed-demo store on a Wednesday, not on a Thursday', () => {
    const root = path.join(cachesDir(), 'seed-demo');
    const reports = [reportFromDisk(root)];
    const wednesday = fileCacheStates(a, {
      now: new Date('2026-11-25T18:00:00Z'),
      storeRoots: [root],
      reports,
    });
    assert.deepEqual(
      wednesday.map((f) => f.states.map((s) => [s.node, s.status])),
      [
        [
          ['get_data-1', 'cached'],
          ['total-1', 'no-target'],
        ],
        [['foo_task-1', 'cached']],
      ],
    );
    const label = lensLabel(
      wednesday[0].states[0],
      new Date(wednesday[0].states[0].artifact!.createdAt!.getTime() + 5 * 60000),
    );
    assert.match(label, /^cached · bar\.zarr · [0-9.]+ (B|KB) · 5 min ago$/);
    const thursday = flowTargets(a, 1, { now: new Date('2026-11-26T18:00:00Z') });
    const states = computeCacheStates({ targets: thursday, storeRoots: [root], reports, flow: a.flows[1] });
    assert.equal(states[0].status, 'not-cached');
    assert.equal(lensLabel(states[0]), 'not cached · Thursday-sample_flow-foo_task.zarr');
  });
});
