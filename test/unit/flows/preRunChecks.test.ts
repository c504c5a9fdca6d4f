// Pre-run checks: nested targets in stores without auto_mkdir (with the quick fix's exact edit),
// serializers against the interpreter's registry (or the release ∪ source union without one),
// and the failure toast's likely cause.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autoMkdirEdit,
  autoMkdirOf,
  callAt,
  mergeDiagnostics,
  preRunDiagnostics,
  serializerChecks,
} from '../../../src/flows/preRunChecks';
import { checkpointingHint, runFailureHint } from '../../../src/flows/runHints';
import { loadableBy, parseSerializerList, SERIALIZER_QUERY } from '../../../src/flows/serializers';
import { analyzePython } from '../../../src/python/index';
import { runPython } from '../helpers';

const NOW = new Date('2026-11-25T12:00:00Z');

const flowSource = (store: string, serializer = 'xarray.zarr') => `import xpersist
from prefect import Flow, task
from xpersist import CacheStore, XpersistResult
${store}
res = XpersistResult(store, serializer="${serializer}", serializer_dump_kwargs={"mode": "w"})

@task(target="regrid/era5/t2m.zarr", result=res)
def regrid(): ...

@task(target="flat.zarr", result=res)
def flat(): ...

with Flow("climate") as flow:
    flat(regrid())
`;

const run = (
  source: string,
  exists: (p: string) => boolean = () => false,
  serializers: string[] | null = null,
) => {
  const analysis = analyzePython(source);
  return {
    analysis,
    diags: preRunDiagnostics(analysis, source, {
      now: NOW,
      storeRoots: ['/data/cache'],
      exists,
      serializers,
    }),
  };
};

const apply = (source: string, edit: { offset: number; insert: string }) =>
  source.slice(0, edit.offset) + edit.insert + source.slice(edit.offset);

describe('nested targets without auto_mkdir', () => {
  it('warns at the target, with a fix that adds storage_options', () => {
    const source = flowSource('store = CacheStore("/data/cache")');
    const { diags } = run(source);
    const d = diags.filter((x) => x.code === 'nested-key-without-auto-mkdir');
    assert.equal(d.length, 1);
    assert.equal(d[0].line, 7);
    assert.match(d[0].message, /regrid\/era5\/t2m\.zarr is nested \(regrid\/era5\/\)/);
    assert.match(d[0].message, /FileNotFoundError/);
    const fixed = apply(source, d[0].fix!);
    assert.match(fixed, /store = CacheStore\("\/data\/cache", storage_options=\{"auto_mkdir": True\}\)\n/);
    assert.deepEqual(
      run(fixed).diags.filter((x) => x.code === 'nested-key-without-auto-mkdir'),
      [],
      'the fixed file has no warning',
    );
  });

  it('adds the option to an existing literal dict, and stays quiet for a variable', () => {
    const source = flowSource(
      'store = CacheStore(\n    "/data/cache",\n    storage_options={"anon": False},\n)',
    );
    const [d] = run(source).diags.filter((x) => x.code === 'nested-key-without-auto-mkdir');
    assert.match(apply(source, d.fix!), /storage_options=\{"auto_mkdir": True, "anon": False\}/);
    const opaque = flowSource('store = CacheStore("/data/cache", storage_options=OPTS)');
    assert.deepEqual(
      run(opaque).diags.filter((x) => x.code.startsWith('nested-key')),
      [],
    );
  });

  it('is quiet when the key folders already exist in both trees', () => {
    const source = flowSource('store = CacheStore("/data/cache")');
    const have = new Set(['/data/cache/regrid/era5', '/data/cache/xpersist_metadata_store/regrid/era5']);
    assert.deepEqual(
      run(source, (p) => have.has(p)).diags.filter((x) => x.code.startsWith('nested-key')),
      [],
    );
  });

  it('with auto_mkdir, warns a file serializer whose data folder is missing', () => {
    const source = flowSource(
      'store = CacheStore("/data/cache", storage_options={"auto_mkdir": True})',
      'xarray.netcdf',
    );
    const d = run(source).diags.filter((x) => x.code.startsWith('nested-key'));
    assert.equal(d.length, 1);
    assert.equal(d[0].code, 'nested-key-data-folder-missing');
    assert.match(d[0].message, /\/data\/cache\/regrid\/era5/);
    const zarr = flowSource('store = CacheStore("/data/cache", storage_options={"auto_mkdir": True})');
    assert.deepEqual(
      run(zarr).diags.filter((x) => x.code.startsWith('nested-key')),
      [],
    );
  });

  it('reads CacheStore spans across strings, comments and nested brackets', () => {
    const src = 'x = 1\nstore = CacheStore("a)b", # )\n  storage_options=dict(auto_mkdir=True))\ny = 2\n';
    const span = callAt(src, 2);
    assert.ok(span);
    assert.equal(src[span.close], ')');
    assert.equal(src.slice(span.close + 1, span.close + 2), '\n');
    assert.equal(autoMkdirOf(span.args), 'on');
    assert.equal(autoMkdirOf('"p"'), 'off');
    assert.equal(autoMkdirOf('"p", storage_options={}'), 'off');
    assert.equal(autoMkdirOf('"p", storage_options=opts'), 'unknown');
    const empty = 'CacheStore()';
    assert.equal(
      apply(empty, autoMkdirEdit(empty, callAt(empty, 1)!)!),
      'CacheStore(storage_options={"auto_mkdir": True})',
    );
    const trailing = 'CacheStore(\n    "p",\n)';
    assert.equal(
      apply(trailing, autoMkdirEdit(trailing, callAt(trailing, 1)!)!),
      'CacheStore(\n    "p", storage_options={"auto_mkdir": True}\n)',
    );
    const emptyDict = 'CacheStore("p", storage_options={})';
    assert.equal(
      apply(emptyDict, autoMkdirEdit(emptyDict, callAt(emptyDict, 1)!)!),
      'CacheStore("p", storage_options={"auto_mkdir": True})',
    );
  });
});

describe('serializers against the interpreter', () => {
  const src = (serializer: string) => flowSource('store = CacheStore("/data/cache")', serializer);

  it('without an answer, knows the release and the current source (pandas.csv is fine)', () => {
    const a = analyzePython(src('pandas.csv'));
    assert.deepEqual(serializerChecks(a, null), []);
    const npy = serializerChecks(analyzePython(src('numpy.npy')), null);
    assert.equal(npy.length, 1);
    assert.equal(npy[0].code, 'unknown-serializer');
    assert.match(npy[0].message, /neither xpersist 2021\.12\.17/);
  });

  it("with the interpreter's registry, flags what it lacks and replaces the analysis' finding", () => {
    const a = analyzePython(src('pandas.csv'));
    const d = serializerChecks(a, ['joblib', 'xarray.netcdf', 'xarray.zarr', 'xcollection']);
    assert.equal(d.length, 1);
    assert.match(d[0].message, /not registered in the selected interpreter's xpersist/);
    assert.match(d[0].message, /Cant't find 'pandas\.csv' in registry/);
    const merged = mergeDiagnostics(a.diagnostics, d);
    assert.equal(merged.filter((x) => x.code === 'unknown-serializer').length, 1);
    assert.deepEqual(serializerChecks(a, ['pandas.csv', 'xarray.zarr']), []);
  });

  it('asks the real xpersist 2021.12.17 for its registry', () => {
    assert.deepEqual(parseSerializerList(runPython(SERIALIZER_QUERY)), [
      'joblib',
      'xarray.netcdf',
      'xarray.zarr',
      'xcollection',
    ]);
  });

  it('parses the query output and says nothing without an answer', () => {
    assert.deepEqual(parseSerializerList('noise\nXPERSIST_SERIALIZERS=["joblib", "xarray.zarr"]\n'), [
      'joblib',
      'xarray.zarr',
    ]);
    assert.equal(parseSerializerList('Traceback ...'), null);
    assert.equal(parseSerializerList('XPERSIST_SERIALIZERS={"a": 1}'), null);
    assert.equal(loadableBy('pandas.csv', null), null);
    assert.equal(loadableBy('pandas.csv', ['joblib']), false);
  });
});

describe('the likely cause of a failed run', () => {
  it('names the nested-key folder, the registry and the missing result', () => {
    assert.match(
      runFailureHint([
        {
          task: 'regrid',
          exception:
            "FileNotFoundError: [Errno 2] No such file or directory: '/c/xpersist_metadata_store/regrid/era5/t2m.zarr.artifact.json'",
        },
      ])!,
      /regrid's target is a nested key.*auto_mkdir/,
    );
    assert.match(
      runFailureHint([
        {
          task: 'x',
          exception: "RegistryError: Cant't find 'pandas.csv' in registry xpersist -> serializers.",
        },
      ])!,
      /serializer 'pandas\.csv' is not registered/,
    );
    assert.match(runFailureHint([{ task: 'x', exception: 'ResultNotImplementedError: ...' }])!, /no result/);
    assert.equal(runFailureHint([{ task: 'x', exception: 'ZeroDivisionError: division by zero' }]), null);
    assert.match(checkpointingHint(['a', 'b'])!, /a, b ran but wrote no target: checkpointing was off/);
    assert.equal(checkpointingHint([]), null);
  });
});
