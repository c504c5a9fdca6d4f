// The manifest's view container and Caches view reach the workbench, and the view opens.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contributes } from './helpers';

suite('contributions', () => {
  test('contributes the "xpersist" activity-bar view container', () => {
    const containers = contributes().viewsContainers?.activitybar ?? [];
    const xp = containers.find((c) => c.id === 'xpersist');
    assert.ok(xp, `no activity-bar container "xpersist" in ${JSON.stringify(containers)}`);
    assert.equal(xp.title, 'xpersist');
  });

  test('contributes the "xpersist.caches" view inside it', () => {
    const views = contributes().views?.xpersist ?? [];
    const caches = views.find((v) => v.id === 'xpersist.caches');
    assert.ok(caches, `no view "xpersist.caches" in ${JSON.stringify(views)}`);
    assert.equal(caches.name, 'Caches');
  });

  test('the view container and the Caches view open', async () => {
    // Commands VS Code generates from the manifest: they fail when the container/view is unknown.
    await vscode.commands.executeCommand('workbench.view.extension.xpersist');
    await vscode.commands.executeCommand('xpersist.caches.focus');
  });
});
