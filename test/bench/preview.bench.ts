// `npm run bench preview`: the preview readers on big files made once with the real libraries
// (scripts/bench/make_preview_bench_data.py): first 2-D slice of a 1 GiB float32 zarr (chunks
// 32x256x256) and of a 1 GiB netCDF-4 file, warm and in a fresh process (including reader start),
// chunks/bytes read, memory growth; first 1,000 rows of a 500 MB CSV and of a 100 MB parquet; and
// the same slice through xpersist + xarray in Python for comparison. Then the figures of issue 13,
// each beside xarray in rounds that alternate the two (medians): first paint of a map slice in a
// fresh process (values, colour range, ticks and pixels, as the webview computes them) against a
// fresh Python importing xarray and doing the same; a point series over 1,000 time steps; and a
// compare of two 1 GiB zarr stores (structure, then every data variable's min/max/mean/NaN count
// streamed chunk by chunk) against one dask.compute of xarray's min/max/mean/isnull().sum().

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as api from '../../src/preview/index';
import { paintPixels } from '../../src/webview/preview/heatmap';
import { axisTicks, colorRange, rowsFlipped } from '../../src/webview/preview/mapModel';
import { benchData, median, nowMs, report, round, summary, timeRuns } from './harness';

const ZARR = 'preview_1gib.zarr';
const NC = 'preview_1gib.nc';
const CSV = 'preview_500mb.csv';
const PARQUET = 'preview_100mb.parquet';
const ZARR_B = 'preview_1gib_b.zarr';

const python = (): string => process.env.XPERSIST_TEST_PYTHON ?? path.resolve('.venv/bin/python');
const mb = (b: number): number => round(b / 2 ** 20, 1);

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, n) => a + sizeOf(path.join(p, n)), 0);
}

function ensureData(): void {
  const only13 = process.env.PREVIEW_BENCH === 'issue13';
  const wanted = only13 ? [ZARR, ZARR_B, NC] : [ZARR, ZARR_B, NC, CSV, PARQUET];
  const missing = wanted.filter((n) => !existsSync(benchData(`${n}.done`)));
  if (missing.length === 0) return;
  console.error(`[preview bench] generating ${missing.join(', ')} with ${python()} (once) ...`);
  const which = only13 ? ['zarr', 'nc'] : [];
  execFileSync(python(), [path.resolve('scripts/bench/make_preview_bench_data.py'), benchData(), ...which], {
    stdio: 'inherit',
  });
}

// ---------------------------------------------------------------------------- child process
// `node preview.bench.js --child <kind> <path>`: one request in a process where nothing is loaded
// or open yet. performance.now() counts from process start, so both figures come out.

async function child(kind: string, file: string): Promise<void> {
  if (kind === 'paint') return paintChild(file);
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

/**
 * What the preview does from a click to a painted map, in a process where nothing is loaded:
 * the model, the first slice, the two coordinates for the ticks, the robust colour range and
 * the RGBA pixels (the webview's own code; only putImageData is left to a browser).
 */
async function paintChild(file: string): Promise<void> {
  const serializer = file.endsWith('.zarr') ? 'xarray.zarr' : 'xarray.netcdf';
  const t0 = performance.now();
  const m = await api.describe(file, serializer);
  if (m.kind !== 'dataset') throw new Error(`not a dataset: ${file}`);
  const [r, lat, lon] = await Promise.all([
    api.readValues(file, serializer, 'temp', { time: 0 }),
    api.coordinateValues(file, serializer, 'lat'),
    api.coordinateValues(file, serializer, 'lon'),
  ]);
  const t1 = performance.now();
  const [rows, cols] = r.shape;
  const range = colorRange(r.values, true, m.dataVars.temp.dtype);
  if (!range) throw new Error('no finite values');
  const rowTicks = axisTicks(lat.values, rows, 0, null, 8);
  const colTicks = axisTicks(lon.values, cols, 0, null, 9);
  const px = new Uint8ClampedArray(rows * cols * 4);
  const flipped = rowsFlipped(lat.values as number[]);
  paintPixels(px, { values: r.values, rows, cols, flipped, lo: range.lo, hi: range.hi, colormap: 'viridis' });
  const t2 = performance.now();
  const cpu = process.cpuUsage();
  const out = {
    process_start_to_paint_ms: round(t2),
    // CPU of the whole process so far (start-up included): what the load of the machine changes least.
    process_cpu_ms: round((cpu.user + cpu.system) / 1000),
    request_to_values_ms: round(t1 - t0),
    range_ticks_pixels_ms: round(t2 - t1),
    request_to_paint_ms: round(t2 - t0),
    shape: r.shape,
    lo: range.lo,
    hi: range.hi,
    ticks: [rowTicks.length, colTicks.length],
    opaque_pixels: opaque(px),
  };
  await api.closeAll();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Pixels painted opaque (the alpha byte of each RGBA quadruple). */
function opaque(px: Uint8ClampedArray): number {
  let n = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] === 255) n++;
  return n;
}

function spawnJson(cmd: string, args: string[]): { wall: number; out: Record<string, unknown> } {
  const t = nowMs();
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 16 * 2 ** 20,
  });
  const wall = nowMs() - t;
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]} failed: ${r.stderr.slice(-800)}`);
  return { wall, out: JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') };
}

const pyScript = (): string => path.resolve('scripts/bench/preview_xarray_rounds.py');

/** First paint, fresh processes, rounds alternating node and Python on zarr and netCDF-4. */
function firstPaint(rounds = 5): Record<string, unknown> {
  const files = { zarr: benchData(ZARR), netcdf4: benchData(NC) };
  type Runs = {
    node: number[];
    nodeInner: number[];
    nodeCpu: number[];
    py: number[];
    pyInner: number[];
    pyCpu: number[];
  };
  const got: Record<string, Runs> = {};
  const examples: Record<string, unknown> = {};
  for (let i = 0; i < rounds; i++) {
    for (const [k, f] of Object.entries(files)) {
      got[k] ??= { node: [], nodeInner: [], nodeCpu: [], py: [], pyInner: [], pyCpu: [] };
      const n = spawnJson(process.execPath, [__filename, '--child', 'paint', f]);
      const p = spawnJson(python(), [pyScript(), 'paint', f]);
      got[k].node.push(n.wall);
      got[k].nodeInner.push(Number(n.out.process_start_to_paint_ms));
      got[k].py.push(p.wall);
      got[k].pyInner.push(Number(p.out.script_start_to_range_ms));
      got[k].nodeCpu.push(Number(n.out.process_cpu_ms));
      got[k].pyCpu.push(Number(p.out.process_cpu_ms));
      examples[k] ??= { node: n.out, xarray: p.out };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, g] of Object.entries(got)) {
    out[k] = {
      node_process_wall_ms: summary(g.node),
      node_process_start_to_paint_ms: summary(g.nodeInner),
      xarray_process_wall_ms: summary(g.py),
      xarray_script_start_to_range_ms: summary(g.pyInner),
      node_process_cpu_ms: summary(g.nodeCpu),
      xarray_process_cpu_ms: summary(g.pyCpu),
      speedup_wall: round(median(g.py) / median(g.node), 1),
      speedup_cpu: round(median(g.pyCpu) / median(g.nodeCpu), 1),
      example: examples[k],
    };
  }
  return out;
}

/** Spread over the spatial chunks (256 x 256) so no series reuses another's chunks. */
const POINTS: Array<[number, number]> = [
  [10, 10],
  [300, 400],
  [100, 300],
  [400, 50],
  [500, 500],
];

/** A point series over 1,000 time steps with the dataset open (a click on the map). */
async function pointSeries(rounds = 3): Promise<Record<string, unknown>> {
  const file = benchData(ZARR);
  const node: number[] = [];
  const chunks: number[] = [];
  const py: number[] = [];
  let first: unknown = null;
  for (let i = 0; i < rounds; i++) {
    await api.closeAll();
    await api.readValues(file, 'xarray.zarr', 'temp', { time: 0 });
    for (const [la, lo] of POINTS) {
      const before = await api.ioStats(file, 'xarray.zarr');
      const t = nowMs();
      const r = await api.readValues(file, 'xarray.zarr', 'temp', { time: [0, 1000], lat: la, lon: lo });
      node.push(nowMs() - t);
      const after = await api.ioStats(file, 'xarray.zarr');
      chunks.push((after?.chunks ?? 0) - (before?.chunks ?? 0));
      first ??= { shape: r.shape, first: r.values[0] };
    }
    const p = spawnJson(python(), [pyScript(), 'series', file, '1000', ...POINTS.map((x) => x.join(','))]);
    for (const s of p.out.series as Array<{ ms: number }>) py.push(s.ms);
  }
  await api.closeAll();
  return {
    steps: 1000,
    chunks_per_series: summary(chunks),
    chunk_shape: [32, 256, 256],
    node_ms: summary(node),
    xarray_ms: summary(py),
    example: first,
  };
}

/** Every data variable of both datasets streamed at once (left and right, as the compare view). */
async function streamStats(files: string[], signal?: AbortSignal) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let reports = 0;
  const cpu0 = process.cpuUsage();
  const t = nowMs();
  const stats = await Promise.all(
    files.map(async (f) => {
      const m = await api.describe(f, 'xarray.zarr');
      if (m.kind !== 'dataset') throw new Error(`not a dataset: ${f}`);
      const out: api.VariableStats[] = [];
      for (const name of Object.keys(m.dataVars)) {
        const onProgress = () => {
          reports++;
          peak = Math.max(peak, process.memoryUsage().rss);
        };
        out.push(await api.variableStats(f, 'xarray.zarr', name, {}, { signal, onProgress }));
      }
      return out;
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return {
    ms: nowMs() - t,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakGrowthMb: mb(peak - rss0),
    reports,
    stats,
  };
}

/** Two 1 GiB zarr stores: the structure diff at once, then full statistics streamed, vs xarray. */
async function compareBench(rounds = 3): Promise<Record<string, unknown>> {
  const files = [benchData(ZARR), benchData(ZARR_B)];
  await api.closeAll();
  const t0 = nowMs();
  const [a, b] = await Promise.all(files.map((f) => api.describe(f, 'xarray.zarr')));
  const sections = api.compareModels(a, b);
  const structureMs = nowMs() - t0;
  if (!Array.isArray(sections)) throw new Error(sections.reason);
  const changed = sections.flatMap((s) => s.rows).filter((r) => r.status !== 'same');
  const node: number[] = [];
  const nodeCpu: number[] = [];
  const peaks: number[] = [];
  const py: number[] = [];
  const pyCpu: number[] = [];
  const pyPeaks: number[] = [];
  let last: Awaited<ReturnType<typeof streamStats>> | null = null;
  let pyLast: Record<string, unknown> = {};
  for (let i = 0; i < rounds; i++) {
    last = await streamStats(files);
    node.push(last.ms);
    nodeCpu.push(last.cpuMs);
    peaks.push(last.peakGrowthMb);
    const p = spawnJson(python(), [pyScript(), 'stats', ...files]);
    py.push(Number(p.out.total_ms));
    pyCpu.push(Number(p.out.cpu_ms));
    pyPeaks.push(Number(p.out.peak_rss_above_imports_mb));
    pyLast = p.out;
  }
  // Cancel: abort after a quarter of a second; how long until the run has stopped.
  const ac = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = nowMs();
    ac.abort();
  }, 250);
  const stopped = await streamStats(files, ac.signal).then(
    () => 'finished before the abort',
    (err: Error) => `${err.name} after ${round(nowMs() - abortedAt)} ms`,
  );
  return {
    data_mb: files.map((f) => mb(sizeOf(f))),
    structure_ms: round(structureMs),
    structure_differences: changed.map((r) => r.path),
    stats_ms: summary(node),
    stats_blocks_reported: last?.reports,
    stats_rss_growth_peak_mb: summary(peaks),
    stats_cpu_ms: summary(nodeCpu),
    xarray_stats_ms: summary(py),
    xarray_stats_cpu_ms: summary(pyCpu),
    xarray_rss_growth_peak_mb: summary(pyPeaks),
    speedup: round(median(py) / median(node), 2),
    cancel: stopped,
    node_stats: last?.stats.map((s) =>
      s.map(({ variable, min, max, mean, nanCount }) => ({ variable, min, max, mean, nanCount })),
    ),
    xarray_stats: pyLast.datasets,
  };
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
  // PREVIEW_BENCH=issue13 runs only the figures of issue 13 (and generates only their inputs).
  if (process.env.PREVIEW_BENCH !== 'issue13') {
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
  }
  // PREVIEW_BENCH_ROUNDS=n runs n rounds of each (quick looks while working; the defaults are the
  // figures), PREVIEW_BENCH_PARTS=paint,series,compare only those parts.
  const rounds = Number(process.env.PREVIEW_BENCH_ROUNDS) || undefined;
  const parts = (process.env.PREVIEW_BENCH_PARTS ?? 'paint,series,compare').split(',');
  result.issue13 = {
    targets: { first_paint_ms: 150, first_paint_speedup: 5, stats_speedup: 1 },
    first_paint: parts.includes('paint') ? firstPaint(rounds) : 'not run',
    point_series: parts.includes('series') ? await pointSeries(rounds) : 'not run',
    compare: parts.includes('compare') ? await compareBench(rounds) : 'not run',
  };
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
