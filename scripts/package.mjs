// `npm run package`: the production build (minified, no source maps) packed by @vscode/vsce into
// vscode-xpersist-<version>.vsix, then checked: every file the installed extension loads is in
// it, nothing of the repository's own (sources, tests, fixtures, demo, node_modules, tool folders)
// is. Prints the size and the contents.
//   node scripts/package.mjs [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { option } from './lib/cli.mjs';
import { cleanNpmEnv } from './lib/codeServer.mjs';
import { zipEntries } from './lib/zip.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const out = path.resolve(option('--out', path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`)));
const log = (m) => console.error(`[package] ${m}`);

/** What the installed extension reads at run time (package.json main, lazy bundles, webviews, runner). */
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/media/icon.png',
  'extension/media/xpersist.svg',
  'extension/dist/extension.js',
  'extension/dist/preview.js',
  'extension/dist/graph.js',
  'extension/dist/h5wasm.js',
  'extension/dist/xpersist-scan-worker.js',
  'extension/dist/xpersist-preview-worker.js',
  'extension/dist/xpersist-s3.js',
  'extension/dist/xpersist-azure.js',
  'extension/dist/webview/preview.js',
  'extension/dist/webview/graph.js',
  'extension/dist/webview/codicon.ttf',
  'extension/python/xpersist_flow_runner.py',
  'extension/python/xpersist_events.py',
];
const FORBIDDEN =
  /^extension\/(node_modules|src|test|demo|scripts|docs|\.vscode-test|\.venv|\.cache|out|bench-data)\/|\.map$|\.ts$/;

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: cleanNpmEnv(process.env),
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

log('production build');
run(process.execPath, ['esbuild.mjs']);
rmSync(out, { force: true });
mkdirSync(path.dirname(out), { recursive: true });
const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
// Bundled: no node_modules ship (--no-dependencies). The project has no public repository yet;
// vsce is told so instead of being given a placeholder URL.
run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out]);

const entries = zipEntries(readFileSync(out));
const names = new Set(entries.map((e) => e.name));
const missing = REQUIRED.filter((f) => !names.has(f));
const forbidden = entries.map((e) => e.name).filter((n) => FORBIDDEN.test(n));
const size = statSync(out).size;
for (const e of entries.filter((x) => x.name.startsWith('extension/')).sort((a, b) => b.size - a.size)) {
  log(`  ${(e.size / 1024).toFixed(0).padStart(6)} KB  ${e.name.slice('extension/'.length)}`);
}
log(`${path.relative(ROOT, out)}: ${(size / 1024 / 1024).toFixed(2)} MB, ${entries.length} files`);
if (missing.length) throw new Error(`the package lacks ${missing.join(', ')}`);
if (forbidden.length) throw new Error(`the package must not ship ${forbidden.join(', ')}`);
console.log(JSON.stringify({ vsix: path.relative(ROOT, out), bytes: size, files: entries.length }));
