// Core speed on a 10,000-artifact cache written by the real xpersist (9,000 joblib + 1,000
// pandas.csv), beside xpersist itself in the same run: rounds interleave xpersist (a Python
// process serving one round per request, imports paid once) and the core, and every round opens
// a NEW store object, so what is timed is the cold path a new window, a CLI or a test meets (OS
// file cache warm). Also: a fresh Node process's open + scan, and 100,000 artifacts (time and
// memory, each in a fresh process).
//   out/bench/core.bench.js                 the whole bench (npm run bench core)
//   out/bench/core.bench.js --child ROOT    one fresh-process scan, prints JSON (used above)
import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { CacheStore } from '../../src/core/index';
import { poolInfo } from '../../src/core/scan/workerPool';
import { makeBigCache, makeZarrCache } from './bigCache';
import { benchData, median, nowMs, report, round, summary } from './harness';

const python = process.env.XPERSIST_TEST_PYTHON ?? '.venv/bin/python';
const repo = path.resolve(__dirname, '../..');
const N = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

/** The 10,000-artifact cache, written once by the real xpersist (~1-3 min). */
function ensureCache(): string {
  const root = benchData('core-10k-csv');
  const meta = path.join(root, 'xpersist_metadata_store');
  if (!existsSync(meta) || readdirSync(meta).length < N) {
    console.error(`[bench core] writing ${N} artifacts with the real xpersist into ${root} (~1-3 min)`);
    execFileSync(python, [path.join(repo, 'scripts/bench/make_core_cache.py'), root, String(N)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return root;
}

/** A Python process with xpersist imported, timing one round per request. */
class Xpersist {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor(root: string) {
    this.proc = spawn(python, [path.join(repo, 'scripts/bench/xpersist_rounds.py'), root], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    this.proc.stderr.pipe(process.stderr);
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  private async next(): Promise<{ ms: number; cpu_ms: number; keys: number; ready?: boolean }> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the xpersist process ended');
    return JSON.parse(r.value);
  }

  ready = async (): Promise<unknown> => this.next();

  async round(what: 'all' | 'keys'): Promise<{ ms: number; cpu_ms: number; keys: number }> {
    this.proc.stdin.write(`${what}\n`);
    return this.next();
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** CPU time of this process (worker threads included) in the last timed call. */
let lastCpuMs = 0;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const c = process.cpuUsage();
  const t = nowMs();
  await fn();
  const ms = nowMs() - t;
  const d = process.cpuUsage(c);
  lastCpuMs = (d.user + d.system) / 1000;
  return ms;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

interface Rounds {
  [name: string]: number[];
}

/** Store objects that live across rounds: the warm rescan of a window that stays open. */
interface Warm {
  /** Told by inotify what changed (local Linux filesystems). */
  watched: CacheStore;
  /** Without change events (network filesystems): every sidecar and data path stat'ed. */
  statted: CacheStore;
}

/** One interleaved round: xpersist, then each core measurement, each on a new store object. */
async function oneRound(
  root: string,
  indexDir: string,
  py: Xpersist,
  keys: string[],
  warm: Warm,
  out: Rounds,
): Promise<void> {
  const push = (name: string, ms: number) => {
    out[name] ??= [];
    out[name].push(ms);
  };
  const all = await py.round('all');
  if (all.keys !== N) throw new Error(`xpersist listed ${all.keys} keys, expected ${N}`);
  push('xpersist_keys_plus_get_artifact_ms', all.ms);
  push('xpersist_keys_plus_get_artifact_cpu_ms', all.cpu_ms);
  push('xpersist_keys_ms', (await py.round('keys')).ms);
  gc();
  let found = 0;
  push(
    'open_scan_ms',
    await time(async () => {
      found = (await (await CacheStore.open(root)).scan()).artifacts.length;
    }),
  );
  push('open_scan_cpu_ms', lastCpuMs);
  if (found !== N) throw new Error(`scan found ${found} artifacts, expected ${N}`);
  gc();
  // The same with the index an earlier store object left in indexDir (proven current first).
  push(
    'open_scan_with_index_ms',
    await time(async () => {
      const store = await CacheStore.open(root, { indexDir });
      found = (await store.scan()).artifacts.length;
      if (store.lastScanReuse?.sidecarsRead !== 0) throw new Error('the index was not used');
    }),
  );
  push('open_scan_with_index_cpu_ms', lastCpuMs);
  if (found !== N) throw new Error(`scan with index found ${found} artifacts, expected ${N}`);
  gc();
  push(
    'open_keys_get_artifact_all_ms',
    await time(async () => {
      const store = await CacheStore.open(root);
      for (const k of await store.keys()) await store.getArtifact(k);
    }),
  );
  push(
    'open_keys_get_artifact_all_64_in_flight_ms',
    await time(async () => {
      const store = await CacheStore.open(root);
      const ks = await store.keys();
      let next = 0;
      const lane = async () => {
        while (next < ks.length) await store.getArtifact(ks[next++]);
      };
      await Promise.all(Array.from({ length: 64 }, lane));
    }),
  );
  gc(); // not the garbage of the 20,000 getArtifact calls above
  push('open_keys_ms', await time(async () => (await CacheStore.open(root)).keys()));
  push('warm_rescan_watched_ms', await time(() => warm.watched.scan()));
  push('warm_rescan_all_statted_ms', await time(() => warm.statted.scan()));
  // One getArtifact on a store object that has done nothing else: the median over 50 keys.
  const singles: number[] = [];
  for (let i = 0; i < 50; i++) {
    const store = await CacheStore.open(root);
    const key = keys[(i * 197) % keys.length];
    singles.push(await time(() => store.getArtifact(key)));
  }
  push('get_artifact_one_key_ms', median(singles));
}

/** open + scan in a fresh Node process (workers started, nothing cached): time and memory. */
function freshProcess(
  root: string,
  indexDir?: string,
): { ms: number; artifacts: number; heapMB: number; rssMB: number; maxBlockMs: number } {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', __filename, '--child', root, ...(indexDir ? [indexDir] : [])],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`fresh-process scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
}

async function child(root: string, indexDir?: string): Promise<void> {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  // The longest the thread was held at once: how long a view's request could wait meanwhile.
  const blocks = monitorEventLoopDelay({ resolution: 5 });
  blocks.enable();
  const t = nowMs();
  const rep = await (await CacheStore.open(root, { indexDir })).scan();
  const ms = nowMs() - t;
  blocks.disable();
  const rss = process.memoryUsage().rss;
  gc();
  const heap = process.memoryUsage().heapUsed;
  process.stdout.write(
    `${JSON.stringify({
      ms: round(ms),
      artifacts: rep.artifacts.length,
      heapMB: round((heap - heap0) / 2 ** 20, 1),
      rssMB: round((rss - rss0) / 2 ** 20, 1),
      maxBlockMs: round(blocks.max / 1e6, 1),
    })}\n`,
  );
  process.exit(0);
}

function freshRuns(root: string, runs: number, indexDir?: string): ReturnType<typeof freshProcess> {
  const rs = Array.from({ length: runs }, () => freshProcess(root, indexDir));
  return {
    ms: round(median(rs.map((r) => r.ms))),
    artifacts: rs[0].artifacts,
    heapMB: round(median(rs.map((r) => r.heapMB)), 1),
    rssMB: round(median(rs.map((r) => r.rssMB)), 1),
    maxBlockMs: round(median(rs.map((r) => r.maxBlockMs)), 1),
  };
}

async function main(): Promise<void> {
  const root = ensureCache();
  // 200,000 files: kept out of the repository tree (vsce package globs every file in it).
  const big = makeBigCache(
    root,
    process.env.BENCH_BIG_DATA ?? path.join(os.tmpdir(), 'xpersist-bench-core-100k'),
    10,
  );
  const py = new Xpersist(root);
  await py.ready();
  const keys = await (await CacheStore.open(root)).keys();
  const indexDir = benchData('core-index');
  const rounds: Rounds = {};
  await (await CacheStore.open(root, { indexDir })).scan(); // leaves the index
  const watched = await CacheStore.open(root);
  await watched.scan();
  process.env.XPERSIST_SCAN_WATCH = '0'; // read once, at a store object's first scan
  const statted = await CacheStore.open(root);
  await statted.scan();
  delete process.env.XPERSIST_SCAN_WATCH;
  const warm = { watched, statted };
  await oneRound(root, indexDir, py, keys, warm, {}); // warm-up: JIT, worker threads, OS file cache
  for (let i = 0; i < ROUNDS; i++) await oneRound(root, indexDir, py, keys, warm, rounds);
  watched.close();
  py.close();
  const fresh10k = freshRuns(root, 5);
  const fresh100k = freshRuns(big, 3);
  await (await CacheStore.open(big, { indexDir })).scan();
  const fresh10kIndexed = freshRuns(root, 5, indexDir);
  const fresh100kIndexed = freshRuns(big, 3, indexDir);
  // Zarr stores: a scan sums each folder; with the index, only folders whose stamps changed.
  const zarrs = makeZarrCache(
    path.resolve('test/fixtures/xpersist-caches/all-serializers'),
    'tas_monthly.zarr',
    path.join(os.tmpdir(), 'xpersist-bench-core-zarr1000'),
    1000,
  );
  const freshZarr = freshRuns(zarrs, 5);
  await (await CacheStore.open(zarrs, { indexDir })).scan();
  const freshZarrIndexed = freshRuns(zarrs, 5, indexDir);
  const med = (name: string) => median(rounds[name]);
  const xp = med('xpersist_keys_plus_get_artifact_ms');
  const figures = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, summary(v)]));
  const results = {
    speedup_open_scan_vs_xpersist: round(xp / med('open_scan_ms'), 1),
    speedup_open_scan_with_index_vs_xpersist: round(xp / med('open_scan_with_index_ms'), 1),
    speedup_open_keys_get_artifact_all_vs_xpersist: round(xp / med('open_keys_get_artifact_all_ms'), 1),
    // CPU time (ours: all threads) is what other processes' load does not inflate.
    cpu_ratio_open_scan_with_index_vs_xpersist: round(
      med('xpersist_keys_plus_get_artifact_cpu_ms') / med('open_scan_with_index_cpu_ms'),
      1,
    ),
    keys_ms: round(med('open_keys_ms')),
    get_artifact_one_key_ms: round(med('get_artifact_one_key_ms'), 3),
  };
  report({
    artifacts: N,
    composition: '9,000 joblib + 1,000 pandas.csv, written by xpersist 2021.12.17 put()',
    how: `${ROUNDS} interleaved rounds (after one warm-up), a new store object per measurement, OS file cache warm; medians`,
    scanWorkers: poolInfo().workers,
    rounds: figures,
    ...results,
    fresh_process_open_scan_10k: fresh10k,
    fresh_process_open_scan_100k: fresh100k,
    fresh_process_open_scan_with_index_10k: fresh10kIndexed,
    fresh_process_open_scan_with_index_100k: fresh100kIndexed,
    scan_100k_over_10k_time_ratio: round(fresh100k.ms / fresh10k.ms, 1),
    zarr_store: '1,000 copies of the tas_monthly.zarr xpersist wrote (42 files, 4 folders each)',
    fresh_process_open_scan_zarr1000: freshZarr,
    fresh_process_open_scan_with_index_zarr1000: freshZarrIndexed,
    targets: {
      speedup_open_scan_with_index_vs_xpersist: '>= 10',
      speedup_open_keys_get_artifact_all_vs_xpersist: '>= 3',
      keys_ms: '< 10',
      get_artifact_one_key_ms: '< 0.2',
      fresh_process_open_scan_100k: 'linear in artifacts, heap < 150 MB',
    },
    pass:
      results.speedup_open_scan_with_index_vs_xpersist >= 10 &&
      results.speedup_open_keys_get_artifact_all_vs_xpersist >= 3 &&
      results.keys_ms < 10 &&
      results.get_artifact_one_key_ms < 0.2 &&
      fresh100k.heapMB < 150,
  });
}

const at = process.argv.indexOf('--child');
(at > 0 ? child(process.argv[at + 1], process.argv[at + 2]) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
