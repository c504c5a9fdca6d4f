// Hostile inputs (issue 16): files crafted here, small on disk (large sizes are sparse files or
// declared sizes only), must give a clear error or a bounded answer, never an abort, a hang or an
// escape from the previewed folder.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';

const dir = tempDir('xp-hostile-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

let n = 0;
/** A fresh folder for one case. */
function caseDir(name: string): string {
  const d = path.join(dir, `${n++}-${name}`);
  mkdirSync(d, { recursive: true });
  return d;
}

const json = (file: string, doc: unknown) => writeFileSync(file, JSON.stringify(doc));

/** A zarr v2 store holding one array `x` (attrs name its dims). */
function zarrV2(root: string, meta: Record<string, unknown>, dims: string[]): void {
  mkdirSync(path.join(root, 'x'), { recursive: true });
  json(path.join(root, '.zgroup'), { zarr_format: 2 });
  json(path.join(root, '.zattrs'), {});
  json(path.join(root, 'x/.zarray'), {
    zarr_format: 2,
    dtype: '<f8',
    order: 'C',
    fill_value: null,
    filters: null,
    compressor: null,
    ...meta,
  });
  json(path.join(root, 'x/.zattrs'), { _ARRAY_DIMENSIONS: dims });
}

/** A sparse file of `size` bytes that starts with `head` (no disk or memory spent on the rest). */
async function sparse(file: string, head: Uint8Array, size: number): Promise<void> {
  writeFileSync(file, head);
  await truncate(file, size);
}

const GiB = 1024 ** 3;

suite('item 5: no single read of 2 GiB or more', () => {
  test('a 4.8 GB uncompressed zarr chunk: three values read, not the whole chunk', async () => {
    const root = path.join(caseDir('bigchunk'), 'a.zarr');
    const len = 600_000_000; // float64: 4.8 GB in one chunk
    zarrV2(root, { shape: [len], chunks: [len] }, ['t']);
    const head = new Float64Array([1.5, 2.5, 3.5]);
    await sparse(path.join(root, 'x/0'), new Uint8Array(head.buffer), len * 8);
    const r = await api.readValues(root, 'xarray.zarr', 'x', { t: [0, 3] });
    assert.deepEqual(r.values, [1.5, 2.5, 3.5]);
  });

  test('a netCDF3 header claiming a 2 GiB attribute is refused with a reason', async () => {
    const name = new Uint8Array([0, 0, 0, 1, 0x61, 0, 0, 0]); // "a", padded to 4
    const b = Buffer.alloc(64);
    let o = 0;
    b.write('CDF\x01', o);
    o += 4;
    b.writeUInt32BE(0, o); // numrecs
    o += 4;
    o += 8; // no dimensions (ABSENT)
    b.writeUInt32BE(0x0c, o); // NC_ATTRIBUTE list
    b.writeUInt32BE(1, o + 4);
    o += 8;
    b.set(name, o);
    o += 8;
    b.writeUInt32BE(2, o); // NC_CHAR
    b.writeUInt32BE(0x7ffffff0, o + 4); // 2 GiB of characters
    const file = path.join(caseDir('nc3'), 'big.nc');
    await sparse(file, b, 3 * GiB);
    const m = await api.describe(file, 'xarray.netcdf');
    assert.equal(m.kind, 'unsupported');
    assert.match((m as { reason: string }).reason, /NETCDF3 header needs \d+ bytes, more than/);
  });

  test('one CSV row longer than a preview reads is refused with a reason', async () => {
    const file = path.join(caseDir('csvrow'), 'wide.csv');
    writeFileSync(file, `a,b\n1,2\n${'x'.repeat(20 * 1024 * 1024)},3\n`);
    const m = await api.describe(file, 'pandas.csv');
    assert.equal(m.kind, 'unsupported');
    assert.match((m as { reason: string }).reason, /a CSV row is \d+ bytes long/);
  });
});

suite('items 4 and 12: zarr chunks and keys', () => {
  test('a truncated raw chunk is an error naming the chunk, not zeros', async () => {
    const root = path.join(caseDir('trunc'), 'a.zarr');
    zarrV2(root, { shape: [10], chunks: [10], dtype: '<i4' }, ['t']);
    writeFileSync(path.join(root, 'x/0'), new Uint8Array(new Int32Array([1, 2, 3]).buffer));
    await assert.rejects(api.readValues(root, 'xarray.zarr', 'x'), /zarr chunk x[/\\]0 is truncated/);
  });

  test('a truncated chunk read by zarrita (a Delta filter, no compressor) is an error, not zeros', async () => {
    // Filters keep a chunk off the fast path: zarrita viewed the 3 stored values as the chunk and
    // returned [0, 1, 2] followed by seven zeros (shown as fill), never written by anyone.
    const root = path.join(caseDir('truncDelta'), 'a.zarr');
    zarrV2(
      root,
      { shape: [10], chunks: [10], dtype: '<i4', fill_value: 0, filters: [{ id: 'delta', dtype: '<i4' }] },
      ['t'],
    );
    writeFileSync(path.join(root, 'x/0'), new Uint8Array(new Int32Array([0, 1, 1]).buffer));
    await assert.rejects(
      api.readValues(root, 'xarray.zarr', 'x'),
      /zarr chunk x \[0\] is truncated: 3 values, its shape needs 10/,
    );
    // The whole chunk stored: the same reader answers it.
    writeFileSync(path.join(root, 'x/0'), new Uint8Array(new Int32Array(10).fill(1).buffer));
    const v = await api.readValues(root, 'xarray.zarr', 'x');
    assert.deepEqual(Array.from(v.values as ArrayLike<number>), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test("consolidated keys with '..' and a '..' group never read outside the zarr folder", async () => {
    const base = caseDir('escape');
    const victim = path.join(base, 'victim');
    zarrV2(victim, { shape: [2], chunks: [2] }, ['t']);
    writeFileSync(path.join(victim, 'x/0'), new Uint8Array(new Float64Array([42, 43]).buffer));
    const root = path.join(base, 'a.zarr');
    mkdirSync(root);
    json(path.join(root, '.zgroup'), { zarr_format: 2 });
    const arr = {
      zarr_format: 2,
      shape: [2],
      chunks: [2],
      dtype: '<f8',
      order: 'C',
      fill_value: null,
      filters: null,
      compressor: null,
    };
    json(path.join(root, '.zmetadata'), {
      zarr_consolidated_format: 1,
      metadata: {
        '.zgroup': { zarr_format: 2 },
        '../victim/.zgroup': { zarr_format: 2 },
        '../victim/x/.zarray': arr,
        '../victim/x/.zattrs': { _ARRAY_DIMENSIONS: ['t'] },
      },
    });
    const m = await api.describe(root, 'xarray.zarr');
    assert.equal(m.kind, 'dataset');
    assert.deepEqual(Object.keys((m as { dataVars: object }).dataVars), []);
    for (const group of ['../victim', '..', 'a/../../victim']) {
      await assert.rejects(
        api.readValues(root, 'xarray.zarr', 'x', undefined, { loadKwargs: { group } }),
        /leaves the zarr store/,
      );
    }
  });
});

suite('item 8: non-regular files', () => {
  test('a FIFO as a zarr chunk is refused, not waited on', async () => {
    const root = path.join(caseDir('fifo'), 'a.zarr');
    zarrV2(root, { shape: [2], chunks: [2] }, ['t']);
    execFileSync('mkfifo', [path.join(root, 'x/0')]);
    await assert.rejects(api.readValues(root, 'xarray.zarr', 'x'), /not a regular file/);
  });

  // open() of a FIFO without a writer never returns: each reader (and the sniffing of an unknown
  // serializer) must refuse it from its stat. The timeout turns a hang into a failure.
  for (const [name, serializer] of [
    ['t.csv', 'pandas.csv'],
    ['t.parquet', 'pandas.parquet'],
    ['t.joblib', 'joblib'],
    ['t.pickle', 'pickle'],
    ['t.nc', 'xarray.netcdf'],
    ['t.bin', 'my_own.serializer'],
  ]) {
    test(`a FIFO as a ${serializer} artifact is described as not a regular file`, {
      timeout: 10_000,
    }, async () => {
      const file = path.join(caseDir(`fifo-${name}`), name);
      execFileSync('mkfifo', [file]);
      const m = await api.describe(file, serializer);
      assert.equal(m.kind, 'unsupported');
      assert.match((m as { reason: string }).reason, /not a regular file \(FIFO, device or folder\)/);
    });
  }
});
