// Whole-variable statistics in worker threads (src/preview/stats/): interleaved shares of the
// block grid folded by xpersist-stats-worker.js and merged in thread order must give what one
// thread gives (counts, NaN counts, min/max exactly, the mean to float64 rounding) and xarray's
// values (a 40-chunk store written and summarised by the venv's xarray); progress comes after
// every block of every thread; an abort ends the threads; a failure in a thread is reported.
import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, runPython, tempDir } from '../helpers';

after(() => api.closeAll());

const near = (got: unknown, want: number, what: string) =>
  assert.ok(Math.abs((got as number) - want) <= 1e-6 * Math.abs(want) + 1e-6, `${what}: ${got} != ${want}`);

/** A (40, 36, 72) float32 field with NaNs and a masked int16 variable, 40 chunks each, by xarray. */
function makeStore(dir: string): { path: string; want: Record<string, Record<string, number>> } {
  const p = path.join(dir, 'field.zarr');
  const code = `
import json, sys, numpy as np, xarray as xr
rng = np.random.default_rng(13)
t = (250 + 40 * rng.random((40, 36, 72))).astype("float32")
t[rng.random(t.shape) < 0.05] = np.nan
q = rng.integers(-300, 300, (40, 36, 72)).astype("int16")
ds = xr.Dataset({"t": (("time", "lat", "lon"), t), "q": (("time", "lat", "lon"), q)})
ds["q"].encoding = {"_FillValue": -300}
enc = {v: {"chunks": (4, 18, 36)} for v in ds.data_vars}
enc["q"]["_FillValue"] = -300
ds.to_zarr(sys.argv[1], mode="w", encoding=enc, consolidated=True)
back = xr.open_zarr(sys.argv[1])
out = {v: {"min": float(back[v].min()), "max": float(back[v].max()), "mean": float(back[v].mean()),
           "nan": int(back[v].isnull().sum()), "count": int(back[v].size)} for v in back.data_vars}
print(json.dumps(out))`;
  return { path: p, want: JSON.parse(runPython(code, [p]).trim().split('\n').pop() ?? '{}') };
}

describe('variableStats in worker threads', () => {
  const dir = tempDir('xp-pstats-');
  after(() => removeDir(dir));
  let store: ReturnType<typeof makeStore> | null = null;
  const field = () => {
    store ??= makeStore(dir);
    return store;
  };

  test('the worker bundle is beside the tests (else the threads would silently not run)', () => {
    assert.ok(existsSync(path.join(__dirname, 'xpersist-stats-worker.js')));
  });

  test("3 threads give one thread's statistics and xarray's (40 chunks, NaNs, a masked int16)", async () => {
    const { path: p, want } = field();
    for (const name of ['t', 'q']) {
      const one = await api.variableStats(p, 'xarray.zarr', name, {}, { threads: 1 });
      let reports = 0;
      let last = -1;
      const many = await api.variableStats(
        p,
        'xarray.zarr',
        name,
        {},
        {
          threads: 3,
          onProgress: (s) => {
            reports++;
            assert.ok(s.blocksDone > last, 'blocks done grow');
            last = s.blocksDone;
          },
        },
      );
      assert.equal(many.blocksTotal, 40);
      for (const k of [
        'count',
        'nanCount',
        'min',
        'max',
        'blocksTotal',
        'blocksDone',
        'done',
        'dtype',
      ] as const)
        assert.deepEqual(many[k], one[k], `${name}.${k}`);
      near(many.mean, one.mean as number, `${name}.mean (one thread)`);
      assert.equal(many.count, want[name].count);
      assert.equal(many.nanCount, want[name].nan, `${name}: NaN count as isnull().sum()`);
      assert.ok(want[name].nan > 0, 'the field has missing values');
      near(many.min, want[name].min, `${name}.min (xarray)`);
      near(many.max, want[name].max, `${name}.max (xarray)`);
      near(many.mean, want[name].mean, `${name}.mean (xarray)`);
      assert.equal(reports, 40, 'one report per block');
    }
  });

  test('two variables at once share the CPUs: both right, both threaded runs released', async () => {
    const { path: p, want } = field();
    const [t, q] = await Promise.all(
      ['t', 'q'].map((name) => api.variableStats(p, 'xarray.zarr', name, {}, { threads: 2 })),
    );
    near(t.mean, want.t.mean, 't.mean');
    near(q.mean, want.q.mean, 'q.mean');
    assert.equal(t.nanCount + q.nanCount, want.t.nan + want.q.nan);
  });

  test('an abort ends the threads and rejects with an AbortError', async () => {
    const { path: p } = field();
    const ac = new AbortController();
    const run = api.variableStats(
      p,
      'xarray.zarr',
      't',
      {},
      {
        threads: 2,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      },
    );
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(
      api.variableStats(p, 'xarray.zarr', 't', {}, { threads: 2, signal: pre.signal }),
      (e: Error) => e.name === 'AbortError',
    );
  });

  test("a damaged chunk fails the run with the thread's error", async () => {
    const { path: src } = field();
    const p = path.join(dir, 'damaged.zarr');
    cpSync(src, p, { recursive: true });
    const chunk = path.join(p, 't', '3.1.0');
    assert.ok(existsSync(chunk), 'the store has chunk 3.1.0');
    writeFileSync(chunk, Buffer.from('not a blosc frame at all, just text'));
    await assert.rejects(api.variableStats(p, 'xarray.zarr', 't', {}, { threads: 2 }), (e: Error) =>
      /3\.1\.0|chunk|blosc/i.test(e.message),
    );
  });
});
