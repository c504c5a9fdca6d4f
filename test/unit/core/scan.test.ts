// scan(): artifacts with data paths and sizes, and every problem kind, on caches written by the
// real xpersist (and damaged on purpose in broken/).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { poolInfo } from '../../../src/core/scan/workerPool';
import type { ProblemKind, StoreReport } from '../../../src/core/types';
import { cachesDir, copyFixtureKind, readExpected, tempDir } from '../helpers';

function problemsByKey(report: StoreReport): Map<string, ProblemKind[]> {
  const m = new Map<string, ProblemKind[]>();
  for (const p of report.problems) {
    const id = p.key ?? path.relative(report.root, p.path);
    m.set(id, [...(m.get(id) ?? []), p.kind]);
  }
  return m;
}

describe('scan of broken/entries', async () => {
  const root = path.join(copyFixtureKind('broken'), 'entries');
  const report = await (await CacheStore.open(root)).scan();
  const byKey = problemsByKey(report);
  const expectations: [string, ProblemKind][] = [
    ['data-missing.zarr', 'data-missing'],
    ['data-missing.joblib', 'data-missing'],
    ['orphan-data.zarr', 'orphan-data'],
    ['orphan-data.joblib', 'orphan-data'],
    ['truncated-json', 'invalid-json'],
    ['empty-sidecar', 'invalid-json'],
    ['not-an-object', 'invalid-sidecar'],
    ['missing-serializer', 'invalid-sidecar'],
    ['missing-key', 'invalid-sidecar'],
    ['created-at-invalid', 'invalid-sidecar'],
    ['alias', 'key-mismatch'],
    ['xpersist_metadata_store/.DS_Store', 'stray-file'],
    ['xpersist_metadata_store/README.txt', 'stray-file'],
    ['xpersist_metadata_store/backup.artifact.json.bak', 'stray-file'],
    ['xpersist_metadata_store/deleted', 'stray-file'],
    ['deleted', 'orphan-data'],
    ['escaped.joblib', 'orphan-data'],
    ['inner', 'orphan-data'],
  ];
  for (const [key, kind] of expectations) {
    it(`${key} is reported as ${kind}`, () => {
      assert.deepEqual(byKey.get(key), [kind], `problems of ${key}: ${JSON.stringify(byKey.get(key))}`);
    });
  }
  it('reports nothing else', () => {
    const expected = new Set(expectations.map(([k]) => k));
    const extra = [...byKey.keys()].filter((k) => !expected.has(k));
    assert.deepEqual(extra, []);
  });
  it('lists healthy and odd-but-valid sidecars as artifacts', () => {
    const keys = report.artifacts.map((a) => a.key);
    for (const k of [
      'ok.joblib',
      'nan-metadata',
      'null-optionals',
      'pre-additional-metadata',
      'extra-field',
      'unknown-serializer',
      'glob*chars[1].joblib',
      'runs/2021/a.zarr',
      'runs/2021/b.zarr',
      'missing-chunk.zarr',
      'created-at-epoch-int',
    ]) {
      assert.ok(keys.includes(k), `${k} listed`);
    }
    assert.deepEqual(keys, [...keys].sort(), 'sorted by key');
    assert.deepEqual(report.brokenKeys.sort(), [
      'created-at-invalid',
      'empty-sidecar',
      'missing-key',
      'missing-serializer',
      'not-an-object',
      'truncated-json',
    ]);
  });
  it('keeps the file-name key as identity and reports the sidecar key field', () => {
    const alias = report.artifacts.find((a) => a.key === 'alias');
    assert.equal(alias?.keyField, 'alias-target');
    assert.equal(alias?.dataPath, path.join(root, 'alias'));
  });
  it('says why the data of a problem is where it is', () => {
    const inner = report.problems.find((p) => p.path === path.join(root, 'inner'));
    assert.match(inner?.message ?? '', /nested inside this one/);
    assert.equal(inner?.fixable, false);
    const missing = report.problems.find((p) => p.key === 'data-missing.zarr');
    assert.match(missing?.message ?? '', /fail to load/);
  });
});

describe('scan of the other broken caches', () => {
  it('a sub-cache whose "../" key wrote its sidecar into the cache root', async () => {
    const report = await (
      await CacheStore.open(path.join(copyFixtureKind('broken'), 'entries', 'inner'))
    ).scan();
    assert.deepEqual(
      report.problems.map((p) => [p.kind, path.basename(p.path)]),
      [['unsafe-key', 'escaped.joblib.artifact.json']],
    );
  });
  for (const [name, pattern] of [
    ['empty-dir', /no xpersist_metadata_store\/ folder/],
    ['no-metadata-store', /no xpersist_metadata_store\/ folder/],
    ['metadata-store-is-file', /is a file, not a folder/],
  ] as const) {
    it(`${name} is not a store`, async () => {
      const root = path.join(copyFixtureKind('broken'), name);
      const report = await (await CacheStore.open(root)).scan();
      assert.equal(report.isStore, false);
      assert.deepEqual(
        report.problems.map((p) => p.kind),
        ['not-a-store'],
      );
      assert.match(report.problems[0].message, pattern);
      assert.deepEqual(await (await CacheStore.open(root)).keys(), []);
    });
  }
  it('an empty store is a store with nothing in it', async () => {
    const report = await (await CacheStore.open(path.join(copyFixtureKind('broken'), 'empty-store'))).scan();
    assert.equal(report.isStore, true);
    assert.deepEqual(report.artifacts, []);
    assert.deepEqual(report.problems, []);
  });
  it('a folder that does not exist is not a store, and stays absent', async () => {
    const root = path.join(tempDir(), 'nope');
    const report = await (await CacheStore.open(root)).scan();
    assert.equal(report.isStore, false);
    assert.match(report.problems[0].message, /does not exist/);
    assert.throws(() => readFileSync(root));
  });
});

describe('scan of all-serializers', async () => {
  const root = copyFixtureKind('all-serializers');
  const report = await (await CacheStore.open(root)).scan();
  const files = readExpected('all-serializers').files as { path: string; bytes: number }[];
  it('has no problems', () => assert.deepEqual(report.problems, []));
  it('sizes every artifact like du --apparent-size (folders summed)', () => {
    for (const a of report.artifacts) {
      const expected = files
        .filter((f) => f.path === a.key || f.path.startsWith(`${a.key}/`))
        .reduce((s, f) => s + f.bytes, 0);
      assert.equal(a.sizeBytes, expected, a.key);
      assert.equal(a.dataExists, true);
    }
    assert.equal(
      report.totalBytes,
      report.artifacts.reduce((s, a) => s + (a.sizeBytes ?? 0), 0),
    );
  });
  it('knows files from folders', () => {
    const kinds = Object.fromEntries(report.artifacts.map((a) => [a.key, a.dataKind]));
    assert.equal(kinds['tas_monthly.zarr'], 'directory');
    assert.equal(kinds['sst_daily.nc'], 'file');
    assert.equal(kinds['experiments/run1/output.zarr'], 'directory');
  });
  it('parses additional_metadata of XpersistResult artifacts', () => {
    const pr = report.artifacts.find((a) => a.key.startsWith('prefect-result-'));
    assert.equal(pr?.additionalMetadata.flow_name, 'postprocess');
  });
});

describe('scan of a large store runs in worker threads and sees every change', async () => {
  const root = tempDir('xp-large-');
  const meta = path.join(root, 'xpersist_metadata_store');
  mkdirSync(meta);
  const template = readFileSync(
    path.join(cachesDir(), 'seed-demo/xpersist_metadata_store/bar.zarr.artifact.json'),
    'utf8',
  );
  const n = 1200;
  for (let i = 0; i < n; i++) {
    const key = i % 10 === 0 ? `group${i % 7}/k${i}.zarr` : `k${i}.joblib`;
    mkdirSync(path.dirname(path.join(meta, key)), { recursive: true });
    writeFileSync(
      path.join(meta, `${key}.artifact.json`),
      template.replace('"bar.zarr"', JSON.stringify(key)),
    );
    if (key.endsWith('.zarr'))
      cpSync(path.join(cachesDir(), 'seed-demo/bar.zarr'), path.join(root, key), { recursive: true });
    else writeFileSync(path.join(root, key), 'x'.repeat(i));
  }
  const store = await CacheStore.open(root);
  const first = await store.scan();
  it('lists every artifact with its size', () => {
    assert.equal(first.artifacts.length, n);
    assert.deepEqual(first.problems, []);
    const k5 = first.artifacts.find((a) => a.key === 'k5.joblib');
    assert.equal(k5?.sizeBytes, 5);
    assert.ok(poolInfo().workers >= 2, 'worker threads were used');
  });
  it('a rescan sees an edited, a removed and an added sidecar, and changed data', async () => {
    writeFileSync(
      path.join(meta, 'k1.joblib.artifact.json'),
      template.replace('"bar.zarr"', '"k1.joblib"').replace('"xarray.zarr"', '"joblib"'),
    );
    rmSync(path.join(meta, 'k2.joblib.artifact.json'));
    writeFileSync(
      path.join(meta, 'new.joblib.artifact.json'),
      template.replace('"bar.zarr"', '"new.joblib"'),
    );
    writeFileSync(path.join(root, 'k3.joblib'), 'y'.repeat(1000));
    rmSync(path.join(root, 'k4.joblib'));
    const again = await store.scan();
    const get = (k: string) => again.artifacts.find((a) => a.key === k);
    assert.equal(get('k1.joblib')?.serializer, 'joblib');
    assert.equal(get('k2.joblib'), undefined);
    assert.equal(get('new.joblib')?.dataExists, false);
    assert.equal(get('k3.joblib')?.sizeBytes, 1000);
    assert.equal(get('k4.joblib')?.dataExists, false);
    assert.deepEqual(again.problems.map((p) => `${p.kind} ${p.key}`).sort(), [
      'data-missing k4.joblib',
      'data-missing new.joblib',
      'orphan-data k2.joblib',
    ]);
  });
});
