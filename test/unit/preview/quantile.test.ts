// The map's robust colour range without a sort: the selection-based percentiles must be exactly
// what the venv's numpy says (np.percentile of the finite values with a Python float q, as
// xarray's robust=True computes them; numpy 2 interpolates float32 data in float32), on awkward
// inputs (ties, runs of one value, sorted and reversed input, NaN, tiny arrays); and the
// packed-word pixel painter must give the bytes the per-byte one gave.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { lut } from '../../../src/webview/preview/colormap';
import { paintPixels } from '../../../src/webview/preview/heatmap';
import { colorRange } from '../../../src/webview/preview/mapModel';
import { percentiles, selectInPlace } from '../../../src/webview/preview/quantile';
import { removeDir, runPython, tempDir } from '../helpers';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Named inputs (float32 values, null for NaN) covering what breaks selections. */
function cases(): Record<string, Array<number | null>> {
  const r = rng(13);
  const f32 = (x: number) => Math.fround(x);
  const n = 20_000;
  const field = Array.from({ length: n }, () => f32(250 + 40 * r()));
  return {
    field,
    withNaN: field.map((x, i) => (i % 7 === 0 ? null : x)),
    sorted: [...field].sort((a, b) => a - b),
    reversed: [...field].sort((a, b) => b - a),
    fewValues: Array.from({ length: n }, () => Math.floor(r() * 4)),
    mostlyZero: Array.from({ length: n }, (_, i) => (i % 97 === 0 ? f32(r() * 3 - 1) : 0)),
    constant: Array.from({ length: 5000 }, () => 2.5),
    crossesZero: Array.from({ length: 3001 }, () => f32(r() * 10 - 3)),
    organPipe: Array.from({ length: 4000 }, (_, i) => (i < 2000 ? i : 4000 - i)),
    one: [f32(1.1)],
    two: [f32(3.3), f32(-1.7)],
    three: [5, null, 1, 9],
    // Large enough for the sampled bracket; one where it must miss and fall back (a few huge
    // values at random places barely move the sample but sit at the 98th percentile's rank).
    large: Array.from({ length: 200_000 }, () => f32(r() * 1000)),
    largeTies: Array.from({ length: 100_000 }, () => Math.floor(r() * 3)),
    largeSorted: Array.from({ length: 60_000 }, (_, i) => i),
  };
}

describe('percentiles by selection', () => {
  test("equal numpy's percentile (2, 98 and others) as xarray calls it, float32 and float64, bit for bit", () => {
    const dir = tempDir('xp-quantile-');
    try {
      const input = cases();
      const file = path.join(dir, 'cases.json');
      writeFileSync(file, JSON.stringify(input));
      const qs = [0, 2, 25, 50, 98, 99.5, 100];
      const code = `
import json, sys, numpy as np
cases = json.load(open(sys.argv[1]))
out = {}
for name, xs in cases.items():
    for dt in ("float32", "float64"):
        a = np.array([np.nan if x is None else x for x in xs], dtype=dt)
        # As xarray's robust=True: the finite values, numpy.percentile with a Python float.
        a = np.ravel(a[np.isfinite(a)])
        out[name + "/" + dt] = {str(q): float(np.percentile(a, float(q))) for q in ${JSON.stringify(qs)}}
print(json.dumps(out))`;
      const want = JSON.parse(runPython(code, [file])) as Record<string, Record<string, number>>;
      for (const [name, xs] of Object.entries(input)) {
        for (const dtype of ['float32', 'float64']) {
          const w = want[`${name}/${dtype}`];
          const finite = Float64Array.from(xs.filter((x): x is number => x !== null));
          const got = percentiles(finite, qs, dtype === 'float32');
          for (const [i, q] of qs.entries()) assert.equal(got[i], w[String(q)], `${name} ${dtype} q=${q}`);
          const range = colorRange(xs, true, dtype);
          const [lo, hi] = [w['2'], w['98']];
          if (lo < 0 && hi > 0) assert.equal(range?.hi, Math.max(-lo, hi), `${name}: symmetric about 0`);
          else if (lo !== hi) assert.deepEqual([range?.lo, range?.hi], [lo, hi], `${name} ${dtype}`);
        }
      }
    } finally {
      removeDir(dir);
    }
  });

  test('a selection puts the k-th value where a sort would, smaller ones before, larger after', () => {
    const r = rng(7);
    for (const n of [1, 2, 23, 24, 25, 100, 5000]) {
      const xs = Float64Array.from({ length: n }, () => Math.floor(r() * 50));
      const sorted = Float64Array.from(xs).sort();
      for (const k of [0, n >> 1, n - 1]) {
        const a = Float64Array.from(xs);
        selectInPlace(a, k);
        assert.equal(a[k], sorted[k], `n=${n} k=${k}`);
        for (let i = 0; i < k; i++) assert.ok(a[i] <= a[k]);
        for (let i = k + 1; i < n; i++) assert.ok(a[i] >= a[k]);
        assert.deepEqual(Float64Array.from(a).sort(), sorted, 'a permutation of the input');
      }
    }
  });
});

describe('map pixels', () => {
  test('packed words give the bytes of the colour table, NaN/missing/text transparent, rows flipped', () => {
    const r = rng(3);
    const rows = 37;
    const cols = 53;
    const values = Array.from({ length: rows * cols }, (_, i) =>
      i % 11 === 0
        ? null
        : i % 13 === 0
          ? Number.NaN
          : i % 17 === 0
            ? 'x'
            : i % 19 === 0
              ? true
              : r() * 12 - 1,
    );
    values[5] = Number.POSITIVE_INFINITY;
    values[6] = Number.NEGATIVE_INFINITY;
    for (const flipped of [true, false]) {
      const px = new Uint8ClampedArray(rows * cols * 4);
      paintPixels(px, { values, rows, cols, flipped, lo: 0, hi: 10, colormap: 'magma' });
      const table = lut('magma');
      for (let row = 0; row < rows; row++) {
        for (let c = 0; c < cols; c++) {
          const v = values[row * cols + c];
          const o = ((flipped ? rows - 1 - row : row) * cols + c) * 4;
          const num = typeof v === 'boolean' ? Number(v) : v;
          if (typeof num !== 'number' || Number.isNaN(num)) {
            assert.equal(px[o + 3], 0, `(${row}, ${c}) transparent`);
            continue;
          }
          const li = Math.max(0, Math.min(255, Math.floor((num / 10) * 255.999))) * 4;
          assert.deepEqual([...px.subarray(o, o + 4)], [table[li], table[li + 1], table[li + 2], 255]);
        }
      }
    }
  });
});
