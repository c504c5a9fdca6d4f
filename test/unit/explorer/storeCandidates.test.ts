// One store per root however many sources name it, with a setting's name, mode and storage options
// winning over what discovery found (src/explorer/storeCandidates.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeCandidates, type StoreCandidate } from '../../../src/explorer/storeCandidates';

describe('store candidates', () => {
  it('merge by root, in first-seen order, listing each source once', () => {
    const merged = mergeCandidates<StoreCandidate>([
      { root: '/b', source: 'workspace' },
      { root: '/a', source: 'python' },
      { root: '/b', source: 'python' },
      { root: '/b', source: 'workspace' },
    ]);
    assert.deepEqual(
      [...merged.values()].map((c) => [c.root, c.source, c.sources]),
      [
        ['/b', 'workspace', ['workspace', 'python']],
        ['/a', 'python', ['python']],
      ],
    );
  });

  it("take a later setting's name, read-only mode and storage options, and make it the source", () => {
    const merged = mergeCandidates<StoreCandidate>([
      { root: 's3://b/c', source: 'python', storageOptions: { anon: true } },
      {
        root: 's3://b/c',
        source: 'setting',
        name: 'Shared',
        readonly: true,
        storageOptions: { profile: 'x' },
      },
    ]);
    assert.deepEqual(merged.get('s3://b/c'), {
      root: 's3://b/c',
      source: 'setting',
      sources: ['python', 'setting'],
      name: 'Shared',
      readonly: true,
      storageOptions: { profile: 'x' },
    });
  });

  it("keep the first storage options discovery found, and a setting's where it gives none", () => {
    const merged = mergeCandidates<StoreCandidate>([
      { root: 's3://b/c', source: 'setting', name: 'Mine' },
      { root: 's3://b/c', source: 'workspace' },
      { root: 's3://b/c', source: 'python', storageOptions: { anon: true } },
      { root: 's3://b/c', source: 'python', storageOptions: { anon: false } },
    ]);
    const c = merged.get('s3://b/c');
    assert.equal(c?.source, 'setting');
    assert.equal(c?.name, 'Mine');
    assert.deepEqual(c?.storageOptions, { anon: true });
    assert.deepEqual(c?.sources, ['setting', 'workspace', 'python']);
  });
});
