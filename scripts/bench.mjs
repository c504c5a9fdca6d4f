// `npm run bench`: builds test/bench/*.bench.ts, runs each (and every test/bench/*.bench.mjs, the
// benches that drive a real VS Code) in its own Node process and prints one JSON document with
// every figure (also written to out/bench.json). Each bench prints a JSON object as its last
// stdout line; big inputs are generated once into bench-data/ (git-ignored) with the real Python
// libraries.
//   node scripts/bench.mjs [name-substring...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);
const step = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });

if (step('bash', ['scripts/setup-python.sh'], { stdio: 'inherit' }).status !== 0) process.exit(1);
if (step(process.execPath, ['esbuild.mjs', '--bench'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const benchDir = path.join(root, 'out/bench');
const dataDir = path.join(root, 'bench-data');
mkdirSync(dataDir, { recursive: true });
const srcDir = path.join(root, 'test/bench');
const files = [
  ...readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => path.join(benchDir, f)),
  ...readdirSync(srcDir)
    .filter((f) => f.endsWith('.bench.mjs'))
    .map((f) => path.join(srcDir, f)),
]
  .filter((f) => only.length === 0 || only.some((o) => path.basename(f).includes(o)))
  .sort((a, b) => path.basename(a).localeCompare(path.basename(b)));

const results = {};
let failed = false;
for (const f of files) {
  const name = path.basename(f).replace(/\.bench\.m?js$/, '');
  console.error(`[bench] ${name} ...`);
  const r = step(process.execPath, ['--expose-gc', '--enable-source-maps', f], {
    env: { ...process.env, BENCH_DATA: dataDir, XPERSIST_TEST_PYTHON: path.join(root, '.venv/bin/python') },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    results[name] = JSON.parse(last);
  } catch {
    results[name] = { error: `exit ${r.status}; no JSON result`, stdout: r.stdout.slice(-2000) };
    failed = true;
  }
}
const doc = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    node: process.version,
    loadavg: os.loadavg(),
  },
  results,
};
writeFileSync(path.join(root, 'out/bench.json'), JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
process.exit(failed ? 1 : 0);
