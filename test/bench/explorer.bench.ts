// Cache explorer speed: from a refresh to the first render of a 10,000-artifact store ready for
// the tree (scan + model + the labels and descriptions of every row: a group lists up to 10,000;
// tooltips are built on hover), a filter keystroke (model rebuilt with the filter), and the memory
// that costs. Uses the cache written by core.bench.ts (real xpersist).
import { existsSync } from 'node:fs';
import { CacheStore } from '../../src/core/index';
import { artifactDescription } from '../../src/explorer/describe';
import { parseFilter } from '../../src/explorer/filter';
import { buildStoreModel, commonFolder, labelInGroup } from '../../src/explorer/treeModel';
import { benchData, nowMs, report, round, summary, timeRuns } from './harness';

/** What one getChildren answers for a group (cacheTreeProvider.ts PAGE_SIZE). */
const PAGE = 10_000;

async function refreshToFirstPage(store: CacheStore): Promise<number> {
  const report = await store.scan();
  const model = buildStoreModel(report, { groupBy: 'flat', sortBy: 'key', filter: null });
  const now = new Date();
  let chars = 0;
  const common = commonFolder(model.root);
  for (const a of model.root.artifacts.slice(0, PAGE)) {
    chars += labelInGroup(a, 'flat', common).length + artifactDescription(a, now).length;
  }
  return chars;
}

/** One keystroke of the live filter: parse, rebuild the model (no rescan), label the rows shown. */
function filterKeystroke(report: Awaited<ReturnType<CacheStore['scan']>>, text: string): number {
  const model = buildStoreModel(report, { groupBy: 'flat', sortBy: 'key', filter: parseFilter(text) });
  const now = new Date();
  const common = commonFolder(model.root);
  let chars = 0;
  for (const a of model.root.artifacts.slice(0, PAGE))
    chars += labelInGroup(a, 'flat', common).length + artifactDescription(a, now).length;
  return chars;
}

function heapMb(): number {
  global.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external + m.arrayBuffers) / 1024 / 1024;
}

async function main(): Promise<void> {
  const root = benchData('core-10k-csv');
  if (!existsSync(root))
    throw new Error(`${root} missing: run "npm run bench core" first (it writes the cache)`);
  const before = heapMb();
  const rssBefore = process.memoryUsage().rss / 1024 / 1024;
  const store = await CacheStore.open(root);
  const t0 = nowMs();
  await refreshToFirstPage(store);
  const firstMs = nowMs() - t0;
  const warm = await timeRuns(() => refreshToFirstPage(store), 9, 1);
  const grouped = await timeRuns(
    async () => {
      const r = await store.scan();
      buildStoreModel(r, { groupBy: 'flowTask', sortBy: 'age', filter: null });
    },
    5,
    1,
  );
  const scanned = await store.scan();
  let i = 0;
  const keystroke = await timeRuns(
    async () => {
      filterKeystroke(scanned, ['a', 'a1', 'a12', '*1*.zarr'][i++ % 4]);
    },
    9,
    1,
  );
  // The model alone (what the view's first request for a store's children waits for once the
  // scan is done): grouped by folder and sorted naturally by key, the view's defaults.
  const modelOnly = await timeRuns(
    async () => {
      buildStoreModel(scanned, { groupBy: 'folder', sortBy: 'key', filter: null });
    },
    9,
    1,
  );
  const after = heapMb();
  report({
    artifacts: (await store.keys()).length,
    first_refresh_to_first_page_ms: round(firstMs),
    refresh_to_first_page_ms: summary(warm),
    refresh_grouped_by_flow_task_sorted_by_age_ms: summary(grouped),
    filter_keystroke_ms: summary(keystroke),
    model_build_ms: summary(modelOnly),
    heap_growth_mb: round(after - before, 1),
    rss_growth_mb: round(process.memoryUsage().rss / 1024 / 1024 - rssBefore, 1),
    targets: { refresh_to_first_page_ms: '< 300', filter_keystroke_ms: '< 100', heap_growth_mb: '< 50' },
    pass: summary(warm).median < 300 && summary(keystroke).median < 100 && after - before < 50,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
