// `npm run test:desktop`: the same in-host suites (out/host/*.test.js, mocha TDD UI) in a desktop
// VS Code that @vscode/test-cli / @vscode/test-electron download into .vscode-test/ (needs internet;
// not run in CI here, where scripts/run-host-tests.mjs runs them in code-server's extension host).
// The workspace is prepared like run-host-tests.mjs does: test/host/workspace/ + fixture caches.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@vscode/test-cli';
import { HOST_CACHES, HOST_TEMPLATE, prepareWorkspace } from './scripts/lib/workspaces.mjs';

const root = path.dirname(new URL(import.meta.url).pathname);
const workspace = prepareWorkspace(path.join(root, '.cache/host-workspace'), {
  template: HOST_TEMPLATE,
  caches: HOST_CACHES,
  reset: true,
});
const python = path.join(root, '.venv/bin/python');
// Suite files in name order, as test/host/index.ts loads them (activation.test.js first: it checks
// that the extension activated by itself, before any other suite calls activate()).
const hostOut = path.join(root, 'out/host');
const files = existsSync(hostOut)
  ? readdirSync(hostOut)
      .filter((f) => f.endsWith('.test.js'))
      .sort()
      .map((f) => `out/host/${f}`)
  : 'out/host/*.test.js';

export default defineConfig({
  label: 'host',
  files,
  version: 'stable',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  env: {
    XPERSIST_TEST_WORKSPACE: workspace,
    XPERSIST_TEST_FIXTURES: path.join(root, 'test/fixtures/xpersist-caches'),
    XPERSIST_REPO_ROOT: root,
    // The extension exposes its test hooks on its API (test/host/hooks.ts); never set for users.
    XPERSIST_TEST_MODE: '1',
    ...(existsSync(python) ? { XPERSIST_TEST_PYTHON: python } : {}),
  },
  mocha: { ui: 'tdd', timeout: 60_000, slow: 5_000, color: true },
});
