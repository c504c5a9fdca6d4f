// Import and alias styles, task declaration styles, target and result forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePython, flowTargets } from '../../../src/python/index';

const NOW = new Date('2026-11-25T08:30:00Z'); // a Wednesday
const lineIn = (src: string, needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;

describe('imports and aliases', () => {
  it('follows module imports, from-imports and aliases', () => {
    const src = `import xpersist as xp
import prefect
from xpersist.prefect.result import XpersistResult as R
from prefect import Flow as PFlow, task as ptask

cache = xp.CacheStore("/c")

@prefect.task(target="a.zarr", result=R(cache, serializer="joblib"))
def a(): ...

@ptask(target="b.zarr", result=xp.XpersistResult(cache, serializer="joblib"))
def b(x): ...

with PFlow("aliases") as f:
    b(a())
`;
    const an = analyzePython(src);
    assert.equal(an.prefect, 1);
    assert.deepEqual(
      an.tasks.map((t) => [t.name, t.result?.class, t.result?.storeIndex]),
      [
        ['a', 'XpersistResult', 0],
        ['b', 'XpersistResult', 0],
      ],
    );
    assert.deepEqual(
      flowTargets(an, 'aliases', { now: NOW }).map((t) => [t.node, t.key]),
      [
        ['a-1', 'a.zarr'],
        ['b-1', 'b.zarr'],
      ],
    );
  });

  it('accepts bare names when nothing binds them (a notebook cell without its imports)', () => {
    const an = analyzePython(`store = CacheStore("/c")
@task(target="x", result=XpersistResult(store, serializer="joblib"))
def t(): ...
with Flow("cell") as f:
    t()
`);
    assert.equal(an.stores.length, 1);
    assert.equal(an.tasks.length, 1);
    assert.deepEqual(
      an.flows[0].nodes.map((n) => n.id),
      ['t-1'],
    );
  });

  it('does not mistake a local `task` or `Flow` for Prefect', () => {
    const an = analyzePython(`def task(fn=None, **kw):
    return fn
class Flow:
    def __init__(self, name): ...
    def __enter__(self): return self
    def __exit__(self, *a): ...
@task(target="x")
def t(): ...
with Flow("mine") as f:
    t()
`);
    assert.equal(an.prefect, null);
    assert.deepEqual(an.tasks, []);
    assert.deepEqual(an.flows, []);
  });

  it('recognises Prefect 2 flows and a file without Prefect', () => {
    assert.equal(analyzePython('import prefect\n@prefect.flow\ndef f(): ...\n').prefect, 2);
    assert.equal(analyzePython('import numpy as np\nx = np.zeros(3)\n').prefect, null);
  });
});

describe('task styles', () => {
  const src = `from prefect import Flow, Task, task
from xpersist import CacheStore, XpersistResult

store = CacheStore("/c")
res = XpersistResult(store, serializer="xarray.netcdf")

def compute(x, y=1):
    return x

functional = task(compute, name="computed", target="{task_name}-{x}.nc", result=res, checkpoint=True)
factory = task(target="factory.nc", result=res)(compute)

@task
def bare(x):
    return x

@task(name="renamed", target="{task_name}.nc", result=res, checkpoint=False, tags=["b", "a"])
def original():
    return 1

class Regrid(Task):
    def __init__(self, grid, **kwargs):
        self.grid = grid
        super().__init__(target="regrid-{ds}.nc", result=res, **kwargs)

    def run(self, ds):
        return ds

regrid = Regrid("1deg", name="regrid")
`;
  const an = analyzePython(src);
  const byName = new Map(an.tasks.map((t) => [t.name, t]));

  it('finds each task with its line, function and variable', () => {
    assert.deepEqual(
      an.tasks.map((t) => [t.name, t.functionName, t.variable, t.line]),
      [
        ['computed', 'compute', 'functional', lineIn(src, 'functional = task(')],
        ['compute', 'compute', 'factory', lineIn(src, 'factory = task(')],
        ['bare', 'bare', 'bare', lineIn(src, '@task\ndef bare')],
        ['renamed', 'original', 'original', lineIn(src, '@task(name="renamed"')],
        ['regrid', null, 'regrid', lineIn(src, 'regrid = Regrid(')],
      ],
    );
  });

  it('reads name, checkpoint, tags, target and result (inline, via a variable, from __init__)', () => {
    const renamed = byName.get('renamed')!;
    assert.equal(renamed.checkpoint, false);
    assert.deepEqual(renamed.tags, ['b', 'a']);
    assert.deepEqual(renamed.target, { kind: 'template', template: '{task_name}.nc' });
    assert.equal(renamed.result?.serializer, 'xarray.netcdf');
    assert.equal(renamed.result?.store, 'store');
    assert.equal(byName.get('computed')!.checkpoint, true);
    assert.deepEqual(byName.get('computed')!.params, ['x', 'y']);
    assert.equal(byName.get('bare')!.target, null);
    assert.equal(byName.get('bare')!.checkpoint, null);
    assert.deepEqual(byName.get('regrid')!.target, { kind: 'template', template: 'regrid-{ds}.nc' });
    assert.deepEqual(byName.get('regrid')!.params, ['ds']);
    assert.equal(byName.get('regrid')!.result?.storeIndex, 0);
  });

  it('resolves name overrides, tags in slugs, constant inputs and upstream results', () => {
    const an2 = analyzePython(`${src}
with Flow("styles") as flow:
    o = original()
    functional(2)
    regrid(o)
`);
    const targets = flowTargets(an2, 'styles', { now: NOW });
    assert.deepEqual(
      targets.map((t) => [t.node, t.key ?? t.pattern]),
      [
        ['renamed-a-b-1', 'renamed.nc'],
        ['computed-1', 'computed-2.nc'],
        ['regrid-1', 'regrid-*.nc'],
      ],
    );
    assert.deepEqual(targets[2].runtimeFields, ['ds']);
  });
});

describe('target forms', () => {
  const src = `import prefect
from prefect import Flow, Parameter, task
from xpersist import CacheStore, XpersistResult
store = CacheStore("/c")
res = XpersistResult(store, serializer="joblib")
BASE = "exp1"

def by_function(flow_name, task_name, **kwargs):
    """A target function."""
    return f"{BASE}/{flow_name}/{task_name}-{kwargs['today']}.pkl"

@task(target=by_function, result=res)
def f1(): ...

@task(target=lambda **kw: "{date:%Y}/" + kw["task_name"] + ".pkl", result=res)
def f2(): ...

@task(target=lambda **kw: prefect.context.get("flow_name") + ".pkl", result=res)
def f3(): ...

def opaque(**kwargs):
    import random
    name = random.choice(["a", "b"])
    return name

@task(target=opaque, result=res)
def f4(): ...

@task(target="{parameters[region]}/{date:YYYY}/{year:04d}-{scale:.1f}.pkl", result=res)
def f5(scale): ...

@task(target="{date:%d}-{missing}.pkl", result=res)
def f6(): ...

@task(target="{map_index:03d}.pkl", result=res)
def f7(): ...

with Flow("targets") as flow:
    region = Parameter("region", default="eu")
    year = Parameter("year", default=2021)
    f1()
    f2()
    f3()
    f4()
    f5(2, upstream_tasks=[region, year])
    f6()
    f7()
`;
  const an = analyzePython(src);
  const t = new Map(flowTargets(an, 'targets', { now: NOW }).map((x) => [x.node, x]));

  it('evaluates target functions and lambdas that build the key from their keyword arguments', () => {
    assert.deepEqual(an.tasks[0].target, {
      kind: 'callable',
      name: 'by_function',
      recipe: 'exp1/{flow_name}/{task_name}-{today}.pkl',
    });
    assert.equal(t.get('f1-1')!.key, 'exp1/targets/f1-2026-11-25.pkl');
    assert.equal(t.get('f2-1')!.key, '2026/f2.pkl');
    assert.equal(t.get('f2-1')!.writeKey, '{date:%Y}/f2.pkl');
    assert.equal(t.get('f3-1')!.key, 'targets.pkl');
    assert.deepEqual(an.tasks[3].target, { kind: 'callable', name: 'opaque' });
    assert.equal(t.get('f4-1')!.pattern, '*');
  });

  it('uses parameter defaults (also as top-level fields) and constant inputs with format specs', () => {
    assert.equal(t.get('f5-1')!.key, 'eu/2026/2021-2.0.pkl');
    const overridden = flowTargets(an, 'targets', { now: NOW, parameters: { region: 'us', year: 1999 } });
    assert.equal(overridden.find((x) => x.node === 'f5-1')!.key, 'us/2026/1999-2.0.pkl');
  });

  it('leaves Parameters that no task uses out of the flow, as Prefect does', () => {
    const unused = analyzePython(src.replace('f5(2, upstream_tasks=[region, year])', 'f5(2)'));
    assert.deepEqual(unused.flows[0].parameters, []);
    const f5 = flowTargets(unused, 'targets', { now: NOW }).find((x) => x.node === 'f5-1')!;
    assert.match(f5.error!, /^KeyError: 'region'/);
  });

  it('reports the errors Prefect would raise', () => {
    assert.match(t.get('f6-1')!.error!, /^KeyError: 'missing'/);
    assert.equal(t.get('f7-1')!.error, 'TypeError: unsupported format string passed to NoneType.__format__');
  });
});
