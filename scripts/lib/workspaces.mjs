// Workspaces the real VS Code opens: the demo (npm start, e2e) and the in-host test workspace.
// Caches are copies of test/fixtures/xpersist-caches (written by the real xpersist).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { ROOT, VENV_PYTHON } from './codeServer.mjs';

export const FIXTURES = path.join(ROOT, 'test/fixtures/xpersist-caches');
export const DEMO_TEMPLATE = path.join(ROOT, 'demo');
export const HOST_TEMPLATE = path.join(ROOT, 'test/host/workspace');

/** Demo caches: fixture path (relative to FIXTURES) -> folder in the workspace. */
export const DEMO_CACHES = {
  'seed-demo': 'caches/seed-demo',
  'all-serializers': 'caches/all-serializers',
  'broken/entries': 'caches/broken',
  // A realistic climate store (noleap cftime field, CSVs, pickles), also written by the real
  // xpersist: scripts/fixtures/make_climate_cache.py.
  '../preview/climate': 'caches/climate',
};

/** Host-test caches (small, stable): the seed demo store and the damaged one. */
export const HOST_CACHES = {
  'seed-demo': 'caches/seed-demo',
  'broken/entries': 'caches/broken',
};

/**
 * Copies a fixture cache and re-creates the empty folders git does not keep
 * (MANIFEST.json `empty_dirs_to_recreate`).
 */
export function copyFixtureCache(fixture, dest) {
  const src = path.join(FIXTURES, fixture);
  if (!existsSync(src)) throw new Error(`no fixture cache ${src}`);
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(src, dest, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'MANIFEST.json'), 'utf8'));
  const prefix = `${fixture}/`;
  for (const dir of manifest.empty_dirs_to_recreate ?? []) {
    if (dir.startsWith(prefix)) mkdirSync(path.join(dest, dir.slice(prefix.length)), { recursive: true });
  }
}

/**
 * Workspace settings that point the Python side at the project's venv, so "Run Flow" uses the
 * real xpersist + Prefect 1.x. Merged over the template's .vscode/settings.json.
 */
function writeSettings(dest, extra = {}) {
  const file = path.join(dest, '.vscode/settings.json');
  let settings = {};
  if (existsSync(file)) settings = JSON.parse(readFileSync(file, 'utf8'));
  if (existsSync(VENV_PYTHON)) {
    settings['python.defaultInterpreterPath'] = VENV_PYTHON;
    settings['xpersist.pythonPath'] = VENV_PYTHON;
  }
  Object.assign(settings, extra);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * The seed flow file keeps `CacheStore(f'{tempfile.gettempdir()}/my-cache')`: give that store the
 * seed caches, in the TMPDIR code-server (and so the extension host and its terminals) runs with.
 */
export function seedTempStore(tmpdir) {
  const dest = path.join(tmpdir, 'my-cache');
  if (!existsSync(path.join(dest, 'xpersist_metadata_store'))) copyFixtureCache('seed-demo', dest);
  return dest;
}

/**
 * The flow files were written before the fixture caches' artifacts (as in real life): a fresh
 * copy would otherwise be newer than every artifact, and the flow graph would rightly call them
 * stale ("source changed after the artifact was written").
 */
function backdateFlows(dest) {
  const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'MANIFEST.json'), 'utf8'));
  const when = new Date(Date.parse(manifest.generated_at_utc) - 86_400_000);
  const flows = path.join(dest, 'flows');
  if (!existsSync(flows)) return;
  for (const f of readdirSync(flows)) if (f.endsWith('.py')) utimesSync(path.join(flows, f), when, when);
}

/**
 * Makes a workspace from a template folder plus fixture caches.
 * @param {string} dest           created (replaced when `reset`)
 * @param {object} o
 * @param {string|null} [o.template]  folder copied first (default: demo/; null: none)
 * @param {Record<string,string>} [o.caches]  fixture -> workspace-relative folder
 * @param {string} [o.tmpdir]     also seed <tmpdir>/my-cache for the seed flow
 * @param {boolean} [o.reset]     delete dest first
 * @param {object} [o.settings]   extra workspace settings
 */
export function prepareWorkspace(dest, o = {}) {
  const template = o.template === undefined ? DEMO_TEMPLATE : o.template;
  if (o.reset) rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  if (template) cpSync(template, dest, { recursive: true });
  if (!existsSync(path.join(dest, 'flows/seed_flow.py'))) {
    // Every workspace has the seed's flow file: it is what our users' code looks like.
    mkdirSync(path.join(dest, 'flows'), { recursive: true });
    cpSync(path.join(DEMO_TEMPLATE, 'flows/seed_flow.py'), path.join(dest, 'flows/seed_flow.py'));
  }
  for (const [fixture, rel] of Object.entries(o.caches ?? DEMO_CACHES)) {
    const target = path.join(dest, rel);
    rmSync(target, { recursive: true, force: true });
    copyFixtureCache(fixture, target);
  }
  writeSettings(dest, o.settings);
  backdateFlows(dest);
  if (o.tmpdir) seedTempStore(o.tmpdir);
  return dest;
}
