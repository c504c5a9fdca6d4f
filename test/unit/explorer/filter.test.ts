import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArtifactEntry } from '../../../src/core/types';
import {
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  problemMatchesFilter,
} from '../../../src/explorer/filter';

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
    // Globs match anywhere, like substrings (one semantics).
    ['r3i1p1f1/pr/*.csv', art('cmip6/r3i1p1f1/pr/1999.csv'), true],
    ['*r3i1p1f1/pr/*.csv', art('cmip6/r3i1p1f1/pr/1999.csv'), true],
    ['r3i1p1f1/pr/*.csv', art('cmip6/r3i1p1f1/tas/1999.csv'), false],
    ['age:>1y', art('x', { createdAt: new Date(NOW - 400 * 86_400_000) }), true],
    ['age:>1y', art('x'), false],
    ['age:<3mo', art('x'), true],
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
  it('filters problems by their key or path in the store; field-only filters hide them', () => {
    const p = { key: 'broken/alias', path: '/s/xpersist_metadata_store/broken/alias.artifact.json' };
    const orphan = { path: '/s/orphans/data.nc' };
    assert.equal(problemMatchesFilter(parseFilter('alias'), p, '/s'), true);
    assert.equal(problemMatchesFilter(parseFilter('zarr'), p, '/s'), false);
    assert.equal(problemMatchesFilter(parseFilter('orphans/*.nc'), orphan, '/s'), true);
    assert.equal(problemMatchesFilter(parseFilter('serializer:joblib'), p, '/s'), false);
  });
  it('treats glob characters in a substring literally when not a glob', () => {
    assert.equal(matchesFilter(parseFilter('(final)'), art('my results (final).joblib'), NOW), true);
  });
});
