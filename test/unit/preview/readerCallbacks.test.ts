// Issue 16 item 7: an error thrown inside a third-party reader (hyparquet's promise chains, the
// codecs it calls back) must come back as the call's own rejection or an `unsupported` model,
// never as an unhandled rejection (which would take the whole extension host down).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-callbacks-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

/** Runs `body`, collecting every unhandled rejection raised meanwhile (and a turn after). */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return seen;
}

const messages = (xs: unknown[]): string[] => xs.map((x) => (x instanceof Error ? x.message : String(x)));

test('a column chunk named outside the schema, with a corrupt page, is refused with a reason', async () => {
  // Made from a pyarrow file: the second column's path_in_schema renamed 'beta' -> 'zeta' and 40
  // bytes of its page overwritten. hyparquet reads that chunk but never assembles it, so its
  // failure was an unhandled rejection.
  const p = previewDir('parquet', 'hostile_unknown_chunk.parquet');
  let model: Awaited<ReturnType<typeof api.describe>> | null = null;
  const unhandled = await unhandledDuring(async () => {
    model = await api.describe(p, 'pandas.parquet');
    await api.readRows(p, 'pandas.parquet', 0, 10).catch(() => undefined);
  });
  assert.deepEqual(messages(unhandled), []);
  const m = model as unknown as { kind: string; reason?: string };
  assert.equal(m.kind, 'unsupported');
  assert.match(m.reason ?? '', /row group 0 names "zeta", which is not in the schema/);
});

/** Small deterministic PRNG (mulberry32), as in corrupt.test.ts. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Seeded damage anywhere in the file: on the code before the fix, gzip.parquet (bad deflate data
// in a chunk never awaited), zstd.parquet (a page length mismatch) and no_stats.parquet (an empty
// range handed to fs.read) each raised unhandled rejections within these 200 variants.
for (const name of ['gzip', 'zstd', 'no_stats', 'snappy']) {
  test(`200 damaged copies of ${name}.parquet: every failure is the call's own`, async () => {
    const data = readFileSync(previewDir('parquet', `${name}.parquet`));
    const r = rng(1);
    const results: string[] = [];
    const unhandled = await unhandledDuring(async () => {
      for (let k = 0; k < 200; k++) {
        const m = Buffer.from(data);
        const n = 1 + Math.floor(r() * 6);
        for (let i = 0; i < n; i++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
        const p = path.join(dir, `${name}-${k}.parquet`);
        writeFileSync(p, m);
        const t0 = Date.now();
        const d = await api.describe(p, 'pandas.parquet');
        if (d.kind === 'table')
          await api.readRows(p, 'pandas.parquet', 0, 100).then(
            () => results.push('ok'),
            (err: unknown) => results.push(err instanceof Error ? 'error' : 'non-error'),
          );
        else results.push(d.kind);
        // The budget of a preview call (docs/ARCHITECTURE.md), generous for a loaded machine.
        assert.ok(Date.now() - t0 < 2_000, `${name} #${k} took ${Date.now() - t0} ms`);
        await api.closeAll();
      }
    });
    assert.deepEqual(messages(unhandled), []);
    assert.ok(!results.includes('non-error'));
    assert.equal(results.length, 200);
  });
}
