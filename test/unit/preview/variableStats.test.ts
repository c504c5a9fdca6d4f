// Whole-variable statistics streamed block by block (the compare view's statistics): the same
// min/max/mean as xarray's (climate fixtures, expectations written by real xarray), NaN counts,
// progress after every block, cancellation between blocks, and a block walk that covers every
// element exactly once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { blockRanges, blockShape } from '../../../src/preview/dataset/variableStats';
import * as api from '../../../src/preview/index';
import { previewDir } from './previewFixtures';

after(() => api.closeAll());

const climate = () => JSON.parse(readFileSync(previewDir('climate.expected.json'), 'utf8'));
const close = (got: unknown, want: string, what: string) => {
  const w = Number(want);
  assert.equal(typeof got, 'number', `${what}: ${got}`);
  assert.ok(Math.abs((got as number) - w) <= 1e-6 * Math.abs(w) + 1e-6, `${what}: ${got} != ${want}`);
};

const CASES: Array<[string, string]> = [
  ['tas_noleap.zarr', 'xarray.zarr'],
  ['tas_noleap.nc', 'xarray.netcdf'],
  ['Tuesday-climate_flow-regrid.zarr', 'xarray.zarr'],
];

describe('variableStats (streamed, chunk by chunk)', () => {
  for (const [file, serializer] of CASES) {
    test(`${file}: min/max/mean as xarray's, NaN count as isnull().sum()`, async () => {
      const p = previewDir('climate', file);
      const want = climate().datasets[file].var_stats;
      for (const name of Object.keys(want)) {
        const s = await api.variableStats(p, serializer, name);
        close(s.min, want[name].min, `${file} ${name}.min`);
        close(s.max, want[name].max, `${file} ${name}.max`);
        close(s.mean, want[name].mean, `${file} ${name}.mean`);
        // The NaN count against the whole variable read at once (readValues is checked against
        // xarray's values in the reader tests); the fixture has land masked as _FillValue.
        const all = await api.readValues(p, serializer, name);
        const nans = all.values.filter((v) => v === null || Number.isNaN(v)).length;
        assert.equal(s.nanCount, nans, `${file} ${name}.nanCount`);
        assert.equal(s.count, all.values.length);
        assert.ok(s.done && s.blocksDone === s.blocksTotal);
      }
    });
  }

  test('the fixture has NaNs (so the NaN count is tested); one block per chunk of the grid', async () => {
    const p = previewDir('climate', 'tas_noleap.zarr');
    const s = await api.variableStats(p, 'xarray.zarr', 'tas');
    assert.ok(s.nanCount > 0, 'masked cells');
    const m = await api.describe(p, 'xarray.zarr');
    assert.equal(m.kind, 'dataset');
    if (m.kind !== 'dataset') return;
    const v = m.dataVars.tas;
    const blocks = v.shape.reduce((a, n, i) => a * Math.ceil(n / (v.chunks?.[i] ?? n)), 1);
    assert.equal(s.blocksTotal, blocks);
  });

  test('progress after every block, counts growing, the last one done', async () => {
    const p = previewDir('climate', 'tas_noleap.nc');
    const seen: api.VariableStats[] = [];
    // A small block size splits the contiguous netCDF variable into slabs of one time step.
    const final = await api.variableStats(
      p,
      'xarray.netcdf',
      'tas',
      {},
      {
        maxBlockValues: 36 * 72,
        onProgress: (s) => seen.push(s),
      },
    );
    assert.ok(seen.length > 1, `${seen.length} progress reports`);
    assert.deepEqual(
      seen.map((s) => s.blocksDone),
      seen.map((_, i) => i + 1),
    );
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].count > seen[i - 1].count);
    assert.ok(seen.slice(0, -1).every((s) => !s.done));
    assert.deepEqual(seen[seen.length - 1], final);
    assert.equal(final.blocksTotal, seen.length);
  });

  test('an aborted signal stops between blocks with an AbortError', async () => {
    const p = previewDir('climate', 'tas_noleap.nc');
    const ac = new AbortController();
    let reports = 0;
    await assert.rejects(
      api.variableStats(
        p,
        'xarray.netcdf',
        'tas',
        {},
        {
          maxBlockValues: 36 * 72,
          signal: ac.signal,
          onProgress: () => {
            reports++;
            if (reports === 2) ac.abort();
          },
        },
      ),
      (err: Error) => err.name === 'AbortError' && /cancelled/.test(err.message),
    );
    assert.equal(reports, 2);
  });

  test('times: ISO min/max, no mean', async () => {
    const p = previewDir('climate', 'tas_noleap.zarr');
    const s = await api.variableStats(p, 'xarray.zarr', 'time');
    const t = await api.readValues(p, 'xarray.zarr', 'time');
    assert.equal(s.min, t.values[0]);
    assert.equal(s.max, t.values[t.values.length - 1]);
    assert.equal(s.mean, null);
  });

  test('the block walk covers every element once, chunked or not', () => {
    for (const [shape, chunks, max] of [
      [[7, 5, 3], [3, 2, 3], 1000],
      [[10, 4], null, 9],
      [[1, 1], null, 1],
      [[6], [4], 1],
    ] as Array<[number[], number[] | null, number]>) {
      const block = blockShape(shape, chunks, max);
      if (!chunks) assert.ok(block.reduce((a, b) => a * b, 1) <= Math.max(max, shape[shape.length - 1]));
      const hits = new Map<string, number>();
      for (const ranges of blockRanges(shape, block)) {
        const walk = (d: number, at: number[]): void => {
          if (d === shape.length) {
            hits.set(at.join(','), (hits.get(at.join(',')) ?? 0) + 1);
            return;
          }
          for (let i = ranges[d][0]; i < ranges[d][1]; i++) walk(d + 1, [...at, i]);
        };
        walk(0, []);
      }
      assert.equal(
        hits.size,
        shape.reduce((a, b) => a * b, 1),
        `${shape} ${chunks}`,
      );
      assert.ok([...hits.values()].every((n) => n === 1));
    }
    assert.deepEqual([...blockRanges([0, 3], [1, 3])], []);
  });
});
