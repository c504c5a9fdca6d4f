// In-host tests: run test/host's mocha suites inside code-server's real Node extension host.
//
// How: code-server starts with `--vscode-option enable-smoke-test-driver`; headless chromium opens
// the workbench with a `payload` naming extensionDevelopmentPath (this repo) and
// extensionTestsPath (out/host/index). The extension host require()s that module and calls run();
// its console output reaches us through window.codeAutomationLog and its result through
// window.codeAutomationExit(code). How: docs/vscode-host.md.
//
//   node scripts/run-host-tests.mjs [--summary FILE] [--grep REGEXP] [--timeout S] [--start-timeout S]
//                                   [--port N] [--keep] [--verbose]
// Exit: 0 when every test passed; 1 on failures; 124 when the host does not start / finish in time.
// --summary writes {"passed":N,"failed":N}. --keep keeps the state folder (logs, workspace).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { flag, option } from './lib/cli.mjs';
import { ensureTools, launchBrowser, pythonEnv, ROOT, startCodeServer } from './lib/codeServer.mjs';
import { HOST_CACHES, HOST_TEMPLATE, prepareWorkspace } from './lib/workspaces.mjs';

const summaryFile = option('--summary');
const grep = option('--grep');
const timeoutS = Number(option('--timeout', '600'));
const startTimeoutS = Number(option('--start-timeout', '180'));
const port = Number(option('--port', '0'));
const keep = flag('--keep') || !!process.env.KEEP_STATE;
const verbose = flag('--verbose') || !!process.env.VERBOSE;

const t0 = Date.now();
const log = (m) => console.log(`[host-tests t+${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

// Workbench log lines that are expected on an offline machine (shown with --verbose).
const NOISE = [
  /\[ChatModelSelection\]/,
  /open-vsx\.org/,
  /authentication provider 'github'/,
  /ENOTFOUND|ERR_NAME_NOT_RESOLVED|queryRawGalleryExtensions|getaddrinfo/,
  /^Resolv|^Creating a socket|^\[reconnection-grace-time\]|^Updating additional builtin|^\[Service Worker\]|^\[AgentHost|^\[AccountPolicyGate\]/,
  /^\[Extension Host\] (?!.*xpersist)/i,
  /^%c\[Extension Host\]/,
];

function writeSummary(s) {
  if (!summaryFile) return;
  mkdirSync(path.dirname(path.resolve(summaryFile)), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify(s)}\n`);
}

let server;
let context;
let finished = false;
let result = null; // from the XPERSIST_HOST_RESULT line / file
let started = false; // XPERSIST_HOST_START seen
let resultFile;

async function finish(code, why) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  clearTimeout(startWatchdog);
  if (why) log(why);
  // Prefer the JSON the test index wrote; fall back to the log line.
  try {
    if (resultFile && existsSync(resultFile)) result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    // keep the log line's result
  }
  let summary = result ? { passed: result.passed, failed: result.failed } : { passed: 0, failed: 1 };
  if (code !== 0 && summary.failed === 0) summary = { ...summary, failed: 1 };
  writeSummary(summary);
  try {
    if (context) await context.close();
  } catch {
    // ignore
  }
  const keepState = keep || code !== 0;
  if (server) {
    await server.stop({ keepState });
    if (keepState) log(`state kept: ${server.state} (server.log, user-data/logs/*/exthost*/, ws/)`);
  }
  log(`${summary.passed} passed, ${summary.failed} failed (exit ${code})`);
  process.exit(code);
}

// Armed once the tools are installed: a first run's set-up (minutes) is not test time.
let watchdog;
let startWatchdog;
function armWatchdogs() {
  watchdog = setTimeout(
    () => finish(124, `TIMEOUT: the tests did not finish within ${timeoutS} s`),
    timeoutS * 1000,
  );
  startWatchdog = setTimeout(() => {
    if (!started) {
      finish(
        124,
        `TIMEOUT: the extension host did not start the tests within ${startTimeoutS} s (no XPERSIST_HOST_START). ` +
          'Look at server.log and user-data/logs/*/exthost*/remoteexthost.log in the kept state folder.',
      );
    }
  }, startTimeoutS * 1000);
}
process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));
process.on('uncaughtException', (e) => finish(1, `uncaughtException: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => finish(1, `unhandledRejection: ${e?.stack ?? e}`));

async function main() {
  // Standalone use: build when the test bundle is missing (scripts/test.mjs builds before us).
  if (
    !existsSync(path.join(ROOT, 'out/host/index.js')) ||
    !existsSync(path.join(ROOT, 'dist/extension.js'))
  ) {
    log('building (node esbuild.mjs --tests)');
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) return finish(1, 'build failed');
  }
  ensureTools();
  armWatchdogs();

  let workspace;
  server = await startCodeServer({
    port,
    smokeTestDriver: true,
    prefix: 'xp-ht-',
    log,
    env: {
      ...pythonEnv(),
      XPERSIST_HOST_GREP: grep ?? '',
      XPERSIST_TEST_FIXTURES: path.join(ROOT, 'test/fixtures/xpersist-caches'),
      XPERSIST_REPO_ROOT: ROOT,
      // The extension exposes its internals on its API for these suites (never set for users).
      XPERSIST_TEST_MODE: '1',
    },
    // A fresh workspace per run, inside the state folder (removed with it). The extension host
    // inherits the server's environment: that is how the suites learn the per-run paths.
    beforeStart: ({ state, dirs }) => {
      workspace = prepareWorkspace(path.join(state, 'ws'), {
        template: HOST_TEMPLATE,
        caches: HOST_CACHES,
        tmpdir: dirs.tmp,
      });
      resultFile = path.join(state, 'host-result.json');
      return { XPERSIST_TEST_WORKSPACE: workspace, XPERSIST_HOST_RESULT_FILE: resultFile };
    },
  });
  log(`workspace ${workspace}`);

  const payload = [
    ['extensionDevelopmentPath', server.remote(ROOT)],
    ['extensionTestsPath', server.remote(path.join(ROOT, 'out/host/index'))],
    ['skipWelcome', 'true'],
  ];
  context = await launchBrowser(server, { viewport: { width: 1280, height: 800 } });
  log('chromium launched');
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => verbose && console.error(`[pageerror] ${e.message}`));
  page.on('crash', () => finish(1, 'the workbench page crashed'));
  if (verbose) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const message = util.format(...(Array.isArray(args) ? args : [args]));
    // Whole messages (with their stacks) that are expected noise offline.
    if (!verbose && !message.includes('XPERSIST_HOST_') && NOISE.some((re) => re.test(message))) return;
    for (const l of message.split('\n')) {
      if (l.startsWith('XPERSIST_HOST_START')) {
        started = true;
        log(`extension host started the tests (${l.slice('XPERSIST_HOST_START '.length)})`);
        continue;
      }
      if (l.startsWith('XPERSIST_HOST_RESULT ')) {
        try {
          result = JSON.parse(l.slice('XPERSIST_HOST_RESULT '.length));
        } catch {
          // malformed: the exit code still decides
        }
        continue;
      }
      (type === 'error' ? console.error : console.log)(l);
    }
  });
  await page.exposeFunction('codeAutomationExit', async (code) => {
    log(`codeAutomationExit(${code})`);
    await finish(code === 0 ? 0 : 1);
  });
  server.exited.then((info) =>
    finish(1, `code-server exited early (${JSON.stringify(info)})\n${server.logTail()}`),
  );
  await page.goto(server.url(workspace, payload));
  log('workbench loading; waiting for the extension host to run the tests');
}

main().catch((e) => finish(1, `setup failed: ${e?.stack ?? e}`));
