// Compare: the Monday and Tuesday outputs of a `{date:%A}` target (climate fixture, written by
// the real xpersist): the changed attribute, the added variable, what stayed the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { previewDir } from './previewFixtures';

after(() => api.closeAll());

const climate = () => JSON.parse(readFileSync(previewDir('climate.expected.json'), 'utf8'));

describe('compare two artifacts', () => {
  test('Monday vs Tuesday: history changed, tas_anom added, dims and tas the same', async () => {
    const mon = await api.describe(previewDir('climate', 'Monday-climate_flow-regrid.zarr'), 'xarray.zarr');
    const tue = await api.describe(previewDir('climate', 'Tuesday-climate_flow-regrid.zarr'), 'xarray.zarr');
    const sections = api.compareModels(mon, tue);
    assert.ok(Array.isArray(sections));
    const rows = new Map(sections.flatMap((s) => s.rows).map((r) => [r.path, r]));
    const want = climate().datasets;
    const hist = rows.get('attrs.history');
    assert.equal(hist?.status, 'changed');
    assert.equal(hist?.left, want['Monday-climate_flow-regrid.zarr'].attrs.history);
    assert.equal(hist?.right, want['Tuesday-climate_flow-regrid.zarr'].attrs.history);
    assert.equal(rows.get('data_vars.tas_anom')?.status, 'added');
    assert.equal(rows.get('dims.time')?.status, 'same');
    assert.equal(rows.get('data_vars.tas.dtype')?.status, 'same');
    assert.equal(rows.get('coords.time.calendar')?.left, 'noleap');
    const changed = [...rows.values()].filter((r) => r.status !== 'same').map((r) => r.path);
    assert.deepEqual(changed.sort(), ['attrs.history', 'data_vars.tas_anom']);
  });

  test('two tables: row counts and columns; a table and a dataset are refused with a reason', async () => {
    const a = await api.describe(previewDir('climate', 'stations.csv'), 'pandas.csv');
    const b = await api.describe(previewDir('climate', 'daily_flags.csv'), 'pandas.csv', {
      dumpKwargs: { index: false },
    });
    const sections = api.compareModels(a, b);
    assert.ok(Array.isArray(sections));
    const rows = new Map(sections.flatMap((s) => s.rows).map((r) => [r.path, r]));
    assert.deepEqual([rows.get('row_count')?.left, rows.get('row_count')?.right], ['240', '60']);
    assert.equal(rows.get('columns.wet')?.status, 'removed');
    assert.equal(rows.get('columns.frost')?.status, 'added');
    const ds = await api.describe(previewDir('climate', 'tas_noleap.zarr'), 'xarray.zarr');
    const refused = api.compareModels(a, ds);
    assert.ok(!Array.isArray(refused) && /table with a dataset/.test(refused.reason));
  });
});
