// The extension activates by itself on a workspace that contains an xpersist cache store
// (activation event `workspaceContains:**/xpersist_metadata_store`) and returns its API.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
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

  test('activate() returns the API (listStores, getReport, refresh)', async () => {
    const ext = extension();
    const exports = ext.isActive ? ext.exports : await ext.activate();
    assert.ok(exports, 'activate() returned nothing');
    for (const fn of ['listStores', 'getReport', 'refresh'] as const) {
      assert.equal(typeof exports[fn], 'function', `api.${fn}`);
    }
  });
});
