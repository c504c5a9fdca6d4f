// The lzma and lz4 decoders of compressed joblib files (issue 16, item 6): what Python's lzma and
// lz4 write decodes byte for byte; damaged, truncated and bomb inputs are refused with a clear
// reason within the output limit, in bounded time. The fuzz fixtures pickle/a1a4476ffc49 (a
// truncated lzma joblib: lzma-d grew memory past 1 GB, then aborted the process) and
// pickle/aa2333820187 (an lz4 joblib with a spliced frame: lz4js ran past the 8 s deadline) are
// replayed through describe.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import { Lz4Error, Lz4LimitError, lz4DecompressFrame } from '../../../src/preview/codecs/lz4Frame';
import { LzmaError, LzmaLimitError, lzmaDecompress } from '../../../src/preview/codecs/lzma';
import * as api from '../../../src/preview/index';
import { fixturesDir, removeDir, runPython, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-joblib-decoders-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});
const fuzzCase = (id: string): string => path.join(fixturesDir(), 'fuzz/pickle', id, 'files/data.joblib');

// Inputs of every kind a decoder meets: empty, one byte, text, random bytes, long runs and
// repeats at distances up to 1 MiB (matches across the whole window), written by Python.
const WRITE = `
import lzma, lz4.frame, os, random, sys
random.seed(7)
out = sys.argv[1]
rnd = bytes(random.getrandbits(8) for _ in range(300_000))
text = b''.join(b'line %d of some text, %s\\n' % (i, str(i * i).encode()) for i in range(20_000))
cases = {'empty': b'', 'one': b'x', 'text': text, 'random': rnd,
         'runs': bytes(2_000_000) + b'\\xff' * 70_000 + rnd[:5000] * 300,
         'far': rnd * 4 + rnd[:100_000]}
for name, b in cases.items():
    open(os.path.join(out, name + '.raw'), 'wb').write(b)
    open(os.path.join(out, name + '.lzma'), 'wb').write(lzma.compress(b, format=lzma.FORMAT_ALONE))
    open(os.path.join(out, name + '.lz4'), 'wb').write(lz4.frame.compress(b, content_checksum=True))
    open(os.path.join(out, name + '.sized.lz4'), 'wb').write(lz4.frame.compress(b, store_size=True, block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_checksum=True))
`;
runPython(WRITE, [dir]);
const CASES = ['empty', 'one', 'text', 'random', 'runs', 'far'];
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, name)));
const LIMIT = 64 * 2 ** 20;

function cpuMs<T>(f: () => T): { value?: T; err?: unknown; ms: number } {
  const c0 = process.cpuUsage();
  const ms = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  try {
    const value = f();
    return { value, ms: ms() };
  } catch (err) {
    return { err, ms: ms() };
  }
}

suite('lzma (joblib compress="lzma")', () => {
  test('what Python lzma.compress(format=FORMAT_ALONE) writes decodes byte for byte', () => {
    for (const name of CASES) {
      const got = lzmaDecompress(read(`${name}.lzma`), { limit: LIMIT });
      assert.ok(Buffer.from(got).equals(read(`${name}.raw`)), name);
    }
  });

  test('a declared size (instead of the end marker) is honoured', () => {
    const raw = read('text.raw');
    const src = read('text.lzma');
    new DataView(src.buffer, src.byteOffset).setBigUint64(5, BigInt(raw.length), true);
    assert.ok(Buffer.from(lzmaDecompress(src, { limit: LIMIT })).equals(raw));
    new DataView(src.buffer, src.byteOffset).setBigUint64(5, BigInt(raw.length + 10), true);
    assert.throws(() => lzmaDecompress(src, { limit: LIMIT }), LzmaError);
  });

  test('every truncation is refused as such, quickly (lzma-d decoded garbage without end)', () => {
    const src = read('runs.lzma');
    for (const cut of [0, 5, 12, 13, 14, 20, 100, Math.floor(src.length / 2), src.length - 1]) {
      const r = cpuMs(() => lzmaDecompress(src.subarray(0, cut), { limit: LIMIT }));
      assert.ok(r.err instanceof LzmaError, `cut ${cut}: ${r.err}`);
      assert.match((r.err as Error).message, /ends early|corrupt/, `cut ${cut}`);
      assert.ok(r.ms < 2000, `cut ${cut}: ${r.ms} ms`);
    }
  });

  test('a bomb stops at the output limit, with memory bounded by it', () => {
    const src = new Uint8Array(readFileSync(previewDir('hostile/zeros_1gib_lzma.joblib')));
    const ab0 = process.memoryUsage().arrayBuffers;
    const r = cpuMs(() => lzmaDecompress(src, { limit: 16 * 2 ** 20 }));
    assert.ok(r.err instanceof LzmaLimitError, String(r.err));
    assert.ok(r.ms < 2000, `${r.ms} ms`);
    assert.ok(process.memoryUsage().arrayBuffers - ab0 < 64 * 2 ** 20);
  });

  test('fuzz case a1a4476ffc49 (a truncated lzma joblib): unsupported, named truncated, within 2 s', async () => {
    const r0 = process.cpuUsage();
    const m = await api.describe(fuzzCase('a1a4476ffc49'), 'joblib');
    const c = process.cpuUsage(r0);
    assert.equal(m.kind, 'unsupported');
    assert.match(m.kind === 'unsupported' ? m.reason : '', /lzma.*ends early \(truncated file\)/);
    assert.ok((c.user + c.system) / 1000 < 2000);
  });
});

suite('lz4 frames (joblib compress="lz4")', () => {
  test('what Python lz4.frame.compress writes decodes byte for byte (sized, checksummed, 64 KiB blocks)', () => {
    for (const name of CASES) {
      for (const kind of ['lz4', 'sized.lz4']) {
        const got = lz4DecompressFrame(read(`${name}.${kind}`), LIMIT);
        assert.ok(Buffer.from(got).equals(read(`${name}.raw`)), `${name}.${kind}`);
      }
    }
  });

  test('a block declaring 2 GiB in a small file is refused at once (lz4js looped over it)', () => {
    const head = [0x04, 0x22, 0x4d, 0x18, 0x40, 0x70, 0x00];
    const src = Uint8Array.from([...head, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 0, 0, 0, 0]);
    const r = cpuMs(() => lz4DecompressFrame(src, LIMIT));
    assert.ok(r.err instanceof Lz4Error, String(r.err));
    assert.match((r.err as Error).message, /does not fit/);
    assert.ok(r.ms < 100, `${r.ms} ms`);
  });

  test('every truncation and a declared size over the limit are refused', () => {
    const src = read('runs.sized.lz4');
    for (const cut of [3, 6, 10, 15, 30, src.length - 4, src.length - 1]) {
      assert.throws(() => lz4DecompressFrame(src.subarray(0, cut), LIMIT), Lz4Error, `cut ${cut}`);
    }
    assert.throws(() => lz4DecompressFrame(src, 1_000_000), Lz4LimitError);
    assert.throws(() => lz4DecompressFrame(read('runs.lz4'), 1_000_000), Lz4LimitError);
  });

  test('fuzz case aa2333820187 (a spliced lz4 joblib): unsupported with a reason, within 2 s', async () => {
    const r0 = process.cpuUsage();
    const m = await api.describe(fuzzCase('aa2333820187'), 'joblib');
    const c = process.cpuUsage(r0);
    assert.equal(m.kind, 'unsupported');
    assert.match(
      m.kind === 'unsupported' ? m.reason : '',
      /lz4-compressed file could not be decompressed: .*LZ4/,
    );
    assert.ok((c.user + c.system) / 1000 < 2000);
  });
});

suite('bz2 (joblib compress="bz2")', () => {
  test('498 bytes holding 640 MiB of zeros: refused at the preview limit, the process survives', async () => {
    // Its buffers (up to the 512 MiB limit) are garbage once refused: what is asserted is the
    // stop at the limit (without it the 640 MiB would be decoded whole) and a clear reason.
    const m = await api.describe(previewDir('hostile/zeros_640mib_bz2.joblib'), 'joblib');
    assert.equal(m.kind, 'unsupported');
    assert.match(m.kind === 'unsupported' ? m.reason : '', /larger than the preview limit \(512 MiB\)/);
  });
});
