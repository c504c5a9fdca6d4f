// `npm test`: builds, then runs the static checks (type-check, lint + format: one test each) and
// the three test tiers (unit, in-host, e2e), and ends with one line `N passed, N failed` counting
// every test of every tier. A tier that crashes before reporting counts as one failure. Each tier
// installs what it needs on first use (Python venv, VS Code host tools), so a fresh clone needs
// only `npm ci` first.
//   node scripts/test.mjs [--tier static|unit|host|e2e]... [--grep PATTERN]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cleanNpmEnv } from './lib/codeServer.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const tiers = [];
let grep = null;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--tier') tiers.push(argv[++i]);
  else if (argv[i] === '--grep') grep = argv[++i];
}
if (tiers.length === 0) tiers.push(...(grep ? [] : ['static']), 'unit', 'host', 'e2e');

const log = (msg) => console.log(`[test] ${msg}`);

// Children get a clean npm environment: nested npm installs (the VS Code host tools) must not
// inherit this npm's npm_config_* (its user agent names the Node it runs on).

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: cleanNpmEnv(process.env), ...opts });
  return r.status ?? 1;
}

/** tsc (the whole project, then the webviews alone) and biome: one test each. */
function staticTier() {
  const bin = (name) => path.join(root, 'node_modules/.bin', name);
  const checks = [
    ['typecheck (tsc --noEmit)', () => run(bin('tsc'), ['--noEmit', '-p', '.']) === 0],
    ['webview typecheck (src/webview/tsconfig.json: DOM, no Node or host modules)', webviewTypecheck],
    ['lint + format (biome ci)', () => run(bin('biome'), ['ci', '.', '--colors=off']) === 0],
  ];
  const counts = { passed: 0, failed: 0 };
  for (const [name, check] of checks) {
    const ok = check();
    console.log(`  ${ok ? '✔' : '✖'} ${name}`);
    counts[ok ? 'passed' : 'failed']++;
  }
  return counts;
}

// The webviews run in a browser: their own tsconfig has the DOM lib and no Node types, so a
// module reached from a webview that uses Node fails to type-check. `vscode` still resolves
// through @types/vscode and a pure-looking host module may import it, so the program's file
// list must name neither the VS Code or Node types nor anything under src/extension/.
const WEBVIEW_FORBIDDEN = [/\/node_modules\/@types\/(vscode|node)\//, /\/src\/extension\//];

function webviewTypecheck() {
  const r = spawnSync(
    path.join(root, 'node_modules/.bin/tsc'),
    ['-p', 'src/webview/tsconfig.json', '--listFiles'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const lines = (r.stdout ?? '').split('\n');
  const errors = lines.filter((l) => /error TS\d+/.test(l));
  const forbidden = lines.filter((l) => WEBVIEW_FORBIDDEN.some((re) => re.test(l.replaceAll('\\', '/'))));
  for (const l of [...errors, ...forbidden.map((f) => `webview program includes a host-only file: ${f}`)]) {
    console.log(`    ${l}`);
  }
  return r.status === 0 && forbidden.length === 0;
}

function setupPython() {
  if (run('bash', ['scripts/setup-python.sh']) !== 0) throw new Error('Python venv setup failed');
  process.env.XPERSIST_TEST_PYTHON = path.join(root, '.venv/bin/python');
}

/** Counts from a TAP stream written by node's test runner (top-level summary lines). */
function tapCounts(file) {
  const text = readFileSync(file, 'utf8');
  const num = (label) => {
    const m = [...text.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))];
    return m.length ? Number(m[m.length - 1][1]) : 0;
  };
  return { passed: num('pass'), failed: num('fail') + num('cancelled') };
}

function unitTier() {
  setupPython();
  const dir = path.join(root, 'out/unit');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => !grep || f.includes(grep))
    .map((f) => path.join(dir, f));
  const tap = path.join(root, 'out/unit.tap');
  rmSync(tap, { force: true });
  run(process.execPath, [
    '--enable-source-maps',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  if (!existsSync(tap)) return { passed: 0, failed: 1 };
  return tapCounts(tap);
}

/** The host and e2e runners write `{ passed, failed }` to a JSON file. */
function summaryTier(name, script) {
  setupPython();
  const summary = path.join(root, `out/${name}-summary.json`);
  rmSync(summary, { force: true });
  const status = run(process.execPath, [script, '--summary', summary, ...(grep ? ['--grep', grep] : [])]);
  if (!existsSync(summary)) return { passed: 0, failed: 1 };
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  if (status !== 0 && s.failed === 0) s.failed = 1;
  return s;
}

mkdirSync(path.join(root, 'out'), { recursive: true });
if (run(process.execPath, ['esbuild.mjs', '--tests']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const totals = { passed: 0, failed: 0 };
for (const tier of tiers) {
  const started = Date.now();
  let counts;
  try {
    if (tier === 'static') counts = staticTier();
    else if (tier === 'unit') counts = unitTier();
    else if (tier === 'host') counts = summaryTier('host', 'scripts/run-host-tests.mjs');
    else if (tier === 'e2e') counts = summaryTier('e2e', 'scripts/run-e2e.mjs');
    else throw new Error(`unknown tier ${tier}`);
  } catch (err) {
    console.error(err);
    counts = { passed: 0, failed: 1 };
  }
  log(
    `${tier}: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  totals.passed += counts.passed;
  totals.failed += counts.failed;
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
