// CSV written by pandas.to_csv, read back with the artifact's dump_kwargs undone (sep, encoding,
// index), compared with pandas.read_csv on the same files.

import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';
import { cachePath, expectedJson, type PyJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

async function checkTable(file: string, dumpKwargs: Record<string, unknown>, e: PyJson): Promise<void> {
  const o = { dumpKwargs };
  const m = await api.describe(file, 'pandas.csv', o);
  assert.equal(m.kind, 'table', m.kind === 'unsupported' ? m.reason : '');
  if (m.kind !== 'table') return;
  assert.deepEqual(
    m.columns.map((c) => c.name),
    e.columns,
  );
  assert.deepEqual(
    m.columns.map((c) => c.dtype),
    e.dtypes,
  );
  assert.deepEqual(m.index, e.index);
  assert.equal(m.rowCount, e.row_count);
  const r = await api.readRows(file, 'pandas.csv', 0, e.rows.length, o);
  assert.deepEqual(r.columns, e.columns);
  assert.deepEqual(r.rows, e.rows);
  const tail = await api.readRows(file, 'pandas.csv', e.tail_offset, 100, o);
  assert.deepEqual(tail.rows, e.tail_rows);
}

suite('pandas.csv fixtures', () => {
  const exp = () => expectedJson().csv;
  for (const name of [
    'default_index.csv',
    'noindex.csv',
    'semicolon_latin1.csv',
    'tab_noindex.csv',
    'named_index.csv',
    'compressed.csv.gz',
  ]) {
    test(`${name}: columns, dtypes, index, first and last rows as pandas reads them`, async () => {
      await checkTable(previewDir('csv', name), exp()[name].dump_kwargs, exp()[name]);
    });
  }

  test('without its dump_kwargs, a sep=";" file is one column, as in xpersist get() (docs/xpersist-format.md, "What load does not undo")', async () => {
    const m = await api.describe(previewDir('csv/semicolon_latin1.csv'), 'pandas.csv', {
      dumpKwargs: { encoding: 'latin-1' },
    });
    assert.equal(m.kind, 'table');
    if (m.kind === 'table')
      assert.equal(
        m.columns.length - m.index.length,
        exp()['semicolon_latin1.csv'].without_dump_kwargs_columns,
      );
  });

  test('quoted fields with commas, quotes and newlines stay one cell', async () => {
    const r = await api.readRows(previewDir('csv/default_index.csv'), 'pandas.csv', 0, 5);
    const names = r.rows.map((row) => row[2]);
    assert.deepEqual(names, ['Boulder, CO', 'O\'Hare "ORD"', 'Mesa Lab', 'line\nbreak', 'Zürich']);
  });

  test('pages anywhere in the file; past the end is empty', async () => {
    const p = previewDir('csv/noindex.csv');
    const all = await api.readRows(p, 'pandas.csv', 0, 1000);
    assert.equal(all.rows.length, 40);
    const mid = await api.readRows(p, 'pandas.csv', 17, 3);
    assert.deepEqual(mid.rows, all.rows.slice(17, 20));
    assert.deepEqual((await api.readRows(p, 'pandas.csv', 40, 10)).rows, []);
    assert.equal(await api.countRows(p, 'pandas.csv', { dumpKwargs: { index: false } }), 40);
  });

  test('summarizeColumns: min/max/nulls from the rows, and says where they come from', async () => {
    const s = await api.summarizeColumns(previewDir('csv/noindex.csv'), 'pandas.csv', {
      dumpKwargs: { index: false },
    });
    assert.equal(s.source, 'full');
    const t = s.columns.find((c) => c.name === 'temperature_c');
    const rows = (
      await api.readRows(previewDir('csv/noindex.csv'), 'pandas.csv', 0, 100, {
        dumpKwargs: { index: false },
      })
    ).rows;
    const temps = rows.map((r) => r[3]).filter((v): v is number => typeof v === 'number');
    assert.equal(t?.min, Math.min(...temps));
    assert.equal(t?.max, Math.max(...temps));
    assert.equal(t?.nulls, rows.length - temps.length);
  });
});

suite('xpersist caches', () => {
  const exp = () => expectedJson().xpersist_caches;
  test('observations.csv (index written), daily_summary.csv (index=false), experiments/run1/metrics.csv', async () => {
    await checkTable(cachePath('observations.csv'), {}, exp()['observations.csv']);
    await checkTable(cachePath('daily_summary.csv'), { index: false }, exp()['daily_summary.csv']);
    await checkTable(cachePath('experiments/run1/metrics.csv'), {}, exp()['experiments/run1/metrics.csv']);
  });
});

suite('big and changing files', () => {
  test('a CSV with thousands of rows: deep pages match, row count exact, index built once', async () => {
    const dir = tempDir('xp-csv-');
    try {
      const p = path.join(dir, 'big.csv');
      const lines = ['idx,a,b'];
      for (let i = 0; i < 25_000; i++) lines.push(`${i},${i * 2},"x${i % 7 === 0 ? '\n' : ''}y"`);
      writeFileSync(p, `${lines.join('\n')}\n`);
      const page = await api.readRows(p, 'pandas.csv', 20_480, 3);
      const cell = (i: number) => (i % 7 === 0 ? 'x\ny' : 'xy');
      assert.deepEqual(
        page.rows,
        [20480, 20481, 20482].map((i) => [i, i * 2, cell(i)]),
      );
      assert.equal(await api.countRows(p, 'pandas.csv'), 25_000);
    } finally {
      removeDir(dir);
    }
  });

  test('when the file changes, the next call reads the new content', async () => {
    const dir = tempDir('xp-csv-');
    try {
      const p = path.join(dir, 't.csv');
      copyFileSync(previewDir('csv/noindex.csv'), p);
      const o = { dumpKwargs: { index: false } };
      assert.equal((await api.readRows(p, 'pandas.csv', 0, 100, o)).rows.length, 40);
      appendFileSync(p, '9999,extra,2021-12-16 00:00:00,1.0,1,True,rain\n');
      const r = await api.readRows(p, 'pandas.csv', 0, 100, o);
      assert.equal(r.rows.length, 41);
      assert.equal(r.rows[40][0], 9999);
    } finally {
      removeDir(dir);
    }
  });
});
