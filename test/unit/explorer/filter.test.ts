import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArtifactEntry } from '../../../src/core/types';
import { FilterSyntaxError, matchesFilter, parseFilter } from '../../../src/explorer/filter';

const NOW = Date.parse('2026-11-27T12:00:00Z');
function art(key: string, extra: Partial<ArtifactEntry> = {}): ArtifactEntry {
  return {
    key,
    serializer: 'xarray.zarr',
    loadKwargs: {},
    dumpKwargs: {},
    additionalMetadata: { flow_name: 'my-flow', task_name: 'get_data' },
    createdAt: new Date(NOW - 3600_000),
    createdAtText: null,
    sidecarPath: `/s/xpersist_metadata_store/${key}.artifact.json`,
    dataPath: `/s/${key}`,
    dataExists: true,
    sizeBytes: 10,
    dataKind: 'directory',
    problems: [],
    ...extra,
  };
}

describe('artifact filter', () => {
  const cases: [string, ArtifactEntry, boolean][] = [
    ['bar', art('bar.zarr'), true],
    ['BAR', art('bar.zarr'), true],
    ['*.zarr', art('bar.zarr'), true],
    ['*.zarr', art('bar.csv'), false],
    ['experiments/*', art('experiments/run1/out.zarr'), true],
    ['b?r.zarr', art('bar.zarr'), true],
    ['[ab]ar.zarr', art('car.zarr'), false],
    ['serializer:joblib', art('x'), false],
    ['serializer:xarray.*', art('x'), true],
    ['flow:my-flow task:get_data', art('x'), true],
    ['flow:other', art('x'), false],
    ['flow:my-flow', art('x', { additionalMetadata: {} }), false],
    ['age:<2h', art('x'), true],
    ['age:<30min', art('x'), false],
    ['age:>30min', art('x'), true],
    ['age:<1d', art('x', { createdAt: null }), false],
    ['key:"my results"', art('my results (final).joblib'), true],
    ['bar zarr', art('bar.zarr'), true],
    ['bar csv', art('bar.zarr'), false],
  ];
  for (const [text, a, expected] of cases) {
    it(`${JSON.stringify(text)} ${expected ? 'matches' : 'does not match'} ${a.key}`, () => {
      assert.equal(matchesFilter(parseFilter(text), a, NOW), expected);
    });
  }
  it('explains bad terms', () => {
    assert.throws(() => parseFilter('age:soon'), FilterSyntaxError);
    assert.throws(() => parseFilter('flow:'), /needs a value/);
  });
  it('treats glob characters in a substring literally when not a glob', () => {
    assert.equal(matchesFilter(parseFilter('(final)'), art('my results (final).joblib'), NOW), true);
  });
});
