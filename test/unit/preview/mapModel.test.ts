// A 2-D slice as a map: north up, ticks at round coordinate values that sit where the coordinate
// takes them, degree-square cells, and xarray's colour range (robust=True: numpy's 2nd-98th
// percentiles, compared with what numpy said about the climate fixture).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { isoToDays } from '../../../src/preview/cf/calendarTime';
import * as api from '../../../src/preview/index';
import {
  axisTicks,
  cellAspect,
  colorRange,
  geoKind,
  niceTicks,
  numericCoord,
  rowsFlipped,
} from '../../../src/webview/preview/mapModel';
import { previewDir } from './previewFixtures';

after(() => api.closeAll());

const climate = () => JSON.parse(readFileSync(previewDir('climate.expected.json'), 'utf8'));

describe('map model', () => {
  test('latitude is up whichever way it is stored', () => {
    assert.equal(rowsFlipped([-87.5, -82.5, 87.5]), true, 'south first: row 0 drawn at the bottom');
    assert.equal(rowsFlipped([87.5, 82.5, -87.5]), false, 'north first: row 0 at the top');
    assert.equal(rowsFlipped(null), true, 'no coordinate: the index grows upwards, as xarray plots');
  });

  test('ticks at round values, placed where the coordinate takes them', () => {
    const lat = Array.from({ length: 36 }, (_, i) => -87.5 + 5 * i);
    const ticks = axisTicks(lat, 36, 0, null, 6);
    assert.deepEqual(
      ticks.map((t) => t.label),
      ['-75', '-50', '-25', '0', '25', '50', '75'].filter((l) => ticks.some((t) => t.label === l)),
    );
    assert.ok(ticks.length >= 3 && ticks.length <= 8, JSON.stringify(ticks));
    for (const t of ticks) {
      const i = Math.floor(t.index);
      const v = Number(t.label);
      assert.ok(lat[i] <= v && v <= (lat[i + 1] ?? lat[i]), `${t.label} at index ${t.index}`);
      assert.ok(Math.abs(-87.5 + 5 * t.index - v) < 1e-9);
    }
    const down = axisTicks([...lat].reverse(), 36, 0, null, 6);
    assert.ok(down.every((t) => Math.abs(87.5 - 5 * t.index - Number(t.label)) < 1e-9));
    assert.deepEqual(niceTicks(2.5, 357.5, 8), [50, 100, 150, 200, 250, 300, 350]);
    assert.deepEqual(niceTicks(2.5, 357.5, 6), [100, 200, 300]);
  });

  test('time axes tick at calendar months; text coordinates tick at cells', () => {
    const times = Array.from({ length: 12 }, (_, m) => `2001-${String(m + 1).padStart(2, '0')}-16T00:00:00`);
    const ticks = axisTicks(times, 12, 0, 'noleap', 6);
    assert.ok(ticks.length >= 3);
    for (const t of ticks) {
      assert.match(t.label, /^2001-\d\d$/);
      const at = isoToDays(`${t.label}-01T00:00:00`, 'noleap') ?? 0;
      assert.equal(t.value, at);
    }
    const names = axisTicks(['north', 'south', 'east'], 3, 0, null, 6);
    assert.deepEqual(
      names.map((t) => [t.index, t.label]),
      [
        [0, 'north'],
        [1, 'south'],
        [2, 'east'],
      ],
    );
    assert.equal(numericCoord(['a', 'b'], null), null);
  });

  test('degrees are square: a 5° × 5° grid has square cells, 2.5° lon × 5° lat are twice as tall', () => {
    const lat = Array.from({ length: 36 }, (_, i) => -87.5 + 5 * i);
    const lon5 = Array.from({ length: 72 }, (_, i) => 2.5 + 5 * i);
    const lon25 = Array.from({ length: 144 }, (_, i) => 1.25 + 2.5 * i);
    assert.equal(cellAspect(lat, lon5, 'lat', 'lon', false), 1);
    assert.equal(cellAspect(lat, lon25, 'lat', 'lon', false), 2);
    assert.equal(cellAspect([0, 10], [0, 1], null, null, false), 1, 'unrelated axes: square cells');
    const v = { dims: ['lat'], shape: [36], dtype: 'float64', chunks: null, attrs: {}, encoding: {} };
    assert.equal(geoKind('y', { ...v, attrs: { standard_name: 'latitude' } }), 'lat');
    assert.equal(geoKind('x', { ...v, attrs: { units: 'degrees_east' } }), 'lon');
    assert.equal(geoKind('lat', undefined), 'lat');
    assert.equal(geoKind('time', undefined), null);
  });

  test("the colour range is xarray's: robust 2-98 %, symmetric about 0 when the data cross it", async () => {
    const want = climate().datasets['tas_noleap.zarr'].slice_stats['tas[time=3]'];
    const r = await api.readValues(previewDir('climate', 'tas_noleap.zarr'), 'xarray.zarr', 'tas', {
      time: 3,
    });
    const robust = colorRange(r.values, true);
    assert.ok(robust);
    assert.ok(Math.abs(robust.lo - want.robust[0]) < 1e-9, `${robust.lo} vs ${want.robust[0]}`);
    assert.ok(Math.abs(robust.hi - want.robust[1]) < 1e-9, `${robust.hi} vs ${want.robust[1]}`);
    assert.equal(robust.diverging, false);
    const full = colorRange(r.values, false);
    assert.equal(full?.lo, want.min);
    assert.equal(full?.hi, want.max);
    assert.deepEqual(colorRange([-1, 0.5, null, 3], false), { lo: -3, hi: 3, diverging: true });
    assert.equal(colorRange([null, null], true), null);
    assert.deepEqual(colorRange([2, 2], false), { lo: 1.5, hi: 2.5, diverging: false });
  });
});
