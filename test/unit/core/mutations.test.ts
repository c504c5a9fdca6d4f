// delete / importArtifact / copyArtifact / fixProblem: exact paths, nothing outside the store,
// read-only honoured, dry runs change nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ArtifactError,
  CacheStore,
  DuplicateKeyError,
  KeyNotFoundError,
  OutsideStoreError,
  ReadonlyStoreError,
  UnsafeKeyError,
} from '../../../src/core/index';
import { copyFixtureKind, tempDir } from '../helpers';

/** Every path below dir (files and folders) with file contents, for before/after comparisons. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out.set(`${p}/`, '');
        walk(p);
      } else out.set(p, readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

function removedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before.keys()].filter((p) => !after.has(p)).map((p) => p.replace(/\/$/, ''));
}

/** Is `p` one of `listed` or below one of them? */
const coveredBy = (listed: string[], p: string) => listed.some((l) => p === l || p.startsWith(`${l}/`));

describe('delete', () => {
  it('a dry run returns the exact paths and changes nothing', async () => {
    const root = copyFixtureKind('all-serializers');
    const store = await CacheStore.open(root);
    const before = snapshot(root);
    const res = await store.delete('experiments/run1/output.zarr', { dryRun: true });
    assert.deepEqual(res.paths, [
      path.join(root, 'xpersist_metadata_store/experiments/run1/output.zarr.artifact.json'),
      path.join(root, 'experiments/run1/output.zarr'),
    ]);
    assert.deepEqual(res.prunedDirs, []); // run1 still holds metrics.csv in both trees
    assert.deepEqual(snapshot(root), before);
  });

  it('removes exactly the listed paths, sidecar first, and prunes empty parents', async () => {
    const root = copyFixtureKind('all-serializers');
    const store = await CacheStore.open(root);
    const dry = await store.delete('experiments/run2/output.zarr', { dryRun: true });
    assert.deepEqual(dry.prunedDirs, [
      path.join(root, 'xpersist_metadata_store/experiments/run2'),
      path.join(root, 'experiments/run2'),
    ]);
    const before = snapshot(root);
    const res = await store.delete('experiments/run2/output.zarr', { dryRun: false });
    assert.deepEqual(res, dry);
    const removed = removedPaths(before, snapshot(root));
    const listed = [...res.paths, ...res.prunedDirs];
    for (const p of removed) assert.ok(coveredBy(listed, p), `${p} was removed but not listed`);
    for (const p of listed) assert.ok(!existsSync(p), `${p} still exists`);
    assert.equal(await store.has('experiments/run2/output.zarr'), false);
    assert.ok(existsSync(path.join(root, 'experiments')), 'the shared parent stays');
    assert.deepEqual(
      readdirSync(root).filter((n) => n.startsWith('.xpersist-')),
      [],
      'no work folders left behind',
    );
    const report = await store.scan();
    assert.deepEqual(report.problems, []);
  });

  it('works when the data is already gone (xpersist raises after deleting the sidecar)', async () => {
    const root = path.join(copyFixtureKind('broken'), 'entries');
    const store = await CacheStore.open(root);
    const res = await store.delete('data-missing.zarr', { dryRun: false });
    assert.deepEqual(res.paths, [path.join(root, 'xpersist_metadata_store/data-missing.zarr.artifact.json')]);
    assert.equal(await store.has('data-missing.zarr'), false);
  });

  it('deletes a zarr folder as a whole (the released xpersist cannot)', async () => {
    const root = copyFixtureKind('release-2021.12.17');
    const store = await CacheStore.open(root);
    await store.delete('to-delete.zarr', { dryRun: false });
    assert.ok(!existsSync(path.join(root, 'to-delete.zarr')));
    assert.equal(await store.has('to-delete.zarr'), false);
  });

  it('refuses a key that is not there', async () => {
    const store = await CacheStore.open(copyFixtureKind('seed-demo'));
    await assert.rejects(store.delete('nope.zarr', { dryRun: true }), KeyNotFoundError);
  });

  it('a read-only store refuses and changes nothing', async () => {
    const root = copyFixtureKind('seed-demo');
    const store = await CacheStore.open(root, { readonly: true });
    const before = snapshot(root);
    await assert.rejects(store.delete('bar.zarr', { dryRun: false }), ReadonlyStoreError);
    await assert.rejects(
      store.importArtifact('x.csv', __filename, { serializer: 'pandas.csv' }),
      ReadonlyStoreError,
    );
    const other = await CacheStore.open(copyFixtureKind('seed-demo'));
    await assert.rejects(other.copyArtifact('bar.zarr', store, 'copy.zarr'), ReadonlyStoreError);
    assert.deepEqual(snapshot(root), before);
    // A dry run is not a change: it still answers.
    assert.equal((await store.delete('bar.zarr', { dryRun: true })).paths.length, 2);
  });
});

describe('nothing outside the store is touched', () => {
  const UNSAFE = [
    '../sentinel.txt',
    '../../sentinel.txt',
    '/tmp/sentinel.txt',
    'a/../../sentinel.txt',
    '',
    'a//b',
    'a/',
    './x',
    'x\0y',
    'xpersist_metadata_store/bar.zarr',
  ];
  it('unsafe keys are refused everywhere and a sentinel beside the store survives', async () => {
    const parent = tempDir('xp-sentinel-');
    const root = path.join(parent, 'store');
    mkdirSync(path.join(root, 'xpersist_metadata_store'), { recursive: true });
    const sentinel = path.join(parent, 'sentinel.txt');
    writeFileSync(sentinel, 'keep me');
    writeFileSync(
      path.join(parent, 'sentinel.txt.artifact.json'),
      '{"key": "../sentinel.txt", "serializer": "joblib"}',
    );
    const store = await CacheStore.open(root);
    for (const key of UNSAFE) {
      for (const op of [
        () => store.delete(key, { dryRun: false }),
        () => store.delete(key, { dryRun: true }),
        () => store.has(key),
        () => store.getArtifact(key),
        () => store.importArtifact(key, sentinel, { serializer: 'joblib' }),
      ]) {
        await assert.rejects(op(), UnsafeKeyError, `key ${JSON.stringify(key)}`);
      }
    }
    assert.equal(readFileSync(sentinel, 'utf8'), 'keep me');
    assert.ok(existsSync(path.join(parent, 'sentinel.txt.artifact.json')));
  });

  it('a symlinked folder leading out of the store is not followed by delete', async () => {
    const parent = tempDir('xp-symlink-');
    const outside = path.join(parent, 'outside');
    mkdirSync(path.join(outside, 'xpersist_metadata_store'), { recursive: true });
    writeFileSync(path.join(outside, 'victim.joblib'), 'precious');
    writeFileSync(
      path.join(outside, 'xpersist_metadata_store', 'victim.joblib.artifact.json'),
      '{"key": "victim.joblib", "serializer": "joblib"}',
    );
    const root = path.join(parent, 'store');
    mkdirSync(path.join(root, 'xpersist_metadata_store'), { recursive: true });
    symlinkSync(outside, path.join(root, 'link'));
    symlinkSync(
      path.join(outside, 'xpersist_metadata_store'),
      path.join(root, 'xpersist_metadata_store', 'link'),
    );
    const store = await CacheStore.open(root);
    await assert.rejects(store.delete('link/victim.joblib', { dryRun: false }), OutsideStoreError);
    assert.equal(readFileSync(path.join(outside, 'victim.joblib'), 'utf8'), 'precious');
    assert.ok(existsSync(path.join(outside, 'xpersist_metadata_store', 'victim.joblib.artifact.json')));
  });

  it('opening never creates anything', async () => {
    const parent = tempDir('xp-open-');
    const root = path.join(parent, 'not-yet');
    const store = await CacheStore.open(root, { readonly: true });
    await store.keys();
    await store.scan();
    assert.deepEqual(readdirSync(parent), []);
  });
});

describe('importArtifact and copyArtifact', () => {
  it('write sidecars in pydantic format and honour onDuplicateKey', async () => {
    const root = path.join(copyFixtureKind('broken'), 'empty-store');
    const src = path.join(tempDir(), 'table.csv');
    writeFileSync(src, 'a,b\n1,2\n');
    const skip = await CacheStore.open(root);
    const first = await skip.importArtifact('nested/dir/table.csv', src, {
      serializer: 'pandas.csv',
      dumpKwargs: { index: false, sep: ';' },
      additionalMetadata: { note: 'température', score: Number.NaN },
    });
    assert.equal(first.outcome, 'written');
    const text = readFileSync(
      path.join(root, 'xpersist_metadata_store/nested/dir/table.csv.artifact.json'),
      'utf8',
    );
    assert.match(
      text,
      /^\{\n {2}"key": "nested\/dir\/table.csv",\n {2}"serializer": "pandas.csv",\n {2}"load_kwargs": \{\},/,
    );
    assert.match(text, /"note": "temp\\u00e9rature"/);
    assert.match(text, /"score": NaN/);
    assert.match(text, /"created_at": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?"\n\}$/);
    assert.equal(statSync(path.join(root, 'nested/dir/table.csv')).size, 8);

    writeFileSync(src, 'a,b\n3,4\n5,6\n');
    assert.equal(
      (await skip.importArtifact('nested/dir/table.csv', src, { serializer: 'pandas.csv' })).outcome,
      'skipped',
    );
    assert.equal(statSync(path.join(root, 'nested/dir/table.csv')).size, 8, 'skip keeps the old data');
    const raise = await CacheStore.open(root, { onDuplicateKey: 'raise_error' });
    await assert.rejects(
      raise.importArtifact('nested/dir/table.csv', src, { serializer: 'pandas.csv' }),
      DuplicateKeyError,
    );
    const over = await CacheStore.open(root, { onDuplicateKey: 'overwrite' });
    const o = await over.importArtifact('nested/dir/table.csv', src, { serializer: 'pandas.csv' });
    assert.equal(o.outcome, 'overwritten');
    assert.equal(statSync(path.join(root, 'nested/dir/table.csv')).size, 12);
    assert.deepEqual((await over.scan()).problems, []);
  });

  it('copies a zarr folder with its sidecar, keeping created_at', async () => {
    const src = await CacheStore.open(copyFixtureKind('all-serializers'));
    const dst = await CacheStore.open(path.join(copyFixtureKind('broken'), 'empty-store'));
    const copied = await src.copyArtifact('tas_monthly.zarr', dst, 'copies/tas.zarr');
    const original = await src.getArtifact('tas_monthly.zarr');
    assert.equal(copied.key, 'copies/tas.zarr');
    assert.equal(copied.createdAtText, original.createdAtText);
    assert.deepEqual(copied.dumpKwargs, original.dumpKwargs);
    const report = await dst.scan();
    assert.equal(
      report.artifacts[0].sizeBytes,
      (await src.scan()).artifacts.find((a) => a.key === 'tas_monthly.zarr')?.sizeBytes,
    );
    const text = readFileSync(dst.sidecarPath('copies/tas.zarr'), 'utf8');
    assert.match(text, /"add_offset": 0\.0,/, 'a float written as 0.0 stays 0.0');
  });

  // copyFile of a FIFO without a writer waits forever (and holds a libuv thread): the timeout
  // turns a hang into a failure.
  it('a FIFO as the source of an import or a copy is refused, and nothing is left in the store', {
    timeout: 10_000,
  }, async () => {
    const root = copyFixtureKind('seed-demo');
    const fifo = path.join(tempDir(), 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const store = await CacheStore.open(root);
    const before = readdirSync(root).sort();
    await assert.rejects(
      store.importArtifact('pipe.csv', fifo, { serializer: 'pandas.csv' }),
      /pipe\.csv is not a regular file or folder \(FIFO, socket or device\): not copied/,
    );
    // A FIFO where a store's artifact data is: copyArtifact refuses it the same way.
    const src = await CacheStore.open(copyFixtureKind('all-serializers'));
    const data = src.dataPath('observations.csv');
    rmSync(data);
    execFileSync('mkfifo', [data]);
    await assert.rejects(
      src.copyArtifact('observations.csv', store, 'observations.csv'),
      /not a regular file or folder/,
    );
    assert.deepEqual(readdirSync(root).sort(), before, 'no work file left in the root');
    assert.deepEqual((await store.scan()).problems, []);
    assert.equal(await store.has('observations.csv'), false);
  });

  it('the first import into a folder that is not a store yet creates the root and its metadata folder', async () => {
    const parent = tempDir('xp-new-store-');
    const root = path.join(parent, 'team', 'new-cache');
    const src = path.join(tempDir(), 'table.csv');
    writeFileSync(src, 'a,b\n1,2\n');
    const store = await CacheStore.open(root);
    assert.equal(existsSync(root), false, 'opening writes nothing');
    const written = await store.importArtifact('table.csv', src, { serializer: 'pandas.csv' });
    assert.equal(written.outcome, 'written');
    assert.deepEqual(readdirSync(root).sort(), ['table.csv', 'xpersist_metadata_store']);
    assert.deepEqual(await store.keys(), ['table.csv']);
    assert.deepEqual((await store.scan()).problems, []);

    const existing = tempDir('xp-empty-folder-');
    const copied = await (await CacheStore.open(copyFixtureKind('all-serializers'))).copyArtifact(
      'tas_monthly.zarr',
      await CacheStore.open(existing),
    );
    assert.equal(copied.key, 'tas_monthly.zarr');
    assert.ok(
      statSync(path.join(existing, 'xpersist_metadata_store/tas_monthly.zarr.artifact.json')).isFile(),
    );
  });

  it('a read-only or unusable target refuses the first write and creates nothing', async () => {
    const parent = tempDir('xp-new-store-');
    const src = path.join(tempDir(), 'x.csv');
    writeFileSync(src, 'a\n1\n');
    const ro = await CacheStore.open(path.join(parent, 'ro'), { readonly: true });
    await assert.rejects(ro.importArtifact('x.csv', src, { serializer: 'pandas.csv' }), ReadonlyStoreError);
    assert.deepEqual(readdirSync(parent), []);
    writeFileSync(path.join(parent, 'a-file'), 'not a folder');
    const onFile = await CacheStore.open(path.join(parent, 'a-file'));
    await assert.rejects(onFile.importArtifact('x.csv', src, { serializer: 'pandas.csv' }), /is a file/);
    mkdirSync(path.join(parent, 'odd'));
    writeFileSync(path.join(parent, 'odd', 'xpersist_metadata_store'), '');
    const odd = await CacheStore.open(path.join(parent, 'odd'));
    await assert.rejects(odd.importArtifact('x.csv', src, { serializer: 'pandas.csv' }), /is not a folder/);
    assert.deepEqual(readdirSync(path.join(parent, 'odd')), ['xpersist_metadata_store']);
  });

  it('refuses to copy a broken sidecar or missing data, with the reason', async () => {
    const src = await CacheStore.open(path.join(copyFixtureKind('broken'), 'entries'));
    const dst = await CacheStore.open(path.join(copyFixtureKind('broken'), 'empty-store'));
    await assert.rejects(src.copyArtifact('truncated-json', dst), ArtifactError);
    await assert.rejects(src.copyArtifact('data-missing.joblib', dst), /data .* is missing/);
  });
});

describe('fixProblem', () => {
  it('removes orphan data, stray files and broken sidecars after a dry run that lists them', async () => {
    const root = path.join(copyFixtureKind('broken'), 'entries');
    const store = await CacheStore.open(root);
    // Removing a broken sidecar turns its data into orphan data, fixed in the next round.
    for (let round = 0; round < 3; round++) {
      const report = await store.scan();
      for (const p of report.problems.filter((x) => x.fixable)) {
        const dry = await store.fixProblem(p, { dryRun: true });
        const before = snapshot(root);
        const res = await store.fixProblem(p, { dryRun: false });
        assert.deepEqual(res, dry);
        const removed = removedPaths(before, snapshot(root));
        for (const r of removed)
          assert.ok(coveredBy([...res.paths, ...res.prunedDirs], r), `${r} removed, not listed`);
      }
    }
    const after = await store.scan();
    assert.deepEqual(after.problems.map((p) => `${p.kind} ${path.basename(p.path)}`).sort(), [
      'key-mismatch alias.artifact.json',
      'orphan-data inner',
    ]);
    assert.ok(existsSync(path.join(root, 'inner')), 'a nested store is never removed');
  });
});
