// Startup as a user meets it, in a real VS Code: code-server with the extension installed from
// the .vsix, chromium on a workspace whose Caches view is open. Each round reloads the window, so
// a new extension host process loads and activates the extension (OS file cache warm). The
// extension's own `startup:` log line (src/extension/startupTimes.ts) gives, per round: module
// evaluation, activate(), discovery, scans and the first page of the Caches view. Also: bundle
// sizes and the require time of dist/extension.js in a fresh Node process.
//   node test/bench/activation.bench.mjs [--rounds N] [--store DIR] [--label NAME]
//     --store DIR   measure only with this store (xpersist.stores) beside the demo caches; without
//                   it: the demo alone, then with the core bench's 10,000-artifact store
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { option } from '../../scripts/lib/cli.mjs';
import { ensureTools, launchBrowser, ROOT, startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { DEMO_CACHES, prepareWorkspace } from '../../scripts/lib/workspaces.mjs';

const rounds = Number(option('--rounds', '7'));
const extraStore = option('--store');
const log = (m) => console.error(`[bench activation] ${m}`);
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

/** Every `startup:` JSON the extension logged so far in this server's logs (one per window load). */
function startupLines(state) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/xpersist.*\.log$/.test(e.name)) {
        for (const m of readFileSync(p, 'utf8').matchAll(/startup: .* (\{.*\})$/gm))
          out.push(JSON.parse(m[1]));
      }
    }
  };
  walk(path.join(state, 'user-data/logs'));
  return out;
}

async function waitForLines(state, n, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = startupLines(state);
    if (lines.length >= n) return lines;
    if (Date.now() > deadline) throw new Error(`no startup line ${n} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function requireTimes(n = 5) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', 'scripts/bench/require-time.cjs', 'dist/extension.js'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    ms.push(JSON.parse(r.stdout).ms);
  }
  return ms;
}

async function main() {
  const vsix = path.join(ROOT, 'out/bench/vscode-xpersist-bench.vsix');
  const pkg = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  if (pkg.status !== 0) throw new Error('npm run package failed');
  const kb = (f) => Math.round(statSync(path.join(ROOT, 'dist', f)).size / 1024);
  const bundle = {
    vsixKB: Math.round(statSync(vsix).size / 1024),
    extensionKB: kb('extension.js'),
    previewKB: kb('preview.js'),
    graphKB: kb('graph.js'),
    h5wasmKB: kb('h5wasm.js'),
  };
  const requireMs = requireTimes();
  ensureTools();
  // Without --store: the demo's 4 stores, then the same with a 10,000-artifact store written by
  // the real xpersist (the core bench's; issue 11's "first page on a 10,000-artifact store").
  const big = extraStore ?? ensureBigStore();
  const demo = extraStore ? null : await measure(vsix, null);
  const withStore = await measure(vsix, big);
  console.log(
    JSON.stringify({
      note: 'warm OS file cache; each round a new extension host (window reload) on the same server',
      bundle,
      requireMs: { median: median(requireMs), runs: requireMs.map((x) => Math.round(x * 10) / 10) },
      ...(demo ? { host: demo } : {}),
      store: path.relative(ROOT, big),
      withStore,
      targets: { activationWorkMs: 50, withStoreFirstPageReadyMs: 150 },
    }),
  );
}

/** The 10,000-artifact cache of the core bench (written once by the real xpersist, ~1-3 min). */
function ensureBigStore() {
  const root = path.join(process.env.BENCH_DATA ?? path.join(ROOT, 'bench-data'), 'core-10k-csv');
  const meta = path.join(root, 'xpersist_metadata_store');
  if (existsSync(meta) && readdirSync(meta).length >= 10_000) return root;
  log(`writing 10000 artifacts with the real xpersist into ${root} (~1-3 min)`);
  const python = process.env.XPERSIST_TEST_PYTHON ?? path.join(ROOT, '.venv/bin/python');
  const r = spawnSync(python, ['scripts/bench/make_core_cache.py', root, '10000'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('make_core_cache.py failed');
  return root;
}

/** Rounds of window reloads on one code-server; the medians of the extension's startup lines. */
async function measure(vsix, extraStore) {
  let workspace;
  const server = await startCodeServer({
    prefix: 'xp-bench-',
    vsix: [vsix],
    log,
    settings: extraStore ? { 'xpersist.stores': [path.resolve(extraStore)] } : {},
    beforeStart: ({ state }) => {
      workspace = prepareWorkspace(path.join(state, 'ws'), { caches: DEMO_CACHES });
    },
  });
  try {
    const context = await launchBrowser(server);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url(workspace));
    const item = page.locator('.activitybar .action-item [aria-label^="xpersist"]').first();
    await item.waitFor({ timeout: 120_000 });
    if ((await item.getAttribute('aria-checked')) !== 'true') await item.click();
    // Round 0 opens the view; VS Code then restores it on every reload, as it does for a user.
    let lines = await waitForLines(server.state, 1);
    for (let i = 1; i <= rounds; i++) {
      await page.reload();
      lines = await waitForLines(server.state, i + 1);
    }
    await context.close();
    return summarize(lines.slice(1));
  } finally {
    await server.stop();
  }
}

function summarize(measured) {
  const pick = (k) => measured.map((l) => l[k]);
  const host = {};
  for (const k of [
    'evalMs',
    'hostGapMs',
    'activateMs',
    'evalCpuMs',
    'activateCpuMs',
    'discoveryMs',
    'storesReadyMs',
    'scanMs',
    'firstPageReadyMs',
    'firstPageMs',
    'rootAskedMs',
    'storeAskedMs',
  ])
    host[k] = median(pick(k));
  // Ours, excluding the scans: evaluating the bundle, activate(), listing the stores.
  host.activationWorkMs = median(measured.map((l) => (l.evalMs ?? 0) + l.activateMs + (l.discoveryMs ?? 0)));
  // Ours once the workbench asked: the largest store's page, from its request to its answer.
  const largest = (l) => (l.pages ?? []).reduce((a, b) => (b.rows > (a?.rows ?? -1) ? b : a), null);
  host.largestPageAnswerMs = median(
    measured.map((l) => {
      const p = largest(l);
      return p && p.askedMs !== null ? p.servedMs - p.askedMs : null;
    }),
  );
  host.stores = measured[0]?.stores;
  host.rows = measured[0]?.rows;
  host.rounds = measured.length;
  host.runs = measured;
  return host;
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
