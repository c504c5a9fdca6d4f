// Flow graph speed: from a flow's analysis to the laid-out graph the panel draws (graph model,
// cache states, dagre layout), for a 50-task and a 500-task flow written as Python; and for a
// 200-task flow, layout plus the first paint of the real graph webview (dist/webview/graph.js in
// headless Chromium, a fresh page each round: from the model message to the frame after it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileCacheStates } from '../../src/flows/fileStates';
import { buildGraphView, type GraphViewModel } from '../../src/flows/graphView';
import { analyzePython } from '../../src/python/index';
import { median, report, round, summary, timeRuns } from './harness';

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

/** A page as the panel's (webviewHtml), the VS Code API stubbed, the theme's variables set. */
function graphPage(): string {
  const dist = path.resolve('dist/webview');
  const url = (f: string) => pathToFileURL(path.join(dist, f)).href;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xp-graph-bench-')), 'graph.html');
  writeFileSync(
    file,
    `<!DOCTYPE html><html><head><meta charset="UTF-8">
<link rel="stylesheet" href="${url('codicon.css')}"><link rel="stylesheet" href="${url('graph.css')}">
<style>body{--vscode-font-size:13px;--vscode-editor-font-size:14px;--vscode-font-family:sans-serif;
--vscode-editor-background:#1f1f1f;--vscode-foreground:#ccc;margin:0;width:900px;height:800px}</style>
</head><body><div id="app" role="main"></div>
<script>window.acquireVsCodeApi=()=>({postMessage(){},getState(){return null},setState(){}});</script>
<script src="${url('graph.js')}"></script></body></html>`,
  );
  return pathToFileURL(file).href;
}

/**
 * Milliseconds from posting the model to the webview until the frame that shows it has been
 * produced (a task queued from requestAnimationFrame runs after that frame's paint).
 */
async function firstPaints(model: GraphViewModel, rounds: number): Promise<number[]> {
  // At run time from the project: playwright-core drives Debian's chromium (scripts/lib/codeServer.mjs).
  const { chromium } = createRequire(path.resolve('package.json'))('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files'],
  });
  const url = graphPage();
  const out: number[] = [];
  try {
    for (let i = 0; i < rounds + 1; i++) {
      const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
      await page.goto(url);
      const ms: number = await page.evaluate(
        (m: unknown) =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            window.addEventListener('message', () =>
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)),
            );
            window.postMessage(
              { kind: 'notification', method: 'graph', params: { model: m, state: null } },
              '*',
            );
          }),
        model,
      );
      const drawn = await page.locator('.node.task').count();
      if (drawn < 200) throw new Error(`the webview drew ${drawn} task nodes`);
      await page.close();
      if (i > 0) out.push(ms); // the first page warms the browser's caches
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** Layout (analysis done, as after an edit) and first paint of a 200-task flow; target < 500 ms. */
async function layoutAndPaint200(): Promise<Record<string, unknown>> {
  const analysis = analyzePython(flowSource(200, 20));
  const now = new Date();
  const layout = () => {
    const [fs] = fileCacheStates(analysis, {
      now,
      reports: [],
      storeRoots: analysis.stores.map(() => '/tmp/bench-cache'),
    });
    return buildGraphView(fs, '/flows/big.py', { now });
  };
  const model = layout();
  const layoutMs = await timeRuns(layout, 7, 1);
  const paintMs = await firstPaints(model, 5);
  return {
    nodes: model.nodes.length,
    edges: model.edges.length,
    layout_ms: summary(layoutMs),
    first_paint_ms: summary(paintMs),
    layout_and_first_paint_ms: round(median(layoutMs) + median(paintMs)),
  };
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  out.tasks_200_layout_and_first_paint = await layoutAndPaint200();
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
    targets: { tasks_50: '< 100 ms', tasks_500: '< 1000 ms', tasks_200_layout_and_first_paint: '< 500 ms' },
    pass:
      med('tasks_50') < 100 &&
      med('tasks_500_local') < 1000 &&
      med('tasks_500_far_reaching') < 1000 &&
      (out.tasks_200_layout_and_first_paint as { layout_and_first_paint_ms: number })
        .layout_and_first_paint_ms < 500,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
