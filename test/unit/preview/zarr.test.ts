// Zarr v2 (zarr 2.x via xarray, and raw zarr) and Zarr v3 (zarr 3 / current xarray) against what
// xarray itself says about the same stores.

import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';
import { assertValuesEqual, cachePath, checkDataset, expectedJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

suite('zarr v2 written by xarray + zarr 2.18', () => {
  const exp = () => expectedJson().zarr2;

  test('consolidated store: every variable, dtype, attrs and selection as xarray decodes them', async () => {
    await checkDataset(
      api,
      previewDir('zarr2/cf_consolidated.zarr'),
      'xarray.zarr',
      exp()['cf_consolidated.zarr'],
      {
        dumpKwargs: { mode: 'w' },
      },
    );
  });

  test('unconsolidated store with zlib, no compressor, Blosc zstd+bitshuffle and nested chunk keys', async () => {
    await checkDataset(
      api,
      previewDir('zarr2/unconsolidated_zlib.zarr'),
      'xarray.zarr',
      exp()['unconsolidated_zlib.zarr'],
    );
  });

  test('raw zarr dtypes: datetime64, Fortran order, bool, big-endian int, <U, |S, uint16, float16', async () => {
    await checkDataset(api, previewDir('zarr2/raw_dtypes.zarr'), 'xarray.zarr', exp()['raw_dtypes.zarr']);
  });

  test('CF calendars: 360_day (2001-02-30), noleap, all_leap, julian, standard across 1582, timedeltas', async () => {
    await checkDataset(api, previewDir('zarr2/calendars.zarr'), 'xarray.zarr', exp()['calendars.zarr']);
    const r = await api.readValues(previewDir('zarr2/calendars.zarr'), 'xarray.zarr', 't360');
    assert.ok(r.values.includes('2001-02-30T00:00:00'));
  });

  test('nested groups: the group comes from dump_kwargs, load_kwargs win, sub-groups are listed', async () => {
    const e = exp()['groups.zarr'];
    const p = previewDir('zarr2/groups.zarr');
    await checkDataset(api, p, 'xarray.zarr', e.root);
    await checkDataset(api, p, 'xarray.zarr', e.forecast, { dumpKwargs: { group: 'forecast' } });
    await checkDataset(api, p, 'xarray.zarr', e['forecast/members'], {
      dumpKwargs: { group: 'forecast' },
      loadKwargs: { group: 'forecast/members' },
    });
    const m = await api.describe(p, 'xarray.zarr');
    assert.equal(m.kind, 'dataset');
    if (m.kind === 'dataset') assert.deepEqual(m.groups, e.groups);
    const bad = await api.describe(p, 'xarray.zarr', { dumpKwargs: { group: 'nope' } });
    assert.equal(bad.kind, 'unsupported');
    if (bad.kind === 'unsupported') assert.match(bad.reason, /no group 'nope'.*forecast/);
  });

  test('a group missing from stale consolidated metadata is found by walking the folders', async () => {
    const dir = tempDir('xp-zarr-');
    try {
      const p = path.join(dir, 'g.zarr');
      cpSync(previewDir('zarr2/groups.zarr'), p, { recursive: true });
      cpSync(path.join(p, 'forecast'), path.join(p, 'later'), { recursive: true });
      const m = await api.describe(p, 'xarray.zarr', { dumpKwargs: { group: 'later' } });
      assert.equal(m.kind, 'dataset', m.kind === 'unsupported' ? m.reason : '');
      if (m.kind === 'dataset') assert.deepEqual(Object.keys(m.dataVars), ['forecast']);
    } finally {
      removeDir(dir);
    }
  });

  test('a missing chunk reads as the fill value, like zarr (docs/xpersist-format.md, "Data formats")', async () => {
    await checkDataset(
      api,
      previewDir('zarr2/missing_chunk.zarr'),
      'xarray.zarr',
      exp()['missing_chunk.zarr'],
    );
    const r = await api.readValues(previewDir('zarr2/missing_chunk.zarr'), 'xarray.zarr', 'v', { x: 3 });
    assertValuesEqual(r.values, [12, 13, null, null], 'v[3]');
  });
});

suite('zarr v3 written by zarr 3 and a current xarray', () => {
  const exp = () => expectedJson().zarr3;
  // xarray 2025+ shows zarr 3 strings as numpy 2's StringDType; the pinned xarray (2024.11) says object.
  const dtypeAlias = { 'StringDType()': 'object' };

  test('consolidated (zarr.json consolidated_metadata), default zstd codec', async () => {
    await checkDataset(
      api,
      previewDir('zarr3/cf_consolidated.zarr'),
      'xarray.zarr',
      exp()['cf_consolidated.zarr'],
      {},
      { dtypeAlias },
    );
  });

  test('unconsolidated, gzip and Blosc bitshuffle codecs', async () => {
    await checkDataset(
      api,
      previewDir('zarr3/unconsolidated_gzip.zarr'),
      'xarray.zarr',
      exp()['unconsolidated_gzip.zarr'],
      {},
      { dtypeAlias },
    );
  });

  test('sharded array, int64 and string arrays in nested groups', async () => {
    const e = exp()['sharded_groups.zarr'];
    const p = previewDir('zarr3/sharded_groups.zarr');
    await checkDataset(api, p, 'xarray.zarr', e.root, {}, { dtypeAlias });
    await checkDataset(api, p, 'xarray.zarr', e.sub, { dumpKwargs: { group: 'sub' } }, { dtypeAlias });
    await checkDataset(
      api,
      p,
      'xarray.zarr',
      e['sub/deeper'],
      { dumpKwargs: { group: 'sub/deeper' } },
      { dtypeAlias },
    );
  });

  test('calendars in zarr v3 (timedelta compared to the microsecond: newer xarray rounds differently)', async () => {
    const p = previewDir('zarr3/calendars.zarr');
    await checkDataset(api, p, 'xarray.zarr', exp()['calendars.zarr'], {}, { skipValues: ['dur'] });
    const r = await api.readValues(p, 'xarray.zarr', 'dur');
    assert.deepEqual(r.values.slice(0, 3), ['PT0S', 'PT1M30S', 'PT1H']);
    assert.match(String(r.values[3]), /^P1DT1\.5(00000\d*)?S$/);
    assert.equal(r.values[4], null);
  });
});

suite('xpersist caches (written by the real xpersist)', () => {
  const exp = () => expectedJson().xpersist_caches;

  test('tas_monthly.zarr: int16 pr packed through dump_kwargs encoding decodes to float64', async () => {
    await checkDataset(api, cachePath('tas_monthly.zarr'), 'xarray.zarr', exp()['tas_monthly.zarr'], {
      dumpKwargs: {
        mode: 'w',
        encoding: { pr: { dtype: 'int16', scale_factor: 1e-6, add_offset: 0, _FillValue: -32768 } },
      },
    });
  });

  test('nested key experiments/run1/output.zarr', async () => {
    await checkDataset(
      api,
      cachePath('experiments/run1/output.zarr'),
      'xarray.zarr',
      exp()['experiments/run1/output.zarr'],
    );
  });
});

suite('reads only the chunks a selection needs', () => {
  test('a 2-D slice of tas (chunks 2x2x5) opens exactly the chunk files that hold it', async () => {
    const p = previewDir('zarr2/cf_consolidated.zarr');
    await api.closeAll();
    await api.describe(p, 'xarray.zarr');
    const before = await api.ioStats(p, 'xarray.zarr');
    assert.ok(before);
    const r = await api.readValues(p, 'xarray.zarr', 'tas', { time: 3 });
    assert.deepEqual(r.shape, [4, 5]);
    const got = await api.ioStats(p, 'xarray.zarr');
    assert.ok(got);
    // time 3 lies in time-chunk 1; lat 0..3 spans lat-chunks 0 and 1; lon is one chunk.
    const read = (got.files ?? []).filter((f) => !(before.files ?? []).includes(f));
    assert.deepEqual(read, ['tas/1.0.0', 'tas/1.1.0']);
  });

  test('after the store is rewritten, the preview shows the new data (signature check)', async () => {
    const dir = tempDir('xp-zarr-');
    try {
      const p = path.join(dir, 'copy.zarr');
      cpSync(previewDir('zarr2/missing_chunk.zarr'), p, { recursive: true });
      const first = await api.readValues(p, 'xarray.zarr', 'v', { x: 0 });
      assertValuesEqual(first.values, [0, 1, 2, 3], 'before');
      // Replace the store by another one with different metadata (what mode='w' does).
      rmSync(p, { recursive: true });
      cpSync(previewDir('zarr2/groups.zarr'), p, { recursive: true });
      const m = await api.describe(p, 'xarray.zarr');
      assert.equal(m.kind, 'dataset');
      if (m.kind === 'dataset') assert.deepEqual(Object.keys(m.dataVars), ['root_var']);
      // Chunks are never cached: a chunk written later (region write) shows at once.
      const q = path.join(dir, 'chunks.zarr');
      cpSync(previewDir('zarr2/missing_chunk.zarr'), q, { recursive: true });
      assertValuesEqual(
        (await api.readValues(q, 'xarray.zarr', 'v', { x: 3 })).values,
        [12, 13, null, null],
        'v[3]',
      );
      cpSync(path.join(q, 'v', '1.0'), path.join(q, 'v', '1.1'));
      assertValuesEqual(
        (await api.readValues(q, 'xarray.zarr', 'v', { x: 3 })).values,
        [12, 13, 12, 13],
        'v[3] after',
      );
    } finally {
      removeDir(dir);
    }
  });
});
