// Declared sizes are not trusted before allocating (issue 16, item 6): a pickle of a few hundred
// bytes declaring a RangeIndex of 2**31-1 columns or a block of 10**9 columns, an lzma joblib of
// 150 KB holding 1 GiB of zeros, an lz4 frame declaring 1 TiB: each gives a bounded answer or a
// clear error within a generous budget, and the process survives.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, runPython, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-pickle-bombs-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

// A real DataFrame([[1, 2]]) pickled at protocol 2 (no frames, so bytes can be patched), with
// one declared number replaced.
const PATCH = `
import pickle, re, sys
import pandas as pd
b = pickle.dumps(pd.DataFrame([[1.5, 2.5]]), protocol=2)
which = sys.argv[1]
if which == 'columns':
    # the columns' RangeIndex: stop=2 -> 2**31-1
    b2 = re.sub(rb'(X\\x04\\x00\\x00\\x00stop(?:q.|r....)?)K\\x02', lambda m: m.group(1) + b'J\\xff\\xff\\xff\\x7f', b, count=1, flags=re.S)
else:
    # the block's ndarray shape (2, 1) -> (10**9, 1)
    b2 = b.replace(b'K\\x02K\\x01\\x86', b'J\\x00\\xca\\x9a\\x3bK\\x01\\x86', 1)
assert b2 != b
open(sys.argv[2], 'wb').write(b2)
`;

function patched(which: 'columns' | 'block'): string {
  const file = path.join(dir, `${which}.pkl`);
  runPython(PATCH, [which, file]);
  return file;
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; heapMb: number }> {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0, heapMb: (process.memoryUsage().heapUsed - heap0) / 2 ** 20 };
}

suite('declared sizes are not trusted', () => {
  test('a RangeIndex of 2**31-1 columns: the shape is shown, 50 columns are built', async () => {
    const file = patched('columns');
    const { value: m, ms } = await timed(() => api.describe(file, 'joblib'));
    assert.equal(m.kind, 'object', JSON.stringify(m).slice(0, 300));
    const root = m.kind === 'object' ? m.tree : null;
    assert.deepEqual(root?.shape, [1, 2 ** 31 - 1]);
    assert.equal(root?.columns?.length, 50);
    assert.ok(ms < 2000, `${ms} ms`);
  });

  test('a block declaring 10**9 columns: bounded', async () => {
    const file = patched('block');
    const { value: m, ms } = await timed(() => api.describe(file, 'joblib'));
    assert.ok(m.kind === 'object' || m.kind === 'unsupported', m.kind);
    assert.ok(ms < 2000, `${ms} ms`);
  });

  test('an lzma joblib of 150 KB holding 1 GiB: refused clearly, the heap stays bounded', async () => {
    const {
      value: m,
      ms,
      heapMb,
    } = await timed(() => api.describe(previewDir('hostile/zeros_1gib_lzma.joblib'), 'joblib'));
    assert.equal(m.kind, 'unsupported');
    assert.match(m.kind === 'unsupported' ? m.reason : '', /larger than the preview limit|took over/);
    assert.ok(ms < 20_000, `${ms} ms`);
    assert.ok(heapMb < 768, `${heapMb} MB`);
  });

  test('an lz4 frame of 300 tiny blocks of 4 MiB each (1.2 GiB declared): nothing allocated for it', async () => {
    const file = path.join(dir, 'blocks.joblib');
    const head = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x40, 0x70, 0x00]); // no content size, 4 MiB blocks
    const block = Buffer.from([1, 0, 0, 0, 0x00]); // a 1-byte block (one empty token)
    writeFileSync(file, Buffer.concat([head, ...Array(300).fill(block), Buffer.alloc(4)]));
    const ab0 = process.memoryUsage().arrayBuffers;
    const m = await api.describe(file, 'joblib');
    assert.equal(m.kind, 'unsupported');
    // The blocks hold nothing: an empty pickle, refused as such; the output grows with what the
    // blocks hold, never with what the frame declares.
    assert.match(m.kind === 'unsupported' ? m.reason : '', /pickle|empty|truncated/i);
    assert.ok(process.memoryUsage().arrayBuffers - ab0 < 256 * 2 ** 20);
  });

  test('pickle LONG4 of 256 KB: its size, in linear time; 1000 bytes of 0xff is -1', async () => {
    const long4 = (n: number, fill: number): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(n);
      return Buffer.concat([Buffer.from([0x80, 0x02, 0x8b]), len, Buffer.alloc(n, fill), Buffer.from('.')]);
    };
    const big = path.join(dir, 'long4.pkl');
    writeFileSync(big, long4(256 * 1024, 0x01));
    const { value: m, ms } = await timed(() => api.describe(big, 'joblib'));
    assert.equal(m.kind, 'object', JSON.stringify(m).slice(0, 300));
    assert.match((m.kind === 'object' ? m.tree.summary : '') ?? '', /int of 2,097,152 bits/);
    assert.ok(ms < 2000, `${ms} ms`);
    const minus1 = path.join(dir, 'minus1.pkl');
    writeFileSync(minus1, long4(1000, 0xff));
    const m1 = await api.describe(minus1, 'joblib');
    assert.equal(m1.kind === 'object' ? m1.tree.summary : m1.kind, '-1');
  });

  test('memo bombs: a list of 3 references to the list below, 40 deep (3**40 paths), and a dict of 2', async () => {
    // Written by Python's pickle: each level memoizes its list once and refers to it again (BINGET).
    const file = (name: string) => path.join(dir, name);
    runPython(
      `import pickle, sys
l = []
for i in range(40): l = [l, l, l]
open(sys.argv[1], 'wb').write(pickle.dumps(l, protocol=4))
d = {}
for i in range(40): d = {'a': d, 'b': d}
open(sys.argv[2], 'wb').write(pickle.dumps(d, protocol=2))`,
      [file('lists.pkl'), file('dicts.pkl')],
    );
    for (const name of ['lists.pkl', 'dicts.pkl']) {
      const { value: m, ms, heapMb } = await timed(() => api.describe(file(name), 'joblib'));
      assert.equal(m.kind, 'object', name);
      const text = JSON.stringify(m);
      // The tree stops at its depth and node limits: a bounded model, marked truncated.
      assert.ok(text.length < 500_000, `${name}: a model of ${text.length} characters`);
      assert.match(text, /"truncated":true/, name);
      assert.ok(ms < 2000 && heapMb < 64, `${name}: ${Math.round(ms)} ms, +${Math.round(heapMb)} MB heap`);
    }
  });
});
