// HDF5 written by h5py / h5netcdf rather than netCDF-C: old-style groups and v1 headers (h5py
// defaults), HDF5 1.10+ chunk indexes (libver="latest", read through the h5wasm fallback), compact
// and contiguous layouts, dense attribute and link storage, fixed and variable-length strings.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { assertValuesEqual, checkDataset, expectedJson, jsonish, previewDir } from './previewFixtures';

after(() => api.closeAll());

const DTYPE: Record<string, string> = { '>i4': 'int32', '|S3': '|S3', object: '<U4' };

for (const engine of ['auto', 'h5wasm'] as const) {
  suite(`[${engine}] HDF5 files from h5py`, () => {
    for (const file of ['earliest.h5', 'latest.h5']) {
      test(`${file}: every dataset's dtype, shape, values and attributes`, async () => {
        const want = expectedJson().hdf5[file];
        const p = previewDir('hdf5', file);
        for (const group of ['data', 'many']) {
          const o = { engine, dumpKwargs: { group } };
          const m = await api.describe(p, 'xarray.netcdf', o);
          assert.equal(m.kind, 'dataset', m.kind === 'unsupported' ? m.reason : '');
          if (m.kind !== 'dataset') continue;
          const names = Object.keys(want).filter((k) => k.startsWith(`/${group}/`));
          assert.deepEqual(
            Object.keys({ ...m.coords, ...m.dataVars }).sort(),
            names.map((k) => k.split('/')[2]).sort(),
          );
          for (const key of names) {
            const name = key.split('/')[2];
            const w = want[key];
            const v: api.Variable = m.dataVars[name] ?? m.coords[name];
            assert.equal(v.dtype, DTYPE[w.dtype] ?? w.dtype, `${file} ${key} dtype`);
            assert.deepEqual(v.shape, w.shape, `${file} ${key} shape`);
            assert.deepEqual(jsonish(v.attrs), w.attrs, `${file} ${key} attrs`);
            const r = await api.readValues(p, 'xarray.netcdf', name, undefined, o);
            assertValuesEqual(r.values, w.values, `${file} ${key}`);
          }
        }
        const root = await api.describe(p, 'xarray.netcdf', { engine });
        assert.equal(root.kind, 'dataset');
        if (root.kind === 'dataset') {
          assert.deepEqual(jsonish(root.attrs), want['/'].attrs);
          assert.deepEqual(root.groups, ['data', 'many']);
        }
      });
    }

    test('h5netcdf.nc (xarray engine="h5netcdf") reads like xarray reads it', async () => {
      await checkDataset(
        api,
        previewDir('hdf5/h5netcdf.nc'),
        'xarray.netcdf',
        expectedJson().hdf5['h5netcdf.nc'],
        { engine },
      );
    });
  });
}

test('selections of a chunked gzip+shuffle dataset from h5py', async () => {
  const w = expectedJson().hdf5['earliest.h5']['/data/chunked'];
  const r = await api.readValues(
    previewDir('hdf5/earliest.h5'),
    'xarray.netcdf',
    'chunked',
    { phony_dim_0: [5, 12], phony_dim_1: 13 },
    { dumpKwargs: { group: 'data' } },
  );
  assert.deepEqual(r.shape, [7]);
  assertValuesEqual(
    r.values,
    Array.from({ length: 7 }, (_, i) => w.values[(5 + i) * 40 + 13]),
    'chunked[5:12, 13]',
  );
});
