// A real VS Code around the extension: start code-server (VS Code server + web workbench + Node
// extension host) in its own process group on 127.0.0.1, with isolated HOME/XDG/TMPDIR and quiet
// user settings; stop it by killing the whole group. Shared by run-host-tests, run-e2e and start.
//
// The tools come from scripts/setup-vscode-host.sh (into .vscode-test/); `ensureTools()` runs it
// when something is missing.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const TOOLS = process.env.XPERSIST_TOOLS_DIR || path.join(ROOT, '.vscode-test');
export const NODE24_BIN_DIR = path.join(TOOLS, 'node24/node_modules/node/bin');
export const CODE_SERVER_DIR = path.join(TOOLS, 'code-server/node_modules/code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const VENV_PYTHON = path.join(ROOT, '.venv/bin/python');

/** The id VS Code gives the extension, and the folder name it expects in an extensions dir. */
export function extensionInfo(dir = ROOT) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`;
  return { id, version: pkg.version, folderName: `${id}-${pkg.version}` };
}

/** User settings that keep the workbench quiet and offline-friendly (no welcome page, no chat). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  // A terminal opened while extensions still start (git sets GIT_ASKPASS...) would otherwise be
  // relaunched once their environment changes arrive, killing what runs in it.
  'terminal.integrated.environmentChangesRelaunch': false,
};

/** Runs scripts/setup-vscode-host.sh when a tool is missing (it is idempotent and prints what it installs). */
export function ensureTools({ browser = true } = {}) {
  const missing = [
    existsSync(path.join(NODE24_BIN_DIR, 'node')) ? null : 'node 24',
    existsSync(CODE_SERVER_ENTRY) && existsSync(path.join(CODE_SERVER_DIR, 'lib/vscode/node_modules'))
      ? null
      : 'code-server',
    !browser || existsSync(CHROMIUM) ? null : 'chromium',
  ].filter(Boolean);
  if (missing.length === 0) return;
  console.error(`[tools] missing ${missing.join(', ')}: running scripts/setup-vscode-host.sh`);
  // A clean npm environment: run from `npm test`/`npm start`, the outer npm's npm_config_* (its
  // user agent names the Node it runs on) would reach the nested installs.
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/setup-vscode-host.sh')], {
    stdio: 'inherit',
    env: cleanNpmEnv(process.env),
  });
  if (r.status !== 0) throw new Error(`scripts/setup-vscode-host.sh failed (exit ${r.status})`);
}

/** playwright-core (a devDependency: it drives Debian's chromium and downloads no browser). */
export function loadPlaywright() {
  return createRequire(path.join(ROOT, 'package.json'))('playwright-core');
}

/** Chromium flags measured to work headless in this container (docs/vscode-host.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches Debian chromium with a fresh profile inside `server.state` (and its own
 * XDG_CONFIG_HOME: chromium writes "Crash Reports" there whatever the profile says).
 */
export async function launchBrowser(
  server,
  { viewport = { width: 1440, height: 900 }, headless = true } = {},
) {
  const { chromium } = loadPlaywright();
  const profile = mkdtempSync(path.join(server.state, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    viewport,
    // VS Code for the web reads the clipboard through the browser (Copy Key, paste in inputs).
    permissions: ['clipboard-read', 'clipboard-write'],
    env: {
      ...cleanEnv(process.env),
      ...server.markerEnv,
      XDG_CONFIG_HOME: path.join(server.state, 'config'),
    },
    args: CHROMIUM_ARGS,
  });
  // vscode.env.clipboard in the web workbench is navigator.clipboard: without these permissions
  // readText() waits forever for a permission prompt nobody answers.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  return context;
}

/** A free TCP port on 127.0.0.1 (or checks that `wanted` is free). */
export function freePort(wanted = 0) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (e) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(
              `port ${wanted} on 127.0.0.1 is in use; pass another one (npm start -- --port 9000, or --port 0 for any free port)`,
            )
          : e,
      ),
    );
    srv.listen(wanted, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `env` without what a running npm sets for its scripts (npm_*, NODE, INIT_CWD). */
export function cleanNpmEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return out;
}

/**
 * Environment variables that must not leak into the server: when run from a VS Code terminal,
 * VSCODE_IPC_HOOK_CLI makes code-server hand the request to *that* VS Code instead of starting;
 * npm's variables belong to the npm that started us.
 */
export function cleanEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(cleanNpmEnv(env))) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    out[k] = v;
  }
  return out;
}

/**
 * Failed runs keep their state folder (logs) for debugging: keep only the newest `keep` of a
 * prefix, and never one that a live process still uses.
 */
function pruneKeptStates(base, prefix, keep = 5) {
  let dirs;
  try {
    dirs = readdirSync(base)
      .filter((n) => n.startsWith(prefix))
      .map((n) => path.join(base, n))
      .map((p) => ({ p, mtime: statSync(p).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
  } catch {
    return;
  }
  for (const { p } of dirs.slice(keep)) {
    if (pidsWithEnv('XPERSIST_CS_STATE', p).length === 0) rmSync(p, { recursive: true, force: true });
  }
}

/** A short state folder: VS Code's unix sockets live in <state>/tmp and must fit in ~107 bytes. */
function makeStateDir(prefix) {
  let base = os.tmpdir();
  if (base.length > 40) base = '/tmp';
  mkdirSync(base, { recursive: true });
  pruneKeptStates(base, prefix);
  return mkdtempSync(path.join(base, prefix));
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Pids of live processes whose environment carries `KEY=value` (found through /proc). */
export function pidsWithEnv(key, value) {
  const needle = Buffer.from(`${key}=${value}\0`);
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`);
      if (environ.includes(needle)) {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        if (!/\) Z /.test(stat)) pids.push(Number(name));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/**
 * Starts code-server and resolves once /healthz answers.
 * @param {object} o
 * @param {number} [o.port]            0/undefined: a free port
 * @param {boolean} [o.smokeTestDriver] `--vscode-option enable-smoke-test-driver` (needed for the
 *                                      extension-tests payload; hides notification toasts)
 * @param {string[]} [o.extensions]    extension folders to symlink into a fresh --extensions-dir
 * @param {string[]} [o.vsix]          .vsix files to install into it (`--install-extension`), as users do
 * @param {Record<string,string>} [o.env]  extra environment (the extension host inherits it)
 * @param {object} [o.settings]        extra user settings
 * @param {(s: {state: string, dirs: object}) => (Record<string,string>|void|Promise<Record<string,string>|void>)} [o.beforeStart]
 *                                      called once the state folder exists, before the spawn:
 *                                      prepare files in it; returns more environment
 * @param {string} [o.prefix]          state folder name prefix
 * @param {(m: string) => void} [o.log]
 * @param {number} [o.healthTimeoutMs]
 */
export async function startCodeServer(o = {}) {
  const log = o.log ?? (() => {});
  ensureTools({ browser: false });
  const port = await freePort(o.port ?? 0);
  const state = makeStateDir(o.prefix ?? 'xp-cs-');
  const dirs = {
    home: path.join(state, 'home'),
    config: path.join(state, 'config'),
    data: path.join(state, 'data'),
    tmp: path.join(state, 'tmp'),
    userData: path.join(state, 'user-data'),
    extensions: path.join(state, 'extensions'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.userData, 'User/settings.json'),
    `${JSON.stringify({ ...QUIET_SETTINGS, ...(o.settings ?? {}) }, null, 2)}\n`,
  );
  for (const ext of o.extensions ?? []) {
    symlinkSync(realpathSync(ext), path.join(dirs.extensions, extensionInfo(ext).folderName));
  }

  for (const file of o.vsix ?? []) installVsix(file, dirs, log);

  let startEnv = {};
  try {
    startEnv = (o.beforeStart && (await o.beforeStart({ state, dirs }))) || {};
  } catch (err) {
    rmSync(state, { recursive: true, force: true });
    throw err;
  }

  // Every process started from here on (server, extension host, terminals, flows run from them,
  // the browser) carries this marker, so stop() can find the ones that left the process group.
  const markerEnv = { XPERSIST_CS_STATE: state };
  const env = serverEnv(dirs, { ...(o.env ?? {}), ...startEnv, ...markerEnv });
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    // The extension host and terminals get exactly this environment. Otherwise VS Code replaces
    // it with a login shell's (`bash -ilc env`), whose PATH is /etc/profile's: no venv, no Node 24.
    '--vscode-option',
    'force-disable-user-env',
    ...(o.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(o.args ?? []),
  ];
  const serverLog = path.join(state, 'server.log');
  const logStream = createWriteStream(serverLog);
  const started = Date.now();
  // detached: its own process group, so stop() can end the extension host, file watcher, agent
  // host, pty host and language servers with it.
  const child = spawn(path.join(NODE24_BIN_DIR, 'node'), args, {
    cwd: dirs.home,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exitInfo = null;
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    }),
  );

  let stopped = false;
  const server = {
    port,
    pid: child.pid,
    state,
    dirs,
    tmpdir: dirs.tmp,
    serverLog,
    markerEnv,
    authority: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    /** Workbench URL for a folder, with an optional smoke-test payload ([[key, value], ...]). */
    url(folder, payload) {
      let u = `${this.baseUrl}/?folder=${encodeURIComponent(folder).replaceAll('%2F', '/')}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    /** vscode-remote:// URI of a server-side path (what the payload needs). */
    remote(p) {
      return `vscode-remote://${this.authority}${p}`;
    },
    /** Tail of the server log, for error messages. */
    logTail(lines = 30) {
      try {
        return readFileSync(serverLog, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    /**
     * Kill the whole process group (SIGTERM, then SIGKILL after 10 s), then any straggler that
     * carries our marker (e.g. a terminal's shell: node-pty puts it in its own session), and wait
     * until none is left. Removes the state folder unless `keepState`.
     */
    async stop({ keepState = false } = {}) {
      if (stopped) return;
      stopped = true;
      const groupAlive = () => {
        try {
          process.kill(-child.pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && groupAlive(); i++) await sleep(200);
      if (groupAlive()) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        for (let i = 0; i < 25 && groupAlive(); i++) await sleep(200);
      }
      for (let round = 0; round < 3; round++) {
        const left = pidsWithEnv('XPERSIST_CS_STATE', state);
        if (left.length === 0) break;
        for (const pid of left) {
          try {
            process.kill(pid, round === 0 ? 'SIGTERM' : 'SIGKILL');
          } catch {
            // gone
          }
        }
        await sleep(500);
      }
      logStream.end();
      if (!keepState) rmSync(state, { recursive: true, force: true });
    },
  };

  const deadline = started + (o.healthTimeoutMs ?? 60_000);
  while (!(await healthy(port))) {
    if (exitInfo) {
      const tail = server.logTail();
      await server.stop({ keepState: true });
      throw new Error(`code-server exited early (${JSON.stringify(exitInfo)}); log ${serverLog}:\n${tail}`);
    }
    if (Date.now() > deadline) {
      await server.stop({ keepState: true });
      throw new Error(
        `code-server did not answer /healthz within ${o.healthTimeoutMs ?? 60_000} ms; log ${serverLog}`,
      );
    }
    await sleep(100);
  }
  log(`code-server up on ${server.baseUrl} in ${Date.now() - started} ms (pid ${child.pid}, state ${state})`);
  return server;
}

/** The environment of a code-server process in the state folder `dirs` (nothing in the real HOME). */
function serverEnv(dirs, extra = {}) {
  const env = {
    ...cleanEnv(process.env),
    ...extra,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
  };
  // code-server runs on Node 24; its terminals and tasks see the caller's PATH after it.
  env.PATH = `${NODE24_BIN_DIR}:${env.PATH ?? ''}`;
  // VS Code would put its IPC sockets there instead of TMPDIR.
  delete env.XDG_RUNTIME_DIR;
  return env;
}

/** `code-server --install-extension file.vsix` into the state's extensions folder (exits when done). */
function installVsix(file, dirs, log) {
  const t = Date.now();
  const r = spawnSync(
    path.join(NODE24_BIN_DIR, 'node'),
    [
      CODE_SERVER_ENTRY,
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      path.resolve(file),
    ],
    { cwd: dirs.home, env: serverEnv(dirs), encoding: 'utf8', timeout: 120_000 },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`code-server --install-extension ${file} failed (exit ${r.status}):\n${out}`);
  }
  log(`installed ${path.basename(file)} in ${Date.now() - t} ms`);
}

/**
 * Environment for flows the extension runs later: the project's venv python first on PATH and in
 * XPERSIST_TEST_PYTHON (the tests read it; the extension may use it as its python).
 */
export function pythonEnv() {
  const env = { PATH: process.env.PATH };
  if (existsSync(VENV_PYTHON)) {
    env.XPERSIST_TEST_PYTHON = VENV_PYTHON;
    env.VIRTUAL_ENV = path.dirname(path.dirname(VENV_PYTHON));
    env.PATH = `${path.dirname(VENV_PYTHON)}:${process.env.PATH}`;
  }
  return env;
}
