// The extension activates by itself on a workspace that contains an xpersist cache store
// (activation event `workspaceContains:**/xpersist_metadata_store`) and returns its API.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, extension, inWorkspace, waitFor } from './helpers';

suite('activation', () => {
  test('runs in a real VS Code Node extension host', () => {
    assert.equal(typeof process.versions.node, 'string');
    assert.ok(vscode.version, 'vscode.version');
    assert.ok(
      fs.existsSync(inWorkspace('caches/seed-demo/xpersist_metadata_store')),
      'the test workspace has a cache store',
    );
  });

  test('the extension is loaded', () => {
    const ext = extension();
    assert.equal(ext.id, EXTENSION_ID);
    assert.equal(ext.packageJSON.main, './dist/extension.js');
  });

  test('activates on a workspace containing an xpersist cache, without being asked', async () => {
    const ext = extension();
    // No activate() call: the workspaceContains activation event must do it.
    await waitFor(
      () => ext.isActive,
      15_000,
      `${EXTENSION_ID} to activate by itself (activationEvents: ${JSON.stringify(ext.packageJSON.activationEvents)})`,
    );
  });

  test('activation loads nothing heavy: previews, graph layout and h5wasm stay unloaded until used', async () => {
    const ext = extension();
    await waitFor(() => ext.isActive, 15_000, 'activation');
    // This suite runs first (file name order): no test has opened a preview or a graph yet.
    const dist = path.join(ext.extensionPath, 'dist');
    const loaded = Object.keys(require.cache).filter((f) => f.startsWith(dist + path.sep));
    assert.ok(loaded.includes(path.join(dist, 'extension.js')), `loaded: ${loaded}`);
    for (const heavy of ['preview.js', 'graph.js', 'h5wasm.js']) {
      assert.ok(!loaded.includes(path.join(dist, heavy)), `${heavy} is required before it is used`);
    }
  });

  test('activate() returns the API (listStores, getReport, refresh)', async () => {
    const ext = extension();
    const exports = ext.isActive ? ext.exports : await ext.activate();
    assert.ok(exports, 'activate() returned nothing');
    for (const fn of ['listStores', 'getReport', 'refresh'] as const) {
      assert.equal(typeof exports[fn], 'function', `api.${fn}`);
    }
  });
});
