// `npm run fuzz -- --minutes N [--family F]... [--seed S]`: builds the test bundles, then runs
// the long fuzz mode (test/fuzz/fuzzMain.ts), which keeps failing inputs as regression fixtures
// under test/fixtures/fuzz/. Exit code 1 when it kept any.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(
  process.execPath,
  ['--enable-source-maps', path.join(root, 'out/unit/xpersist-fuzz.js'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
