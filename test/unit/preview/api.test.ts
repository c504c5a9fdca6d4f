// The readValues contract: isel-like selections, C order, size limit, errors; the extras the panel
// uses (sliceStats, coordinateValues, ioStats) and the handle cache.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import { resolveSelection } from '../../../src/preview/dataset/readSelection';
import * as api from '../../../src/preview/index';
import { openHandleCount } from '../../../src/preview/index';
import { assertValuesEqual, expectedJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

const zarr = previewDir('zarr2/cf_consolidated.zarr');
const full = () =>
  expectedJson().zarr2['cf_consolidated.zarr'].data_vars.anomaly.values as Array<number | null>;

/** anomaly is (member 2, time 6, lat 4, lon 5) in C order. */
const at = (m: number, t: number, y: number, x: number) => full()[((m * 6 + t) * 4 + y) * 5 + x];

suite('selections', () => {
  test('an integer drops its dimension, [start, stop) keeps it, unnamed dims are whole (C order)', async () => {
    const r = await api.readValues(zarr, 'xarray.zarr', 'anomaly', { member: 1, lat: [1, 3] });
    assert.deepEqual(r.dims, ['time', 'lat', 'lon']);
    assert.deepEqual(r.shape, [6, 2, 5]);
    const want: Array<number | null> = [];
    for (let t = 0; t < 6; t++)
      for (let y = 1; y < 3; y++) for (let x = 0; x < 5; x++) want.push(at(1, t, y, x));
    assertValuesEqual(r.values, want, 'anomaly[1, :, 1:3, :]');
  });

  test('negative indices and out-of-range stops behave like Python', async () => {
    const r = await api.readValues(zarr, 'xarray.zarr', 'anomaly', {
      member: -1,
      time: -1,
      lat: [-2, 99],
      lon: 0,
    });
    assert.deepEqual(r.shape, [2]);
    assertValuesEqual(r.values, [at(1, 5, 2, 0), at(1, 5, 3, 0)], 'anomaly[-1, -1, -2:, 0]');
    const empty = await api.readValues(zarr, 'xarray.zarr', 'anomaly', { lat: [3, 1] });
    assert.deepEqual(empty.shape, [2, 6, 0, 5]);
    assert.deepEqual(empty.values, []);
  });

  test('clear errors: unknown variable, unknown dimension, index out of range, bad selection', async () => {
    await assert.rejects(api.readValues(zarr, 'xarray.zarr', 'nope'), /no variable 'nope'.*anomaly/);
    await assert.rejects(
      api.readValues(zarr, 'xarray.zarr', 'tas', { depth: 0 }),
      /no dimension 'depth'.*time, lat, lon/,
    );
    await assert.rejects(api.readValues(zarr, 'xarray.zarr', 'tas', { time: 6 }), /out of bounds.*size 6/);
    await assert.rejects(api.readValues(zarr, 'xarray.zarr', 'tas', { time: 1.5 }), api.RequestError);
    await assert.rejects(
      api.readValues(zarr, 'xarray.zarr', 'tas', { time: 'a' as unknown as number }),
      api.RequestError,
    );
  });

  test('selections over the limit are refused before anything is read; the limit is at least 1,000,000', () => {
    assert.ok(api.MAX_SELECTION_VALUES >= 1_000_000);
    assert.throws(
      () => resolveSelection('v', ['t', 'y', 'x'], [1000, 1000, 1000], {}),
      /over the preview limit.*t=1000/,
    );
    assert.throws(
      () => resolveSelection('v', ['t', 'y', 'x'], [1000, 1000, 1000], { t: [0, 10] }),
      api.RequestError,
    );
    const ok = resolveSelection('v', ['t', 'y', 'x'], [1000, 1000, 1000], { t: 0 });
    assert.equal(ok.count, 1_000_000);
    assert.deepEqual(ok.dims, ['y', 'x']);
  });
});

suite('extras for the panel', () => {
  test('sliceStats: min/max/mean over finite numbers, NaN and null counted as missing', () => {
    assert.deepEqual(api.sliceStats([1, Number.NaN, 3, null, 5]), {
      count: 5,
      nanCount: 2,
      min: 1,
      max: 5,
      mean: 3,
    });
    const times = api.sliceStats(['2001-01-02T00:00:00', null, '2000-12-31T00:00:00']);
    assert.equal(times.min, '2000-12-31T00:00:00');
    assert.equal(times.max, '2001-01-02T00:00:00');
    assert.equal(times.mean, null);
    assert.deepEqual(api.sliceStats([]), { count: 0, nanCount: 0, min: null, max: null, mean: null });
  });

  test('sliceStats of a real slice matches numpy (tas at time 0, one NaN)', async () => {
    const r = await api.readValues(zarr, 'xarray.zarr', 'tas', { time: 0 });
    const s = api.sliceStats(r.values);
    const want = (
      expectedJson().zarr2['cf_consolidated.zarr'].data_vars.tas.values as Array<number | null>
    ).slice(0, 20);
    const finite = want.filter((v): v is number => v !== null);
    assert.equal(s.nanCount, want.length - finite.length);
    assert.equal(s.min, Math.min(...finite));
    assert.equal(s.max, Math.max(...finite));
  });

  test('coordinateValues: slider labels from the coordinate (times as ISO), or indices without one', async () => {
    const t = await api.coordinateValues(zarr, 'xarray.zarr', 'time');
    assert.equal(t.fromCoordinate, true);
    assert.deepEqual(t.values.slice(0, 2), ['2001-01-01T00:00:00', '2001-01-02T00:00:00']);
    const part = await api.coordinateValues(zarr, 'xarray.zarr', 'lat', [1, 3]);
    assert.deepEqual(part.values, [-15, 15]);
    const region = await api.coordinateValues(zarr, 'xarray.zarr', 'region');
    assert.equal(region.fromCoordinate, false);
    assert.deepEqual(region.values, [0, 1, 2]);
    await assert.rejects(api.coordinateValues(zarr, 'xarray.zarr', 'nope'), /no dimension 'nope'/);
  });

  test('handles are cached per path and closeAll closes them', async () => {
    await api.closeAll();
    assert.equal(openHandleCount(), 0);
    await api.describe(zarr, 'xarray.zarr');
    await api.readValues(zarr, 'xarray.zarr', 'tas', { time: 0 });
    assert.equal(openHandleCount(), 1);
    await api.describe(previewDir('netcdf/nc3_classic.nc'), 'xarray.netcdf');
    assert.equal(openHandleCount(), 2);
    await api.closeAll();
    assert.equal(openHandleCount(), 0);
    assert.equal(await api.ioStats(zarr, 'xarray.zarr'), null);
  });
});
