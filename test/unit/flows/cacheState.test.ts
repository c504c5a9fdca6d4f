// Cache states and lens texts for every case: cached, not cached, run-time patterns narrowed by
// additional_metadata, sidecar without data, broken, stale (make-like), errors, unknown stores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCacheStates, type TaskCacheState } from '../../../src/flows/cacheState';
import { fileCacheStates } from '../../../src/flows/fileStates';
import { lensLabel } from '../../../src/flows/labels';
import { analyzePython, flowTargets } from '../../../src/python/index';
import { entry, report } from './reports';

const ROOT = '/data/cache';
const NOW = new Date('2026-11-25T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60000);

const src = `from prefect import Flow, task
from prefect.engine.results import LocalResult
from xpersist import CacheStore, XpersistResult
import config
store = CacheStore("${ROOT}")
elsewhere = CacheStore(config.get("other"))
unscanned = CacheStore("/not/scanned")
res = XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"})

@task(target="raw.zarr", result=res)
def raw(): ...
@task(target="clean.zarr", result=res)
def clean(ds): ...
@task(target="stats.zarr", result=res)
def stats(ds): ...
@task
def passthrough(ds): ...
@task(target="final.zarr", result=res)
def final(ds): ...
@task(target="missing.zarr", result=res)
def missing(): ...
@task(target="half.zarr", result=res)
def half(): ...
@task(target="unreadable.zarr", result=res)
def unreadable(): ...
@task(target="{date:%A}-{flow_name}-{task_name}-{flow_run_id}.zarr", result=res)
def runs(): ...
@task(target="{nope}.zarr", result=res)
def bad(): ...
@task(target="local.txt", result=LocalResult(dir="/tmp"))
def local(): ...
@task(target="x.zarr", result=XpersistResult(elsewhere, serializer="joblib"))
def dynamic_store(): ...
@task(target="y.zarr", result=XpersistResult(unscanned, serializer="joblib"))
def not_scanned(): ...

with Flow("states") as flow:
    c = clean(raw())
    s = stats(c)
    final(passthrough(s))
    missing()
    half()
    unreadable()
    runs()
    bad()
    local()
    dynamic_store()
    not_scanned()
`;

const a = analyzePython(src);
const storeReport = report(
  ROOT,
  [
    entry(ROOT, 'raw.zarr', { createdAt: minutesAgo(60) }),
    entry(ROOT, 'clean.zarr', { createdAt: minutesAgo(90), sizeBytes: 2_411_724 }),
    entry(ROOT, 'stats.zarr', { createdAt: minutesAgo(10) }),
    entry(ROOT, 'final.zarr', { createdAt: minutesAgo(5) }),
    entry(ROOT, 'half.zarr', { dataExists: false }),
    entry(ROOT, 'Wednesday-states-runs-1.zarr', {
      createdAt: minutesAgo(30),
      metadata: { flow_name: 'states', task_name: 'runs' },
    }),
    entry(ROOT, 'Wednesday-states-runs-2.zarr', { createdAt: minutesAgo(20) }),
    entry(ROOT, 'Wednesday-states-runs-3.zarr', {
      createdAt: minutesAgo(40),
      metadata: { flow_name: '', task_name: '' },
    }),
    entry(ROOT, 'Wednesday-states-runs-4.zarr', { metadata: { flow_name: 'other-flow', task_name: 'runs' } }),
    entry(ROOT, 'Tuesday-states-runs-5.zarr', { metadata: { flow_name: 'states', task_name: 'runs' } }),
  ],
  ['unreadable.zarr', 'Wednesday-states-runs-bad.zarr'],
);

function states(): Map<string, TaskCacheState> {
  const targets = flowTargets(a, 'states', { now: NOW });
  const roots = [ROOT, null, '/not/scanned'];
  const list = computeCacheStates({ targets, storeRoots: roots, reports: [storeReport], flow: a.flows[0] });
  return new Map(list.map((s) => [s.task, s]));
}

describe('cache states', () => {
  const st = states();

  it('computes one state per task node', () => {
    assert.deepEqual(Object.fromEntries([...st].map(([k, v]) => [k, v.status])), {
      raw: 'cached',
      clean: 'stale',
      stats: 'stale',
      passthrough: 'no-target',
      final: 'stale',
      missing: 'not-cached',
      half: 'sidecar-without-data',
      unreadable: 'broken',
      runs: 'runtime',
      bad: 'error',
      local: 'no-store',
      dynamic_store: 'no-store',
      not_scanned: 'store-not-scanned',
    });
  });

  it('settles without a report: a missing store folder is not cached, an unreadable one says so', () => {
    const targets = flowTargets(a, 'states', { now: NOW });
    const at = (problem: 'missing' | string | null) =>
      computeCacheStates({
        targets,
        storeRoots: [ROOT, null, '/not/scanned'],
        reports: [storeReport],
        flow: a.flows[0],
        storeProblem: (root) => (root === '/not/scanned' ? problem : null),
      }).find((s) => s.task === 'not_scanned')!;
    const missing = at('missing');
    assert.equal(missing.status, 'not-cached');
    assert.match(missing.reason!, /\/not\/scanned does not exist yet/);
    assert.equal(lensLabel(missing, NOW), 'not cached · y.zarr');
    const unreadable = at('EACCES: permission denied');
    assert.equal(unreadable.status, 'store-unreadable');
    assert.equal(lensLabel(unreadable, NOW), 'store unreadable · y.zarr · EACCES: permission denied');
    assert.equal(at(null).status, 'store-not-scanned');
  });

  it('is stale when an upstream cached artifact is newer, through nodes without targets', () => {
    // raw (60 min ago) is newer than clean (90 min ago); stats and final inherit it.
    assert.deepEqual(st.get('clean')!.staleBecause, ['raw-1']);
    assert.deepEqual(st.get('stats')!.staleBecause, ['clean-1']);
    assert.deepEqual(st.get('final')!.staleBecause, ['stats-1']);
  });

  it('narrows run-time patterns by flow and task names when the metadata has them', () => {
    const runs = st.get('runs')!;
    assert.equal(runs.pattern, 'Wednesday-states-runs-*.zarr');
    assert.deepEqual(
      runs.matches.map((m) => m.key),
      ['Wednesday-states-runs-2.zarr', 'Wednesday-states-runs-1.zarr', 'Wednesday-states-runs-3.zarr'],
    );
    assert.deepEqual(runs.brokenMatches, ['Wednesday-states-runs-bad.zarr']);
  });

  it('says why a state has no store', () => {
    assert.match(st.get('local')!.reason!, /LocalResult/);
    assert.match(st.get('dynamic_store')!.reason!, /elsewhere cannot be located/);
    assert.equal(st.get('not_scanned')!.storeRoot, '/not/scanned');
  });

  it('labels lenses as the editor shows them', () => {
    const clean = st.get('clean')!;
    clean.status = 'cached';
    assert.equal(lensLabel(clean, minutesAgo(85)), 'cached · clean.zarr · 2.3 MB · 5 min ago');
    assert.equal(lensLabel(st.get('missing')!, NOW), 'not cached · missing.zarr');
    assert.equal(
      lensLabel(st.get('runs')!, NOW),
      'depends on run time · 3 matches for Wednesday-states-runs-*.zarr',
    );
    assert.equal(lensLabel(st.get('half')!, NOW), 'sidecar without data · half.zarr');
    assert.equal(lensLabel(st.get('unreadable')!, NOW), 'broken sidecar · unreadable.zarr');
    assert.equal(
      lensLabel(st.get('stats')!, NOW),
      'stale · stats.zarr · upstream clean-1 is newer · 10 min ago',
    );
    assert.match(lensLabel(st.get('bad')!, NOW), /^target fails · KeyError: 'nope'/);
  });

  it('resolves a whole file in one call, with store roots from the path context', () => {
    const flows = fileCacheStates(a, {
      now: NOW,
      reports: [storeReport],
      pathContext: { expressions: { 'config.get("other")': ROOT } },
    });
    assert.equal(flows.length, 1);
    const byTask = new Map(flows[0].states.map((s) => [s.task, s.status]));
    assert.equal(byTask.get('dynamic_store'), 'not-cached');
    assert.equal(byTask.get('raw'), 'cached');
    assert.equal(flows[0].graph.nodes.length, 13);
  });

  it('matches 200 targets against 10,000 keys quickly', () => {
    const artifacts = Array.from({ length: 10_000 }, (_, i) => entry(ROOT, `k${i % 97}/item-${i}.zarr`));
    const big = report(ROOT, artifacts);
    const targets = Array.from({ length: 200 }, (_, i) =>
      i % 2
        ? { node: `t-${i}`, task: 't', template: 'x', key: `k${i % 97}/item-${i}.zarr` }
        : { node: `t-${i}`, task: 't', template: 'x', pattern: `k${i % 97}/item-*.zarr` },
    ).map((t) => ({ ...t, result: a.tasks[0].result, storeIndex: 0 }));
    computeCacheStates({ targets, storeRoots: [ROOT], reports: [big] }); // builds the index
    const t0 = performance.now();
    const out = computeCacheStates({ targets, storeRoots: [ROOT], reports: [big] });
    const ms = performance.now() - t0;
    assert.equal(out.filter((s) => s.status === 'cached').length, 100);
    assert.ok(out.filter((s) => s.status === 'runtime').every((s) => s.matches.length > 50));
    assert.ok(ms < 100, `${ms} ms`);
  });

  it("narrows a pattern flow's run-time targets to the flow names its pattern matches", () => {
    const loop = analyzePython(`from prefect import Flow, task
from xpersist import CacheStore, XpersistResult
res = XpersistResult(CacheStore("${ROOT}"), serializer="joblib")

@task(target="daily-{flow_run_id}.pkl", result=res)
def daily(region): ...

for region in ["eu", "us"]:
    with Flow(f"regional-{region}") as flow:
        daily(region)
`);
    const meta = (flow_name: string) => ({ metadata: { flow_name, task_name: 'daily' } });
    const rep = report(ROOT, [
      entry(ROOT, 'daily-1.pkl', meta('regional-eu')),
      entry(ROOT, 'daily-2.pkl', meta('regional-us')),
      entry(ROOT, 'daily-3.pkl', meta('global')),
      entry(ROOT, 'daily-4.pkl', meta('regional')),
      entry(ROOT, 'daily-5.pkl'),
    ]);
    const [fs] = fileCacheStates(loop, { now: NOW, storeRoots: [ROOT], reports: [rep] });
    assert.equal(fs.name, null);
    assert.equal(fs.namePattern, 'regional-*');
    const daily = fs.states.find((x) => x.task === 'daily');
    assert.equal(daily?.pattern, 'daily-*.pkl');
    assert.deepEqual(daily?.matches.map((m) => m.key).sort(), ['daily-1.pkl', 'daily-2.pkl', 'daily-5.pkl']);
  });
});
