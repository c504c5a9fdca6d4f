// `npm start`: the extension in a real VS Code (code-server) on the demo workspace.
//   1. builds the extension (node esbuild.mjs)
//   2. installs the tools when missing (scripts/setup-vscode-host.sh) and the Python venv with the
//      real xpersist + Prefect 1.x (scripts/setup-python.sh); both are idempotent
//   3. prepares demo-workspace/ (scripts/prepare-demo.mjs) and seeds <TMPDIR>/my-cache
//   4. starts a local S3 server (moto, from the venv) holding the demo store
//      s3://xpersist-demo/seed-demo; its endpoint and test credentials reach the extension host
//      through AWS_* variables, as boto3 and s3fs read them
//   5. starts code-server on 127.0.0.1 with the extension symlinked into its extensions folder,
//      prints the URL and stays in the foreground; Ctrl-C stops everything
//
//   npm start [-- --port 8080] [--reset] [--folder DIR] [--dev] [--keep]
//     --port N     port on 127.0.0.1 (default 8080; 0 = any free port)
//     --reset      recreate demo-workspace/ from demo/ and the fixtures
//     --folder D   open another folder instead of the demo workspace
//     --dev        unminified build with source maps
//     --keep       keep the server's state folder (logs) on exit
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, option } from './lib/cli.mjs';
import { cleanNpmEnv, pythonEnv, ROOT, startCodeServer } from './lib/codeServer.mjs';
import { seedS3Store, startS3 } from './lib/objectServers.mjs';
import { FIXTURES } from './lib/workspaces.mjs';
import { DEMO_WORKSPACE, prepareDemo } from './prepare-demo.mjs';

const port = Number(option('--port', process.env.PORT ?? '8080'));
const folderArg = option('--folder');
const log = (m) => console.log(`[start] ${m}`);

function step(what, cmd, args) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: cleanNpmEnv(process.env) });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (exit ${r.status}); see the messages above.`);
    process.exit(1);
  }
  log(`${what}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

step('build', process.execPath, ['esbuild.mjs', ...(flag('--dev') ? ['--dev'] : [])]);
step('tools (.vscode-test/)', 'bash', ['scripts/setup-vscode-host.sh']);
step('Python venv (.venv/)', 'bash', ['scripts/setup-python.sh']);

const DEMO_S3_STORE = 's3://xpersist-demo/seed-demo';
let demo;
let server;
let s3;
let s3Dir;
try {
  // The demo store on object storage: the seed caches, uploaded object by object.
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'xp-demo-s3-'));
  s3 = await startS3({ dir: s3Dir, log });
  const n = await seedS3Store(s3, 'xpersist-demo', 'seed-demo', path.join(FIXTURES, 'seed-demo'));
  log(`S3 store ${DEMO_S3_STORE}: ${n} objects on ${s3.endpoint}`);
  server = await startCodeServer({
    port,
    prefix: 'xp-demo-',
    extensions: [ROOT],
    env: { ...pythonEnv(), ...s3.env },
    settings: { 'xpersist.stores': [DEMO_S3_STORE] },
    log,
    // The demo workspace, and the seed flow's store <TMPDIR>/my-cache in the TMPDIR that code-server,
    // the extension host and the integrated terminal run with.
    beforeStart: ({ dirs }) => {
      demo = prepareDemo({ reset: flag('--reset'), tmpdir: dirs.tmp });
    },
  });
} catch (err) {
  console.error(`[start] ${err.message}`);
  await s3?.stop();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  process.exit(1);
}
const folder = folderArg ? path.resolve(folderArg) : DEMO_WORKSPACE;
log(
  `demo workspace ${path.relative(ROOT, demo.dest)}/ ${demo.created ? 'created' : 'kept (npm start -- --reset recreates it)'}`,
);
log(`seed flow store ${path.join(server.tmpdir, 'my-cache')} (TMPDIR of the server and its terminals)`);
log(`server log ${server.serverLog}`);
console.log('');
console.log(`  Open ${server.url(folder)}`);
console.log('');
console.log('  Click the xpersist icon in the activity bar. Ctrl-C stops the server.');

let stopping = false;
async function stop(code, why) {
  if (stopping) return;
  stopping = true;
  log(`${why}: stopping code-server (process group ${server.pid})`);
  await server.stop({ keepState: flag('--keep') });
  await s3.stop();
  rmSync(s3Dir, { recursive: true, force: true });
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => stop(0, 'Ctrl-C'));
process.on('SIGTERM', () => stop(0, 'SIGTERM'));
process.on('SIGHUP', () => stop(0, 'SIGHUP'));
server.exited.then((info) => {
  if (stopping) return;
  console.error(`[start] code-server exited (${JSON.stringify(info)}):\n${server.logTail()}`);
  stop(1, 'server gone');
});
