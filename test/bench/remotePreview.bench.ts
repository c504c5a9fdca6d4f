// Previews of data on object storage, on a local moto S3 server over HTTP, beside xarray + s3fs
// in the same run: a BENCH_PREVIEW_MB (default 1024) float32 field t(time, 1024, 1024), one
// 4 MiB chunk per time step, as a zarr store and as a netCDF4 file. Each round starts a fresh
// process for every contender, interleaved:
//   - preview: describe() + readValues(t, { time: 0 }) (what the panel needs for its first heatmap);
//   - xarray + s3fs: open the same object and load t.isel(time=0). For zarr through
//     s3fs.get_mapper; for netCDF4, with no h5netcdf installed, netCDF4-python can only open the
//     object from memory, so s3fs reads it whole (what a user without h5netcdf does).
// Reported: medians of the time inside the process (from its start) and of the whole process,
// and of describe + slice alone (msDescribeAndSlice), and the bytes fetched (counted in the
// readers, and in s3fs's range fetches). moto answers a ranged GET by reading the whole object
// (moto/s3/responses.py: key.value, then a slice), so each ranged GET of the 1 GiB netCDF4
// costs the server a 1 GiB read: its times here are moto's, not what S3 or Azure would take.
//   out/bench/remotePreview.bench.js      (npm run bench remotePreview; BENCH_PREVIEW_MB, BENCH_ROUNDS)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createS3Bucket, startS3 } from '../../scripts/lib/objectServers.mjs';
import { mapLimit, openObjectClient } from '../../src/core/remote/objectClient';
import { parseObjectUrl } from '../../src/core/remote/objectUrl';
import * as preview from '../../src/preview/index';
import { benchData, nowMs, report, round, summary } from './harness';

const python = process.env.XPERSIST_TEST_PYTHON ?? '.venv/bin/python';
const MB = Number(process.env.BENCH_PREVIEW_MB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BUCKET = 'xp-bench-preview';
const STEPS = Math.max(2, Math.round(MB / 4));

const MAKE = `
import sys, numpy as np, xarray as xr
d, steps = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
t = xr.DataArray(np.zeros((steps, 1024, 1024), dtype="float32"), dims=("time", "y", "x"))
ds = xr.Dataset({"t": t}, coords={"time": np.arange(steps), "y": np.arange(1024.0), "x": np.arange(1024.0)})
# Random values (incompressible, as measured data mostly is), written a step at a time.
ds.to_zarr(d + "/big.zarr", encoding={"t": {"chunks": (1, 1024, 1024)}}, compute=True, mode="w")
import zarr
z = zarr.open(d + "/big.zarr/t", mode="r+")
for i in range(steps): z[i] = rng.standard_normal((1024, 1024), dtype="float32")
xr.open_zarr(d + "/big.zarr").to_netcdf(d + "/big.nc", engine="netcdf4", encoding={"t": {"chunksizes": (1, 1024, 1024)}})
`;

const XARRAY = `
import json, sys, time
t0 = time.perf_counter()
import s3fs, xarray as xr
url, kind, opts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
n = {"bytes": 0, "requests": 0}
cat = s3fs.S3FileSystem._cat_file
async def counted_cat(self, path, start=None, end=None, **kw):
    b = await cat(self, path, start=start, end=end, **kw); n["bytes"] += len(b); n["requests"] += 1; return b
s3fs.S3FileSystem._cat_file = counted_cat
fetch = s3fs.core.S3File._fetch_range
def counted_fetch(self, start, end):
    b = fetch(self, start, end); n["bytes"] += len(b); n["requests"] += 1; return b
s3fs.core.S3File._fetch_range = counted_fetch
fs = s3fs.S3FileSystem(**opts)
if kind == "zarr":
    ds = xr.open_zarr(fs.get_mapper(url))
else:
    import netCDF4
    with fs.open(url, "rb") as f: data = f.read()
    ds = xr.open_dataset(xr.backends.NetCDF4DataStore(netCDF4.Dataset("mem", memory=data)))
v = ds["t"].isel(time=0).values
assert v.shape == (1024, 1024)
print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, **n}))
`;

/** The child: one preview's first paint in a fresh process, timed from the process start. */
async function child(url: string, serializer: string, options: Record<string, unknown>): Promise<void> {
  const o = { storageOptions: options };
  const t = nowMs();
  const m = await preview.describe(url, serializer, o);
  if (m.kind !== 'dataset') throw new Error(`not a dataset: ${JSON.stringify(m)}`);
  const v = await preview.readValues(url, serializer, 't', { time: 0 }, o);
  if (v.values.length !== 1024 * 1024) throw new Error(`got ${v.values.length} values`);
  const s = preview.remoteFetchStats();
  report({
    ms: performance.now(),
    readMs: nowMs() - t,
    bytes: s.bytes,
    requests: s.requests + s.heads + s.listings,
    gets: s.requests,
    heads: s.heads,
    listings: s.listings,
  });
}

function lastJson(out: string): Record<string, number> {
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

function run(cmd: string, args: string[]): { wallMs: number; out: Record<string, number> } {
  const t = nowMs();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  const wallMs = nowMs() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return { wallMs, out: lastJson(r.stdout) };
}

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, f) => n + sizeOf(path.join(p, f)), 0);
}

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? filesUnder(dir, r) : [r];
  });
}

/**
 * What moto itself reads for these GETs: each GET of the one netCDF4 object (ranged or not) reads
 * the whole object server-side (moto/s3/responses.py: key.value, then the slice), so its times are
 * the server's. A zarr's GETs are of chunk objects, each read whole as it is fetched whole.
 */
function serverSide(kind: string, gets: number, size: number): Record<string, unknown> {
  if (kind !== 'netcdf') return {};
  return {
    motoBytesReadServerSide: gets * size,
    note: 'moto reads the whole object for every GET, ranged or not; S3 and Azure read only the range',
  };
}

async function main(): Promise<void> {
  const data = benchData(`remote-preview-${MB}mb`);
  if (!existsSync(path.join(data, 'big.nc'))) {
    const t = nowMs();
    const r = spawnSync(python, ['-c', MAKE, data, String(STEPS)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    console.error(
      `[bench remotePreview] wrote ${MB} MiB zarr + netCDF4 in ${round((nowMs() - t) / 1000, 1)} s`,
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xp-bench-preview-'));
  const server = await startS3({ dir });
  try {
    await createS3Bucket(server, BUCKET);
    const client = await openObjectClient(parseObjectUrl(`s3://${BUCKET}`), server.storageOptions);
    const t = nowMs();
    await mapLimit(filesUnder(data), 8, (f) => client.put(`data/${f}`, readFileSync(path.join(data, f))));
    console.error(`[bench remotePreview] uploaded in ${round((nowMs() - t) / 1000, 1)} s`);
    const out: Record<string, unknown> = {};
    for (const [name, serializer, kind] of [
      ['big.zarr', 'xarray.zarr', 'zarr'],
      ['big.nc', 'xarray.netcdf', 'netcdf'],
    ] as const) {
      const url = `s3://${BUCKET}/data/${name}`;
      const opts = JSON.stringify(server.storageOptions);
      const p = {
        ms: [] as number[],
        wall: [] as number[],
        read: [] as number[],
        bytes: 0,
        requests: 0,
        gets: 0,
        heads: 0,
        listings: 0,
      };
      const x = { ms: [] as number[], wall: [] as number[], bytes: 0, requests: 0 };
      for (let r = 0; r < ROUNDS; r++) {
        const a = run(process.execPath, [__filename, '--child', url, serializer, opts]);
        p.ms.push(a.out.ms);
        p.wall.push(a.wallMs);
        p.read.push(a.out.readMs);
        p.bytes = a.out.bytes;
        p.requests = a.out.requests;
        p.gets = a.out.gets;
        p.heads = a.out.heads;
        p.listings = a.out.listings;
        const b = run(python, ['-c', XARRAY, url, kind, opts]);
        x.ms.push(b.out.ms);
        x.wall.push(b.wallMs);
        x.bytes = b.out.bytes;
        x.requests = b.out.requests;
        console.error(
          `[bench remotePreview] ${name} round ${r + 1}: preview ${round(a.out.ms)} ms, xarray ${round(b.out.ms)} ms`,
        );
      }
      const size = sizeOf(path.join(data, name));
      out[kind] = {
        objectBytes: size,
        preview: {
          msInProcess: summary(p.ms),
          msWholeProcess: summary(p.wall),
          // describe() + readValues() alone: the first paint once the extension host is up.
          msDescribeAndSlice: summary(p.read),
          bytesFetched: p.bytes,
          requests: p.requests,
          requestsByKind: { get: p.gets, head: p.heads, listing: p.listings },
          percentRead: round((100 * p.bytes) / size, 3),
          ...serverSide(kind, p.gets, size),
        },
        xarrayS3fs: {
          msInProcess: summary(x.ms),
          msWholeProcess: summary(x.wall),
          bytesFetched: x.bytes,
          requests: x.requests,
          percentRead: round((100 * x.bytes) / size, 3),
          ...serverSide(kind, x.requests, size),
        },
        speedup: round(summary(x.ms).median / summary(p.ms).median, 1),
      };
    }
    report({
      fieldMiB: MB,
      shape: [STEPS, 1024, 1024],
      chunk: [1, 1024, 1024],
      rounds: ROUNDS,
      server: 'moto 5.2.5 (S3, 127.0.0.1, same 2 cores)',
      slice: 't.isel(time=0): 1024 x 1024 float32 (4 MiB)',
      ...out,
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  void child(process.argv[3], process.argv[4], JSON.parse(process.argv[5])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
