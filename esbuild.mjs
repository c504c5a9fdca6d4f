// Bundles the extension host (one CommonJS file), the lazily loaded HDF5 reader, the webview
// scripts (browser IIFE) and, with --tests, every test tier.
//   node esbuild.mjs [--watch] [--tests] [--dev]
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const withTests = args.has('--tests') || watch;
const withBench = args.has('--bench');
const production = !args.has('--dev') && !watch;
const root = path.dirname(new URL(import.meta.url).pathname);

// h5wasm and web-tree-sitter style ESM builds read import.meta.url; give CJS bundles one.
const importMetaShim = {
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url=require('url').pathToFileURL(__filename).href;" },
};

// h5wasm is 5.5 MB and costs ~180 ms to require: every bundle that reads netCDF4 loads it from a
// sibling file on first use instead of carrying it.
const lazyH5wasm = {
  name: 'lazy-h5wasm',
  setup(build) {
    build.onResolve({ filter: /^h5wasm\/node$/ }, () => ({ path: './h5wasm.js', external: true }));
  },
};

// The S3 and Azure SDKs (~1 MB of bundle each) are loaded when a store on object storage is
// opened: src/core/remote/objectClient.ts requires them from sibling files.
const OBJECT_CLIENTS = { s3Client: 'xpersist-s3', azureClient: 'xpersist-azure' };
const lazyObjectClients = {
  name: 'lazy-object-clients',
  setup(build) {
    build.onResolve({ filter: /^\.\/(s3Client|azureClient)$/ }, (args) =>
      args.importer.endsWith(path.join('remote', 'objectClient.ts'))
        ? { path: `./${OBJECT_CLIENTS[args.path.slice(2)]}.js`, external: true }
        : undefined,
    );
  },
};

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The packaged extension (npm run package) ships minified bundles without source maps.
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  ...importMetaShim,
  plugins: [lazyObjectClients],
};

/** Map every `*.test.ts` (or given suffix) under dir to a flat entry name. */
function entriesUnder(dir, suffix) {
  const out = {};
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return out;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'fixtures') walk(p);
      } else if (name.endsWith(suffix)) {
        const rel = path.relative(abs, p).replace(/\.ts$/, '').split(path.sep).join('.');
        out[rel] = p;
      }
    }
  };
  walk(abs);
  return out;
}

// Files loaded at run time from beside the bundle that needs them: the HDF5 reader, the worker
// that parallelises store scans, and the worker that runs preview reads (a runaway ends it).
function siblingBuild(outdir) {
  return {
    ...nodeCommon,
    entryPoints: {
      h5wasm: path.join(root, 'src/preview/netcdf4/h5wasmEntry.ts'),
      'xpersist-scan-worker': path.join(root, 'src/core/scan/workerEntry.ts'),
      'xpersist-s3': path.join(root, 'src/core/remote/s3Client.ts'),
      'xpersist-azure': path.join(root, 'src/core/remote/azureClient.ts'),
    },
    outdir,
    sourcemap: false,
  };
}

// The preview worker and the statistics workers (src/preview/stats/) carry the readers but, like
// dist/preview.js, load h5wasm from beside them.
function previewWorkerBuild(outdir) {
  return {
    ...nodeCommon,
    entryPoints: {
      'xpersist-preview-worker': path.join(root, 'src/preview/worker/previewWorkerEntry.ts'),
      'xpersist-stats-worker': path.join(root, 'src/preview/stats/statsWorkerEntry.ts'),
    },
    outdir,
    sourcemap: false,
    plugins: [lazyH5wasm, lazyObjectClients],
  };
}

// src/extension/lazyModules.ts requires these on first use; in the extension bundle they are
// separate files beside it, so activation neither loads nor parses them.
const LAZY_MODULES = {
  '../preview/index': { out: 'preview', entry: 'src/preview/index.ts' },
  '../flows/graphView': { out: 'graph', entry: 'src/flows/graphView.ts' },
  '../flows/fileAnalysis': { out: 'analysis', entry: 'src/flows/fileAnalysis.ts' },
};
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(preview\/index|flows\/graphView|flows\/fileAnalysis)$/ }, (args) =>
      args.importer.endsWith(path.join('extension', 'lazyModules.ts'))
        ? { path: `./${LAZY_MODULES[args.path].out}.js`, external: true }
        : undefined,
    );
  },
};

const builds = [
  {
    ...nodeCommon,
    entryPoints: { extension: path.join(root, 'src/extension/extension.ts') },
    outdir: path.join(root, 'dist'),
    external: ['vscode'],
    plugins: [lazyModules, lazyH5wasm, lazyObjectClients],
    // When the extension's code began and finished running (src/extension/startupTimes.ts).
    banner: {
      js: `var __xpersistBundleStart=performance.now(),__xpersistBundleCpu=process.cpuUsage();${importMetaShim.banner.js}`,
    },
    footer: { js: 'var __xpersistBundleEnd=performance.now(),__xpersistBundleEndCpu=process.cpuUsage();' },
  },
  {
    ...nodeCommon,
    entryPoints: Object.fromEntries(
      Object.values(LAZY_MODULES).map(({ out, entry }) => [out, path.join(root, entry)]),
    ),
    outdir: path.join(root, 'dist'),
    plugins: [lazyH5wasm, lazyObjectClients],
  },
  siblingBuild(path.join(root, 'dist')),
  previewWorkerBuild(path.join(root, 'dist')),
];

const webviewEntries = {};
for (const name of ['preview', 'graph']) {
  const p = path.join(root, `src/webview/${name}/main.ts`);
  if (existsSync(p)) webviewEntries[name] = p;
}
if (Object.keys(webviewEntries).length > 0) {
  builds.push({
    entryPoints: webviewEntries,
    outdir: path.join(root, 'dist/webview'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: production,
    sourcemap: production ? false : 'inline',
    loader: { '.css': 'css', '.ttf': 'file' },
    logLevel: 'warning',
  });
}

if (withTests) {
  const unit = entriesUnder('test/unit', '.test.ts');
  // The fuzz suite runs with the unit tier (fuzz.*.test.js); its worker thread and its long mode
  // (scripts/fuzz.mjs) are bundles of their own beside it.
  for (const [name, p] of Object.entries(entriesUnder('test/fuzz', '.test.ts'))) unit[`fuzz.${name}`] = p;
  if (existsSync(path.join(root, 'test/fuzz/caseWorker.ts'))) {
    unit['xpersist-fuzz-worker'] = path.join(root, 'test/fuzz/caseWorker.ts');
    unit['xpersist-fuzz'] = path.join(root, 'test/fuzz/fuzzMain.ts');
  }
  if (Object.keys(unit).length > 0) {
    builds.push({
      ...nodeCommon,
      minify: false,
      entryPoints: unit,
      outdir: path.join(root, 'out/unit'),
      plugins: [lazyH5wasm, lazyObjectClients],
    });
    builds.push(siblingBuild(path.join(root, 'out/unit')), previewWorkerBuild(path.join(root, 'out/unit')));
  }
  const host = { index: path.join(root, 'test/host/index.ts'), ...entriesUnder('test/host', '.test.ts') };
  if (existsSync(host.index)) {
    builds.push({
      ...nodeCommon,
      minify: false,
      entryPoints: host,
      outdir: path.join(root, 'out/host'),
      external: ['vscode', 'mocha'],
      // No sibling files here: anything a host test needs is inlined.
      plugins: [],
    });
  }
}

if (withBench) {
  const bench = entriesUnder('test/bench', '.bench.ts');
  builds.push({
    ...nodeCommon,
    minify: false,
    entryPoints: bench,
    outdir: path.join(root, 'out/bench'),
    plugins: [lazyH5wasm, lazyObjectClients],
  });
  builds.push(siblingBuild(path.join(root, 'out/bench')), previewWorkerBuild(path.join(root, 'out/bench')));
}

function copyStatic() {
  // Codicons for the webviews; they may only load files from dist/webview.
  const dst = path.join(root, 'dist/webview');
  mkdirSync(dst, { recursive: true });
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(path.join(codicons, f), path.join(dst, f));
}

const started = Date.now();
// Stale bundles of renamed or deleted tests/benches would still run: start from empty folders.
if (!watch) {
  for (const dir of [
    'dist',
    ...(withTests ? ['out/unit', 'out/host'] : []),
    ...(withBench ? ['out/bench'] : []),
  ]) {
    rmSync(path.join(root, dir), { recursive: true, force: true });
  }
}
copyStatic();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  // stderr: `npm run bench` keeps stdout for its JSON.
  console.error(`[esbuild] built ${builds.length} bundles in ${Date.now() - started} ms`);
}
