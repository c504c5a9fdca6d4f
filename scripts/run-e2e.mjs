// Browser e2e: Playwright (playwright-core + Debian /usr/bin/chromium) drives the VS Code workbench
// of a normal code-server (no smoke-test driver, so notification toasts show) with the extension
// installed from the .vsix that `npm run package` builds (`code-server --install-extension`), the
// way users get it: a file missing from the package fails a spec.
//
// Specs are test/e2e/*.e2e.mjs: `export const title = '...'` and a default `async (wb) => {}`
// receiving a Workbench (test/e2e/lib/workbench.mjs) on a fresh browser context and a fresh copy of
// the demo workspace. Screenshots go to .cache/e2e-screenshots/<spec>-<step>.png (git-ignored).
//
//   node scripts/run-e2e.mjs [--summary FILE] [--grep TEXT] [--timeout S] [--port N] [--keep] [--headed]
// Exit 0 when every spec passed. --summary writes {"passed":N,"failed":N}.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { flag, option } from './lib/cli.mjs';
import { ensureTools, launchBrowser, pythonEnv, ROOT, startCodeServer } from './lib/codeServer.mjs';
import { DEMO_CACHES, prepareWorkspace, seedTempStore } from './lib/workspaces.mjs';

const summaryFile = option('--summary');
const grep = option('--grep');
const specTimeoutS = Number(option('--timeout', '180'));
const port = Number(option('--port', '0'));
const keep = flag('--keep') || !!process.env.KEEP_STATE;
const headed = flag('--headed');
const SPEC_DIR = path.join(ROOT, 'test/e2e');
const SHOT_DIR = path.join(ROOT, '.cache/e2e-screenshots');

const t0 = Date.now();
const secs = (ms) => (ms / 1000).toFixed(1);
const log = (m) => console.log(`[e2e t+${secs(Date.now() - t0)}s] ${m}`);

function writeSummary(s) {
  if (!summaryFile) return;
  mkdirSync(path.dirname(path.resolve(summaryFile)), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify(s)}\n`);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]);
}

let server;
let interrupted = false;
async function shutdown(code) {
  if (server) await server.stop({ keepState: keep || code !== 0 });
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping`);
    writeSummary({ passed: 0, failed: 1 });
    shutdown(130);
  });
}

async function main() {
  const specs = readdirSync(SPEC_DIR)
    .filter((f) => f.endsWith('.e2e.mjs'))
    .sort()
    .map((f) => ({ file: path.join(SPEC_DIR, f), name: f.replace(/\.e2e\.mjs$/, '') }));
  const loaded = [];
  for (const s of specs) {
    const mod = await import(pathToFileURL(s.file).href);
    const title = mod.title ?? s.name;
    if (grep && !`${s.name} ${title}`.includes(grep)) continue;
    if (typeof mod.default !== 'function') throw new Error(`${s.file}: no default export function`);
    loaded.push({ ...s, title, run: mod.default, timeoutMs: (mod.timeoutS ?? specTimeoutS) * 1000 });
  }
  if (loaded.length === 0) {
    log(`no spec matches ${JSON.stringify(grep)}`);
    writeSummary({ passed: 0, failed: 0 });
    return 0;
  }

  // The package under test: what `npm run package` ships, built now from these sources.
  const vsix = path.join(ROOT, 'out/e2e/vscode-xpersist-e2e.vsix');
  log('packaging (node scripts/package.mjs)');
  const r = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('npm run package failed');
  ensureTools();
  mkdirSync(SHOT_DIR, { recursive: true });
  for (const f of readdirSync(SHOT_DIR)) {
    if (loaded.some((s) => f.startsWith(`${s.name}-`))) rmSync(path.join(SHOT_DIR, f));
  }

  server = await startCodeServer({
    port,
    prefix: 'xp-e2e-',
    log,
    vsix: [vsix],
    env: pythonEnv(),
    // The seed flow's own store, <TMPDIR>/my-cache, in the TMPDIR the server and its terminals get.
    beforeStart: ({ dirs }) => {
      seedTempStore(dirs.tmp);
    },
  });

  const results = [];
  for (const spec of loaded) {
    const started = Date.now();
    const slog = (m) => log(`  [${spec.name}] ${m}`);
    console.log(`  ${spec.title}  (${path.relative(ROOT, spec.file)})`);
    const workspace = prepareWorkspace(path.join(server.state, `ws-${spec.name}`), { caches: DEMO_CACHES });
    const context = await launchBrowser(server, headed ? { headless: false } : {});
    const page = context.pages()[0] ?? (await context.newPage());
    const { Workbench } = await import(pathToFileURL(path.join(SPEC_DIR, 'lib/workbench.mjs')).href);
    const wb = new Workbench({ page, server, workspace, spec: spec.name, shotDir: SHOT_DIR, log: slog });
    let error = null;
    try {
      await withTimeout(spec.run(wb), spec.timeoutMs, `spec ${spec.name}`);
    } catch (err) {
      error = err;
      try {
        await wb.screenshot('failure');
      } catch {
        // the page may be gone
      }
    }
    await context.close().catch(() => {});
    const ms = Date.now() - started;
    results.push({
      spec: spec.name,
      title: spec.title,
      ok: !error,
      ms,
      shots: wb.shots.map((f) => path.basename(f)),
    });
    if (!error) {
      console.log(`    ✔ ${spec.title} (${secs(ms)} s)`);
    } else {
      console.log(`    ✖ ${spec.title} (${secs(ms)} s)`);
      console.log(
        `      ${String(error?.stack ?? error)
          .split('\n')
          .slice(0, 8)
          .join('\n      ')}`,
      );
      const ext = wb.extensionConsole();
      if (ext.length)
        console.log(
          `      browser console mentioning xpersist:\n        ${ext.slice(-15).join('\n        ')}`,
        );
      const errors = wb.console.filter(
        (l) => /^(error|pageerror)/.test(l) && !/ENOTFOUND|open-vsx|404|github/.test(l),
      );
      if (errors.length)
        console.log(`      other browser errors:\n        ${errors.slice(-10).join('\n        ')}`);
    }
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  writeFileSync(
    path.join(SHOT_DIR, 'last-run.json'),
    `${JSON.stringify({ finishedAt: new Date().toISOString(), passed, failed, results }, null, 2)}\n`,
  );
  writeSummary({ passed, failed });
  log(`${passed} passed, ${failed} failed; screenshots in ${path.relative(ROOT, SHOT_DIR)}/`);
  return failed > 0 ? 1 : 0;
}

main()
  .then((code) => shutdown(code))
  .catch((e) => {
    console.error(`[e2e] ${e?.stack ?? e}`);
    writeSummary({ passed: 0, failed: 1 });
    return shutdown(1);
  });
