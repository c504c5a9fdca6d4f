// CacheStore paths: what the analysis records (literal / folded / dynamic), and resolveStorePath
// against the paths Python itself computes for the same file, in the same environment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzePython, resolveStorePath, storeDiagnostics } from '../../../src/python/index';
import { fixturesDir, python, removeDir, tempDir } from '../helpers';

const file = path.join(fixturesDir(), 'python/store_paths.py');

// Runs the fixture with stubs for xpersist (records paths, creates nothing) and `config`.
const EVALUATE = `
import json, runpy, sys, types
paths = {}
class CacheStore:
    def __init__(self, path=None, readonly=False, **kw):
        import tempfile
        self.path = str(path) if path is not None else tempfile.gettempdir()
xp = types.ModuleType("xpersist"); xp.CacheStore = CacheStore
sys.modules["xpersist"] = xp
cfg = types.ModuleType("config"); cfg.get = lambda k: "/from/config/" + k; cfg.paths = {"root": "/from/config/root"}
sys.modules["config"] = cfg
g = runpy.run_path(sys.argv[1], run_name="stores")
for k, v in list(g.items()):
    if isinstance(v, type) and v is not CacheStore:
        g.update({f"{k}.{a}": x for a, x in vars(v).items() if isinstance(x, CacheStore)})
print(json.dumps({k: v.path for k, v in g.items() if isinstance(v, CacheStore) and k != "results_again"}))
`;

describe('store paths', () => {
  const source = readFileSync(file, 'utf8');
  const a = analyzePython(source);
  const byVar = new Map(a.stores.map((s) => [s.variable, s]));
  let work = '';
  let tmp = '';
  let pythonPaths: Record<string, string> = {};

  before(() => {
    work = tempDir('xp-cwd-');
    tmp = path.join(work, 'scratch');
    mkdirSync(tmp);
    const out = execFileSync(python(), ['-c', EVALUATE, file], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: '/home/me', TMPDIR: `${tmp}/`, XP_CACHE: '/env/cache' },
    });
    pythonPaths = JSON.parse(out);
  });
  after(() => removeDir(work));

  it('records each store with its variable, line, expression and resolution', () => {
    assert.equal(a.stores.length, 28);
    const lit = byVar.get('literal')!;
    assert.equal(lit.line, source.split('\n').findIndex((l) => l.startsWith('literal =')) + 1);
    assert.equal(lit.expression, '"/data/cache"');
    const expect: Record<string, ['literal' | 'folded' | 'dynamic', string | null]> = {
      literal: ['literal', '/data/cache'],
      relative: ['literal', 'relative/cache'],
      fstring: ['folded', '/tmp/fstring'],
      joined: ['folded', '/tmp/joined/deeper'],
      home: ['folded', '~/caches/home'],
      slash: ['folded', '/data/slash/x'],
      environ: ['folded', '$XP_CACHE'],
      getenv: ['folded', '/fallback/cache'],
      default: ['folded', '/tmp/default'],
      dynamic: ['dynamic', null],
      concat: ['dynamic', null],
      bare: ['folded', '/tmp'],
      normalised: ['folded', 'data/sub/dir'],
      url: ['literal', 's3://bucket/cache'],
      beside: ['folded', null],
      parent: ['folded', null],
      settings_raw: ['folded', '/data/settings/raw'],
      listed: ['folded', '/data/list1'],
      tupled: ['folded', '/data/t1'],
      nested_tuple: ['folded', '/data/run0'],
      home_dot: ['folded', '~/.cache'],
      env_plus: ['folded', '$XP_CACHE/y'],
      keyword_only: ['folded', '/a/b'],
      'Stores.results': ['folded', '/tmp/class-results'],
      'Stores.scratch': ['literal', '/data/scratch'],
    };
    for (const [v, [resolution, p]] of Object.entries(expect)) {
      const s = byVar.get(v);
      assert.ok(s, `no store ${v}`);
      assert.deepEqual([s.resolution, s.path], [resolution, p], v);
    }
    assert.equal(byVar.get('dynamic')!.expression, 'config.get("cache_dir")');
    assert.equal(byVar.get('bare')!.expression, 'tempfile.gettempdir()');
    assert.equal(byVar.get('parent')!.readonly, true);
    assert.equal(byVar.get('literal')!.readonly, false);
    assert.equal(byVar.get('keyword_only')!.readonly, true);
    assert.equal(byVar.get('Stores.scratch')!.readonly, true);
  });

  it('resolves every store to the path Python computes', () => {
    const ctx = {
      env: { HOME: '/home/me', TMPDIR: `${tmp}/`, XP_CACHE: '/env/cache' },
      cwd: work,
      filePath: file,
      expressions: { 'config.get("cache_dir")': '/from/config/cache_dir', ROOT: '/from/config/root' },
    };
    const checked: string[] = [];
    for (const s of a.stores) {
      if (!s.variable || !(s.variable in pythonPaths)) continue;
      let expected = pythonPaths[s.variable];
      if (!expected.startsWith('/') && !expected.includes('://')) expected = path.posix.join(work, expected);
      assert.equal(resolveStorePath(s, ctx), expected, s.variable);
      checked.push(s.variable);
    }
    assert.equal(checked.length, 28);
  });

  it('maps dynamic stores through the storeExpressions setting, by expression or variable', () => {
    const dyn = byVar.get('dynamic')!;
    assert.equal(resolveStorePath(dyn, {}), null);
    assert.equal(resolveStorePath(dyn, { expressions: { 'config.get( "cache_dir" )': '/x' } }), '/x');
    assert.equal(resolveStorePath(dyn, { expressions: { dynamic: '/by/variable' } }), '/by/variable');
    const concat = byVar.get('concat')!;
    assert.equal(resolveStorePath(concat, { expressions: { 'config.paths["root"]': '/r' } }), '/r/concat');
    assert.equal(resolveStorePath(concat, { expressions: { ROOT: '~/r' }, home: '/h' }), '/h/r/concat');
  });

  it('takes __file__ and the folder for relative paths from a file uri', () => {
    const withUri = analyzePython(source, { uri: 'file:///home/me/my%20proj/flows/store_paths.py' });
    const get = (v: string) => withUri.stores.find((s) => s.variable === v)!;
    assert.equal(get('beside').path, '/home/me/my proj/flows/beside');
    assert.equal(get('parent').path, '/home/me/my proj/flows/parent');
    assert.equal(
      resolveStorePath(get('relative'), { fileDir: '/home/me/my proj/flows' }),
      '/home/me/my proj/flows/relative/cache',
    );
  });

  it('reports missing and unlocatable store folders through the exists callback', () => {
    const d = storeDiagnostics(a, { cwd: '/w', env: {} }, (p) => p === '/data/cache' || p === '/tmp');
    const codes = (v: string) => d.filter((x) => x.line === byVar.get(v)!.line).map((x) => x.code);
    assert.deepEqual(codes('literal'), []);
    assert.deepEqual(codes('bare'), []);
    assert.deepEqual(codes('relative'), ['store-path-missing']);
    assert.deepEqual(codes('dynamic'), ['store-path-dynamic']);
    assert.deepEqual(codes('environ'), ['store-path-dynamic']);
    assert.deepEqual(codes('url'), []);
    assert.ok(d.every((x) => x.severity === 'information' && x.message.length > 20));
    assert.match(
      d.find((x) => x.code === 'store-path-missing')!.message,
      /\/w\/relative\/cache does not exist yet/,
    );
  });

  it('follows stores through class attributes, dict settings and keyword-only results to the tasks', () => {
    const an = analyzePython(`from pathlib import Path
from prefect import task
from xpersist import CacheStore, XpersistResult
SETTINGS = {"stores": {"raw": "/data/raw"}}
class Stores:
    raw = CacheStore(SETTINGS["stores"]["raw"])
    home = CacheStore(path=Path.home() / ".cache" / "xp", readonly=True)
@task(target="a.zarr", result=XpersistResult(cache_store=Stores.home, serializer="xarray.zarr"))
def a(): ...
@task(target="b.zarr", result=XpersistResult(Stores.raw, "joblib"))
def b(): ...
`);
    assert.deepEqual(
      an.stores.map((s) => [s.variable, s.resolution, s.path, s.readonly]),
      [
        ['Stores.raw', 'folded', '/data/raw', false],
        ['Stores.home', 'folded', '~/.cache/xp', true],
      ],
    );
    assert.deepEqual(
      an.tasks.map((t) => [t.name, t.result?.storeIndex, t.result?.serializer]),
      [
        ['a', 1, 'xarray.zarr'],
        ['b', 0, 'joblib'],
      ],
    );
    assert.equal(resolveStorePath(an.stores[1], { home: '/home/me' }), '/home/me/.cache/xp');
  });
});

describe('storage_options of stores on object storage', () => {
  it('keeps a literal dict (nested ones too) and leaves out what only the run knows', () => {
    const a = analyzePython(
      [
        'import os',
        'from xpersist import CacheStore',
        'ENDPOINT = "http://127.0.0.1:9000"',
        's3 = CacheStore("s3://bucket/cache", storage_options={"anon": False, "client_kwargs": {"endpoint_url": ENDPOINT, "region_name": "us-east-1"}, "max_concurrency": 4, "timeout": 1.5})',
        'az = CacheStore("az://container/p", storage_options=dict(account_name="acct"))',
        'dyn = CacheStore("s3://b/p", storage_options=load_options())',
        'local = CacheStore("/tmp/x")',
      ].join('\n'),
    );
    const byVar = new Map(a.stores.map((s) => [s.variable, s]));
    assert.deepEqual(byVar.get('s3')?.storageOptions, {
      anon: false,
      client_kwargs: { endpoint_url: 'http://127.0.0.1:9000', region_name: 'us-east-1' },
      max_concurrency: 4,
      timeout: 1.5,
    });
    assert.equal(byVar.get('s3')?.path, 's3://bucket/cache');
    assert.deepEqual(byVar.get('az')?.storageOptions, { account_name: 'acct' });
    assert.equal(byVar.get('dyn')?.storageOptions, undefined);
    assert.equal(byVar.get('local')?.storageOptions, undefined);
  });
});
