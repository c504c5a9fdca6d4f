// Recoverable deletes (src/core/trash.ts): the key leaves the store as a delete would, the real
// xpersist agrees before and after, a restore gives back every byte, our scan ignores the trash.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore, ReadonlyStoreError, TRASH_DIR, UnsafeKeyError } from '../../../src/core/index';
import { parsePythonJson } from '../../../src/core/json/tolerantJson';
import { purgeTrash, trashKey } from '../../../src/core/trash';
import { copyFixtureKind, runPython } from '../helpers';

/** Every file below dir with its bytes (folders as ''), relative paths. */
function snapshot(dir: string, skip = TRASH_DIR): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (rel === '' && e.name === skip) continue;
      const r = rel + e.name;
      if (e.isDirectory()) {
        out.set(`${r}/`, '');
        walk(path.join(d, e.name), `${r}/`);
      } else out.set(r, readFileSync(path.join(d, e.name), 'latin1'));
    }
  };
  walk(dir, '');
  return out;
}

// What the real xpersist 2021.12.17 sees: its keys(), `key in store`, and whether get() loads.
const XPERSIST_VIEW = `
import json, sys, warnings
warnings.filterwarnings('ignore')
from xpersist import CacheStore
store = CacheStore(sys.argv[1])
out = {'keys': sorted(store.keys()), 'has': {}, 'get': {}}
for key in json.loads(sys.argv[2]):
    out['has'][key] = key in store
    try:
        v = store.get(key)
        out['get'][key] = 'ok ' + type(v).__name__
    except Exception as e:
        out['get'][key] = f"{type(e).__name__}"
print(json.dumps(out))
`;
interface XpView {
  keys: string[];
  has: Record<string, boolean>;
  get: Record<string, string>;
}
const xpersistView = (root: string, keys: string[]): XpView =>
  parsePythonJson(runPython(XPERSIST_VIEW, [root, JSON.stringify(keys)])) as XpView;

/**
 * Makes entries of `dir` impossible to rename: read-only for a user, immutable (chattr +i) for
 * root, whom permissions do not stop. Returns the undo, or null when neither works here.
 */
function lockFolder(dir: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return () => execFileSync('chattr', ['-i', dir]);
}

const problemsOf = async (store: CacheStore) =>
  (await store.scan()).problems.map((p) => `${p.kind} ${path.relative(store.root, p.path)}`).sort();

describe('delete to the trash, restore, purge', () => {
  it('a trashed key is gone for xpersist and our scan, and comes back byte for byte', async () => {
    const root = copyFixtureKind('seed-demo');
    const store = await CacheStore.open(root);
    const keys = await store.keys();
    const before = snapshot(root);
    const problemsBefore = await problemsOf(store);
    const viewBefore = xpersistView(root, keys);
    assert.equal(viewBefore.get['bar.zarr'], 'ok Dataset', 'xpersist loads bar.zarr before');

    const res = await store.deleteToTrash('bar.zarr');
    assert.deepEqual(
      res.paths.map((p) => path.relative(root, p)),
      ['xpersist_metadata_store/bar.zarr.artifact.json', 'bar.zarr'],
      'sidecar listed first: it moves first',
    );
    assert.ok(!existsSync(path.join(root, 'bar.zarr')));
    assert.ok(!existsSync(path.join(root, 'xpersist_metadata_store/bar.zarr.artifact.json')));
    assert.deepEqual(
      await store.keys(),
      keys.filter((k) => k !== 'bar.zarr'),
    );
    assert.deepEqual(await problemsOf(store), problemsBefore, 'the trash is neither orphan nor stray');
    assert.deepEqual(
      (await store.scan()).artifacts.map((a) => a.key),
      keys.filter((k) => k !== 'bar.zarr'),
    );
    const during = xpersistView(root, keys);
    assert.deepEqual(
      during.keys,
      viewBefore.keys.filter((k) => k !== 'bar.zarr'),
    );
    assert.equal(during.has['bar.zarr'], false);
    assert.notEqual(during.get['bar.zarr'], 'ok Dataset');
    const other = keys.find((k) => k !== 'bar.zarr') as string;
    assert.equal(during.get[other], viewBefore.get[other], 'the other key is untouched');
    assert.deepEqual(
      (await store.trashEntries()).map((e) => e.key),
      ['bar.zarr'],
    );

    await store.restoreFromTrash(res.id);
    assert.deepEqual(snapshot(root), before, 'every file back, same bytes');
    assert.ok(!existsSync(path.join(root, TRASH_DIR)), 'an empty trash is removed');
    assert.deepEqual(xpersistView(root, keys), viewBefore, 'xpersist sees the store as before');
    assert.deepEqual(await problemsOf(store), problemsBefore);
  });

  it('a nested key: empty folders pruned on trash, recreated on restore; xpersist loads it again', async () => {
    const root = copyFixtureKind('all-serializers');
    const store = await CacheStore.open(root);
    const key = 'experiments/run2/output.zarr';
    const before = snapshot(root);
    const problemsBefore = await problemsOf(store);
    const res = await store.deleteToTrash(key);
    assert.deepEqual(res.prunedDirs.map((d) => path.relative(root, d)).sort(), [
      'experiments/run2',
      'xpersist_metadata_store/experiments/run2',
    ]);
    assert.ok(!existsSync(path.join(root, 'experiments/run2')));
    assert.deepEqual(await problemsOf(store), problemsBefore);
    assert.equal(xpersistView(root, [key]).has[key], false);
    await store.restoreFromTrash(res.id);
    assert.deepEqual(snapshot(root), before);
    assert.equal(xpersistView(root, [key]).get[key], 'ok Dataset');
  });

  it('a restore is refused, moving nothing, when the key was written again meanwhile', async () => {
    const root = copyFixtureKind('seed-demo');
    const store = await CacheStore.open(root);
    const res = await store.deleteToTrash('bar.zarr');
    mkdirSync(path.join(root, 'bar.zarr'));
    writeFileSync(path.join(root, 'bar.zarr/new'), 'newer');
    await assert.rejects(store.restoreFromTrash(res.id), /exists again/);
    assert.equal(readFileSync(path.join(root, 'bar.zarr/new'), 'utf8'), 'newer');
    assert.deepEqual(
      (await store.trashEntries()).map((e) => e.id),
      [res.id],
      'the trashed copy is still there',
    );
  });

  it('when the data cannot move, the sidecar goes back: the key is as it was', async (t) => {
    const root = copyFixtureKind('all-serializers');
    const store = await CacheStore.open(root);
    const key = 'experiments/run1/metrics.csv';
    const before = snapshot(root);
    const unlock = lockFolder(path.join(root, 'experiments/run1'));
    if (!unlock) {
      t.skip('this machine cannot make a folder unwritable for this user');
      return;
    }
    try {
      await assert.rejects(store.deleteToTrash(key), /EACCES|EPERM/);
    } finally {
      unlock();
    }
    assert.deepEqual(snapshot(root), before);
    assert.deepEqual(await store.trashEntries(), []);
  });

  it('purge removes entries older than the window, keeps younger ones, then the folder', async () => {
    const root = copyFixtureKind('seed-demo');
    const [a, b] = await (await CacheStore.open(root)).keys();
    const old = await trashKey(root, a, 1_000_000);
    const young = await trashKey(root, b, 1_050_000);
    writeFileSync(path.join(root, TRASH_DIR, 'not-an-entry'), 'x');
    assert.equal(await purgeTrash(root, 60_000, 1_100_000), 2, 'the old entry and the stray file');
    assert.deepEqual(readdirSync(path.join(root, TRASH_DIR)), [young.id]);
    assert.ok(!readdirSync(path.join(root, TRASH_DIR)).includes(old.id));
    assert.equal(await purgeTrash(root, 0, 1_100_000), 1);
    assert.ok(!existsSync(path.join(root, TRASH_DIR)));
    assert.equal(await purgeTrash(root, 0), 0, 'no trash: nothing to do');
  });

  it('refuses read-only stores, the trash as a key, and object-storage stores', async () => {
    const root = copyFixtureKind('seed-demo');
    const ro = await CacheStore.open(root, { readonly: true });
    await assert.rejects(ro.deleteToTrash('bar.zarr'), ReadonlyStoreError);
    const rw = await CacheStore.open(root);
    await assert.rejects(rw.deleteToTrash(`${TRASH_DIR}/x`), UnsafeKeyError);
    await assert.rejects(rw.restoreFromTrash('../../etc'), /Not a trash entry/);
    const s3 = await CacheStore.open('s3://bucket/prefix', { storageOptions: { anon: true } });
    await assert.rejects(s3.deleteToTrash('bar.zarr'), /object storage/);
    assert.deepEqual(await s3.trashEntries(), []);
  });
});
