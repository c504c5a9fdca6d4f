// How many requests a preview's first paint sends to object storage, counted where they cannot be
// miscounted: an HTTP proxy between the S3 SDK and a real moto server records every request by
// method and kind (HEAD, listing, GET). The first paint is what the panel asks for: describe()
// then readValues() of the first 2-D slice, from cold. The counts are the spec: a zarr needs one
// look at the folder, its consolidated metadata and the slice's chunk; a netCDF4 file one HEAD
// and a few ranged GETs of its metadata blocks and the chunk.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createS3Bucket, type ObjectServer, startS3 } from '../../../scripts/lib/objectServers.mjs';
import { mapLimit, openObjectClient } from '../../../src/core/remote/objectClient';
import { parseObjectUrl } from '../../../src/core/remote/objectUrl';
import * as api from '../../../src/preview/index';
import { forward, listenLocal } from '../../bench/countingProxy';
import { removeDir, runPython, tempDir } from '../helpers';

const BUCKET = 'xp-requests';

interface Seen {
  method: string;
  kind: 'head' | 'list' | 'get' | 'other';
  path: string;
  range: string;
}

/** A proxy to `target` that records every request before forwarding it unchanged. */
async function countingProxy(target: URL, seen: Seen[]): Promise<{ endpoint: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const list = req.method === 'GET' && (u.searchParams.has('list-type') || u.searchParams.has('prefix'));
    const kind = req.method === 'HEAD' ? 'head' : list ? 'list' : req.method === 'GET' ? 'get' : 'other';
    seen.push({
      method: req.method ?? '',
      kind,
      path: decodeURIComponent(u.pathname),
      range: String(req.headers.range ?? ''),
    });
    forward(target, req, res);
  });
  const port = await listenLocal(server);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const tally = (seen: Seen[]) => ({
  head: seen.filter((s) => s.kind === 'head').length,
  list: seen.filter((s) => s.kind === 'list').length,
  get: seen.filter((s) => s.kind === 'get').length,
  other: seen.filter((s) => s.kind === 'other').length,
});

describe('requests of a first paint on S3 (counted by a proxy in front of moto)', () => {
  let server: ObjectServer;
  let proxy: { endpoint: string; close(): void };
  let dir: string;
  let o: api.ReadOptions;
  const seen: Seen[] = [];
  const url = (rel: string) => `s3://${BUCKET}/data/${rel}`;

  before(async () => {
    dir = tempDir('xp-remote-requests-');
    server = await startS3({ dir: path.join(dir, 'server') });
    await createS3Bucket(server, BUCKET);
    // Two variables of 16 time steps, one chunk per step, coordinates, attributes: a cache as
    // xarray writes it (consolidated zarr v2, netCDF4 with chunked zlib variables).
    runPython(
      `import sys, numpy as np, xarray as xr
d = sys.argv[1]
rng = np.random.default_rng(1)
shape = (16, 96, 160)
ds = xr.Dataset(
    {"t": (("time", "lat", "lon"), rng.standard_normal(shape).astype("float32"), {"units": "K"}),
     "pr": (("time", "lat", "lon"), rng.random(shape).astype("float32"), {"units": "mm"})},
    coords={"time": np.arange(16), "lat": np.linspace(-90, 90, 96), "lon": np.linspace(0, 360, 160, endpoint=False)},
    attrs={"title": "requests"})
enc = {v: {"chunks": (1, 96, 160)} for v in ("t", "pr")}
ds.to_zarr(d + "/ds.zarr", encoding=enc)
ds.to_netcdf(d + "/ds.nc", engine="netcdf4", encoding={v: {"chunksizes": (1, 96, 160), "zlib": True} for v in ("t", "pr")})
import netCDF4
f = netCDF4.Dataset(d + "/szip.nc", "w"); f.createDimension("x", 100)
f.createVariable("t", "f4", ("x",), compression="szip")[:] = np.arange(100, dtype="float32"); f.close()
# A long series: 400 chunks, a chunk B-tree of several leaves spread through the file.
f = netCDF4.Dataset(d + "/long.nc", "w"); f.createDimension("time", None); f.createDimension("y", 64); f.createDimension("x", 64)
v = f.createVariable("t", "f4", ("time", "y", "x"), chunksizes=(1, 64, 64))
for i in range(400): v[i] = i * 10000 + np.arange(64 * 64, dtype="float32").reshape(64, 64)
f.close()
`,
      [path.join(dir, 'data')],
    );
    const client = await openObjectClient(parseObjectUrl(`s3://${BUCKET}`), server.storageOptions);
    const files = runPython(
      'import os,sys\nfor r,_,fs in os.walk(sys.argv[1]):\n  for f in fs: print(os.path.relpath(os.path.join(r,f), sys.argv[1]))',
      [path.join(dir, 'data')],
    )
      .trim()
      .split('\n');
    await mapLimit(files, 8, (f) => client.put(`data/${f}`, readFileSync(path.join(dir, 'data', f))));
    proxy = await countingProxy(new URL(server.endpoint as string), seen);
    const opts = server.storageOptions as { key: string; secret: string };
    // A fresh client (other options, other cache entry) whose every request passes the proxy.
    o = {
      storageOptions: {
        key: opts.key,
        secret: opts.secret,
        client_kwargs: { endpoint_url: proxy.endpoint, region_name: 'us-east-1' },
      },
    };
  });
  after(async () => {
    await api.closeAll();
    proxy?.close();
    await server?.stop();
    removeDir(dir);
  });

  /** The requests of describe(), then of readValues(first 2-D slice), from cold. */
  async function firstPaint(rel: string, serializer: string): Promise<{ describe: Seen[]; values: Seen[] }> {
    await api.closeAll();
    seen.length = 0;
    const m = await api.describe(url(rel), serializer, o);
    assert.equal(m.kind, 'dataset', m.kind === 'unsupported' ? m.reason : rel);
    const described = seen.splice(0);
    const v = await api.readValues(url(rel), serializer, 't', { time: 0 }, o);
    assert.deepEqual(v.shape, [96, 160]);
    return { describe: described, values: seen.splice(0) };
  }

  /** No object is asked for twice in one call (the same HEAD, listing or byte range). */
  function noRepeats(s: Seen[], what: string): void {
    const ids = s.map((r) => `${r.method} ${r.path} ${r.range}`);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      `${what}: repeated requests in ${ids.join(', ')}`,
    );
  }

  it('zarr (consolidated): describe is 1 HEAD, 1 listing, 2 GETs; the first slice 1 HEAD, 1 listing and its one chunk', async (t) => {
    const s = await firstPaint('ds.zarr', 'xarray.zarr');
    t.diagnostic(`describe ${JSON.stringify(tally(s.describe))}, slice ${JSON.stringify(tally(s.values))}`);
    noRepeats(s.describe, 'describe');
    noRepeats(s.values, 'readValues');
    // The HEAD tells an object from a folder; the folder's one listing answers every later HEAD
    // (.zmetadata, zarr.json, .zarray, chunks) with the sizes and ETags it holds.
    assert.deepEqual(tally(s.describe), { head: 1, list: 1, get: 2, other: 0 });
    assert.deepEqual(
      s.describe.filter((r) => r.kind === 'get').map((r) => r.path),
      [`/${BUCKET}/data/ds.zarr/.zgroup`, `/${BUCKET}/data/ds.zarr/.zmetadata`],
    );
    // A new call looks at the folder again (a rewritten store is seen), reads no metadata again
    // (the same ETags: cached blocks), and fetches the one chunk of time 0.
    assert.deepEqual(tally(s.values), { head: 1, list: 1, get: 1, other: 0 });
    assert.equal(s.values.find((r) => r.kind === 'get')?.path, `/${BUCKET}/data/ds.zarr/t/0.0.0`);
  });

  it('netCDF4: describe is 1 HEAD and 1 ranged GET; the first slice 1 HEAD and 1 ranged GET', async (t) => {
    const s = await firstPaint('ds.nc', 'xarray.netcdf');
    t.diagnostic(`describe ${JSON.stringify(tally(s.describe))}, slice ${JSON.stringify(tally(s.values))}`);
    noRepeats(s.describe, 'describe');
    noRepeats(s.values, 'readValues');
    // One HEAD per call (its ETag keys the block cache), however many readers open the file.
    assert.deepEqual(tally(s.describe), { head: 1, list: 0, get: 1, other: 0 });
    assert.deepEqual(tally(s.values), { head: 1, list: 0, get: 1, other: 0 });
    for (const r of [...s.describe, ...s.values].filter((x) => x.kind === 'get'))
      assert.match(r.range, /^bytes=\d+-\d+$/, 'only ranged GETs');
  });

  it('netCDF4 with a chunk B-tree of several leaves: a slice descends to its one leaf, values exact', async (t) => {
    const size = statSync(path.join(dir, 'data/long.nc')).size;
    for (const step of [0, 217, 399]) {
      await api.closeAll();
      seen.length = 0;
      const v = await api.readValues(url('long.nc'), 'xarray.netcdf', 't', { time: step }, o);
      assert.deepEqual(v.shape, [64, 64]);
      for (const k of [0, 1, 63, 64 * 64 - 1])
        assert.equal(Number(v.values[k]), step * 10000 + k, `t[${step}] #${k}`);
      const gets = seen.filter((r) => r.kind === 'get');
      const bytes = gets.reduce((n, r) => {
        const m = /^bytes=(\d+)-(\d+)$/.exec(r.range);
        assert.ok(m, 'only ranged GETs');
        return n + Number(m[2]) - Number(m[1]) + 1;
      }, 0);
      t.diagnostic(`time ${step}: ${gets.length} GETs, ${bytes} of ${size} bytes`);
      // Superblock and root group (one block), the B-tree root and one leaf, the chunk: not the
      // whole index (7 leaves, read one after another before).
      assert.ok(gets.length <= 4, `time ${step}: ${gets.length} GETs ${gets.map((r) => r.range).join(' ')}`);
      assert.ok(bytes < size / 10, `time ${step}: ${bytes} of ${size} bytes`);
    }
  });

  it('an HDF5 filter the built-in reader lacks (szip): a clear refusal naming it, nothing downloaded whole', async () => {
    await api.closeAll();
    seen.length = 0;
    await assert.rejects(async () => {
      // describe() may already need the data (first values); either call must refuse clearly.
      const m = await api.describe(url('szip.nc'), 'xarray.netcdf', o);
      if (m.kind === 'unsupported') throw new Error(m.reason);
      await api.readValues(url('szip.nc'), 'xarray.netcdf', 't', undefined, o);
    }, /does not read \(HDF5 filter [^)]+\).*opens local files only.*download it/);
    assert.ok(
      seen.every((r) => r.kind !== 'get' || /^bytes=\d+-\d+$/.test(r.range)),
      'only ranged GETs, no whole download',
    );
  });
});
