// What cannot be previewed still shows what is known: size, first bytes and the reason.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { cachesDir, readExpected } from '../helpers';
import { cachePath, expectedJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

async function unsupported(p: string, serializer: string) {
  const m = await api.describe(p, serializer);
  assert.equal(m.kind, 'unsupported', `${p} should be unsupported`);
  return m as Extract<typeof m, { kind: 'unsupported' }>;
}

suite('unsupported serializers and unreadable data', () => {
  test('the xpersist cache anomaly_field.npy with the unknown serializer numpy.npy', async () => {
    const want = readExpected('all-serializers').entries['anomaly_field.npy'];
    assert.match(want.get_error, /Unable to load/);
    const m = await unsupported(cachePath('anomaly_field.npy'), 'numpy.npy');
    assert.match(m.reason, /serializer 'numpy\.npy'/);
    assert.match(m.reason, /NumPy \.npy/);
    assert.equal(m.sizeBytes, 2176);
    assert.match(m.head ?? '', /\|\.NUMPY/);
  });

  test('an .npy with an unknown serializer (generated fixture)', async () => {
    const m = await unsupported(previewDir('unknown/anomaly.npy'), 'numpy.npy');
    assert.equal(m.sizeBytes, expectedJson().unknown['anomaly.npy'].size);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['truncated.nc', 'xarray.netcdf', /netCDF-4|HDF5|read past|truncated|could not be read/i],
    ['garbage.parquet', 'pandas.parquet', /parquet/],
    ['empty.csv', 'pandas.csv', /empty/],
    ['text_as.nc', 'xarray.netcdf', /not a netCDF file/],
    ['not_really.zarr', 'xarray.zarr', /not a zarr store/],
  ];
  for (const [name, serializer, why] of cases) {
    test(`${name} as ${serializer}`, async () => {
      const m = await unsupported(previewDir('unknown', name), serializer);
      assert.match(m.reason, why);
      assert.ok(m.head !== null, 'first bytes (or folder entries) are shown');
      assert.ok(m.sizeBytes !== null);
    });
  }

  test('a path that does not exist, and a file given as a zarr store', async () => {
    const missing = await unsupported(previewDir('unknown/nope.zarr'), 'xarray.zarr');
    assert.match(missing.reason, /does not exist/);
    assert.equal(missing.sizeBytes, null);
    const file = await unsupported(previewDir('unknown/anomaly.npy'), 'xarray.zarr');
    assert.match(file.reason, /folder/);
  });

  test('broken caches: a zarr artifact whose data folder is gone', async () => {
    const m = await unsupported(`${cachesDir()}/broken/entries/data-missing.zarr`, 'xarray.zarr');
    assert.match(m.reason, /does not exist/);
  });

  test('readValues/readRows on the wrong kind of artifact throw a RequestError', async () => {
    await assert.rejects(api.readRows(cachePath('sst_daily.nc'), 'xarray.netcdf', 0, 10), api.RequestError);
    await assert.rejects(api.readValues(cachePath('observations.csv'), 'pandas.csv', 'x'), api.RequestError);
    await assert.rejects(
      api.readValues(cachePath('anomaly_field.npy'), 'numpy.npy', 'x'),
      api.UnsupportedError,
    );
  });

  test('serializer "auto" (a plain file opened from the explorer) is inferred from name and content', async () => {
    assert.equal(await api.serializerForPath(cachePath('ensemble_mean')), 'xarray.netcdf');
    assert.equal(await api.serializerForPath(cachePath('run_config')), 'joblib');
    assert.equal(await api.serializerForPath(previewDir('zarr2/groups.zarr')), 'xarray.zarr');
    assert.equal(await api.serializerForPath(previewDir('parquet/gzip.parquet')), 'pandas.parquet');
    const m = await api.describe(cachePath('ensemble_mean'), 'auto');
    assert.equal(m.kind, 'dataset');
  });
});
