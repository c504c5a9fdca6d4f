// N-D numpy arrays in pickles (written by real joblib, scripts/fixtures/make_nd_pickles.py) laid
// out as the object view shows them: a table with the array's true row count (every index of the
// leading dimensions) and the first 2-D slice as a heatmap, values as numpy sees them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import * as api from '../../../src/preview/index';
import type { ObjectNode } from '../../../src/preview/model';
import { arrayGrid } from '../../../src/webview/preview/objectView';
import { assertValuesEqual, previewDir } from './previewFixtures';

after(() => api.closeAll());

const expected = () => JSON.parse(readFileSync(previewDir('nd', 'nd.expected.json'), 'utf8'));

async function tree(name: string): Promise<ObjectNode> {
  const m = await api.describe(previewDir('nd', name), 'joblib');
  assert.equal(m.kind, 'object', m.kind === 'unsupported' ? m.reason : m.kind);
  return m.kind === 'object' ? m.tree : { type: 'none' };
}

describe('N-D arrays in pickles: tables and heatmaps', () => {
  test('a (6, 40, 8) float32 cube with NaNs: 240 rows of 8, every value kept, slice [0, :, :] as the map', async () => {
    const want = expected()['cube.joblib'];
    const t = await tree('cube.joblib');
    assert.deepEqual([t.dtype, t.shape], [want.dtype, want.shape]);
    assertValuesEqual(t.values ?? [], want.values, 'cube values');
    const g = arrayGrid(t);
    assert.ok(g);
    assert.deepEqual([g.totalRows, g.rows, g.cols], [240, 240, 8]);
    assert.ok(g.heat);
    assert.deepEqual([g.heat.rows, g.heat.cols, g.heat.title], [40, 8, '[0, :, :]']);
    assertValuesEqual(g.heat.values, want.values.slice(0, 320), 'the first 2-D slice');
    assert.equal(g.heat.values[3 * 8 + 2], Number.NaN, 'the NaN numpy has at [0, 3, 2]');
  });

  test('a (300, 100) float64 array over the tree bound: the true 300 rows, 200 of them kept', async () => {
    const want = expected()['wide.joblib'];
    const t = await tree('wide.joblib');
    assert.equal(t.truncated, true);
    assert.equal(t.values?.length, 20_000);
    assert.equal(t.values?.[19_999], want.value_19999);
    const g = arrayGrid(t);
    assert.ok(g?.heat);
    assert.deepEqual([g.totalRows, g.rows, g.cols], [300, 200, 100]);
    assert.deepEqual([g.heat.rows, g.heat.cols, g.heat.title], [200, 100, '[:, :]']);
  });

  test('an int16 (3, 5) array maps too; 1-D and object arrays get no grid or no map', async () => {
    const want = expected()['counts.joblib'];
    const t = await tree('counts.joblib');
    const g = arrayGrid(t);
    assert.deepEqual([g?.totalRows, g?.rows, g?.cols], [3, 3, 5]);
    assert.deepEqual(g?.heat?.values, want.values);
    assert.equal(
      arrayGrid({ type: 'numpy.ndarray', dtype: 'float64', shape: [4], values: [1, 2, 3, 4] }),
      null,
    );
    const strings = arrayGrid({ type: 'numpy.ndarray', dtype: '<U1', shape: [1, 2], values: ['a', 'b'] });
    assert.equal(strings?.heat, null);
    assert.equal(strings?.rows, 1);
  });

  test("any slice of the cube: [5, :, :] is numpy's cube[5], indices clamped to the shape", async () => {
    const want = expected()['cube.joblib'];
    const t = await tree('cube.joblib');
    for (const i of [1, 5]) {
      const g = arrayGrid(t, [i]);
      assert.ok(g?.heat);
      assert.deepEqual([g.heat.rows, g.heat.cols, g.heat.title], [40, 8, `[${i}, :, :]`]);
      assertValuesEqual(g.heat.values, want.values.slice(i * 320, (i + 1) * 320), `cube[${i}]`);
    }
    assert.equal(arrayGrid(t, [99])?.heat?.title, '[5, :, :]');
    assert.equal(arrayGrid(t, [-3])?.heat?.title, '[0, :, :]');
  });

  test('a 4-D array ravels its leading indices in C order; a slice past what was kept says so', () => {
    // shape (2, 3, 2, 2): slice [1, 2] starts at flat row (1*3 + 2) * 2 = 10.
    const values = Array.from({ length: 24 }, (_, i) => i);
    const node: ObjectNode = { type: 'numpy.ndarray', dtype: 'int64', shape: [2, 3, 2, 2], values };
    assert.deepEqual(arrayGrid(node, [1, 2])?.heat, {
      values: [20, 21, 22, 23],
      rows: 2,
      cols: 2,
      title: '[1, 2, :, :]',
    });
    assert.deepEqual(arrayGrid(node, [0, 1])?.heat?.values, [4, 5, 6, 7]);
    const cut: ObjectNode = { ...node, values: values.slice(0, 12), truncated: true };
    const g = arrayGrid(cut, [1, 0]);
    assert.equal(g?.heat, null);
    assert.equal(g?.notKept, '[1, 0, :, :] is past the first 6 rows the preview keeps of this array.');
    assert.deepEqual(arrayGrid(cut, [0, 2])?.heat?.values, [8, 9, 10, 11], 'the last kept slice');
  });
});
