// `npm run bench preview`: the preview readers on big files made once with the real libraries
// (scripts/bench/make_preview_bench_data.py): first 2-D slice of a 1 GiB float32 zarr (chunks
// 32x256x256) and of a 1 GiB netCDF-4 file, warm and in a fresh process (including reader start),
// chunks/bytes read, memory growth; first 1,000 rows of a 500 MB CSV and of a 100 MB parquet; and
// the same slice through xpersist + xarray in Python for comparison.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as api from '../../src/preview/index';
import { benchData, nowMs, report, round, summary, timeRuns } from './harness';

const ZARR = 'preview_1gib.zarr';
const NC = 'preview_1gib.nc';
const CSV = 'preview_500mb.csv';
const PARQUET = 'preview_100mb.parquet';

const python = (): string => process.env.XPERSIST_TEST_PYTHON ?? path.resolve('.venv/bin/python');
const mb = (b: number): number => round(b / 2 ** 20, 1);

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, n) => a + sizeOf(path.join(p, n)), 0);
}

function ensureData(): void {
  const missing = [ZARR, NC, CSV, PARQUET].filter((n) => !existsSync(benchData(`${n}.done`)));
  if (missing.length === 0) return;
  console.error(`[preview bench] generating ${missing.join(', ')} with ${python()} (once) ...`);
  execFileSync(python(), [path.resolve('scripts/bench/make_preview_bench_data.py'), benchData()], {
    stdio: 'inherit',
  });
}

// ---------------------------------------------------------------------------- child process
// `node preview.bench.js --child <kind> <path>`: one request in a process where nothing is loaded
// or open yet. performance.now() counts from process start, so both figures come out.

async function child(kind: string, file: string): Promise<void> {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const out: Record<string, unknown> = {};
  if (kind === 'zarr' || kind === 'netcdf') {
    const serializer = kind === 'zarr' ? 'xarray.zarr' : 'xarray.netcdf';
    const m = await api.describe(file, serializer);
    const t1 = performance.now();
    const r = await api.readValues(file, serializer, 'temp', { time: 0 });
    const t2 = performance.now();
    const io = await api.ioStats(file, serializer);
    Object.assign(out, {
      describe_ms: round(t1 - t0),
      first_slice_ms: round(t2 - t1),
      request_to_values_ms: round(t2 - t0),
      shape: r.shape,
      value_0: r.values[0],
      kind: m.kind,
      chunks_read: io?.chunks,
      files_read: io?.files?.filter((f) => f.startsWith('temp/')),
      bytes_read: io?.bytes,
    });
  } else {
    const serializer = kind === 'csv' ? 'pandas.csv' : 'pandas.parquet';
    const r = await api.readRows(file, serializer, 0, 1000);
    const t1 = performance.now();
    Object.assign(out, { first_1000_rows_ms: round(t1 - t0), rows: r.rows.length, last_row: r.rows[999] });
  }
  out.process_start_to_values_ms = round(performance.now());
  out.rss_growth_mb = mb(process.memoryUsage().rss - rss0);
  out.max_rss_mb = round(process.resourceUsage().maxRSS / 1024, 1);
  await api.closeAll();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function freshProcess(kind: string, file: string, runs = 3): Record<string, unknown> {
  const results: Array<Record<string, number | unknown>> = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    const r = spawnSync(process.execPath, [__filename, '--child', kind, file], { encoding: 'utf8' });
    const wall = nowMs() - t;
    if (r.status !== 0) throw new Error(`child ${kind} failed: ${r.stderr}`);
    results.push({ ...JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'), wall_ms: round(wall) });
  }
  const pick = (k: string) => summary(results.map((x) => Number(x[k])).filter((x) => Number.isFinite(x)));
  const keys = Object.keys(results[0]).filter((k) => typeof results[0][k] === 'number');
  return { ...Object.fromEntries(keys.map((k) => [k, pick(k)])), example: results[0] };
}

// ---------------------------------------------------------------------------- in-process

async function datasetBench(
  file: string,
  serializer: 'xarray.zarr' | 'xarray.netcdf',
): Promise<Record<string, unknown>> {
  await api.closeAll();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = nowMs();
  await api.describe(file, serializer);
  const tDescribe = nowMs() - t0;
  const t1 = nowMs();
  const first = await api.readValues(file, serializer, 'temp', { time: 0 });
  const firstMs = nowMs() - t1;
  const io = await api.ioStats(file, serializer);
  const rssAfterFirst = process.memoryUsage().rss;
  // Warm: the reader is open; every run asks for a slice it has not read before.
  let t = 1;
  const nextSlice = () => {
    t = (t + 37) % 1024;
    return api.readValues(file, serializer, 'temp', { time: t });
  };
  const warm = await timeRuns(nextSlice, 7, 1);
  const before = await api.ioStats(file, serializer);
  await api.readValues(file, serializer, 'temp', { time: 500 });
  const after = await api.ioStats(file, serializer);
  const stats = api.sliceStats(first.values);
  return {
    first_slice_in_process: {
      describe_ms: round(tDescribe),
      first_slice_ms: round(firstMs),
      rss_growth_mb: mb(rssAfterFirst - rss0),
    },
    warm_slice_ms: summary(warm),
    slice_shape: first.shape,
    slice_stats: stats,
    chunks_per_slice: (after?.chunks ?? 0) - (before?.chunks ?? 0),
    bytes_per_slice_mb: mb((after?.bytes ?? 0) - (before?.bytes ?? 0)),
    first_slice_io: {
      chunks: io?.chunks,
      files: io?.files?.filter((f) => f.startsWith('temp/')),
      bytes_mb: mb(io?.bytes ?? 0),
    },
    file_size_mb: mb(sizeOf(file)),
  };
}

async function tableBench(
  file: string,
  serializer: 'pandas.csv' | 'pandas.parquet',
): Promise<Record<string, unknown>> {
  await api.closeAll();
  const t0 = nowMs();
  const r = await api.readRows(file, serializer, 0, 1000);
  const first = nowMs() - t0;
  let off = 0;
  const nextPage = () => {
    off += 1000;
    return api.readRows(file, serializer, off, 1000);
  };
  const pages = await timeRuns(nextPage, 5, 1);
  const t1 = nowMs();
  const far = await api.readRows(file, serializer, 3_000_000, 100);
  const farMs = nowMs() - t1;
  const t2 = nowMs();
  const n = await api.countRows(file, serializer);
  const countMs = nowMs() - t2;
  const t3 = nowMs();
  const s = await api.summarizeColumns(file, serializer);
  return {
    first_1000_rows_ms: round(first),
    rows: r.rows.length,
    next_pages_ms: summary(pages),
    row_3M_first_visit_ms: round(farMs),
    row_3M_first_cell: far.rows[0]?.[0],
    count_rows: n,
    count_rows_ms: round(countMs),
    summarize_ms: round(nowMs() - t3),
    summary_source: s.source,
    file_size_mb: mb(sizeOf(file)),
  };
}

function pythonBaseline(key: string): Record<string, unknown> {
  const r = spawnSync(
    python(),
    [path.resolve('scripts/bench/preview_python_slice.py'), benchData(), key, 'temp'],
    {
      encoding: 'utf8',
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    },
  );
  if (r.status !== 0) return { error: r.stderr.slice(-500) };
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
}

async function main(): Promise<void> {
  ensureData();
  const zarr = benchData(ZARR);
  const nc = benchData(NC);
  const csv = benchData(CSV);
  const parquet = benchData(PARQUET);
  const result: Record<string, unknown> = {
    targets: {
      zarr_warm_first_slice_ms: 100,
      zarr_fresh_process_ms: 300,
      netcdf_fresh_process_ms: 300,
      netcdf_rss_growth_mb: 150,
      csv_first_1000_rows_ms: 50,
      parquet_first_1000_rows_ms: 500,
    },
  };
  result.zarr = { ...(await datasetBench(zarr, 'xarray.zarr')), fresh_process: freshProcess('zarr', zarr) };
  result.netcdf4 = {
    ...(await datasetBench(nc, 'xarray.netcdf')),
    fresh_process: freshProcess('netcdf', nc),
  };
  result.csv = { ...(await tableBench(csv, 'pandas.csv')), fresh_process: freshProcess('csv', csv) };
  result.parquet = {
    ...(await tableBench(parquet, 'pandas.parquet')),
    fresh_process: freshProcess('parquet', parquet),
  };
  result.python_xpersist_xarray = { zarr: pythonBaseline(ZARR), netcdf4: pythonBaseline(NC) };
  await api.closeAll();
  report(result);
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
