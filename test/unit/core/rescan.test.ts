// Rescans that trust filesystem change events must see exactly what a full scan sees: random
// edits (in place, same size, nested keys, data files and folders, deletes, other processes),
// each compared with a fresh store object's full scan.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import type { StoreReport } from '../../../src/core/types';
import { cachesDir, tempDir } from '../helpers';

function sidecar(key: string, serializer: string, note: string): string {
  return JSON.stringify(
    {
      key,
      serializer,
      load_kwargs: {},
      dump_kwargs: {},
      additional_metadata: { note },
      created_at: '2026-11-27T10:00:00',
    },
    null,
    2,
  );
}

/** What a report says, in a comparable form. */
function summary(r: StoreReport): string[] {
  return [
    ...r.artifacts.map(
      (a) =>
        `A ${a.key} ${a.serializer} ${JSON.stringify(a.additionalMetadata)} ${a.dataKind} ${a.sizeBytes}`,
    ),
    ...r.problems.map((p) => `P ${p.kind} ${p.key ?? ''} ${p.path}`),
  ].sort();
}

describe('rescans follow every change', () => {
  it('random edits: each rescan equals a fresh full scan', async () => {
    const root = tempDir('xp-rescan-');
    const meta = path.join(root, 'xpersist_metadata_store');
    mkdirSync(meta);
    const keys = Array.from({ length: 40 }, (_, i) =>
      i % 5 === 0 ? `nested/d${i % 3}/k${i}.joblib` : `k${i}.joblib`,
    );
    const write = (key: string, note: string, data: string) => {
      mkdirSync(path.dirname(path.join(meta, key)), { recursive: true });
      mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
      writeFileSync(path.join(meta, `${key}.artifact.json`), sidecar(key, 'joblib', note));
      writeFileSync(path.join(root, key), data);
    };
    for (const k of keys) write(k, 'n0', 'x'.repeat(10));
    cpSync(path.join(cachesDir(), 'seed-demo/bar.zarr'), path.join(root, 'bar.zarr'), { recursive: true });
    writeFileSync(path.join(meta, 'bar.zarr.artifact.json'), sidecar('bar.zarr', 'xarray.zarr', 'z'));

    const store = await CacheStore.open(root);
    await store.scan();
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 25; round++) {
      for (let op = 0; op < 6; op++) {
        const key = keys[rnd(keys.length)];
        switch (rnd(7)) {
          case 0: // sidecar rewritten in place, same size (only the note's digit changes)
            writeFileSync(path.join(meta, `${key}.artifact.json`), sidecar(key, 'joblib', `n${rnd(10)}`));
            break;
          case 1: // data rewritten in place with another size
            writeFileSync(path.join(root, key), 'y'.repeat(1 + rnd(50)));
            break;
          case 2: // data deleted
            rmSync(path.join(root, key), { force: true });
            break;
          case 3: // key deleted (sidecar)
            rmSync(path.join(meta, `${key}.artifact.json`), { force: true });
            break;
          case 4: // key (re)created
            write(key, `n${rnd(10)}`, 'z'.repeat(rnd(30)));
            break;
          case 5: // a chunk of the zarr folder changes size
            writeFileSync(path.join(root, 'bar.zarr', 'bar', '0'), 'w'.repeat(1 + rnd(100)));
            break;
          case 6: // another process writes a sidecar
            execFileSync('sh', [
              '-c',
              `printf '%s' "$1" > "$2"`,
              'sh',
              sidecar(key, 'pandas.csv', 'ext'),
              path.join(meta, `${key}.artifact.json`),
            ]);
            break;
        }
      }
      const incremental = summary(await store.scan());
      assert.equal(store.lastScanMode, 'incremental', 'the rescan trusted the change events');
      const full = summary(await (await CacheStore.open(root)).scan());
      assert.deepEqual(incremental, full, `round ${round}`);
    }
  });

  it('without change events (XPERSIST_SCAN_WATCH=0) every scan is full and still right', async () => {
    const root = tempDir('xp-nowatch-');
    mkdirSync(path.join(root, 'xpersist_metadata_store'));
    writeFileSync(path.join(root, 'xpersist_metadata_store', 'a.artifact.json'), sidecar('a', 'joblib', '1'));
    writeFileSync(path.join(root, 'a'), 'abc');
    process.env.XPERSIST_SCAN_WATCH = '0';
    try {
      const store = await CacheStore.open(root);
      assert.equal((await store.scan()).artifacts[0].sizeBytes, 3);
      writeFileSync(path.join(root, 'a'), 'abcdef');
      writeFileSync(
        path.join(root, 'xpersist_metadata_store', 'a.artifact.json'),
        sidecar('a', 'joblib', '2'),
      );
      const r = await store.scan();
      assert.equal(store.lastScanMode, 'full');
      assert.equal(r.artifacts[0].sizeBytes, 6);
      assert.deepEqual(r.artifacts[0].additionalMetadata, { note: '2' });
    } finally {
      delete process.env.XPERSIST_SCAN_WATCH;
    }
  });
});
