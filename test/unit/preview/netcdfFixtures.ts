// The netCDF expectations, run by netcdf.test.ts (built-in HDF5 reader) and
// netcdf.h5wasm.test.ts (h5wasm): both must give what xarray gives.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as api from '../../../src/preview/index';
import { cachePath, checkDataset, expectedJson, previewDir } from './previewFixtures';

export function netcdf4Tests(engine: 'auto' | 'h5wasm'): void {
  const o = { engine } as const;
  const exp = () => expectedJson().netcdf;
  const caches = () => expectedJson().xpersist_caches;

  test(`[${engine}] NETCDF4: deflate+shuffle, vlen strings, chars, _Unsigned, missing_value, unlimited dim`, async () => {
    await checkDataset(api, previewDir('netcdf/cf4.nc'), 'xarray.netcdf', exp()['cf4.nc'], o);
  });

  test(`[${engine}] NETCDF4 calendars`, async () => {
    await checkDataset(api, previewDir('netcdf/calendars.nc'), 'xarray.netcdf', exp()['calendars.nc'], o);
  });

  test(`[${engine}] groups: dimension scales in the parent group, dump_kwargs group`, async () => {
    const e = exp()['groups.nc'];
    const p = previewDir('netcdf/groups.nc');
    await checkDataset(api, p, 'xarray.netcdf', e.root, o);
    await checkDataset(api, p, 'xarray.netcdf', e.obs, { ...o, dumpKwargs: { group: 'obs' } });
    await checkDataset(api, p, 'xarray.netcdf', e['obs/hourly'], {
      ...o,
      loadKwargs: { group: '/obs/hourly' },
    });
    const m = await api.describe(p, 'xarray.netcdf', { ...o, dumpKwargs: { group: 'obs' } });
    assert.equal(m.kind, 'dataset');
    if (m.kind === 'dataset') {
      assert.deepEqual(m.groups, e.groups);
      assert.equal(m.group, 'obs');
    }
  });

  test(`[${engine}] xpersist caches: sst_daily.nc, ensemble_mean (no extension), température moyenne.nc`, async () => {
    await checkDataset(api, cachePath('sst_daily.nc'), 'xarray.netcdf', caches()['sst_daily.nc'], o);
    await checkDataset(api, cachePath('ensemble_mean'), 'xarray.netcdf', caches().ensemble_mean, o);
    await checkDataset(
      api,
      cachePath('température moyenne.nc'),
      'xarray.netcdf',
      caches()['température moyenne.nc'],
      o,
    );
  });
}
