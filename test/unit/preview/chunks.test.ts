// Bigger stores made here by the real libraries (xarray + zarr 2, netCDF4): random selections
// agree with xarray's isel, and a slice reads only the chunks that hold it.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, runPython, tempDir } from '../helpers';
import { assertValuesEqual } from './previewFixtures';

const dir = tempDir('xp-chunks-');
const zarrPath = path.join(dir, 'field.zarr');
const ncPath = path.join(dir, 'field.nc');

after(async () => {
  await api.closeAll();
  removeDir(dir);
});

const SELECTIONS: Array<Record<string, number | [number, number]>> = [
  { time: 17 },
  { lat: 50 },
  { time: [3, 20], lat: [10, 40], lon: 100 },
  { time: -1, lat: [90, 96], lon: [120, 128] },
  { lon: 0, lat: 0 },
];

let want: Record<string, Array<{ dims: string[]; shape: number[]; values: unknown[] }>> = {};

before(() => {
  const code = `
import json, sys
import numpy as np, xarray as xr
out, sels = sys.argv[1], json.loads(sys.argv[2])
rng = np.random.default_rng(3)
t = (rng.standard_normal((40, 96, 128)) * 5 + 280).astype('float32')
t[5, 10:20, 30:40] = np.nan
p = np.round(rng.gamma(1.0, 2.0, (40, 96, 128)), 2)
ds = xr.Dataset({'t': (('time', 'lat', 'lon'), t, {'units': 'K'}), 'p': (('time', 'lat', 'lon'), p)},
                coords={'time': np.arange(40) * 6, 'lat': np.linspace(-90, 90, 96), 'lon': np.arange(128) * 2.8125})
ds.time.attrs['units'] = 'hours since 2020-02-28'
ds = xr.decode_cf(ds)
ds.to_zarr(out + '/field.zarr', mode='w', encoding={'t': {'chunks': (8, 32, 64)}, 'p': {'chunks': (8, 32, 64), 'dtype': 'int16', 'scale_factor': 0.01, '_FillValue': -1}})
ds.to_netcdf(out + '/field.nc', encoding={'t': {'zlib': True, 'shuffle': True, 'chunksizes': (8, 32, 64)},
                                          'p': {'zlib': True, 'chunksizes': (8, 32, 64), 'dtype': 'int16', 'scale_factor': 0.01, '_FillValue': -1}})
def canon(a):
    a = np.asarray(a)
    if a.dtype.kind == 'M':
        return [str(np.datetime_as_string(x, unit='s')) for x in a.ravel()]
    return [None if (isinstance(x, float) and np.isnan(x)) else x for x in a.ravel().tolist()]
res = {}
back = xr.open_zarr(out + '/field.zarr')
for v in ('t', 'p', 'time'):
    res[v] = []
    for s in sels:
        ss = {d: (x if isinstance(x, int) else slice(x[0], x[1])) for d, x in s.items() if d in back[v].dims}
        sub = back[v].isel(ss)
        res[v].append({'dims': list(sub.dims), 'shape': list(sub.shape), 'values': canon(sub.values)})
print(json.dumps(res))
`;
  want = JSON.parse(
    runPython(code, [dir, JSON.stringify(SELECTIONS)])
      .trim()
      .split('\n')
      .pop() ?? '{}',
  );
});

for (const [label, file, serializer] of [
  ['zarr v2 (Blosc lz4)', zarrPath, 'xarray.zarr'],
  ['netCDF-4 (deflate + shuffle)', ncPath, 'xarray.netcdf'],
] as const) {
  suite(label, () => {
    test('random selections of float32 (with NaN) and packed int16 agree with xarray', async () => {
      for (const v of ['t', 'p'] as const) {
        for (const [i, sel] of SELECTIONS.entries()) {
          const r = await api.readValues(file, serializer, v, sel);
          assert.deepEqual(r.dims, want[v][i].dims, `${v}${JSON.stringify(sel)} dims`);
          assert.deepEqual(r.shape, want[v][i].shape);
          assertValuesEqual(
            r.values,
            want[v][i].values,
            `${label} ${v}${JSON.stringify(sel)}`,
            v === 'p' ? 1e-12 : 0,
          );
        }
      }
      const time = await api.readValues(file, serializer, 'time', { time: [0, 10] });
      assert.deepEqual(time.values.slice(0, 3), [
        '2020-02-28T00:00:00',
        '2020-02-28T06:00:00',
        '2020-02-28T12:00:00',
      ]);
      assert.equal(time.values[8], '2020-03-01T00:00:00', '2020 is a leap year');
    });

    test('a 2-D slice reads only its chunks (time 17: 1 x 3 x 2 of 5 x 3 x 2)', async () => {
      await api.closeAll();
      await api.describe(file, serializer);
      const before = await api.ioStats(file, serializer);
      await api.readValues(file, serializer, 't', { time: 17 });
      const got = await api.ioStats(file, serializer);
      assert.ok(before && got);
      assert.equal((got.chunks ?? 0) - (before.chunks ?? 0), 6);
      if (serializer === 'xarray.zarr') {
        const files = (got.files ?? []).filter((f) => f.startsWith('t/'));
        assert.deepEqual(files, ['t/2.0.0', 't/2.0.1', 't/2.1.0', 't/2.1.1', 't/2.2.0', 't/2.2.1']);
      }
    });
  });
}

suite('Blosc chunks whose blocks are stored out of order', () => {
  // Multithreaded c-blosc writes each block where it lands when it finishes: block 1 may sit
  // before block 0. A chunk rewritten with its blocks in reverse order (a valid Blosc chunk, as
  // numcodecs decodes it) must read as numpy reads it, for slices over several blocks.
  test('a slice spanning blocks gives the values numcodecs decodes', async () => {
    const p = path.join(dir, 'shuffled.zarr');
    const out = runPython(
      `import sys, json, struct, numpy as np, zarr, numcodecs
p = sys.argv[1]
a = np.random.default_rng(1).standard_normal((1, 1024, 1024)).astype("float32")
z = zarr.open(p + "/t", mode="w", shape=a.shape, chunks=a.shape, dtype="f4", compressor=numcodecs.Blosc("lz4", 5, 1))
z[:] = a
f = p + "/t/0.0.0"
b = open(f, "rb").read()
nbytes, bs, cbytes = struct.unpack("<III", b[4:16])
n = -(-nbytes // bs)
starts = list(struct.unpack("<%dI" % n, b[16:16 + 4 * n]))
ends = [min([s for s in starts if s > x] + [cbytes]) for x in starts]
body, new = b"", [0] * n
pos = 16 + 4 * n
for j in reversed(range(n)):
    new[j] = pos + len(body); body += b[starts[j]:ends[j]]
c = b[:16] + struct.pack("<%dI" % n, *new) + body
assert np.array_equal(np.frombuffer(numcodecs.Blosc().decode(c), "f4").reshape(a.shape), a)
open(f, "wb").write(c)
open(p + "/.zgroup", "w").write(json.dumps({"zarr_format": 2}))
open(p + "/t/.zattrs", "w").write(json.dumps({"_ARRAY_DIMENSIONS": ["time", "y", "x"]}))
print(json.dumps({"n": n, "row": a[0, 300, :8].tolist(), "all": float(a[0, 100:400].sum(dtype="f8"))}))`,
      [p],
    );
    const want = JSON.parse(out);
    assert.ok(want.n >= 4, `${want.n} blocks in the chunk`);
    const r = await api.readValues(p, 'xarray.zarr', 't', { time: 0, y: 300, x: [0, 8] });
    assertValuesEqual(r.values, want.row, 'row 300');
    const s = await api.readValues(p, 'xarray.zarr', 't', { time: 0, y: [100, 400] });
    const sum = (s.values as number[]).reduce((x, y) => x + y, 0);
    assert.ok(Math.abs(sum - want.all) < 1e-2, `sum over blocks 1-3: ${sum} vs ${want.all}`);
  });
});
