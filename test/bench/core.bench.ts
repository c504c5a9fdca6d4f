// Core speed on a 10,000-artifact cache written by the real xpersist: scan() against xpersist's
// keys() + get_artifact() for every key (same machine, same run), and keys() alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CacheStore } from '../../src/core/index';
import { poolInfo } from '../../src/core/scan/workerPool';
import { benchData, nowMs, report, round, summary, timeRuns } from './harness';

const python = process.env.XPERSIST_TEST_PYTHON ?? '.venv/bin/python';
const repo = path.resolve(__dirname, '../..');
const N = 10_000;

async function main(): Promise<void> {
  const root = benchData('core-10k');
  const meta = path.join(root, 'xpersist_metadata_store');
  if (!existsSync(meta) || readdirSync(meta).length < N) {
    console.error(`[bench core] writing ${N} artifacts with the real xpersist into ${root} (~1-2 min)`);
    execFileSync(python, [path.join(repo, 'scripts/bench/make_core_cache.py'), root, String(N)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  const py = JSON.parse(
    execFileSync(python, [path.join(repo, 'scripts/bench/time_xpersist_scan.py'), root, '5'], {
      encoding: 'utf8',
    }),
  );

  const store = await CacheStore.open(root);
  const t0 = nowMs();
  const first = await store.scan();
  const coldScanMs = nowMs() - t0;
  if (first.artifacts.length !== N)
    throw new Error(`expected ${N} artifacts, scan found ${first.artifacts.length}`);
  const scanRuns = await timeRuns(() => store.scan(), 9, 1);
  const mode = store.lastScanMode;
  // The same without change events: every sidecar and data path stat'ed (network filesystems).
  process.env.XPERSIST_SCAN_WATCH = '0';
  const fullStore = await CacheStore.open(root);
  await fullStore.scan();
  const fullRuns = await timeRuns(() => fullStore.scan(), 9, 1);
  delete process.env.XPERSIST_SCAN_WATCH;
  const keysRuns = await timeRuns(() => store.keys(), 15, 2);
  const fresh = await timeRuns(async () => (await CacheStore.open(root)).scan(), 3, 0);
  const scanMedian = summary(scanRuns).median;
  report({
    artifacts: N,
    composition: '9,000 joblib + 1,000 xarray.zarr, written by xpersist 2021.12.17 put()',
    scanWorkers: poolInfo().workers,
    scan_first_call_ms: round(coldScanMs),
    scan_warm_ms: summary(scanRuns),
    scan_warm_mode: mode,
    scan_warm_full_stat_ms: summary(fullRuns),
    scan_new_store_object_ms: summary(fresh),
    keys_warm_ms: summary(keysRuns),
    xpersist_keys_plus_get_artifact_ms: round(py.keys_and_get_artifact_median_ms),
    xpersist_keys_ms: round(py.keys_median_ms),
    speedup_scan_vs_xpersist: round(py.keys_and_get_artifact_median_ms / scanMedian, 1),
    targets: { scan_warm_ms: '< 90 and >= 10x xpersist', keys_warm_ms: '< 15' },
    pass:
      scanMedian < 90 &&
      py.keys_and_get_artifact_median_ms / scanMedian >= 10 &&
      summary(keysRuns).median < 15,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
