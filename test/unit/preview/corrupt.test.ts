// Damaged files never crash or hang a reader: truncated files and files with bytes overwritten
// (deterministic) either read or come back as `unsupported` / a rejected promise with a reason.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-corrupt-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutations(data: Uint8Array, seed: number): Uint8Array[] {
  const r = rng(seed);
  const out: Uint8Array[] = [];
  for (const frac of [0.1, 0.5, 0.9, 0.99]) out.push(data.slice(0, Math.floor(data.length * frac)));
  for (let k = 0; k < 8; k++) {
    const m = data.slice();
    const n = 1 + Math.floor(r() * 24);
    for (let i = 0; i < n; i++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
    out.push(m);
  }
  const z = data.slice();
  z.fill(0xff, Math.floor(data.length / 3), Math.floor(data.length / 3) + 64);
  out.push(z);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);
}

const CASES: Array<[string, string]> = [
  ['netcdf/cf4.nc', 'xarray.netcdf'],
  ['netcdf/nc3_classic.nc', 'xarray.netcdf'],
  ['hdf5/earliest.h5', 'xarray.netcdf'],
  ['parquet/snappy.parquet', 'pandas.parquet'],
  ['pickle/plain.joblib', 'joblib'],
  ['pickle/arrays_zlib.joblib', 'joblib'],
  ['pickle/dataframe.joblib', 'joblib'],
  ['csv/default_index.csv', 'pandas.csv'],
];

for (const [rel, serializer] of CASES) {
  test(`damaged copies of ${rel}`, async () => {
    const data = new Uint8Array(readFileSync(previewDir(rel)));
    const variants = mutations(data, rel.length * 7919);
    let readable = 0;
    for (const [i, bytes] of variants.entries()) {
      const p = path.join(dir, `${i}-${path.basename(rel)}`);
      writeFileSync(p, bytes);
      // netCDF-4 damage goes to the built-in reader only: h5wasm's C code may abort on it.
      const o = { engine: 'native' as const };
      const m = await withTimeout(api.describe(p, serializer, o), 20_000, `${rel} #${i}`);
      assert.ok(['dataset', 'table', 'object', 'unsupported'].includes(m.kind));
      if (m.kind === 'unsupported') {
        assert.ok(m.reason.length > 0);
        continue;
      }
      readable++;
      if (m.kind === 'dataset') {
        for (const [name, v] of Object.entries({ ...m.coords, ...m.dataVars })) {
          const sel = Object.fromEntries(v.dims.slice(0, Math.max(0, v.dims.length - 1)).map((d) => [d, 0]));
          await withTimeout(
            api.readValues(p, serializer, name, sel, o).catch((err) => assert.ok(err instanceof Error)),
            20_000,
            `${rel} #${i} ${name}`,
          );
        }
      }
      if (m.kind === 'table') {
        await withTimeout(
          api.readRows(p, serializer, 0, 50).catch((err) => assert.ok(err instanceof Error)),
          20_000,
          `${rel} #${i} rows`,
        );
      }
    }
    assert.ok(readable >= 0);
  });
}
