// pandas + pyarrow parquet files (snappy, gzip, zstd; range, named and integer indexes; no
// statistics) compared with pandas.read_parquet.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { expectedJson, type PyJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

/** Expected frames put index columns first (reset_index); parquet keeps them where the file has them. */
function byName(columns: string[], row: unknown[], names: string[]): unknown[] {
  return names.map((n) => row[columns.indexOf(n)]);
}

suite('pandas.parquet', () => {
  const exp = () => expectedJson().parquet;
  for (const name of [
    'snappy.parquet',
    'gzip.parquet',
    'zstd.parquet',
    'named_index.parquet',
    'unnamed_index.parquet',
    'no_stats.parquet',
  ]) {
    test(`${name}: schema, dtypes, index, rows at the start, across row groups and at the end`, async () => {
      const e = exp()[name];
      const p = previewDir('parquet', name);
      const m = await api.describe(p, 'pandas.parquet');
      assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : '');
      if (m.kind !== 'table') return;
      assert.deepEqual([...m.columns.map((c) => c.name)].sort(), [...e.columns].sort());
      for (const c of m.columns)
        assert.equal(c.dtype, e.dtypes[e.columns.indexOf(c.name)], `dtype of ${c.name}`);
      assert.deepEqual(m.index, e.index);
      assert.equal(m.rowCount, e.row_count);
      const head = await api.readRows(p, 'pandas.parquet', 0, e.rows.length);
      assert.deepEqual(
        head.columns,
        m.columns.map((c) => c.name),
      );
      assert.deepEqual(
        head.rows.map((r) => byName(head.columns, r, e.columns)),
        e.rows,
      );
      const tail = await api.readRows(p, 'pandas.parquet', e.tail_offset, 50);
      assert.deepEqual(
        tail.rows.map((r) => byName(tail.columns, r, e.columns)),
        e.tail_rows,
      );
      // Rows 120..140 straddle the first row-group boundary (row_group_size=128).
      const mid = await api.readRows(p, 'pandas.parquet', 120, 20);
      const all = await api.readRows(p, 'pandas.parquet', 0, 300);
      assert.deepEqual(mid.rows, all.rows.slice(120, 140));
    });
  }

  test('summarizeColumns uses row-group statistics when the file has them, else the rows', async () => {
    for (const name of ['snappy.parquet', 'no_stats.parquet']) {
      const e = exp()[name];
      const s = await api.summarizeColumns(previewDir('parquet', name), 'pandas.parquet');
      assert.equal(s.source, name === 'no_stats.parquet' ? 'full' : 'statistics', name);
      for (const [col, want] of Object.entries<PyJson>(e.summary)) {
        const got = s.columns.find((c) => c.name === col);
        assert.ok(got, `${name}: ${col}`);
        assert.equal(got.nulls, want.nulls, `${name}: nulls of ${col}`);
        if ('min' in want) {
          assert.equal(got.min, want.min, `${name}: min of ${col}`);
          assert.equal(got.max, want.max, `${name}: max of ${col}`);
        }
      }
    }
  });

  test('a page never exceeds MAX_ROWS_PER_PAGE and offsets past the end give no rows', async () => {
    const p = previewDir('parquet/snappy.parquet');
    assert.deepEqual((await api.readRows(p, 'pandas.parquet', 300, 10)).rows, []);
    assert.equal((await api.readRows(p, 'pandas.parquet', 0, 10 ** 9)).rows.length, 300);
    assert.ok(api.MAX_ROWS_PER_PAGE >= 1000);
  });
});
