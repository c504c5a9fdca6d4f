// joblib/pickle files shown as a type tree, never executed: numpy arrays, DataFrames, Series,
// containers and scalars, every joblib compression, pickle protocols 0-5, and pickles that would
// run code on load (they become inert text).

import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import type { ObjectNode } from '../../../src/preview/index';
import * as api from '../../../src/preview/index';
import { readExpected, removeDir, runPython, tempDir } from '../helpers';
import { cachePath, expectedJson, nanToNull, type PyJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

const PWNED = '/tmp/xp-preview-pwned';

async function tree(file: string): Promise<ObjectNode> {
  const m = await api.describe(file, 'joblib');
  assert.equal(m.kind, 'object', m.kind === 'unsupported' ? m.reason : m.kind);
  return m.kind === 'object' ? m.tree : { type: 'none' };
}

const child = (n: ObjectNode, label: string): ObjectNode => {
  const c = n.children?.find((x) => x.label === label);
  assert.ok(c, `no child ${label} in ${n.type} (${n.children?.map((x) => x.label).join(', ')})`);
  return c;
};

function assertArrays(t: ObjectNode): void {
  const want = expectedJson().pickle.arrays;
  assert.equal(t.type, 'collections.OrderedDict');
  for (const [name, w] of Object.entries<PyJson>(want)) {
    const a = child(t, name);
    assert.equal(a.type, 'numpy.ndarray', name);
    assert.equal(a.dtype, w.dtype, `${name} dtype`);
    assert.deepEqual(a.shape, w.shape, `${name} shape`);
    if (w.first)
      assert.deepEqual(nanToNull(a.values ?? []).slice(0, w.first.length), w.first, `${name} values`);
  }
  assert.deepEqual(child(t, 'c16').values?.slice(0, 2), ['(1+2j)', '(0-0.5j)']);
}

suite('joblib files', () => {
  test('a dict of numpy arrays: dtype, shape, first values (big-endian, Fortran, <U, object, datetime64, 0-d)', async () => {
    assertArrays(await tree(previewDir('pickle/arrays.joblib')));
  });

  for (const c of ['zlib', 'gzip', 'lz4', 'xz', 'lzma', 'bz2']) {
    test(`the same arrays compressed with ${c}`, async () => {
      assertArrays(await tree(previewDir(`pickle/arrays_${c}.joblib`)));
    });
  }

  test('plain Python values: nested containers, big ints, bytes, sets, datetimes, Decimal, NaN, bounds', async () => {
    const t = await tree(previewDir('pickle/plain.joblib'));
    const want = expectedJson().pickle.plain;
    assert.equal(t.type, 'dict');
    assert.deepEqual(
      t.children?.map((c) => c.label),
      want.keys,
    );
    assert.equal(child(t, 'model').summary, "'CESM2'");
    assert.equal(child(child(t, 'options'), 'tol').summary, '1e-06');
    assert.equal(child(child(t, 'options'), 'none').summary, 'None');
    assert.equal(child(t, 'pair').type, 'tuple');
    assert.equal(child(t, 'blob').type, 'bytes');
    assert.equal(child(t, 'blob').length, 8);
    assert.equal(child(t, 'members').type, 'set');
    assert.equal(child(t, 'big').summary, want.big);
    assert.equal(child(t, 'neg').summary, want.neg);
    assert.equal(child(t, 'when').summary, want.when);
    assert.equal(child(t, 'day').summary, want.day);
    assert.equal(child(t, 'span').summary, 'P1DT5S');
    assert.equal(child(t, 'price').summary, "Decimal('12.50')");
    assert.equal(child(t, 'nan').summary, 'nan');
    assert.equal(child(t, 'unicode').summary, "'température 🌡'");
    const long = child(t, 'long_list');
    assert.equal(long.length, want.long_list_len);
    assert.equal(long.truncated, true);
    assert.ok((long.children?.length ?? 0) <= 50);
    let deep = child(t, 'deep');
    let depth = 1;
    while (deep.children?.length) {
      deep = deep.children[0];
      depth++;
    }
    assert.ok(deep.truncated || deep.summary === "'bottom'", 'the nesting bound or the leaf is reached');
    assert.ok(depth <= 8);
    assert.equal(child(t, 'np_scalar').summary, '2.5');
    assert.equal(child(t, 'np_scalar').type, 'numpy.float32');
    const cfg = child(t, 'config');
    assert.equal(cfg.type, '__main__.Config');
    assert.equal(cfg.inert, true);
    assert.equal(child(cfg, 'name').summary, "'run-7'");
  });

  test('a DataFrame: columns with dtypes (category, datetime64, object, int32), named index, first rows', async () => {
    const t = await tree(previewDir('pickle/dataframe.joblib'));
    const want = expectedJson().pickle.dataframe;
    assert.equal(t.type, 'pandas.DataFrame');
    assert.deepEqual(t.shape, want.shape);
    assert.deepEqual(
      t.columns?.map((c) => c.name),
      want.columns,
    );
    assert.deepEqual(
      t.columns?.map((c) => c.dtype),
      want.dtypes,
    );
    assert.equal(t.index?.name, want.index_name);
    assert.deepEqual(t.index?.values?.slice(0, 3), ['s0', 's1', 's2']);
    assert.deepEqual(t.rows?.slice(0, 3).map(nanToNull), want.head);
  });

  test('a Series with a RangeIndex', async () => {
    const t = await tree(previewDir('pickle/series.joblib'));
    const want = expectedJson().pickle.series;
    assert.equal(t.type, 'pandas.Series');
    assert.equal(t.dtype, want.dtype);
    assert.equal(t.length, want.length);
    assert.deepEqual(t.values, want.first);
    assert.deepEqual(t.index?.values, [10, 11, 12, 13, 14]);
    assert.match(t.summary ?? '', /series_values/);
  });

  test('a bare pandas Index counts its entries in words: "3 entries", "1 entry"', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'indexes.joblib');
    try {
      runPython(
        "import sys, joblib, pandas as pd; joblib.dump({'three': pd.Index(['a', 'b', 'c']), 'one': pd.Index(['x'])}, sys.argv[1])",
        [file],
      );
      const t = await tree(file);
      assert.equal(child(t, 'three').summary, 'Index (3 entries)');
      assert.equal(child(t, 'one').summary, 'Index (1 entry)');
    } finally {
      removeDir(dir);
    }
  });

  for (const p of [0, 2, 3, 4, 5]) {
    test(`plain pickle protocol ${p} (ndarray, big-endian array, DataFrame)`, async () => {
      const t = await tree(previewDir(`pickle/protocol${p}.pkl`));
      const arr = child(t, 'arr');
      assert.equal(arr.dtype, 'float64');
      assert.deepEqual(arr.shape, [3, 8]);
      assert.deepEqual(arr.values?.slice(0, 6), expectedJson().pickle.arrays.f8.first);
      assert.deepEqual(child(t, 'be').values, [-5, 3, 1073741824, -2147483648]);
      assert.equal(child(t, 'n').summary, String(p));
      assert.equal(child(t, 'df').type, 'pandas.DataFrame');
      assert.deepEqual(
        child(t, 'df').columns?.map((c) => c.name),
        expectedJson().pickle.dataframe.columns,
      );
    });
  }
});

suite('pickles that would run code are shown, never run', () => {
  test('GLOBAL os.system + REDUCE (protocol 0) and builtins.eval via __reduce__ (protocol 4)', async () => {
    rmSync(PWNED, { force: true });
    const p0 = await tree(previewDir('pickle/malicious_p0.pkl'));
    assert.equal(p0.type, 'os.system');
    assert.equal(p0.inert, true);
    assert.match(p0.summary ?? '', /os\.system\('touch \/tmp\/xp-preview-pwned'\).*not run/);
    const p4 = await tree(previewDir('pickle/malicious_p4.pkl'));
    const evil = child(p4, 'payload');
    assert.equal(evil.type, 'builtins.eval');
    assert.equal(evil.inert, true);
    assert.match(evil.summary ?? '', /__import__\('os'\)\.system/);
    assert.equal(child(p4, 'note').summary, "'harmless text'");
    assert.equal(existsSync(PWNED), false, 'nothing was executed');
  });

  test('a truncated pickle is unsupported with a reason, not a crash', async () => {
    const m = await api.describe(previewDir('pickle/truncated.joblib'), 'joblib');
    assert.equal(m.kind, 'unsupported');
    if (m.kind === 'unsupported') {
      assert.match(m.reason, /truncated|ends early/);
      assert.ok(m.sizeBytes && m.sizeBytes > 0);
      assert.match(m.head ?? '', /^00000000/);
    }
  });
});

suite('xpersist caches', () => {
  test('every joblib artifact of all-serializers matches what xpersist get() returned', async () => {
    const want = readExpected('all-serializers').entries as Record<string, PyJson>;
    const run = await tree(cachePath('run_config'));
    assert.deepEqual(
      run.children?.map((c) => c.label),
      ['model', 'resolution', 'years', 'options'],
    );
    assert.equal(want.run_config.value.type, 'builtins.dict');
    const members = await tree(cachePath('ensemble_members'));
    assert.equal(members.type, 'list');
    assert.equal(members.length, 10);
    const weights = await tree(cachePath('compressed_weights.joblib'));
    assert.equal(weights.type, 'numpy.ndarray');
    assert.deepEqual(weights.shape, want['compressed_weights.joblib'].value.shape);
    assert.equal(weights.dtype, 'float64');
    const plain = await tree(cachePath('weights.joblib'));
    assert.deepEqual(plain.shape, want['weights.joblib'].value.shape);
    const table = await tree(cachePath('station_table.joblib'));
    assert.equal(table.type, 'pandas.DataFrame');
    const wt = want['station_table.joblib'].value;
    assert.deepEqual(table.shape, wt.shape);
    assert.deepEqual(
      table.columns?.map((c) => c.name),
      wt.columns,
    );
    assert.deepEqual(
      table.columns?.map((c) => c.dtype),
      wt.columns.map((c: string) => wt.dtypes[c]),
    );
    assert.deepEqual(
      table.rows?.slice(0, 3).map(nanToNull),
      wt.head.data.map((r: unknown[]) => r.map((v) => (typeof v === 'string' ? v.replace(/\.000$/, '') : v))),
    );
    const named = await tree(cachePath('my results (final).joblib'));
    assert.equal(child(named, 'score').summary, '0.93');
    const prefect = await tree(cachePath('prefect-result-2026-11-25t12-23-26-637081-00-00'));
    assert.equal(child(prefect, 'n_files').summary, '42');
    assert.equal(child(prefect, 'ok').summary, 'True');
  });
});
