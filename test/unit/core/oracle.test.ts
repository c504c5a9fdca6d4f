// Every fixture cache written by the real xpersist against its `.expected.json` oracle: the core
// agrees with xpersist's keys()/in/get_artifact() wherever xpersist is right, and has the
// corrected behaviour where it is not (nested keys, stray files, glob characters, read time).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ArtifactError, CacheStore } from '../../../src/core/index';
import { copyFixtureKind, readExpected } from '../helpers';
import { checkCache, type Oracle } from './oracleCheck';

describe('fixture caches agree with the xpersist oracle', () => {
  for (const kind of ['seed-demo', 'all-serializers', 'release-2021.12.17']) {
    it(kind, async () => {
      await checkCache(await CacheStore.open(copyFixtureKind(kind)), readExpected(kind) as Oracle);
    });
  }
  const broken = readExpected('broken').caches as Record<string, Oracle & { keys_error?: string }>;
  for (const [name, oracle] of Object.entries(broken)) {
    it(`broken/${name}`, async () => {
      const dir = path.join(copyFixtureKind('broken'), name);
      await checkCache(await CacheStore.open(dir), oracle);
    });
  }
  it('broken/entries/inner: the "../escaped.joblib" key is refused, not followed', async () => {
    const dir = path.join(copyFixtureKind('broken'), 'entries', 'inner');
    const store = await CacheStore.open(dir);
    assert.deepEqual(await store.keys(), []);
    await assert.rejects(store.has('../escaped.joblib'), /"\.\." segment/);
    await assert.rejects(store.getArtifact('../escaped.joblib'), /"\.\." segment/);
  });
});

describe('sidecar errors carry a specific reason', () => {
  const reasons: Record<string, RegExp> = {
    'truncated-json': /invalid JSON: Unterminated string starting at: line 5 column 3 \(char 78\)/,
    'empty-sidecar': /invalid JSON: the file is empty/,
    'not-an-object': /not a JSON object: the file holds an array/,
    'missing-key': /missing required field "key"/,
    'missing-serializer': /missing required field "serializer"/,
    'created-at-invalid': /created_at: invalid datetime format \("last tuesday"\)/,
  };
  for (const [key, re] of Object.entries(reasons)) {
    it(key, async () => {
      const store = await CacheStore.open(path.join(copyFixtureKind('broken'), 'entries'));
      await assert.rejects(store.getArtifact(key), (err: unknown) => {
        assert.ok(err instanceof ArtifactError);
        assert.match(err.reason, re);
        return true;
      });
    });
  }
});
