// Previews of artifacts on object storage, on real servers over HTTP (moto's S3, Azurite's Blob
// service: scripts/lib/objectServers.mjs). The fixture caches written by the real xpersist and
// the preview fixtures are uploaded object by object, then read through their URLs against the
// same oracles (what xarray/pandas said) as the local previews. Bigger objects, written by
// xarray/pandas here, prove that a preview fetches only the ranges it needs.
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  createS3Bucket,
  type ObjectServer,
  startAzurite,
  startS3,
} from '../../../scripts/lib/objectServers.mjs';
import { mapLimit, type ObjectClient, openObjectClient } from '../../../src/core/remote/objectClient';
import { parseObjectUrl } from '../../../src/core/remote/objectUrl';
import * as api from '../../../src/preview/index';
import { cachesDir, removeDir, runPython, tempDir } from '../helpers';
import { checkDataset, expectedJson, type PyJson, previewDir } from './previewFixtures';

const BUCKET = 'xp-preview';

interface Kind {
  name: 's3' | 'az';
  start: typeof startS3;
  makeBucket(server: ObjectServer): Promise<void>;
}

const KINDS: Kind[] = [
  { name: 's3', start: startS3, makeBucket: (s) => createS3Bucket(s, BUCKET).then(() => undefined) },
  {
    name: 'az',
    start: startAzurite,
    async makeBucket(s) {
      const svc = BlobServiceClient.fromConnectionString(s.connectionString as string);
      await svc.getContainerClient(BUCKET).createIfNotExists();
    },
  },
];

/** Every regular file under `dir`, as '/'-separated relative paths. */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) out.push(...filesUnder(dir, r));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

async function upload(client: ObjectClient, prefix: string, dir: string): Promise<void> {
  await mapLimit(filesUnder(dir), 8, (r) => client.put(`${prefix}/${r}`, readFileSync(path.join(dir, r))));
}

/** What a preview fetched while `fn` ran, from cold (no cached handle or block). */
async function fetched(fn: () => Promise<unknown>): Promise<api.FetchStats> {
  await api.closeAll();
  api.resetRemoteFetchStats();
  await fn();
  return api.remoteFetchStats();
}

/** describe + first rows of a CSV against pandas (as csv.test.ts does for local files). */
async function checkTable(file: string, o: api.ReadOptions, e: PyJson): Promise<void> {
  const m = await api.describe(file, 'pandas.csv', o);
  assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : '');
  if (m.kind !== 'table') return;
  assert.deepEqual(
    m.columns.map((c) => [c.name, c.dtype]),
    e.columns.map((c: string, i: number) => [c, e.dtypes[i]]),
  );
  assert.deepEqual(m.index, e.index);
  assert.equal(m.rowCount, e.row_count);
  assert.deepEqual((await api.readRows(file, 'pandas.csv', 0, e.rows.length, o)).rows, e.rows);
  assert.deepEqual((await api.readRows(file, 'pandas.csv', e.tail_offset, 100, o)).rows, e.tail_rows);
}

/** A 48 x 256 x 512 float32 field (24 MiB, one chunk per time step) as zarr, netCDF4, parquet. */
function writeBigFiles(dir: string): void {
  runPython(
    `import sys, numpy as np, pandas as pd, xarray as xr
d = sys.argv[1]
rng = np.random.default_rng(0)
t = rng.standard_normal((48, 256, 512)).astype("float32")
ds = xr.Dataset({"t": (("time", "y", "x"), t)}, coords={"time": np.arange(48), "y": np.arange(256.0), "x": np.arange(512.0)})
ds.to_zarr(d + "/big.zarr", encoding={"t": {"chunks": (1, 256, 512)}})
ds.to_netcdf(d + "/big.nc", engine="netcdf4", encoding={"t": {"chunksizes": (1, 256, 512), "zlib": True, "complevel": 1}})
n = 400_000
pd.DataFrame({"a": np.arange(n), "b": rng.standard_normal(n), "c": rng.integers(0, 9, n)}).to_parquet(d + "/big.parquet", row_group_size=50_000)
# An uncompressed joblib over the bound of a whole read (64 MiB): 72 MiB of arrays beside a frame.
import joblib
joblib.dump({"field": t, "weights": rng.standard_normal((1500, 4000)), "frame": pd.DataFrame({"a": np.arange(5)})}, d + "/big.joblib")
`,
    [dir],
  );
  const lines = ['idx,a,b,label'];
  for (let i = 0; i < 400_000; i++) lines.push(`${i},${i * 3},${(i * 0.25).toFixed(2)},row number ${i}`);
  writeFileSync(path.join(dir, 'big.csv'), `${lines.join('\n')}\n`);
  // Bigger than what a remote pickle is read whole up to (64 MiB): refused before any GET.
  writeFileSync(
    path.join(dir, 'huge.pkl'),
    Buffer.concat([Buffer.from([0x80, 4]), Buffer.alloc(65 * 2 ** 20)]),
  );
}

for (const kind of KINDS) {
  describe(`previews of artifacts on object storage (${kind.name}, real server over HTTP)`, () => {
    let server: ObjectServer;
    let client: ObjectClient;
    let dir: string;
    let o: api.ReadOptions;
    const url = (rel: string) => `${kind.name}://${BUCKET}/${rel}`;
    const cache = (key: string) => url(`cache/${key}`);
    const fixture = (rel: string) => url(`preview/${rel}`);
    const sizes = new Map<string, number>();

    before(async () => {
      dir = tempDir('xp-remote-preview-');
      server = await kind.start({ dir: path.join(dir, 'server') });
      await kind.makeBucket(server);
      o = { storageOptions: server.storageOptions };
      client = await openObjectClient(parseObjectUrl(url('')), server.storageOptions);
      await upload(client, 'cache', path.join(cachesDir(), 'all-serializers'));
      await upload(client, 'preview', previewDir());
      const big = path.join(dir, 'big');
      writeBigFiles(big);
      await upload(client, 'big', big);
      for (const f of filesUnder(big)) {
        const top = f.split('/')[0];
        sizes.set(top, (sizes.get(top) ?? 0) + lstatSync(path.join(big, f)).size);
      }
    });
    after(async () => {
      await api.closeAll();
      await server?.stop();
      removeDir(dir);
    });

    it('zarr v2/v3 (consolidated, walked through listings, groups) read as xarray reads them', async () => {
      const exp = expectedJson();
      const caches = exp.xpersist_caches;
      await checkDataset(api, cache('tas_monthly.zarr'), 'xarray.zarr', caches['tas_monthly.zarr'], {
        ...o,
        dumpKwargs: {
          mode: 'w',
          encoding: { pr: { dtype: 'int16', scale_factor: 1e-6, add_offset: 0, _FillValue: -32768 } },
        },
      });
      await checkDataset(
        api,
        cache('experiments/run1/output.zarr'),
        'xarray.zarr',
        caches['experiments/run1/output.zarr'],
        o,
      );
      for (const name of ['cf_consolidated.zarr', 'unconsolidated_zlib.zarr', 'raw_dtypes.zarr'])
        await checkDataset(api, fixture(`zarr2/${name}`), 'xarray.zarr', exp.zarr2[name], o);
      const g = exp.zarr2['groups.zarr'];
      await checkDataset(api, fixture('zarr2/groups.zarr'), 'xarray.zarr', g.forecast, {
        ...o,
        dumpKwargs: { group: 'forecast' },
      });
      // As zarr.test.ts: the pinned xarray shows zarr 3 strings as object.
      const dtypeAlias = { 'StringDType()': 'object' };
      for (const name of ['cf_consolidated.zarr', 'unconsolidated_gzip.zarr'])
        await checkDataset(api, fixture(`zarr3/${name}`), 'xarray.zarr', exp.zarr3[name], o, { dtypeAlias });
      const sh = exp.zarr3['sharded_groups.zarr'];
      await checkDataset(
        api,
        fixture('zarr3/sharded_groups.zarr'),
        'xarray.zarr',
        sh.sub,
        {
          ...o,
          dumpKwargs: { group: 'sub' },
        },
        { dtypeAlias },
      );
    });

    it('netCDF4/HDF5 and netCDF3 read through ranged GETs as xarray reads them', async () => {
      const exp = expectedJson();
      const caches = exp.xpersist_caches;
      for (const key of ['sst_daily.nc', 'ensemble_mean', 'température moyenne.nc', 'station_obs_nc3.nc'])
        await checkDataset(api, cache(key), 'xarray.netcdf', caches[key], o);
      await checkDataset(api, fixture('netcdf/cf4.nc'), 'xarray.netcdf', exp.netcdf['cf4.nc'], o);
      await checkDataset(api, fixture('netcdf/nc3_64bit.nc'), 'xarray.netcdf', exp.netcdf['nc3_64bit.nc'], o);
      const g = exp.netcdf['groups.nc'];
      await checkDataset(api, fixture('netcdf/groups.nc'), 'xarray.netcdf', g.obs, {
        ...o,
        dumpKwargs: { group: 'obs' },
      });
    });

    it('CSV and parquet tables, joblib object trees: as pandas shows them, as the local preview shows them', async () => {
      const caches = expectedJson().xpersist_caches;
      await checkTable(cache('observations.csv'), o, caches['observations.csv']);
      await checkTable(
        cache('daily_summary.csv'),
        { ...o, dumpKwargs: { index: false } },
        caches['daily_summary.csv'],
      );
      const pq = expectedJson().parquet['snappy.parquet'];
      const m = await api.describe(fixture('parquet/snappy.parquet'), 'pandas.parquet', o);
      assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : '');
      assert.equal(m.kind === 'table' && m.rowCount, pq.row_count);
      const head = await api.readRows(
        fixture('parquet/snappy.parquet'),
        'pandas.parquet',
        0,
        pq.rows.length,
        o,
      );
      assert.deepEqual(
        head.rows.map((r) => pq.columns.map((c: string) => r[head.columns.indexOf(c)])),
        pq.rows,
      );
      for (const rel of ['pickle/arrays_zlib.joblib', 'pickle/dataframe.joblib', 'pickle/protocol2.pkl']) {
        const remote = await api.describe(fixture(rel), 'joblib', o);
        assert.equal(remote.kind, 'object', remote.kind === 'unsupported' ? remote.reason : rel);
        assert.deepEqual(remote, await api.describe(previewDir(rel), 'joblib'), rel);
      }
      const local = path.join(cachesDir(), 'all-serializers', 'weights.joblib');
      assert.deepEqual(
        await api.describe(cache('weights.joblib'), 'joblib', o),
        await api.describe(local, 'joblib'),
      );
    });

    it('a slice of a 24 MiB zarr or netCDF4 fetches under 5 % of it; a CSV page and a parquet page a fraction', async (t) => {
      const slice = { time: 17 };
      for (const [name, serializer] of [
        ['big.zarr', 'xarray.zarr'],
        ['big.nc', 'xarray.netcdf'],
      ] as const) {
        let values: api.ValuesResult | undefined;
        const s = await fetched(async () => {
          const m = await api.describe(url(`big/${name}`), serializer, o);
          assert.equal(m.kind, 'dataset', m.kind === 'unsupported' ? m.reason : name);
          values = await api.readValues(url(`big/${name}`), serializer, 't', slice, o);
        });
        assert.deepEqual(values?.shape, [256, 512], name);
        const local = await api.readValues(path.join(dir, 'big', name), serializer, 't', slice);
        assert.deepEqual(values?.values, local.values, `${name}: the same values as the local file`);
        const total = sizes.get(name) ?? 0;
        t.diagnostic(
          `${name}: ${s.bytes} of ${total} bytes, ${s.requests} GETs, ${s.heads} HEADs, ${s.listings} listings`,
        );
        assert.ok(
          s.bytes < total * 0.05,
          `${name}: fetched ${s.bytes} of ${total} bytes in ${s.requests} GETs`,
        );
        assert.ok(s.bytes >= 256 * 512 * 4 * 0.5, `${name}: the slice itself was fetched (${s.bytes} bytes)`);
      }
      const csv = await fetched(async () => {
        const m = await api.describe(url('big/big.csv'), 'pandas.csv', o);
        assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : 'csv');
        const r = await api.readRows(url('big/big.csv'), 'pandas.csv', 0, 50, o);
        assert.deepEqual(r.rows[49], [49, 147, 12.25, 'row number 49']);
      });
      const csvSize = sizes.get('big.csv') ?? 0;
      t.diagnostic(`big.csv: ${csv.bytes} of ${csvSize} bytes, ${csv.requests} GETs`);
      assert.ok(csv.bytes < csvSize * 0.05, `CSV: fetched ${csv.bytes} of ${csvSize} bytes`);
      const pq = await fetched(async () => {
        const m = await api.describe(url('big/big.parquet'), 'pandas.parquet', o);
        assert.equal(m.kind === 'table' && m.rowCount, 400_000);
        const r = await api.readRows(url('big/big.parquet'), 'pandas.parquet', 0, 50, o);
        assert.deepEqual(r.rows[49].slice(0, 1), [49]);
      });
      const pqSize = sizes.get('big.parquet') ?? 0;
      t.diagnostic(`big.parquet: ${pq.bytes} of ${pqSize} bytes, ${pq.requests} GETs`);
      assert.ok(pq.bytes < pqSize * 0.25, `parquet: fetched ${pq.bytes} of ${pqSize} bytes (8 row groups)`);
      const pkl = await fetched(async () => {
        const m = await api.describe(url('big/huge.pkl'), 'joblib', o);
        assert.equal(m.kind, 'unsupported');
        assert.match(m.kind === 'unsupported' ? m.reason : '', /not a readable pickle/);
      });
      assert.ok(
        // Only the first block: the machine stops at its first opcode.
        pkl.bytes <= 64 * 1024,
        `a damaged pickle is refused without downloading it (${pkl.bytes} bytes)`,
      );
      // A real joblib of 72 MiB (over the whole-read bound): the same tree as the local preview,
      // from its opcode stream and the values the tree keeps, not from a download.
      const jb = await fetched(async () => {
        const m = await api.describe(url('big/big.joblib'), 'joblib', o);
        assert.deepEqual(m, await api.describe(path.join(dir, 'big', 'big.joblib'), 'joblib'));
      });
      const jbSize = sizes.get('big.joblib') ?? 0;
      t.diagnostic(`big.joblib: ${jb.bytes} of ${jbSize} bytes, ${jb.requests} GETs`);
      assert.ok(
        jbSize > 64 * 2 ** 20 && jb.bytes < jbSize * 0.02,
        `joblib: fetched ${jb.bytes} of ${jbSize} bytes`,
      );
    });

    it('a rewritten object is read fresh, a missing one is unsupported with its URL', async () => {
      const u = url('changing/t.csv');
      await client.put('changing/t.csv', 'a,b\n1,2\n');
      assert.deepEqual(
        (await api.readRows(u, 'pandas.csv', 0, 10, { ...o, dumpKwargs: { index: false } })).rows,
        [[1, 2]],
      );
      await client.put('changing/t.csv', 'a,b\n1,2\n3,4\n');
      assert.deepEqual(
        (await api.readRows(u, 'pandas.csv', 0, 10, { ...o, dumpKwargs: { index: false } })).rows,
        [
          [1, 2],
          [3, 4],
        ],
      );
      const missing = await api.describe(url('cache/nothing-here.nc'), 'xarray.netcdf', o);
      assert.equal(missing.kind, 'unsupported');
      assert.match(missing.kind === 'unsupported' ? missing.reason : '', /does not exist.*nothing-here\.nc/);
    });
  });
}
