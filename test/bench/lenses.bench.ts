// Lenses for a 5,000-line Prefect file with 200 tasks, resolved against a 10,000-artifact store:
// the first analysis (parse, extraction, targets of every flow, cache states) and the same after
// a one-character edit (incremental reparse). The store report is synthetic and in memory (the
// real store scan has its own bench).
import type { ArtifactEntry, StoreReport } from '../../src/core/types';
import { fileCacheStates } from '../../src/flows/fileStates';
import { type PythonAnalysis, PythonDocumentAnalyzer, type TextChange } from '../../src/python/index';
import { median, nowMs, report, round, summary, timeRuns } from './harness';

const TASKS = 200;
const FLOWS = 10;
const STORE_ROOT = '/data/bench-cache';

function taskSource(i: number): string {
  const targets = [
    `"task_${i}.zarr"`,
    `"{date:%A}-{flow_name}-{task_name}.zarr"`,
    `"{today}/{task_name}-{flow_run_id}.nc"`,
    `"{flow_name}/{task_slug}-{year:04d}.zarr"`,
    `"{date:YYYY-MM-DD}/{parameters[region]}/{task_name}.zarr"`,
  ];
  const serializer = i % 3 === 0 ? 'xarray.netcdf' : 'xarray.zarr';
  const lines = [
    '@task(',
    `    target=${targets[i % targets.length]},`,
    '    result=XpersistResult(',
    `        store, serializer="${serializer}", serializer_dump_kwargs={"mode": "w"}`,
    '    ),',
    `    tags=["t${i % 4}"],`,
    ')',
    `def step_${i}(ds, region="eu", year=2020, scale=1.5):`,
    `    """Step ${i}: select, rescale and summarise the input dataset."""`,
    '    sel = ds.sel(region=region) if "region" in ds.dims else ds',
    `    out = sel * scale + ${i}`,
    '    out.attrs["history"] = f"step_{region}_{year}"',
    '    for name, var in out.data_vars.items():',
    '        if var.dtype.kind == "f":',
    '            out[name] = var.astype("float32")',
    '    clim = out.groupby("time.month").mean("time") if "time" in out.dims else out',
    '    anomalies = out - clim if "time" in out.dims else out',
    '    anomalies.attrs.update({"step": ' + i + ', "units": "K"})',
    '    result = xr.merge([out, anomalies.rename({k: k + "_anom" for k in anomalies.data_vars})])',
    '    return result',
    '',
    '',
  ];
  return lines.join('\n');
}

function helperSource(i: number): string {
  return [
    `def helper_${i}(values, threshold=${i % 7}, *, normalise=True):`,
    `    """Helper ${i}."""`,
    '    total = 0.0',
    '    for k, v in enumerate(values):',
    '        if v > threshold:',
    '            total += v * k',
    '        elif normalise:',
    '            total -= v / (k + 1)',
    '    return {"total": total, "n": len(values), "label": f"helper-{threshold}"}',
    '',
    '',
  ].join('\n');
}

function flowSource(f: number): string {
  const lines = [
    `with Flow("flow_${f}") as flow_${f}:`,
    '    region = Parameter("region", default="eu")',
    '    year = Parameter("year", default=2020)',
  ];
  lines.push(`    ds = step_${f * 20}(load(), region=region, year=year)`);
  for (let j = 1; j < TASKS / FLOWS; j++) {
    const i = f * 20 + j;
    lines.push(`    ds_${j} = step_${i}(ds, region=region, year=year, scale=${j})`);
    if (j % 5 === 0) lines.push(`    ds = ds_${j}`);
  }
  lines.push('', '');
  return lines.join('\n');
}

function benchSource(): string {
  const parts = [
    'import os',
    'import tempfile',
    '',
    'import xarray as xr',
    'from xpersist import CacheStore, XpersistResult',
    'import prefect',
    'from prefect import Flow, Parameter, task',
    '',
    `store = CacheStore("${STORE_ROOT}")`,
    'scratch = CacheStore(os.path.join(tempfile.gettempdir(), "scratch"))',
    '',
    '',
    '@task',
    'def load():',
    '    return xr.tutorial.open_dataset("air_temperature")',
    '',
    '',
  ];
  for (let i = 0; i < TASKS; i++) parts.push(taskSource(i));
  for (let f = 0; f < FLOWS; f++) parts.push(flowSource(f));
  let src = parts.join('\n');
  let h = 0;
  while (src.split('\n').length < 5000) src += helperSource(h++);
  return src;
}

function benchReport(now: Date): StoreReport {
  const artifacts: ArtifactEntry[] = [];
  const day = now.toISOString().slice(0, 10);
  const weekday = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  const add = (key: string, md: Record<string, unknown> = {}) =>
    artifacts.push({
      key,
      serializer: 'xarray.zarr',
      loadKwargs: {},
      dumpKwargs: { mode: 'w' },
      additionalMetadata: md,
      createdAt: new Date(now.getTime() - artifacts.length * 60000),
      createdAtText: null,
      sidecarPath: `${STORE_ROOT}/xpersist_metadata_store/${key}.artifact.json`,
      dataPath: `${STORE_ROOT}/${key}`,
      dataExists: true,
      sizeBytes: 2_400_000,
      dataKind: 'directory',
      problems: [],
    });
  for (let i = 0; i < TASKS; i += 2) add(`task_${i}.zarr`);
  for (let f = 0; f < FLOWS; f++) {
    for (let j = 0; j < 20; j += 3)
      add(`${weekday}-flow_${f}-step_${f * 20 + j}.zarr`, { flow_name: `flow_${f}` });
  }
  for (let i = 0; artifacts.length < 10_000; i++) {
    add(`${day}/step_${i % TASKS}-r${i}.nc`, {
      flow_name: `flow_${i % FLOWS}`,
      task_name: `step_${i % TASKS}`,
    });
  }
  artifacts.sort((a, b) => (a.key < b.key ? -1 : 1));
  return {
    root: STORE_ROOT,
    artifacts,
    problems: [],
    brokenKeys: [],
    totalBytes: artifacts.length * 2_400_000,
    scannedAt: now.toISOString(),
    isStore: true,
  };
}

function lenses(analysis: PythonAnalysis, reportObj: StoreReport, now: Date) {
  return fileCacheStates(analysis, { now, reports: [reportObj], pathContext: { env: {}, tmpdir: '/tmp' } });
}

async function main(): Promise<void> {
  const src = benchSource();
  const lines = src.split('\n').length;
  const now = new Date();
  const store = benchReport(now);

  // The very first analysis in a fresh process (JIT cold), reported on its own.
  const t = nowMs();
  const coldAnalyzer = new PythonDocumentAnalyzer();
  const cold = coldAnalyzer.update(src);
  const coldStates = lenses(cold, { ...store }, now);
  const coldMs = nowMs() - t;
  if (cold.tasks.length < TASKS || cold.flows.length !== FLOWS) {
    throw new Error(`bench file misanalysed: ${cold.tasks.length} tasks, ${cold.flows.length} flows`);
  }
  const statuses: Record<string, number> = {};
  for (const f of coldStates) for (const s of f.states) statuses[s.status] = (statuses[s.status] ?? 0) + 1;

  // First analysis of the document (fresh analyzer, fresh key index) + resolution.
  const first = await timeRuns(
    () => {
      const a = new PythonDocumentAnalyzer().update(src);
      lenses(a, { ...store }, now);
    },
    9,
    2,
  );

  // A one-character edit inside a task's body, alternately typed and deleted.
  const editAt = src.indexOf('    out = sel * scale + 100');
  const analyzer = new PythonDocumentAnalyzer();
  analyzer.update(src);
  let current = src;
  let typed = false;
  const edit = () => {
    const change: TextChange = typed
      ? { rangeOffset: editAt + 4, rangeLength: 1, text: '' }
      : { rangeOffset: editAt + 4, rangeLength: 0, text: 'x' };
    current =
      current.slice(0, change.rangeOffset) +
      change.text +
      current.slice(change.rangeOffset + change.rangeLength);
    typed = !typed;
    const a = analyzer.update(current, [change]);
    lenses(a, store, now);
  };
  const editRuns = await timeRuns(edit, 30, 4);

  // The same edit without the changes (the analyzer diffs the texts itself).
  const diffRuns = await timeRuns(
    () => {
      current = typed ? src : src.slice(0, editAt + 4) + 'x' + src.slice(editAt + 4);
      typed = !typed;
      lenses(analyzer.update(current), store, now);
    },
    30,
    4,
  );

  const result = {
    file: {
      lines,
      chars: src.length,
      tasks: cold.tasks.length,
      flows: cold.flows.length,
      artifacts: store.artifacts.length,
    },
    statuses,
    coldFirstMs: round(coldMs),
    firstAnalysisMs: summary(first),
    editAnalysisMs: summary(editRuns),
    editWithoutChangesMs: summary(diffRuns),
    budgets: { firstMs: 150, editMs: 30 },
    withinBudget: median(first) < 150 && median(editRuns) < 30,
  };
  process.stderr.write(`${JSON.stringify(result, null, 2)}\n`);
  report(result);
}

void main();
