// Lenses for a 5,000-line Prefect file with 200 tasks, resolved against a 10,000-artifact store:
// the first analysis (parse, extraction, targets of every flow, cache states) and the same after
// a one-character edit (incremental reparse). The store report is synthetic and in memory (the
// real store scan has its own bench).
import type { ArtifactEntry, StoreReport } from '../../src/core/types';
import { fileCacheStates } from '../../src/flows/fileStates';
import { type PythonAnalysis, PythonDocumentAnalyzer, type TextChange } from '../../src/python/index';
import { median, nowMs, report, round, summary, timeRuns } from './harness';
import { benchSource } from './pythonSources';

const TASKS = 200;
const FLOWS = 10;
const STORE_ROOT = '/data/bench-cache';

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
