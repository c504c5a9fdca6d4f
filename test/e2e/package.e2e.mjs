// The extension as users install it: the .vsix (npm run package) installed with
// `code-server --install-extension`. Its folder holds only the package's files, and a preview
// that needs the lazily loaded HDF5 reader (dist/h5wasm.js: a variable with HDF5's scale-offset
// filter, which the built-in reader hands over to h5wasm) works from it.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const title = 'the installed .vsix: only packaged files, and h5wasm loads from it';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  const extDir = wb.server.dirs.extensions;
  const installed = readdirSync(extDir).filter((n) => n.startsWith('xpersist-tools.vscode-xpersist-'));
  assert.equal(installed.length, 1, `one installed copy in ${extDir}: ${installed}`);
  const dir = path.join(extDir, installed[0]);
  assert.ok(!lstatSync(dir).isSymbolicLink(), 'installed from the .vsix, not a link to the repository');
  for (const f of [
    'dist/extension.js',
    'dist/preview.js',
    'dist/graph.js',
    'dist/h5wasm.js',
    'readme.md',
    'LICENSE.txt',
  ]) {
    assert.ok(existsSync(path.join(dir, f)), `the package ships ${f}`);
  }
  for (const f of ['src', 'test', 'node_modules', 'demo', 'scripts', 'dist/extension.js.map']) {
    assert.ok(!existsSync(path.join(dir, f)), `the package does not ship ${f}`);
  }
  wb.log(`installed at ${path.basename(dir)}: ${readdirSync(dir).sort().join(', ')}`);

  copyFileSync(
    path.join(ROOT, 'test/fixtures/e2e/scaleoffset.h5'),
    path.join(wb.workspace, 'scaleoffset.h5'),
  );
  await wb.open();
  await wb.quickOpen('scaleoffset.h5');
  const t = await wb.inWebview('[data-testid="title"]');
  assert.match(await t.textContent(), /scaleoffset\.h5/);
  const vars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.deepEqual(vars, ['t2m']);
  await wb.inWebview('canvas.heatmap-canvas');
  const stats = await (await wb.inWebview('.stats')).textContent();
  wb.log(`t2m stats: ${stats}`);
  assert.match(stats, /min 270/, 'values decoded through h5wasm');
  assert.equal(await wb.webview().locator('.error').count(), 0, 'no read error in the panel');
  await wb.screenshot('1-h5wasm-preview');
}
