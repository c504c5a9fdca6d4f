// Every command the manifest contributes is registered by activate(), and the basic ones run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, contributes } from './helpers';

suite('commands', () => {
  suiteSetup(async () => {
    await api();
  });

  test('every contributed command is registered', async () => {
    const contributed = (contributes().commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'the manifest contributes commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('xpersist.refresh runs', async () => {
    await vscode.commands.executeCommand('xpersist.refresh');
  });

  test('xpersist.focusView runs', async () => {
    await vscode.commands.executeCommand('xpersist.focusView');
  });
});
