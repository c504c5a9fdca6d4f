// Pattern matching over indexed keys agrees with a brute-force regular expression.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyIndex, matchSegments } from '../../../src/flows/keyIndex';
import { entry, report } from './reports';

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const toRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

describe('key index', () => {
  const r = rng(42);
  const alphabet = ['a', 'b', '-', '/', '.', 'zarr', 'nc', '2026', 'é', '*'];
  const word = () =>
    Array.from({ length: 1 + Math.floor(r() * 6) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(
      '',
    );
  const keys = [...new Set(Array.from({ length: 3000 }, word))];
  const idx = new KeyIndex(
    report(
      '/s',
      keys.map((k) => entry('/s', k)),
    ),
  );

  it('matches exactly what a regular expression matches, for random patterns', () => {
    for (let i = 0; i < 400; i++) {
      const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () =>
        r() < 0.3 ? '' : word().replace(/\*/g, ''),
      );
      const pattern = parts.join('*');
      const re = toRegExp(pattern);
      const expected = keys.filter((k) => re.test(k)).sort();
      const got = idx
        .match(pattern)
        .map((a) => a.key)
        .sort();
      assert.deepEqual(got, expected, `pattern ${JSON.stringify(pattern)}`);
    }
  });

  it('does not let the prefix and suffix of a pattern overlap', () => {
    assert.equal(matchSegments('ab', ['ab', 'b']), false);
    assert.equal(matchSegments('abb', ['ab', 'b']), true);
    assert.equal(matchSegments('a-x-y', ['a', 'x', 'x-y']), false);
    assert.equal(matchSegments('a/b/c', ['a', 'c']), true);
  });

  it('finds exact keys and broken keys', () => {
    const i2 = new KeyIndex(report('/s', [entry('/s', 'x.zarr')], ['bad-1.zarr', 'bad-2.zarr']));
    assert.equal(i2.match('x.zarr')[0].key, 'x.zarr');
    assert.deepEqual(i2.match('y.zarr'), []);
    assert.deepEqual(i2.brokenMatching('bad-*.zarr').sort(), ['bad-1.zarr', 'bad-2.zarr']);
  });
});
