// Issue 16 item 9: how many chunks a preview call touches, how many it reads at once, how far a
// compressed chunk may inflate and how a Blosc chunk of many blocks is decoded are all bounded.

import assert from 'node:assert/strict';
import fs, { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import * as api from '../../../src/preview/index';
import { MAX_CONCURRENT_CHUNKS } from '../../../src/preview/limits';
import { removeDir, tempDir } from '../helpers';

const dir = tempDir('xp-chunkbounds-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

let n = 0;
const json = (file: string, doc: unknown) => writeFileSync(file, JSON.stringify(doc));

/** A zarr v2 store (fresh folder) holding one array `x` with dims `dims`; returns its root. */
function zarrV2(name: string, meta: Record<string, unknown>, dims: string[]): string {
  const root = path.join(dir, `${n++}-${name}`, 'a.zarr');
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
  return root;
}

/** Runs `body` while counting the file handles fs.promises.open has open at the same time. */
async function peakOpenHandles<T>(body: () => Promise<T>): Promise<{ result: T; peak: number }> {
  const real = fs.promises.open;
  let open = 0;
  let peak = 0;
  fs.promises.open = (async (...args: Parameters<typeof real>) => {
    const fh = await real(...args);
    peak = Math.max(peak, ++open);
    const close = fh.close.bind(fh);
    fh.close = async () => {
      open--;
      return close();
    };
    return fh;
  }) as typeof real;
  try {
    return { result: await body(), peak };
  } finally {
    fs.promises.open = real;
  }
}

suite('chunks touched and read at once', () => {
  test('2000x2000 over 1x1 chunks is refused at once, before any chunk is opened', async () => {
    const root = zarrV2('grid4m', { shape: [2000, 2000], chunks: [1, 1] }, ['y', 'x']);
    const t0 = Date.now();
    await assert.rejects(
      api.readValues(root, 'xarray.zarr', 'x', { y: [0, 2000], x: [0, 2000] }),
      /spans 4,000,000 chunks \(chunk shape 1x1\), over the preview limit of 10,000 chunks per call/,
    );
    assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
  });

  test('200x200 over 1x1 chunks (40,000 of them) is refused; 100x100 is read', async () => {
    const root = zarrV2('grid40k', { shape: [200, 200], chunks: [1, 1] }, ['y', 'x']);
    await assert.rejects(api.readValues(root, 'xarray.zarr', 'x'), /spans 40,000 chunks/);
    const r = await api.readValues(root, 'xarray.zarr', 'x', { y: [0, 100], x: [0, 100] });
    assert.equal(r.values.length, 10_000);
  });

  test(`10,000 chunks are read at most ${MAX_CONCURRENT_CHUNKS} at a time, values in place`, async () => {
    const root = zarrV2('grid10k', { shape: [100, 100], chunks: [1, 1] }, ['y', 'x']);
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 100; x++)
        writeFileSync(
          path.join(root, 'x', `${y}.${x}`),
          new Uint8Array(new Float64Array([y * 100 + x]).buffer),
        );
    const { result, peak } = await peakOpenHandles(() => api.readValues(root, 'xarray.zarr', 'x'));
    assert.deepEqual(
      result.values,
      Array.from({ length: 10_000 }, (_, i) => i),
    );
    assert.ok(peak <= MAX_CONCURRENT_CHUNKS, `${peak} chunk files open at once`);
    assert.ok(peak > 1, 'chunks are still read in parallel');
  });
});

suite('a compressed chunk inflates to its declared size at most', () => {
  // 64 MiB of zeros deflate to 64 KiB; the chunk declares 2x2 float64 = 32 bytes.
  const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
  for (const order of ['C', 'F']) {
    // C order is read by the direct chunk path (fastChunks.ts), F order by zarrita.
    test(`a zlib chunk holding 64 MiB (order ${order}) is refused`, async () => {
      const root = zarrV2(
        `bomb${order}`,
        { shape: [2, 2], chunks: [2, 2], order, compressor: { id: 'zlib', level: 1 } },
        ['y', 'x'],
      );
      writeFileSync(path.join(root, 'x/0.0'), bomb);
      await assert.rejects(api.readValues(root, 'xarray.zarr', 'x'), /inflates past its declared/);
    });
  }

  test('an honest F-order zlib chunk still reads', async () => {
    const root = zarrV2(
      'honestF',
      { shape: [2, 2], chunks: [2, 2], order: 'F', compressor: { id: 'zlib', level: 1 } },
      ['y', 'x'],
    );
    writeFileSync(
      path.join(root, 'x/0.0'),
      deflateSync(new Uint8Array(new Float64Array([1, 3, 2, 4]).buffer)),
    );
    assert.deepEqual((await api.readValues(root, 'xarray.zarr', 'x')).values, [1, 2, 3, 4]);
  });
});

/**
 * A Blosc 1.x chunk of float64 `values`, `perBlock` values to a block, every block stored as it is
 * (its compressed size equals its size; LZ4 flag, one stream per block, no shuffle).
 */
function bloscRawBlocks(values: Float64Array, perBlock: number): Uint8Array {
  const bs = perBlock * 8;
  const nb = Math.ceil(values.length / perBlock);
  const out = new Uint8Array(16 + 4 * nb + 4 * nb + values.length * 8);
  const dv = new DataView(out.buffer);
  out[0] = 2; // format version
  out[1] = 1; // LZ4 version
  out[2] = (1 << 5) | 0x10; // LZ4, one stream per block, no shuffle
  out[3] = 8; // typesize
  dv.setUint32(4, values.length * 8, true); // nbytes
  dv.setUint32(8, bs, true); // blocksize
  dv.setUint32(12, out.length, true); // cbytes
  let at = 16 + 4 * nb;
  for (let j = 0; j < nb; j++) {
    const len = Math.min(bs, (values.length - j * perBlock) * 8);
    dv.setUint32(16 + 4 * j, at, true);
    dv.setInt32(at, len, true); // compressed size = block size: stored as it is
    out.set(new Uint8Array(values.buffer, j * bs, len), at + 4);
    at += 4 + len;
  }
  return out;
}

// A scan over every block start for each block made these quadratic: 10^6 blocks took hours.
for (const [count, perBlock] of [
  [1_000_000, 1], // 8-byte blocks, which c-blosc never writes: decoded whole by numcodecs
  [800_000, 16], // 50,000 blocks of 128 bytes, c-blosc's smallest: decoded block by block
]) {
  test(`a Blosc chunk of ${count / perBlock} blocks of ${perBlock * 8} bytes decodes in linear time`, {
    timeout: 30_000,
  }, async () => {
    const root = zarrV2(
      `blosc${perBlock}`,
      {
        shape: [count],
        chunks: [count],
        compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 0, blocksize: 0 },
      },
      ['t'],
    );
    const values = Float64Array.from({ length: count }, (_, i) => i * 0.5);
    writeFileSync(path.join(root, 'x/0'), bloscRawBlocks(values, perBlock));
    const t0 = Date.now();
    const r = await api.readValues(root, 'xarray.zarr', 'x');
    const ms = Date.now() - t0;
    assert.equal(r.values.length, count);
    for (const i of [0, 1, 123_457, count - 1]) assert.equal(r.values[i], i * 0.5);
    // The preview budget (docs/ARCHITECTURE.md).
    assert.ok(ms < 2_000, `took ${ms} ms`);
  });
}
