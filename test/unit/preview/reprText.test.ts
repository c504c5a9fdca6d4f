// The copyable text repr against xarray's own repr(ds) of the same files: every structural line
// (size, dimensions, markers, names, dims, dtypes, bytes, dimensions without coordinates,
// attributes) to the character; values to the first one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { datasetRepr, type FirstLast, humanBytes } from '../../../src/webview/preview/reprText';
import { previewDir } from './previewFixtures';

after(() => api.closeAll());

const climate = () => JSON.parse(readFileSync(previewDir('climate.expected.json'), 'utf8'));

describe('text repr', () => {
  test('byte sizes as xarray renders them', () => {
    assert.equal(humanBytes(288), '288B');
    assert.equal(humanBytes(124_416), '124kB');
    assert.equal(humanBytes(125_568), '126kB');
    assert.equal(humanBytes(1_073_741_824), '1GB');
  });

  for (const key of ['tas_noleap.zarr', 'tas_noleap.nc', 'Tuesday-climate_flow-regrid.zarr']) {
    test(`${key}: the structure of repr(ds)`, async () => {
      const want: string[] = climate().datasets[key].repr.split('\n');
      const ser = key.endsWith('.nc') ? 'xarray.netcdf' : 'xarray.zarr';
      const m = await api.describe(previewDir('climate', key), ser);
      assert.equal(m.kind, 'dataset');
      if (m.kind !== 'dataset') return;
      const values = new Map<string, FirstLast>();
      for (const [name, v] of Object.entries({ ...m.coords, ...m.dataVars })) {
        const all = await api.readValues(previewDir('climate', key), ser, name);
        const flat = all.values.map((x) => (typeof x === 'number' && Number.isNaN(x) ? null : x));
        values.set(name, { first: flat.slice(0, 6), last: flat.slice(-6), total: flat.length });
        assert.ok(v);
      }
      const got = datasetRepr(m, values).split('\n');
      assert.equal(got.length, want.length, `lines:\n${got.join('\n')}\n---\n${want.join('\n')}`);
      for (let i = 0; i < want.length; i++) {
        const w = want[i];
        const g = got[i];
        const variable = /^ {2}[* ] \S+\s+\(/.test(w) || /^ {4}\S+\s+\(/.test(w);
        if (!variable) {
          assert.equal(g, w, `line ${i}`);
          continue;
        }
        // name, dims, dtype, bytes, then the first value
        const head = (s: string) => /^(.*?\d+(?:B|kB|MB|GB) \S+)/.exec(s)?.[1] ?? s;
        assert.equal(head(g), head(w), `line ${i}: ${g} vs ${w}`);
      }
    });
  }
});

test("floats as Python's f'{x:.4}'", async () => {
  const { pyFloat4 } = await import('../../../src/webview/preview/reprText');
  const cases: [number, string][] = [
    [244.0, '244.0'],
    [2.5, '2.5'],
    [1234.56, '1.235e+03'], // (JS rounds an exact half up where Python rounds it to even)
    [12346.0, '1.235e+04'],
    [0.0001234, '0.0001234'],
    [1e20, '1e+20'],
    [-87.5, '-87.5'],
    [0, '0.0'],
    [12, '12.0'],
    [1e-5, '1e-05'],
  ];
  for (const [x, want] of cases) assert.equal(pyFloat4(x), want, String(x));
});
