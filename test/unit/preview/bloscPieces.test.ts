// The partial Blosc decoder (decodeBloscPieces) against chunks written by the real numcodecs
// (Python, c-blosc): any set of element ranges of a block decodes to the same bytes numpy has,
// whatever the codec, shuffle, type size, block size or leftover block, and for c-blosc's
// "memcpyed" chunks. Also the word-at-a-time unshuffle against the byte-by-byte definition.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import {
  type BlockPiece,
  blockExtent,
  blockLength,
  blockStarts,
  decodeBloscPieces,
  parseBloscHeader,
} from '../../../src/preview/codecs/blosc';
import { unshuffleRange } from '../../../src/preview/codecs/shuffle';
import { removeDir, runPython, tempDir } from '../helpers';

const dir = tempDir('xp-blosc-');
after(() => removeDir(dir));

interface Case {
  name: string;
  typesize: number;
  memcpyed: boolean;
}
let cases: Case[] = [];

before(() => {
  // Smooth values with noise: some streams compress, the noisy low bytes are stored raw.
  const code = `
import json, sys, numpy as np, numcodecs
out = sys.argv[1]
rng = np.random.default_rng(7)
def field(n, dt):
    x = np.sin(np.arange(n) / 40.0) * 50 + 280 + rng.normal(0, 0.3, n)
    return x.astype(dt)
cases = [
    ('lz4_shuffle_f4', field(70_001, 'f4'), dict(cname='lz4', clevel=5, shuffle=1)),
    ('lz4_shuffle_f4_small_blocks', field(50_003, 'f4'), dict(cname='lz4', clevel=5, shuffle=1, blocksize=8192)),
    ('lz4_noshuffle_i4', (field(40_000, 'f4') * 10).astype('i4'), dict(cname='lz4', clevel=5, shuffle=0, blocksize=16384)),
    ('lz4hc_shuffle_f8', field(30_011, 'f8'), dict(cname='lz4hc', clevel=9, shuffle=1, blocksize=32768)),
    ('lz4_shuffle_i2', (field(60_001, 'f4') * 10).astype('i2'), dict(cname='lz4', clevel=5, shuffle=1, blocksize=16384)),
    ('zlib_shuffle_f4', field(45_007, 'f4'), dict(cname='zlib', clevel=3, shuffle=1, blocksize=32768)),
    ('lz4_clevel0_memcpyed_f4', field(20_001, 'f4'), dict(cname='lz4', clevel=0, shuffle=1)),
    ('lz4_random_bytes_u1', rng.integers(0, 256, 100_000).astype('u1'), dict(cname='lz4', clevel=5, shuffle=1)),
]
meta = []
for name, a, cfg in cases:
    c = numcodecs.Blosc(**cfg).encode(a)
    assert np.array_equal(np.frombuffer(numcodecs.Blosc().decode(c), a.dtype), a)
    open(f'{out}/{name}.blosc', 'wb').write(c)
    open(f'{out}/{name}.raw', 'wb').write(a.tobytes())
    meta.append({'name': name, 'typesize': a.dtype.itemsize, 'memcpyed': bool(c[2] & 2)})
print(json.dumps(meta))
`;
  cases = JSON.parse(runPython(code, [dir]).trim().split('\n').pop() ?? '[]');
});

const load = (name: string, ext: string) => new Uint8Array(readFileSync(path.join(dir, `${name}.${ext}`)));

/** A small deterministic generator: the same pieces on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Element-aligned pieces of block j: single elements, short runs, one reaching the block's end. */
function piecesFor(bsize: number, ts: number, rand: () => number): BlockPiece[] {
  const n = Math.floor(bsize / ts);
  const out: BlockPiece[] = [];
  let dst = 0;
  const add = (e0: number, e1: number) => {
    const off = e0 * ts;
    const len = e1 >= n ? bsize - off : (e1 - e0) * ts;
    out.push({ off, len, dst });
    dst += len;
  };
  add(0, 1);
  for (let k = 0; k < 4; k++) {
    const e0 = Math.floor(rand() * n);
    add(e0, Math.min(n, e0 + 1 + Math.floor(rand() * 40)));
  }
  add(Math.max(0, n - 3), n);
  return out;
}

/** Rows of a slice: `len` elements every `step`, up to the block's end (one long unshuffle). */
function rowsFor(bsize: number, ts: number, len: number, step: number): BlockPiece[] {
  const n = Math.floor(bsize / ts);
  const out: BlockPiece[] = [];
  let dst = 0;
  for (let e = 1; e < n; e += step) {
    const off = e * ts;
    const l = e + len >= n ? bsize - off : len * ts;
    out.push({ off, len: l, dst });
    dst += l;
  }
  return out;
}

suite('Blosc pieces of blocks (numcodecs-written chunks)', () => {
  test('the cases cover every path: memcpyed, raw streams, several type sizes', () => {
    assert.ok(cases.length >= 8);
    assert.ok(cases.some((c) => c.memcpyed));
    assert.deepEqual([...new Set(cases.map((c) => c.typesize))].sort(), [1, 2, 4, 8]);
  });

  test('whole blocks decode to the bytes numpy wrote', () => {
    for (const c of cases) {
      const packed = load(c.name, 'blosc');
      const raw = load(c.name, 'raw');
      const h = parseBloscHeader(packed);
      assert.equal(h.supported, true, c.name);
      assert.equal(h.memcpyed, c.memcpyed, c.name);
      assert.equal(h.nbytes, raw.length, c.name);
      const starts = h.memcpyed ? [] : blockStarts(h, packed);
      const out = new Uint8Array(h.nbytes);
      const tmp = new Uint8Array(h.blocksize);
      for (let j = 0; j < h.nblocks; j++) {
        const piece = { off: 0, len: blockLength(h, j), dst: j * h.blocksize };
        decodeBloscPieces(h, j, packed, blockExtent(h, starts, j)[0], [piece], out, tmp);
      }
      assert.deepEqual(out, raw, c.name);
    }
  });

  test('any element ranges of a block equal the same ranges of the full decode, and only they are written', () => {
    const rand = rng(42);
    for (const c of cases) {
      const packed = load(c.name, 'blosc');
      const raw = load(c.name, 'raw');
      const h = parseBloscHeader(packed);
      const starts = h.memcpyed ? [] : blockStarts(h, packed);
      const tmp = new Uint8Array(h.blocksize);
      for (let j = 0; j < h.nblocks; j++) {
        const bsize = blockLength(h, j);
        const sparse = piecesFor(bsize, c.typesize, rand);
        for (const pieces of [sparse, rowsFor(bsize, c.typesize, 12, 16)]) {
          const total = pieces.reduce((a, p) => a + p.len, 0);
          const out = new Uint8Array(total + 16).fill(0xa5);
          // Block j alone, as fastChunks reads it: its own bytes, offset 0.
          const [s, e] = blockExtent(h, starts, j);
          decodeBloscPieces(h, j, packed.slice(s, e), 0, pieces, out, tmp);
          for (const p of pieces) {
            const want = raw.subarray(j * h.blocksize + p.off, j * h.blocksize + p.off + p.len);
            assert.deepEqual(out.subarray(p.dst, p.dst + p.len), want, `${c.name} block ${j} piece ${p.off}`);
          }
          assert.ok(
            out.subarray(total).every((b) => b === 0xa5),
            `${c.name}: nothing written past the pieces`,
          );
        }
      }
    }
  });

  test('streams no piece needs are not decoded (corrupting them changes nothing)', () => {
    // Unshuffled int32: each block is split in four streams, one per quarter; a piece in the
    // first quarter needs stream 0 only.
    const packed = load('lz4_noshuffle_i4', 'blosc');
    const raw = load('lz4_noshuffle_i4', 'raw');
    const h = parseBloscHeader(packed);
    assert.equal(h.dontSplit || h.memcpyed, false, 'a compressed chunk split in streams');
    const starts = blockStarts(h, packed);
    const [s, e] = blockExtent(h, starts, 0);
    const block = packed.slice(s, e);
    const dv = new DataView(block.buffer);
    const first = dv.getInt32(0, true);
    block.fill(0xff, 4 + first + 4); // every byte of streams 1..3 after the first size field
    const out = new Uint8Array(64);
    decodeBloscPieces(h, 0, block, 0, [{ off: 400, len: 64, dst: 0 }], out, new Uint8Array(h.blocksize));
    assert.deepEqual(out, raw.subarray(400, 464));
    // The whole block does need them: the corruption is seen there.
    assert.throws(() =>
      decodeBloscPieces(
        h,
        0,
        block,
        0,
        [{ off: 0, len: h.blocksize, dst: 0 }],
        new Uint8Array(h.blocksize),
        new Uint8Array(h.blocksize),
      ),
    );
  });
});

suite('unshuffleRange', () => {
  const reference = (
    src: Uint8Array,
    ts: number,
    n: number,
    first: number,
    count: number,
    out: Uint8Array,
    at: number,
  ) => {
    for (let j = 0; j < ts; j++)
      for (let i = 0; i < count; i++) out[at + i * ts + j] = src[j * n + first + i];
  };
  test('equals the byte-by-byte definition for every type size, offset and alignment', () => {
    for (const ts of [1, 2, 3, 4, 8]) {
      for (const n of [1, 5, 64, 131, 1024]) {
        const buf = new Uint8Array(ts * n + 8).map((_, i) => (i * 7919) & 255);
        for (const [first, count] of [
          [0, n],
          [1, n - 1],
          [4, n - 7],
          [3, Math.min(9, n - 3)],
        ]) {
          if (count <= 0 || first + count > n) continue;
          for (const srcOff of [0, 1, 4]) {
            const src = buf.subarray(srcOff, srcOff + ts * n);
            for (const at of [0, 1, 4]) {
              const got = new Uint8Array(count * ts + 8);
              const want = new Uint8Array(count * ts + 8);
              unshuffleRange(src, ts, n, first, count, got, at);
              reference(src, ts, n, first, count, want, at);
              assert.deepEqual(got, want, `ts ${ts} n ${n} first ${first} srcOff ${srcOff} at ${at}`);
            }
          }
        }
      }
    }
  });
});
