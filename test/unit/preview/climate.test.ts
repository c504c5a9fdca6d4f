// The realistic climate cache (scripts/fixtures/make_climate_cache.py, written by the real
// xpersist): a (time, lat, lon) float32 field with NaN on a noleap cftime calendar, in zarr and
// netCDF, against what xarray itself said about the same files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe as suite, test } from 'node:test';
import { displayDtype } from '../../../src/preview/cf/calendarTime';
import { sliceStats } from '../../../src/preview/dataset/sliceStats';
import type { ObjectNode } from '../../../src/preview/index';
import * as api from '../../../src/preview/index';
import { assertValuesEqual, checkDataset, nanToNull, type PyJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

let oracle: PyJson = null;
function climateExpected(): PyJson {
  oracle ??= JSON.parse(readFileSync(previewDir('climate.expected.json'), 'utf8'));
  return oracle;
}
const file = (key: string) => previewDir('climate', key);

suite('climate cache: datasets on a noleap calendar', () => {
  for (const key of [
    'tas_noleap.zarr',
    'tas_noleap.nc',
    'Monday-climate_flow-regrid.zarr',
    'Tuesday-climate_flow-regrid.zarr',
  ]) {
    test(`${key}: dims, coords, variables, attrs, values and selections as xarray says`, async () => {
      const want = climateExpected().datasets[key];
      await checkDataset(api, file(key), want.serializer, want);
    });
  }

  for (const key of ['tas_noleap.zarr', 'tas_noleap.nc']) {
    test(`${key}: cftime variables name their calendar; the map slice's stats and a point series`, async () => {
      const want = climateExpected().datasets[key];
      const m = await api.describe(file(key), want.serializer);
      assert.equal(m.kind, 'dataset');
      if (m.kind !== 'dataset') return;
      const all = { ...m.coords, ...m.dataVars };
      for (const [name, cal] of Object.entries<string>(want.calendars)) {
        assert.equal(all[name].calendar, cal, `${name} calendar`);
        assert.equal(displayDtype(all[name]), `cftime (${cal})`, `${name} shown dtype`);
      }
      assert.equal(displayDtype(all.tas), 'float32');
      assert.equal(all.tas.calendar, undefined);

      const slice = await api.readValues(file(key), want.serializer, 'tas', { time: 3 });
      const s = sliceStats(slice.values);
      const w = want.slice_stats['tas[time=3]'];
      assert.equal(s.nanCount, w.nan_count);
      assert.equal(s.count, w.count);
      assert.equal(s.min, w.min);
      assert.equal(s.max, w.max);
      assert.ok(Math.abs((s.mean ?? 0) - w.mean) < 1e-9 * w.mean, `mean ${s.mean} vs ${w.mean}`);

      const lat = want.coords.lat.values.indexOf(want.point.lat);
      const lon = want.coords.lon.values.indexOf(want.point.lon);
      const series = await api.readValues(file(key), want.serializer, 'tas', { lat, lon });
      assert.deepEqual(series.dims, ['time']);
      assertValuesEqual(series.values, want.point.values, `${key} tas at a point`);
    });
  }
});

async function objectTree(key: string): Promise<ObjectNode> {
  const m = await api.describe(file(key), 'joblib');
  assert.equal(m.kind, 'object', m.kind === 'unsupported' ? m.reason : m.kind);
  return m.kind === 'object' ? m.tree : { type: 'none' };
}

suite('climate cache: pickles (never executed)', () => {
  test('a DataFrame of cftime dates: ISO values, the calendar, every row it holds', async () => {
    const want = climateExpected().pickle['frame_cftime.joblib'];
    const t = await objectTree('frame_cftime.joblib');
    assert.equal(t.type, 'pandas.DataFrame');
    assert.deepEqual(t.shape, [want.row_count, want.columns.length]);
    assert.deepEqual(
      t.columns?.map((c) => c.name),
      want.columns,
    );
    assert.deepEqual(
      t.columns?.map((c) => c.dtype),
      want.dtypes,
    );
    assert.equal(t.columns?.[0].calendar, want.calendar);
    assert.equal(t.columns?.[1].calendar, undefined);
    assert.equal(t.columns?.[3].calendar, undefined, 'text sharing the object block is not a date');
    assert.equal(t.rows?.length, want.row_count, 'all rows, not the first five');
    assert.deepEqual(t.rows, want.rows);
    assert.deepEqual(t.index?.values, want.index.values);
    assert.equal(t.truncated, undefined);
  });

  test('a (128, 8) ndarray keeps all its values for a table', async () => {
    const want = climateExpected().pickle['regrid_weights.joblib'];
    const t = await objectTree('regrid_weights.joblib');
    assert.equal(t.type, 'numpy.ndarray');
    assert.equal(t.dtype, want.dtype);
    assert.deepEqual(t.shape, want.shape);
    assert.deepEqual(t.values, want.values);
    assert.equal(t.truncated, undefined);
  });

  test('a dict holding both', async () => {
    const t = await objectTree('bundle.joblib');
    const frame = t.children?.find((c) => c.label === 'frame');
    const weights = t.children?.find((c) => c.label === 'weights');
    assert.equal(frame?.rows?.length, 8);
    assert.equal(frame?.rows?.[0][0], '2001-01-16T12:00:00');
    assert.equal(weights?.values?.length, 128 * 8);
  });
});

suite('climate cache: CSV tables', () => {
  for (const key of ['stations.csv', 'daily_flags.csv']) {
    test(`${key}: columns, index, rows and per-column stats as pandas says`, async () => {
      const want = climateExpected().csv[key];
      const opts = { dumpKwargs: want.dump_kwargs };
      const m = await api.describe(file(key), 'pandas.csv', opts);
      assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : m.kind);
      if (m.kind !== 'table') return;
      assert.equal(m.rowCount, want.row_count);
      const names = m.columns.map((c) => c.name);
      // pandas reads the unnamed first column of `to_csv` as the index: the preview names it so.
      assert.equal(names.length, want.columns.length);
      assert.deepEqual(m.index.length, want.index.length, `index ${m.index}`);
      const dtypes = Object.fromEntries(m.columns.map((c, i) => [want.columns[i], c.dtype]));
      for (const [c, st] of Object.entries<PyJson>(want.stats))
        if (c !== 'index') assert.equal(dtypes[c], st.dtype, `${c} dtype`);
      const rows = await api.readRows(file(key), 'pandas.csv', 0, 20, opts);
      assert.deepEqual(nanToNull(rows.rows.flat()), want.rows.flat());
      const s = await api.summarizeColumns(file(key), 'pandas.csv', opts);
      assert.equal(s.source, 'full');
      s.columns.forEach((c, i) => {
        const w = want.stats[want.columns[i]];
        assert.equal(c.nulls, w.nulls, `${c.name} nulls`);
        if ('true' in w) {
          assert.equal(c.trueCount, w.true, `${c.name} True count`);
          assert.equal(c.falseCount, w.false, `${c.name} False count`);
        }
        if ('min' in w) {
          assert.equal(c.min, w.min, `${c.name} min`);
          assert.equal(c.max, w.max, `${c.name} max`);
        }
        if ('mean' in w)
          assert.ok(Math.abs((c.mean ?? Number.NaN) - w.mean) < 1e-9, `${c.name} mean ${c.mean}`);
      });
    });
  }
});
