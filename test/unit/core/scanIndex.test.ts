// The persisted scan index (OpenOptions.indexDir) is only ever used where it is proven current:
// a store changed behind its back, in every way a store can change, scans exactly as a store
// object without an index scans it. The index is written by another process, as a window
// opened yesterday would have left it; it lives outside the store, which is never written.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import {
  asciiJson,
  holdsLargeIndex,
  indexFile,
  RACY_MS,
  RECORD_CHUNK,
} from '../../../src/core/scan/scanIndex';
import { poolInfo } from '../../../src/core/scan/workerPool';
import type { StoreReport } from '../../../src/core/types';
import { cachesDir, copyFixtureKind, tempDir } from '../helpers';
import { META, put, sidecar } from './storeFiles';

function makeStore(): string {
  const root = path.join(tempDir('xp-index-'), 'store');
  for (let i = 0; i < 30; i++)
    put(root, i % 6 === 0 ? `nested/d${i % 4}/k${i}.joblib` : `k${i}.joblib`, 'n0');
  cpSync(path.join(cachesDir(), 'seed-demo/bar.zarr'), path.join(root, 'bar.zarr'), { recursive: true });
  writeFileSync(path.join(root, META, 'bar.zarr.artifact.json'), sidecar('bar.zarr', 'z'));
  writeFileSync(path.join(root, 'orphan.joblib'), 'o');
  return root;
}

/** A report without its time, for comparing two scans. */
function comparable(r: StoreReport): unknown {
  return { ...r, scannedAt: null };
}

/** Every file and folder below a directory, with sizes and mtimes. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = statSync(p);
      out.push(`${p} ${st.size} ${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The bytes of every file below a folder, summed here (no scan code, no thread's cache). */
function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

/** bar.zarr's size in a report, which must be what is on disk now. */
function assertZarrSize(r: StoreReport, root: string, what: string): void {
  const a = r.artifacts.find((x) => x.key === 'bar.zarr');
  assert.equal(a?.sizeBytes, folderBytes(path.join(root, 'bar.zarr')), `${what}: bar.zarr's size is stale`);
}

/** What a store object without an index sees. */
async function truth(root: string): Promise<unknown> {
  return comparable(await (await CacheStore.open(root)).scan());
}

/** Scans as another process would, leaving its index in indexDir (the test file in child mode). */
function scanInOtherProcess(root: string, indexDir: string): void {
  execFileSync(process.execPath, [__filename], {
    env: { ...process.env, XP_INDEX_CHILD: JSON.stringify({ root, indexDir }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const settle = () => new Promise((r) => setTimeout(r, RACY_MS + 300));

// Each kind of change made behind the index's back.
const changes: Record<string, (root: string) => void> = {
  'nothing (the index is used whole)': () => {},
  'a key added': (root) => put(root, 'added.joblib', 'new'),
  'a nested key added': (root) => put(root, 'nested/d1/added.joblib', 'new'),
  'a key deleted': (root) => {
    rmSync(path.join(root, META, 'k1.joblib.artifact.json'));
    rmSync(path.join(root, 'k1.joblib'));
  },
  'a sidecar rewritten in place, same size, mtime set back': (root) => {
    const p = path.join(root, META, 'k2.joblib.artifact.json');
    const st = statSync(p, { bigint: true });
    writeFileSync(p, sidecar('k2.joblib', 'n9'));
    assert.equal(statSync(p).size, Number(st.size));
    // To the nanosecond (Node's utimes rounds through a double): GNU touch.
    const ns = st.mtimeNs % 1_000_000_000n;
    execFileSync('touch', ['-m', '-d', `@${st.mtimeNs / 1_000_000_000n}.${String(ns).padStart(9, '0')}`, p]);
    assert.equal(statSync(p, { bigint: true }).mtimeNs, st.mtimeNs);
  },
  'a sidecar renamed': (root) =>
    renameSync(
      path.join(root, META, 'k3.joblib.artifact.json'),
      path.join(root, META, 'k3b.joblib.artifact.json'),
    ),
  'a sidecar replaced by another file (rename over it)': (root) => {
    const tmp = path.join(root, META, 'tmp.json');
    writeFileSync(tmp, sidecar('k4.joblib', 'n7'));
    renameSync(tmp, path.join(root, META, 'k4.joblib.artifact.json'));
  },
  'the metadata folder replaced': (root) => {
    const meta = path.join(root, META);
    cpSync(meta, `${meta}.new`, { recursive: true });
    writeFileSync(path.join(`${meta}.new`, 'k5.joblib.artifact.json'), sidecar('k5.joblib', 'n8'));
    renameSync(meta, `${meta}.old`);
    renameSync(`${meta}.new`, meta);
    rmSync(`${meta}.old`, { recursive: true });
  },
  'a data file rewritten with another size': (root) =>
    writeFileSync(path.join(root, 'k7.joblib'), 'longer data'),
  'data deleted': (root) => rmSync(path.join(root, 'k8.joblib')),
  'orphan data added': (root) => writeFileSync(path.join(root, 'orphan2.joblib'), 'o'),
  'orphan data removed': (root) => rmSync(path.join(root, 'orphan.joblib')),
  'a nested orphan added': (root) => writeFileSync(path.join(root, 'nested', 'd2', 'stray.bin'), 'o'),
  'a stray file in the metadata store': (root) => writeFileSync(path.join(root, META, 'notes.txt'), 'n'),
  'a sidecar broken': (root) => writeFileSync(path.join(root, META, 'k9.joblib.artifact.json'), '{"key": '),
  'a chunk added to a zarr variable': (root) => writeFileSync(path.join(zarrVar(root), '9.9'), 'chunk bytes'),
  'a zarr chunk removed': (root) => rmSync(path.join(zarrVar(root), readdirSync(zarrVar(root))[0])),
  // Writing an existing file changes no folder's mtime or ctime: a size kept in the index
  // would be served stale (it was, up to index version 5).
  'a zarr chunk rewritten in place with another size': (root) => {
    const chunk = readdirSync(zarrVar(root)).find((f) => !f.startsWith('.'));
    assert.ok(chunk, 'bar.zarr has a chunk file');
    writeFileSync(
      path.join(zarrVar(root), chunk),
      'a chunk rewritten in place, longer than before '.repeat(40),
    );
  },
  'a zarr .zmetadata rewritten in place with another size': (root) =>
    writeFileSync(
      path.join(root, 'bar.zarr', '.zmetadata'),
      '{"metadata": {}, "zarr_consolidated_format": 1}',
    ),
  'a zarr replaced by a copy with other chunks and the old mtimes (cp -a)': (root) => {
    const zarr = path.join(root, 'bar.zarr');
    cpSync(zarr, `${zarr}.new`, { recursive: true });
    writeFileSync(path.join(`${zarr}.new`, path.basename(zarrVar(root)), '9.9'), 'more chunk bytes');
    execFileSync('touch', [
      '-m',
      '-r',
      zarrVar(root),
      path.join(`${zarr}.new`, path.basename(zarrVar(root))),
    ]);
    execFileSync('touch', ['-m', '-r', zarr, `${zarr}.new`]);
    rmSync(zarr, { recursive: true });
    renameSync(`${zarr}.new`, zarr);
  },
};

/** A variable folder of the store's bar.zarr (one holding chunk files). */
function zarrVar(root: string): string {
  const zarr = path.join(root, 'bar.zarr');
  const v = readdirSync(zarr, { withFileTypes: true }).find((d) => d.isDirectory());
  assert.ok(v, 'bar.zarr has a variable folder');
  return path.join(zarr, v.name);
}

if (process.env.XP_INDEX_CHILD) {
  const { root, indexDir } = JSON.parse(process.env.XP_INDEX_CHILD);
  void CacheStore.open(root, { indexDir })
    .then((s) => s.scan())
    .then(() => process.exit(0));
} else {
  describe('persisted scan index', () => {
    it('is proven current after each kind of change, else not used where it is stale', async () => {
      const stores = Object.fromEntries(Object.keys(changes).map((name) => [name, makeStore()]));
      const indexDir = tempDir('xp-index-dir-');
      await settle(); // the stores' stamps become old enough to be trusted
      for (const root of Object.values(stores)) scanInOtherProcess(root, indexDir);
      for (const [name, change] of Object.entries(changes)) {
        const root = stores[name];
        assert.ok(statSync(indexFile(indexDir, root)).size > 0, `${name}: no index written`);
        change(root);
        const store = await CacheStore.open(root, { indexDir });
        const scanned = await store.scan();
        assertZarrSize(scanned, root, name);
        const got = comparable(scanned);
        assert.deepEqual(got, await truth(root), `${name}: the indexed scan differs from a full scan`);
        const reuse = store.lastScanReuse;
        assert.equal(reuse?.indexLoaded, true, name);
        if (name.startsWith('nothing')) {
          // bar.zarr's folder sizes too: none of its folders is listed again.
          assert.deepEqual(reuse, {
            indexLoaded: true,
            listingReused: true,
            orphansReused: true,
            sidecarsRead: 0,
            foldersRead: 0,
          });
        }
      }
    });

    it('serves no stale size of a chunk rewritten in place in a nested zarr folder', async () => {
      const root = makeStore();
      const nested = path.join(zarrVar(root), 'n0');
      mkdirSync(nested);
      writeFileSync(path.join(nested, '0'), 'short');
      const indexDir = tempDir('xp-index-dir-');
      await settle();
      scanInOtherProcess(root, indexDir);
      writeFileSync(path.join(nested, '0'), 'a nested chunk rewritten in place, longer than before');
      const store = await CacheStore.open(root, { indexDir });
      const scanned = await store.scan();
      assertZarrSize(scanned, root, 'nested chunk');
      const got = comparable(scanned);
      assert.equal(store.lastScanReuse?.indexLoaded, true);
      assert.equal(store.lastScanReuse?.foldersRead, 0, 'no folder listed again: only the sizes are new');
      assert.deepEqual(got, await truth(root));
    });

    it('works the same through the worker threads (a store of 450 keys)', async () => {
      const root = makeStore();
      for (let i = 30; i < 450; i++) put(root, `k${i}.joblib`, 'n0');
      const indexDir = tempDir('xp-index-dir-');
      await settle();
      scanInOtherProcess(root, indexDir);
      changes['a key added'](root);
      changes['a key deleted'](root);
      changes['a sidecar rewritten in place, same size, mtime set back'](root);
      const store = await CacheStore.open(root, { indexDir });
      const got = comparable(await store.scan());
      assert.ok(poolInfo().workers >= 2, 'worker threads were used');
      assert.deepEqual(got, await truth(root));
      // The added key and the rewritten one; everything else came from the index, bar.zarr's
      // folder sizes included (handed to the threads).
      assert.equal(store.lastScanReuse?.sidecarsRead, 2);
      assert.equal(store.lastScanReuse?.foldersRead, 0);
    });

    it('reads again what changed in the same clock tick as the index (racily clean)', async () => {
      const root = makeStore();
      const indexDir = tempDir('xp-index-dir-');
      await (await CacheStore.open(root, { indexDir })).scan();
      // At once, same size, mtime restored: nothing but ctime and the time of writing tell.
      changes['a sidecar rewritten in place, same size, mtime set back'](root);
      const store = await CacheStore.open(root, { indexDir });
      assert.deepEqual(comparable(await store.scan()), await truth(root));
      const k2 = (await store.scan()).artifacts.find((a) => a.key === 'k2.joblib');
      assert.deepEqual(k2?.additionalMetadata, { note: 'n9' });
    });

    it('is written outside the store only, and a damaged index is ignored', async () => {
      const root = copyFixtureKind('broken');
      const entries = path.join(root, 'entries');
      const indexDir = tempDir('xp-index-dir-');
      const before = tree(root);
      const first = comparable(await (await CacheStore.open(entries, { indexDir })).scan());
      assert.deepEqual(tree(root), before, 'the scan wrote into the store');
      assert.deepEqual(first, await truth(entries));
      const file = indexFile(indexDir, entries);
      const bytes = readFileSync(file);
      for (const damaged of [
        bytes.subarray(0, bytes.length >> 1),
        Buffer.from('nonsense'),
        Buffer.alloc(0),
      ]) {
        writeFileSync(file, damaged);
        const store = await CacheStore.open(entries, { indexDir });
        assert.deepEqual(comparable(await store.scan()), first);
      }
    });

    it('keeps its records in chunks: a damaged chunk costs only its own keys', async () => {
      const root = makeStore();
      const n = 2 * RECORD_CHUNK + 500; // three chunks, the last one short
      for (let i = 30; i < n; i++) put(root, `k${i}.joblib`, 'n0');
      const indexDir = tempDir('xp-index-dir-');
      await settle();
      scanInOtherProcess(root, indexDir);
      const file = indexFile(indexDir, root);
      const bytes = readFileSync(file);
      // The records follow the head: [u32 length][JSON] per chunk.
      const magic = bytes.indexOf(10) + 1;
      let at = magic + 4 + bytes.readUInt32LE(magic);
      const chunks: [number, number][] = [];
      while (at < bytes.length) {
        const len = bytes.readUInt32LE(at);
        chunks.push([at + 4, len]);
        at += 4 + len;
      }
      assert.equal(chunks.length, 3, 'three chunks of records');
      assert.equal(at, bytes.length);
      const damaged = Buffer.from(bytes);
      damaged[chunks[1][0]] = 0x7b; // '{': the second chunk is no longer a JSON array
      writeFileSync(file, damaged);
      const store = await CacheStore.open(root, { indexDir });
      assert.deepEqual(comparable(await store.scan()), await truth(root));
      assert.equal(store.lastScanReuse?.indexLoaded, true);
      assert.equal(store.lastScanReuse?.sidecarsRead, RECORD_CHUNK, 'only the damaged chunk is read again');
      // A chunk cut short makes the whole tail unusable: nothing of it is trusted.
      writeFileSync(file, bytes.subarray(0, chunks[2][0] + 10));
      const again = await CacheStore.open(root, { indexDir });
      assert.deepEqual(comparable(await again.scan()), await truth(root));
      assert.equal(again.lastScanReuse?.indexLoaded, false);
    });

    it('tells whether a folder holds the index of a big store (to start the scan threads early)', async () => {
      const indexDir = tempDir('xp-index-dir-');
      assert.equal(holdsLargeIndex(indexDir, 1), false);
      assert.equal(holdsLargeIndex(path.join(indexDir, 'missing'), 1), false);
      await (await CacheStore.open(makeStore(), { indexDir })).scan();
      const size = statSync(path.join(indexDir, readdirSync(indexDir)[0])).size;
      assert.equal(holdsLargeIndex(indexDir, size), true);
      assert.equal(holdsLargeIndex(indexDir, size + 1), false);
    });

    it('stores text as ASCII JSON that parses back to the same strings', () => {
      const values = [
        'température moyenne.nc',
        'δelta',
        '😀 emoji',
        '\ud800 lone',
        'plain',
        '\u007f\u0080\uffff',
      ];
      const json = asciiJson(values);
      assert.match(json, /^[\x00-\x7f]*$/);
      assert.deepEqual(JSON.parse(Buffer.from(json, 'latin1').toString('latin1')), values);
    });

    it('keeps non-ASCII keys and metadata exact through an index (all-serializers)', async () => {
      const root = copyFixtureKind('all-serializers');
      const indexDir = tempDir('xp-index-dir-');
      await settle();
      scanInOtherProcess(root, indexDir);
      const store = await CacheStore.open(root, { indexDir });
      assert.deepEqual(comparable(await store.scan()), await truth(root));
      assert.equal(store.lastScanReuse?.sidecarsRead, 0);
    });

    it('keeps the broken fixtures exact through an index (every problem kind)', async () => {
      const entries = path.join(copyFixtureKind('broken'), 'entries');
      const indexDir = tempDir('xp-index-dir-');
      await settle();
      scanInOtherProcess(entries, indexDir);
      const store = await CacheStore.open(entries, { indexDir });
      assert.deepEqual(comparable(await store.scan()), await truth(entries));
      // All but nan-metadata, whose NaN JSON cannot hold exactly: that one is read every time.
      assert.equal(store.lastScanReuse?.sidecarsRead, 1);
    });
  });
}
