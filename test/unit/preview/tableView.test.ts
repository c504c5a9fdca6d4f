// The table preview's pure parts: summary lines per dtype, sort order, the index's title.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareValues, indexTitle, statsLines } from '../../../src/webview/preview/tableView';

describe('table view', () => {
  test('bools are counted, numbers get min/max/mean, times min/max, every column its nulls', () => {
    assert.deepEqual(
      statsLines('bool', { name: 'wet', min: null, max: null, nulls: 0, trueCount: 85, falseCount: 155 }),
      ['True 85 · False 155', '0 null'],
    );
    assert.deepEqual(statsLines('float64', { name: 't', min: -3.85, max: 34.17, nulls: 3, mean: 15.1068 }), [
      'min -3.85',
      'max 34.17',
      'mean 15.107',
      '3 null',
    ]);
    assert.deepEqual(statsLines('object', { name: 'd', min: '2001-01-01', max: '2001-08-28', nulls: 0 }), [
      'min 2001-01-01',
      'max 2001-08-28',
      '0 null',
    ]);
    assert.deepEqual(statsLines('int64', undefined), []);
  });

  test('sorting: numbers numerically, text as text, nulls last', () => {
    const xs = [10, null, 2, 33, null, -1];
    assert.deepEqual([...xs].sort(compareValues), [-1, 2, 10, 33, null, null]);
    assert.deepEqual(['b', 'a', null, 'c'].sort(compareValues), ['a', 'b', 'c', null]);
    assert.deepEqual([true, false, true].sort(compareValues), [false, true, true]);
  });

  test("pandas' placeholder name of an unnamed index is not shown", () => {
    assert.equal(indexTitle('Unnamed: 0'), '');
    assert.equal(indexTitle('station_id'), 'station_id');
  });
});
