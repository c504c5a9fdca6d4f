// Flow graph speed: from a flow's analysis to the laid-out graph the panel draws (graph model,
// cache states, dagre layout), for a 50-task and a 500-task flow written as Python.
import { fileCacheStates } from '../../src/flows/fileStates';
import { buildGraphView } from '../../src/flows/graphView';
import { analyzePython } from '../../src/python/index';
import { report, summary, timeRuns } from './harness';

/**
 * A flow of `n` tasks: each reads the previous task and, 40% of the time, one more from up to
 * `reach` tasks back (a local pipeline, or results reused from far upstream); 10% also wait on
 * an earlier task through upstream_tasks.
 */
function flowSource(n: number, reach: number): string {
  const lines = [
    'import tempfile',
    'from prefect import Flow, Parameter, task',
    'from xpersist import CacheStore, XpersistResult',
    "store = CacheStore(f'{tempfile.gettempdir()}/bench-cache')",
    'R = XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"})',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `@task(target="{flow_name}-t${i}-{date:%Y%m%d}.zarr", result=R)`,
      `def t${i}(*args):`,
      '    return 1',
      '',
    );
  }
  lines.push('with Flow("big") as flow:', '    p = Parameter("p", default=1)');
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < n; i++) {
    const back = (k: number) => `v${Math.max(0, k - 1 - Math.floor(rnd() * Math.min(k, reach)))}`;
    const deps = i === 0 ? ['p'] : [...new Set([`v${i - 1}`, ...(rnd() < 0.4 ? [back(i)] : [])])];
    const upstream = i > 3 && rnd() < 0.1 ? `, upstream_tasks=[${back(i - 1)}]` : '';
    lines.push(`    v${i} = t${i}(${deps.join(', ')}${upstream})`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  const cases: [string, number, number][] = [
    ['tasks_50', 50, 50],
    ['tasks_500_local', 500, 8],
    ['tasks_500_far_reaching', 500, 500],
  ];
  for (const [name, n, reach] of cases) {
    const analysis = analyzePython(flowSource(n, reach));
    const flow = analysis.flows[0];
    if (!flow || flow.nodes.length < n)
      throw new Error(`expected ${n} nodes, analysis found ${flow?.nodes.length}`);
    const now = new Date();
    const run = () => {
      const [fs] = fileCacheStates(analysis, {
        now,
        reports: [],
        storeRoots: analysis.stores.map(() => '/tmp/bench-cache'),
      });
      return buildGraphView(fs, '/flows/big.py', { now });
    };
    const model = run();
    const times = await timeRuns(run, n > 100 ? 5 : 9, 1);
    out[name] = {
      nodes: model.nodes.length,
      edges: model.edges.length,
      model_and_layout_ms: summary(times),
      size_px: [model.width, model.height],
    };
  }
  const med = (k: string) =>
    (out[k] as { model_and_layout_ms: { median: number } }).model_and_layout_ms.median;
  report({
    ...out,
    targets: { tasks_50: '< 100 ms', tasks_500: '< 1000 ms' },
    pass: med('tasks_50') < 100 && med('tasks_500_local') < 1000 && med('tasks_500_far_reaching') < 1000,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
