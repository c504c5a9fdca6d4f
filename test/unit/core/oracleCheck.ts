// The oracle check shared by local and object-storage stores: keys()/has()/getArtifact() of a
// store holding a fixture cache, against what the real xpersist returned for it.
import assert from 'node:assert/strict';
import { ArtifactError, type CacheStore } from '../../../src/core/index';
import type { Artifact } from '../../../src/core/types';

export interface OracleEntry {
  contains: boolean;
  artifact?: Record<string, unknown>;
  artifact_error?: string;
  artifact_error_cause?: string;
}
export interface Oracle {
  keys?: string[];
  sidecar_paths_as_keys: string[];
  entries: Record<string, OracleEntry>;
}

/** pydantic's .dict() as the oracle recorded it, from our Artifact. */
function asOracle(a: Artifact): Record<string, unknown> {
  const numbersAsText = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)));
  return {
    key: a.key,
    serializer: a.serializer,
    load_kwargs: a.loadKwargs,
    dump_kwargs: numbersAsText(a.dumpKwargs),
    additional_metadata: numbersAsText(a.additionalMetadata),
    created_at: a.createdAtText,
  };
}

const ANY_DATE = '<any isoformat date>';

// Where xpersist itself is wrong, what we return instead.
const CORRECTED: Record<string, (oracle: OracleEntry) => OracleEntry> = {
  // pydantic fills a missing created_at with utcnow() at read time; we say "unknown".
  'only-required-fields': (o) => ({ ...o, artifact: { ...o.artifact, created_at: null } }),
  // null optionals are empty dicts for us (created_at stays null).
  'null-optionals': (o) => ({
    ...o,
    artifact: { ...o.artifact, load_kwargs: {}, dump_kwargs: {}, additional_metadata: {} },
  }),
  // fsspec glob-expands `*[]` so xpersist cannot read this sidecar; plain file I/O can.
  'glob*chars[1].joblib': () => ({
    contains: true,
    artifact: {
      key: 'glob*chars[1].joblib',
      serializer: 'joblib',
      load_kwargs: {},
      dump_kwargs: {},
      additional_metadata: {},
      created_at: ANY_DATE,
    },
  }),
};

export async function checkCache(store: CacheStore, oracle: Oracle): Promise<void> {
  const keys = await store.keys();
  assert.deepEqual(
    keys,
    [...oracle.sidecar_paths_as_keys].sort(),
    'keys() lists every sidecar, nested ones too',
  );
  for (const k of oracle.keys ?? []) {
    if (oracle.entries[k]?.contains) assert.ok(keys.includes(k), `xpersist's key ${k} is listed`);
  }
  for (const [key, raw] of Object.entries(oracle.entries)) {
    const expected = CORRECTED[key]?.(raw) ?? raw;
    assert.equal(await store.has(key), expected.contains, `has(${key})`);
    if (expected.artifact) {
      const got = asOracle(await store.getArtifact(key));
      if (expected.artifact.created_at === ANY_DATE) {
        assert.match(String(got.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
        got.created_at = ANY_DATE;
      }
      assert.deepEqual(got, expected.artifact, `getArtifact(${key})`);
    } else {
      await assert.rejects(store.getArtifact(key), (err: unknown) => {
        assert.ok(err instanceof ArtifactError, `getArtifact(${key}) throws ArtifactError, got ${err}`);
        assert.ok(err.reason.length > 0);
        if (!expected.contains) assert.equal(err.kind, 'not-found');
        else assert.notEqual(err.kind, 'not-found');
        return true;
      });
    }
  }
}
