// `npm run package`: the production build (minified, no source maps) packed by @vscode/vsce into
// vscode-xpersist-<version>.vsix, then checked: every file the installed extension loads is in
// it, nothing of the repository's own (sources, tests, fixtures, demo, node_modules, tool folders)
// is. Prints the size and the contents.
//   node scripts/package.mjs [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './lib/cli.mjs';
import { cleanNpmEnv } from './lib/codeServer.mjs';
import { zipEntries } from './lib/zip.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const log = (m) => console.error(`[package] ${m}`);

/** What the installed extension reads at run time (package.json main, lazy bundles, webviews, runner). */
export const REQUIRED = [
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
  'extension/dist/xpersist-stats-worker.js',
  'extension/dist/xpersist-s3.js',
  'extension/dist/xpersist-azure.js',
  'extension/dist/webview/preview.js',
  'extension/dist/webview/graph.js',
  'extension/dist/webview/codicon.ttf',
  'extension/python/xpersist_flow_runner.py',
  'extension/python/xpersist_events.py',
];
export const FORBIDDEN =
  /^extension\/(node_modules|src|test|demo|scripts|docs|\.vscode-test|\.venv|\.cache|out|bench-data)\/|\.map$|\.ts$/;

/**
 * The files a manifest's walkthroughs show (each step's media: markdown, svg, an image or its
 * light/dark/hc variants), as .vsix entry names. VS Code reads them from the installed folder
 * when a step opens: one left out of the package is a blank pane, not an error anywhere.
 */
export function walkthroughMedia(manifest) {
  const files = [];
  for (const w of manifest.contributes?.walkthroughs ?? []) {
    for (const step of w.steps ?? []) {
      const m = step.media ?? {};
      for (const v of [m.markdown, m.svg, m.image]) {
        if (typeof v === 'string') files.push(v);
        else if (v && typeof v === 'object')
          files.push(...Object.values(v).filter((x) => typeof x === 'string'));
      }
    }
  }
  return [
    ...new Set(
      files.map((f) => `extension/${path.posix.normalize(f.replace(/\\/g, '/')).replace(/^\.\//, '')}`),
    ),
  ];
}

/** What a package with these entries lacks and ships wrongly, for this manifest. */
export function checkEntries(entryNames, manifest) {
  const names = new Set(entryNames);
  const required = [...REQUIRED, ...walkthroughMedia(manifest)];
  return {
    missing: required.filter((f) => !names.has(f)),
    forbidden: entryNames.filter((n) => FORBIDDEN.test(n)),
  };
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: cleanNpmEnv(process.env),
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function main() {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const out = path.resolve(option('--out', path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`)));
  log('production build');
  run(process.execPath, ['esbuild.mjs']);
  rmSync(out, { force: true });
  mkdirSync(path.dirname(out), { recursive: true });
  const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
  // Bundled: no node_modules ship (--no-dependencies). The project has no public repository yet;
  // vsce is told so instead of being given a placeholder URL.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out]);

  const entries = zipEntries(readFileSync(out));
  const { missing, forbidden } = checkEntries(
    entries.map((e) => e.name),
    pkg,
  );
  const size = statSync(out).size;
  for (const e of entries.filter((x) => x.name.startsWith('extension/')).sort((a, b) => b.size - a.size)) {
    log(`  ${(e.size / 1024).toFixed(0).padStart(6)} KB  ${e.name.slice('extension/'.length)}`);
  }
  log(`${path.relative(ROOT, out)}: ${(size / 1024 / 1024).toFixed(2)} MB, ${entries.length} files`);
  if (missing.length) throw new Error(`the package lacks ${missing.join(', ')}`);
  if (forbidden.length) throw new Error(`the package must not ship ${forbidden.join(', ')}`);
  console.log(JSON.stringify({ vsix: path.relative(ROOT, out), bytes: size, files: entries.length }));
}

// Run when invoked (node scripts/package.mjs), not when a test imports the checks.
// (A unit test's bundle is its own entry file, hence the name check as well.)
const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (path.basename(entry) === 'package.mjs' && entry === fileURLToPath(import.meta.url)) main();
