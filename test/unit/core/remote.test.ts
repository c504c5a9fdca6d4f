// Stores on object storage, on real servers over HTTP: moto's S3 and Azurite's Blob service,
// started here on 127.0.0.1 (scripts/lib/objectServers.mjs). One suite, run once per kind:
// - the fixture caches written by the real xpersist, uploaded object by object, give the same
//   keys/has/getArtifact as the xpersist oracle, and the same scan as the local core;
// - stores written by the real xpersist through s3fs/adlfs are scanned, deleted from and copied
//   into by the core, and xpersist reads them back (nothing half-deleted, copies loadable);
// - deletes never touch bait objects beside the store's prefix; readonly is honoured; a rescan
//   fetches only changed sidecars, and a persisted index is proven current by the listing.
import assert from 'node:assert/strict';
import { cpSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  createS3Bucket,
  type ObjectServer,
  startAzurite,
  startS3,
} from '../../../scripts/lib/objectServers.mjs';
import { CacheStore, ReadonlyStoreError } from '../../../src/core/index';
import { mapLimit } from '../../../src/core/remote/objectClient';
import { objectKey } from '../../../src/core/remote/objectUrl';
import type { ObjectCacheStore } from '../../../src/core/remote/remoteStore';
import type { Problem, ScanProgress, StoreReport } from '../../../src/core/types';
import { cachesDir, copyFixtureKind, readExpected, removeDir, runPython, tempDir } from '../helpers';
import { checkCache, type Oracle } from './oracleCheck';

const BUCKET = 'xp-test';

interface Kind {
  name: 's3' | 'az';
  start: typeof startS3;
  /** fsspec protocols whose global config the Python serializers need. */
  protocols: string[];
  makeBucket(server: ObjectServer): Promise<void>;
}

const KINDS: Kind[] = [
  {
    name: 's3',
    start: startS3,
    protocols: ['s3'],
    async makeBucket(server) {
      await createS3Bucket(server, BUCKET);
    },
  },
  {
    name: 'az',
    start: startAzurite,
    protocols: ['az', 'abfs', 'abfss'],
    async makeBucket(server) {
      const svc = BlobServiceClient.fromConnectionString(server.connectionString as string);
      await svc.getContainerClient(BUCKET).createIfNotExists();
    },
  },
];

let counter = 0;
const freshPrefix = (label: string) => `${label.replace(/[^a-z0-9-]/gi, '-')}-${++counter}`;

/** Uploads every regular file under `dir` as objects under the store's prefix. */
async function putTree(store: ObjectCacheStore, dir: string, rel = ''): Promise<number> {
  let n = 0;
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) n += await putTree(store, dir, r);
    else if (st.isFile()) {
      await store.client.put(objectKey(store.location, r), readFileSync(path.join(dir, r)));
      n++;
    }
  }
  return n;
}

/** A throw-away copy of a fixture cache folder (`kind` or `kind/sub`), empty folders included. */
function fixtureCopy(fixture: string): string {
  const [kind, ...rest] = fixture.split('/');
  return path.join(copyFixtureKind(kind), ...rest);
}

/** A report with the store's root taken out, and what only local folders can hold left out. */
function comparable(report: StoreReport, root: string) {
  const rel = (p: string) => p.split(root).join('<root>').split(path.sep).join('/');
  const localOnly = (p: Problem) => /Empty folder|Empty folders/.test(p.message);
  return {
    artifacts: report.artifacts.map((a) => ({
      key: a.key,
      serializer: a.serializer,
      createdAtText: a.createdAtText,
      dataKind: a.dataKind,
      sizeBytes: a.sizeBytes,
      dataPath: rel(a.dataPath),
      problems: a.problems.map((p) => `${p.kind} ${rel(p.path)}`),
    })),
    problems: report.problems
      .filter((p) => !localOnly(p))
      .map((p) => ({
        kind: p.kind,
        key: p.key,
        path: rel(p.path),
        fixable: p.fixable,
        message: rel(p.message),
      })),
    brokenKeys: report.brokenKeys,
    totalBytes: report.totalBytes,
  };
}

for (const kind of KINDS) {
  describe(`a store on object storage (${kind.name}, real server over HTTP)`, () => {
    let server: ObjectServer;
    let dir: string;
    const url = (prefix: string) => `${kind.name}://${BUCKET}/${prefix}`;
    const open = async (prefix: string, extra: Record<string, unknown> = {}) =>
      (await CacheStore.open(url(prefix), {
        storageOptions: server.storageOptions,
        ...extra,
      })) as ObjectCacheStore;
    /** A store holding a copy of a fixture cache folder. */
    const uploaded = async (fixture: string, extra: Record<string, unknown> = {}) => {
      const store = await open(freshPrefix(fixture), extra);
      await putTree(store, fixtureCopy(fixture));
      return store;
    };
    /** Runs Python with the real xpersist against this server (fsspec configured globally too). */
    const py = (code: string, store: ObjectCacheStore) =>
      runPython(
        `import json, sys, fsspec\nopts = json.loads(sys.argv[2])\nfor p in json.loads(sys.argv[3]): fsspec.config.conf[p] = opts\nfrom xpersist import CacheStore\nstore = CacheStore(sys.argv[1], storage_options=opts)\n${code}`,
        [store.root, JSON.stringify(server.storageOptions), JSON.stringify(kind.protocols)],
      );

    before(async () => {
      dir = tempDir('xp-objects-');
      server = await kind.start({ dir });
      await kind.makeBucket(server);
    });
    after(async () => {
      await server?.stop();
      removeDir(dir);
    });

    it('agrees with the xpersist oracle on every fixture cache', async () => {
      for (const fixture of ['seed-demo', 'all-serializers', 'release-2021.12.17']) {
        await checkCache(await uploaded(fixture), readExpected(fixture) as Oracle);
      }
      const broken = readExpected('broken').caches as Record<string, Oracle>;
      for (const [name, oracle] of Object.entries(broken)) {
        await checkCache(await uploaded(`broken/${name}`), oracle);
      }
    });

    it('scans like the local core: artifacts, sizes of zarr "folders", every problem kind', async () => {
      for (const fixture of ['all-serializers', 'release-2021.12.17', 'broken/entries']) {
        // The tree as git holds it: the empty folders the local copies recreate cannot exist as
        // objects (an empty metadata folder of a nested store, for one).
        const local = path.join(tempDir('xp-plain-'), 'store');
        cpSync(path.join(cachesDir(), fixture), local, { recursive: true });
        const want = comparable(await (await CacheStore.open(local)).scan(), local);
        const store = await uploaded(fixture);
        const got = comparable(await store.scan(), store.root);
        assert.deepEqual(got, want, fixture);
        assert.ok(got.artifacts.length > 0);
      }
      const kinds = new Set((await (await uploaded('broken/entries')).scan()).problems.map((p) => p.kind));
      for (const k of [
        'invalid-json',
        'invalid-sidecar',
        'data-missing',
        'orphan-data',
        'stray-file',
        'key-mismatch',
      ]) {
        assert.ok(kinds.has(k as Problem['kind']), `broken/entries reports ${k}`);
      }
    });

    it('reads stores the real xpersist wrote, deletes all of a zarr, and xpersist reads the rest back', async () => {
      const store = await open(freshPrefix('written'));
      py(
        `import numpy as np, xarray as xr\nds = xr.Dataset({"t": (("x", "y"), np.arange(12.0).reshape(3, 4))})\nfor k in ["a.zarr", "nested/deep/b.zarr"]: store.put(k, ds, serializer="xarray.zarr", dump_kwargs={"mode": "w"})`,
        store,
      );
      const report = await store.scan();
      assert.deepEqual(
        report.artifacts.map((a) => [a.key, a.dataKind]),
        [
          ['a.zarr', 'directory'],
          ['nested/deep/b.zarr', 'directory'],
        ],
      );
      assert.deepEqual(report.problems, []);
      const du = JSON.parse(py('print(json.dumps(store.mapper.fs.du(sys.argv[1] + "/a.zarr")))', store));
      assert.equal(report.artifacts[0].sizeBytes, du, 'the size of a zarr is the sum over its objects');

      const dry = await store.delete('a.zarr', { dryRun: true });
      assert.equal(
        dry.paths[0],
        `${store.root}/xpersist_metadata_store/a.zarr.artifact.json`,
        'sidecar first',
      );
      assert.ok(
        dry.paths.some((p) => p.endsWith('/a.zarr/t/0.0')),
        'every chunk object is listed',
      );
      assert.equal((await store.scan()).artifacts.length, 2, 'a dry run changes nothing');
      const done = await store.delete('a.zarr', { dryRun: false });
      assert.deepEqual(done.paths, dry.paths);

      const copied = await store.copyArtifact('nested/deep/b.zarr', store, 'c.zarr');
      assert.equal(copied.outcome, 'written');
      const back = JSON.parse(
        py(
          'fs = store.mapper.fs\nprint(json.dumps({"has_a": "a.zarr" in store, "a_left": fs.exists(sys.argv[1] + "/a.zarr"), "b": float(store.get("nested/deep/b.zarr").t.sum()), "c": float(store.get("c.zarr").t.sum()), "c_meta": store.get_artifact("c.zarr").dict()["created_at"].isoformat() == store.get_artifact("nested/deep/b.zarr").dict()["created_at"].isoformat()}))',
          store,
        ),
      );
      assert.deepEqual(back, { has_a: false, a_left: false, b: 66, c: 66, c_meta: true });
      const sidecarB = (
        await store.client.get(
          objectKey(store.location, 'xpersist_metadata_store/nested/deep/b.zarr.artifact.json'),
        )
      )?.toString();
      const sidecarC = (
        await store.client.get(objectKey(store.location, 'xpersist_metadata_store/c.zarr.artifact.json'))
      )?.toString();
      assert.equal(
        sidecarC,
        sidecarB?.replace('"key": "nested/deep/b.zarr"', '"key": "c.zarr"'),
        'byte-identical sidecar',
      );
    });

    it('copies between a local store and an object store both ways, sidecars byte for byte', async () => {
      const localDir = copyFixtureKind('all-serializers');
      const local = await CacheStore.open(localDir);
      const key = (await local.keys()).find((k) => k.endsWith('.zarr')) as string;
      const remote = await open(freshPrefix('copies'));
      await local.copyArtifact(key, remote);
      const localSidecar = readFileSync(local.sidecarPath(key), 'utf8');
      assert.equal(
        (
          await remote.client.get(objectKey(remote.location, `xpersist_metadata_store/${key}.artifact.json`))
        )?.toString(),
        localSidecar,
      );
      const entry = (await remote.scan()).artifacts.find((a) => a.key === key);
      const localEntry = (await local.scan()).artifacts.find((a) => a.key === key);
      assert.equal(entry?.sizeBytes, localEntry?.sizeBytes);
      const back = await CacheStore.open(tempDir('xp-back-'));
      await remote.copyArtifact(key, back, 'again.zarr');
      const backEntry = (await back.scan()).artifacts[0];
      assert.equal(backEntry.key, 'again.zarr');
      assert.equal(backEntry.sizeBytes, localEntry?.sizeBytes);
      assert.equal(backEntry.createdAtText, localEntry?.createdAtText, 'created_at kept');
    });

    it('never touches objects beside the prefix, even after deleting and fixing everything', async () => {
      const prefix = freshPrefix('bait');
      const store = await open(prefix);
      await putTree(store, fixtureCopy('broken/entries'));
      const bait = [
        `${prefix}-other/xpersist_metadata_store/x.artifact.json`,
        `${prefix}x/data`,
        `${prefix}-other/ok.joblib`,
      ];
      for (const b of bait) await store.client.put(b, 'bait');
      await store.client.put(`${prefix}/../escape`, 'bait');
      for (const key of await store.keys()) await store.delete(key, { dryRun: false }).catch(() => undefined);
      for (const p of (await store.scan()).problems) {
        if (p.fixable) await store.fixProblem(p, { dryRun: false });
      }
      for (const b of bait) assert.ok(await store.client.head(b), `${b} untouched`);
      const left = await store.scan();
      assert.deepEqual(left.artifacts, []);
      assert.ok(
        left.problems.every((p) => !p.fixable),
        'only unfixable problems are left',
      );
    });

    it('readonly stores refuse every write and change nothing', async () => {
      const store = await uploaded('seed-demo', { readonly: true });
      const before = await store.keys();
      await assert.rejects(store.delete(before[0], { dryRun: false }), ReadonlyStoreError);
      const dry = await store.delete(before[0], { dryRun: true });
      assert.ok(dry.paths.length >= 2, 'a dry run still lists what would go');
      await assert.rejects(
        store.importArtifact('new.joblib', __filename, { serializer: 'joblib' }),
        ReadonlyStoreError,
      );
      assert.deepEqual(await store.keys(), before);
    });

    it('rescans fetch only changed sidecars; a persisted index is proven by the listing', async () => {
      const indexDir = tempDir('xp-remote-index-');
      const store = await uploaded('release-2021.12.17', { indexDir });
      const first = await store.scan();
      const n = first.artifacts.length + first.brokenKeys.length;
      assert.equal(store.lastScanReuse?.sidecarsRead, n);
      await store.scan();
      assert.equal(store.lastScanReuse?.sidecarsRead, 0, 'no change: only the listing');
      const again = await open(store.root.split('/').pop() as string, { indexDir });
      const viaIndex = await again.scan();
      assert.deepEqual(again.lastScanReuse, {
        indexLoaded: true,
        listingReused: false,
        orphansReused: false,
        sidecarsRead: 0,
      });
      assert.deepEqual(comparable(viaIndex, store.root), comparable(first, store.root));
      // Same size, new content: the ETag changes, so the index entry is not trusted.
      const key = first.artifacts[0].key;
      const obj = objectKey(store.location, `xpersist_metadata_store/${key}.artifact.json`);
      const text = (await store.client.get(obj))?.toString() as string;
      const changed = text.replace(`"serializer": "${first.artifacts[0].serializer}"`, (m) =>
        m.replace(/"serializer": "(.)/, '"serializer": "Z'),
      );
      assert.equal(changed.length, text.length);
      await store.client.put(obj, changed);
      const third = await (await open(store.root.split('/').pop() as string, { indexDir })).scan();
      assert.match(third.artifacts.find((a) => a.key === key)?.serializer ?? '', /^Z/);
    });

    it('imports from an object URL into an object store and, with fsspec config from the environment, into a local store', async () => {
      const store = await uploaded('all-serializers');
      const source = (await store.scan()).artifacts.find((a) => a.dataKind === 'directory');
      assert.ok(source);
      const written = await store.importArtifact('imported.zarr', source.dataPath, {
        serializer: 'xarray.zarr',
      });
      assert.equal(written.outcome, 'written');
      const inStore = (await store.scan()).artifacts.find((a) => a.key === 'imported.zarr');
      assert.equal(inStore?.sizeBytes, source.sizeBytes);
      const variable = `FSSPEC_${kind.protocols[0].toUpperCase()}`;
      process.env[variable] = JSON.stringify(server.storageOptions);
      try {
        const local = await CacheStore.open(tempDir('xp-from-url-'));
        await local.importArtifact('here.zarr', source.dataPath, { serializer: 'xarray.zarr' });
        const entry = (await local.scan()).artifacts[0];
        assert.deepEqual(
          [entry.key, entry.dataKind, entry.sizeBytes],
          ['here.zarr', 'directory', source.sizeBytes],
        );
      } finally {
        delete process.env[variable];
      }
      await assert.rejects(
        store.importArtifact('none.zarr', `${store.root}/no-such-thing`, { serializer: 'xarray.zarr' }),
        /Nothing to import/,
      );
    });

    it('reports progress with partial reports (the first 200 artifacts first), and can be cancelled', async () => {
      const store = await open(freshPrefix('progress'));
      const keys = Array.from({ length: 450 }, (_, i) => `k${String(i).padStart(3, '0')}.joblib`);
      await mapLimit(keys, 32, async (k) => {
        await store.client.put(
          objectKey(store.location, `xpersist_metadata_store/${k}.artifact.json`),
          `{"key": "${k}", "serializer": "joblib"}`,
        );
        await store.client.put(objectKey(store.location, k), 'x');
      });
      const seen: ScanProgress[] = [];
      const report = await store.scan({ onProgress: (p) => seen.push(p) });
      assert.equal(report.artifacts.length, 450);
      assert.ok(
        seen.some((p) => p.phase === 'listing' && p.done === 900),
        'the listing is counted',
      );
      const partial = seen.filter((p) => p.phase === 'sidecars');
      assert.deepEqual(
        partial.map((p) => [p.done, p.total, p.report?.artifacts.length]),
        [[200, 450, 200]],
      );
      assert.deepEqual(partial[0].report?.problems, [], 'data of keys not read yet is not orphan data');
      const fresh = await open(store.root.split('/').pop() as string);
      const abort = new AbortController();
      const cancelled = fresh.scan({
        signal: abort.signal,
        onProgress: (p) => p.phase === 'sidecars' && abort.abort(),
      });
      await assert.rejects(cancelled, /^Error: Scan cancelled\.$/);
      assert.equal((await fresh.scan()).artifacts.length, 450, 'a later scan completes');
    });

    it('reports a missing bucket as not a store, naming it', async () => {
      const store = await CacheStore.open(`${kind.name}://no-such-bucket-here/p`, {
        storageOptions: server.storageOptions,
      });
      const report = await store.scan();
      assert.equal(report.isStore, false);
      assert.match(report.problems[0].message, /no-such-bucket-here/);
    });

    if (kind.name === 'az') {
      it('refused credentials: a clear 403 naming the container, never the key', async () => {
        const wrongKey = Buffer.alloc(64, 7).toString('base64');
        const conn = (server.connectionString as string).replace(
          /AccountKey=[^;]+/,
          `AccountKey=${wrongKey}`,
        );
        const store = await CacheStore.open(url('seed-demo'), {
          storageOptions: { connection_string: conn },
        });
        const report = await store.scan();
        assert.equal(report.isStore, false);
        assert.match(report.problems[0].message, /Access denied .* container "xp-test"/);
        assert.ok(!report.problems[0].message.includes(wrongKey));
      });
    }
  });
}
