// Each diagnostic code on a small file that triggers it (and its absence on the fixed version).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePython, type Diagnostic } from '../../../src/python/index';

const HEADER = `import os
os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "True"
from xpersist import CacheStore, XpersistResult
from prefect import Flow, Parameter, task, unmapped
store = CacheStore("/data/cache")
`;

function diags(body: string, header = HEADER): Diagnostic[] {
  return analyzePython(header + body).diagnostics;
}
const lineIn = (src: string, needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('diagnostics', () => {
  it('fstring-target: warning for variables, error for names undefined at definition, info for constants', () => {
    const body = `run = get_run()
PREFIX = "exp"
@task(target=f"{run}-{{task_name}}.zarr", result=XpersistResult(store, serializer="joblib"))
def a(): ...
@task(target=f"{date:%A}.zarr", result=XpersistResult(store, serializer="joblib"))
def b(): ...
@task(target=f"{PREFIX}-{{date:%A}}.zarr", result=XpersistResult(store, serializer="joblib"))
def c(): ...
`;
    const src = HEADER + body;
    const ds = diags(body).filter((d) => d.code === 'fstring-target');
    assert.deepEqual(
      ds.map((d) => [d.line, d.severity]),
      [
        [lineIn(src, '@task(target=f"{run}'), 'warning'],
        [lineIn(src, '@task(target=f"{date'), 'error'],
        [lineIn(src, '@task(target=f"{PREFIX}'), 'information'],
      ],
    );
    assert.match(ds[0].message, /\{run\} is filled once, when the task is defined/);
    assert.match(ds[1].message, /date is not defined then \(NameError\)/);
    assert.match(ds[2].message, /"exp-\{date:%A\}\.zarr"/);
    const a = analyzePython(src);
    assert.deepEqual(a.tasks[0].target, {
      kind: 'template',
      template: null,
      fstring: true,
      partial: '\uE000-{task_name}.zarr',
    });
    assert.deepEqual(a.tasks[2].target, { kind: 'template', template: 'exp-{date:%A}.zarr', fstring: true });
  });

  it('target-without-result: an error when the flow has no result either, not when the Flow has one', () => {
    const body = `@task(target="x.zarr")
def t(): ...
with Flow("no-result") as f1:
    t()
`;
    const ds = diags(body);
    assert.deepEqual(codes(ds), ['target-without-result']);
    assert.equal(ds[0].severity, 'error');
    assert.match(ds[0].message, /ResultNotImplementedError/);
    const fixed = `@task(target="x.zarr")
def t(): ...
with Flow("with-result", result=XpersistResult(store, serializer="joblib")) as f1:
    t()
`;
    assert.deepEqual(codes(diags(fixed)), []);
    const unused = `@task(target="x.zarr")
def t(): ...
`;
    assert.deepEqual(
      diags(unused).map((d) => [d.code, d.severity]),
      [['target-without-result', 'warning']],
    );
  });

  it('checkpoint-false-with-target', () => {
    const body = `@task(target="x.zarr", checkpoint=False, result=XpersistResult(store, serializer="joblib"))
def t(): ...
`;
    const ds = diags(body);
    assert.deepEqual(codes(ds), ['checkpoint-false-with-target']);
    assert.match(ds[0].message, /never writes it/);
    assert.deepEqual(codes(diags(body.replace('checkpoint=False', 'checkpoint=True'))), []);
  });

  it('mapped-target-without-map-index, not when the target has {map_index}, {task_full_name} or a mapped input', () => {
    const body = `@task(target="{flow_name}-{other}.zarr", result=XpersistResult(store, serializer="joblib"))
def t(item, other): ...
with Flow("f") as f:
    t.map([1, 2], unmapped("x"))
`;
    const ds = diags(body);
    assert.deepEqual(codes(ds), ['mapped-target-without-map-index']);
    assert.equal(ds[0].line, lineIn(HEADER + body, '@task'));
    assert.match(ds[0].message, /mapped in flow 'f' \(line \d+\)/);
    assert.deepEqual(codes(diags(body.replace('{other}', '{map_index}'))), []);
    assert.deepEqual(codes(diags(body.replace('{other}', '{task_full_name}'))), []);
    // Each child gets one element of a mapped input: their keys differ.
    assert.deepEqual(codes(diags(body.replace('{other}', '{item}'))), []);
    assert.deepEqual(
      codes(diags(body.replace('[1, 2]', 'Parameter("items")').replace('{other}', '{item}'))),
      [],
    );
  });

  it('zarr-without-mode-w, on tasks and on results shared through a variable (once)', () => {
    const body = `zarr = XpersistResult(store, serializer="xarray.zarr")
@task(target="a.zarr", result=zarr)
def a(): ...
@task(target="b.zarr", result=zarr)
def b(): ...
@task(target="c.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w-"}))
def c(): ...
@task(target="d.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs=KW))
def d(): ...
`;
    const src = HEADER + body;
    const ds = diags(body);
    assert.deepEqual(
      ds.map((d) => [d.code, d.line]),
      [
        ['zarr-without-mode-w', lineIn(src, 'zarr = ')],
        ['zarr-without-mode-w', lineIn(src, '@task(target="c.zarr"')],
      ],
    );
    assert.match(ds[0].message, /ContainsGroupError/);
  });

  it('unknown-serializer: released names, unreleased pandas ones, and names registered in the file', () => {
    const body = `from xpersist import registry
@registry.serializers.register("numpy.npy")
def npy(): ...
@task(target="a", result=XpersistResult(store, serializer="pickle"))
def a(): ...
@task(target="b", result=XpersistResult(store, serializer="pandas.csv"))
def b(): ...
@task(target="c", result=XpersistResult(store, serializer="numpy.npy"))
def c(): ...
@task(target="d", result=XpersistResult(store, "joblib"))
def d(): ...
@task(target="e", result=XpersistResult(store))
def e(): ...
`;
    const ds = diags(body).filter((d) => d.code === 'unknown-serializer');
    assert.equal(ds.length, 2);
    assert.match(ds[0].message, /Unknown serializer 'pickle'/);
    assert.match(ds[0].message, /xarray\.zarr, xarray\.netcdf, xcollection, joblib/);
    assert.match(ds[1].message, /'pandas\.csv' exists only in unreleased xpersist/);
    assert.ok(ds.every((d) => d.severity === 'error'));
    assert.deepEqual(analyzePython(HEADER + body).registeredSerializers, ['numpy.npy']);
  });

  it('serializer-fails-on-object-storage: joblib and xarray.netcdf results on s3/az stores, not zarr, local or re-registered', () => {
    const body = `remote = CacheStore("s3://bucket/team/cache", storage_options={"anon": True})
azure = CacheStore("az://container/cache")
@task(target="a.joblib", result=XpersistResult(remote, serializer="joblib"))
def a(): ...
@task(target="b.nc", result=XpersistResult(azure, serializer="xarray.netcdf"))
def b(): ...
@task(target="c.zarr", result=XpersistResult(remote, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))
def c(): ...
@task(target="d.joblib", result=XpersistResult(store, serializer="joblib"))
def d(): ...
`;
    const src = HEADER + body;
    const ds = diags(body).filter((d) => d.code === 'serializer-fails-on-object-storage');
    assert.deepEqual(
      ds.map((d) => [d.line, d.severity]),
      [
        [lineIn(src, '@task(target="a.joblib"'), 'error'],
        [lineIn(src, '@task(target="b.nc"'), 'error'],
      ],
    );
    assert.match(
      ds[0].message,
      /'joblib' cannot write to a store on object storage \(s3:\/\/bucket\/team\/cache\)/,
    );
    assert.match(ds[0].message, /joblib\.dump opens the URL as a local path/);
    assert.match(ds[1].message, /Unknown file format/);
    // An fsspec-aware serializer registered under the same name is the documented fix.
    const fixed = `from xpersist import registry
@registry.serializers.register("joblib")
def put_joblib(): ...
${body}`;
    assert.deepEqual(
      codes(diags(fixed)).filter((c) => c === 'serializer-fails-on-object-storage'),
      ['serializer-fails-on-object-storage'],
      'only the netcdf one is left',
    );
  });

  it('checkpointing-disabled: set to false, set too late, reset by xpersist, and prefect imported first', () => {
    const task = `@task(target="x", result=XpersistResult(store, serializer="joblib"))
def t(): ...
`;
    const off = `import os
os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "false"
from prefect import task
from xpersist import CacheStore, XpersistResult
store = CacheStore("/c")
`;
    // false before prefect loads: prefect reads false; xpersist's import comes after prefect's.
    assert.deepEqual(
      diags(task, off).map((d) => [d.code, d.severity, d.line]),
      [['checkpointing-disabled', 'warning', 2]],
    );
    const reset = `import os
os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "false"
from xpersist import CacheStore, XpersistResult
from prefect import task
store = CacheStore("/c")
`;
    const r = diags(task, reset);
    assert.deepEqual(
      r.map((d) => [d.code, d.severity]),
      [['checkpointing-disabled', 'information']],
    );
    assert.match(r[0].message, /importing xpersist \(line 3\) sets it back/);
    const late = `from xpersist import CacheStore, XpersistResult
from prefect import task
import os
os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "False"
store = CacheStore("/c")
`;
    assert.match(diags(task, late)[0].message, /after Prefect is imported \(line 1\)/);
    const isortOrder = `from prefect import task
from xpersist import CacheStore, XpersistResult
store = CacheStore("/c")
`;
    const p = diags(task, isortOrder);
    assert.deepEqual(
      p.map((d) => [d.code, d.severity, d.line]),
      [['checkpointing-disabled', 'warning', 1]],
    );
    assert.match(p[0].message, /Prefect is imported before xpersist \(line 2\)/);
    assert.deepEqual(codes(diags(task)), []);
    const config = `import prefect
prefect.config.flows.checkpointing = False
`;
    assert.ok(codes(diags(config + task)).includes('checkpointing-disabled'));
  });

  it('syntax-error and prefect2-file', () => {
    const broken = analyzePython(`${HEADER}@task(target="a"\ndef a(): ...\n`);
    assert.ok(broken.syntaxErrors.length > 0);
    assert.ok(broken.diagnostics.some((d) => d.code === 'syntax-error' && d.severity === 'error'));
    const p2 = analyzePython(`from prefect import flow, task

@task
def t(): ...

@flow(name="x")
def f():
    t()
`);
    assert.equal(p2.prefect, 2);
    assert.deepEqual(
      p2.diagnostics.map((d) => [d.code, d.line]),
      [['prefect2-file', 6]],
    );
    assert.deepEqual(p2.tasks, []);
  });

  it('the seed-like file with every fix applied has no diagnostics', () => {
    const body = `@task(target="{date:%A}-{flow_name}-{task_name}-{map_index}.zarr",
      result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))
def t(item): ...
with Flow("f") as f:
    t.map([1, 2])
`;
    assert.deepEqual(diags(body), []);
  });

  it("reports a task's problems at its line (its decorator), whichever argument they are in", () => {
    const body = `@task(
    name="wide",
    checkpoint=False,
    target=f"{os.sep}wide.zarr",
)
def wide(): ...

class Fetch(Task):
    def __init__(self, **kwargs):
        super().__init__(target="fetch.pkl", **kwargs)
    def run(self): ...

fetch = Fetch(checkpoint=False)
`;
    const src = HEADER.replace('task\n', 'task, Task\n') + body;
    const ds = analyzePython(src).diagnostics.filter((d) => d.code !== 'checkpointing-disabled');
    assert.deepEqual(
      ds.map((d) => [d.code, d.line]).sort(),
      [
        ['checkpoint-false-with-target', lineIn(src, '@task(\n    name="wide"')],
        ['checkpoint-false-with-target', lineIn(src, 'fetch = Fetch(')],
        ['fstring-target', lineIn(src, '@task(\n    name="wide"')],
        ['target-without-result', lineIn(src, '@task(\n    name="wide"')],
        ['target-without-result', lineIn(src, 'fetch = Fetch(')],
      ].sort(),
    );
  });

  it('analyses the rest of a file with syntax errors statement by statement', () => {
    const head = `from prefect import Flow, task
from xpersist import CacheStore, XpersistResult
r = XpersistResult(CacheStore("/c"), serializer="joblib")
@task(target="a.zarr", result=r)
def a(): ...
@task(target="b.zarr", result=r)
def b(x): ...
`;
    // A half-typed line inside a with Flow body loses only itself.
    const inFlow = analyzePython(`${head}with Flow("f") as f:
    x = a()
    y = b(
    b(x)
    z =
    a()
`);
    assert.deepEqual(
      inFlow.flows[0].nodes.map((n) => n.id),
      ['a-1', 'b-1', 'a-2'],
    );
    assert.deepEqual(
      inFlow.flows[0].edges.map((e) => [e.from, e.to]),
      [['a-1', 'b-1']],
    );
    assert.ok(inFlow.syntaxErrors.length > 0);
    // A broken decorator loses its function only: the next task and the flow are kept.
    const decorator = analyzePython(`${head}@task(target="c.zarr", result=r
def c(): ...

@task(target="d.zarr", result=r)
def d(): ...

with Flow("g") as g:
    d()
    a()
`);
    assert.deepEqual(
      decorator.tasks.map((t) => t.name),
      ['a', 'b', 'd'],
    );
    assert.deepEqual(
      decorator.flows.map((f) => [f.name, f.nodes.map((n) => n.id)]),
      [['g', ['d-1', 'a-1']]],
    );
  });
});
