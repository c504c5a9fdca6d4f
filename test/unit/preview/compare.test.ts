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

  test('statistics of Monday vs Tuesday: tas figures changed as xarray says, tas_anom added', async () => {
    const dir = (f: string) => previewDir('climate', f);
    const mon = 'Monday-climate_flow-regrid.zarr';
    const tue = 'Tuesday-climate_flow-regrid.zarr';
    const want = climate().datasets;
    const left = { tas: await api.variableStats(dir(mon), 'xarray.zarr', 'tas') };
    const right = {
      tas: await api.variableStats(dir(tue), 'xarray.zarr', 'tas'),
      tas_anom: await api.variableStats(dir(tue), 'xarray.zarr', 'tas_anom'),
    };
    const names = { left: ['tas', 'time_bnds'], right: ['tas', 'tas_anom', 'time_bnds'] };
    const s = api.compareStatistics(left, right, { left: ['tas'], right: ['tas', 'tas_anom'] });
    const rows = new Map(s.rows.map((r) => [r.path, r]));
    assert.equal(rows.get('stats.tas.min')?.status, 'changed');
    assert.equal(Number(rows.get('stats.tas.min')?.left), Math.fround(Number(want[mon].var_stats.tas.min)));
    assert.equal(Number(rows.get('stats.tas.max')?.right), Math.fround(Number(want[tue].var_stats.tas.max)));
    assert.equal(rows.get('stats.tas.mean')?.status, 'changed');
    // The same land mask on both days: the NaN counts agree.
    assert.equal(rows.get('stats.tas.nan_count')?.status, 'same');
    assert.equal(rows.get('stats.tas_anom.mean')?.status, 'added');
    assert.ok(s.rows.every((r) => !r.pending));
    // Times have no mean: a dash, not "NaN" (which would read as a missing value).
    const times = api.compareStatistics(
      { time_bnds: await api.variableStats(dir(mon), 'xarray.zarr', 'time_bnds') },
      {},
      { left: ['time_bnds'], right: [] },
    );
    assert.equal(times.rows.find((r) => r.path === 'stats.time_bnds.mean')?.left, '—');
    assert.equal(times.rows.find((r) => r.path === 'stats.time_bnds.min')?.status, 'removed');
    // While one side is still reading, nothing is marked changed and the rows say so.
    const partial = { ...right.tas, done: false, blocksDone: 0 };
    const p = api.compareStatistics(left, { tas: partial }, names);
    const tasRows = p.rows.filter((r) => r.path.startsWith('stats.tas.'));
    assert.ok(tasRows.every((r) => r.pending && r.status === 'same'));
    assert.equal(p.rows.find((r) => r.path === 'stats.time_bnds.min')?.right, '', 'not started: empty');
  });

  test('column statistics of two tables: min/max/nulls per column, a missing column removed', () => {
    const a = {
      source: 'full' as const,
      rows: 3,
      columns: [
        { name: 'x', dtype: 'int64', min: 1, max: 3, nulls: 0 },
        { name: 'y', dtype: 'object', min: 'a', max: 'c', nulls: 1 },
      ],
    };
    const b = { ...a, columns: [{ name: 'x', dtype: 'int64', min: 1, max: 9, nulls: 0 }] };
    const rows = new Map(api.compareColumnStats(a, b).rows.map((r) => [r.path, r]));
    assert.equal(rows.get('stats.x.min')?.status, 'same');
    assert.equal(rows.get('stats.x.max')?.status, 'changed');
    assert.deepEqual([rows.get('stats.x.max')?.left, rows.get('stats.x.max')?.right], ['3', '9']);
    assert.equal(rows.get('stats.y.nulls')?.status, 'removed');
  });
});
