// The basic commands have their effect: Refresh discovers a store that appeared in the workspace
// (nothing else looks for new stores: no watcher covers the whole workspace), and Focus View
// brings the Caches view back from behind another one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CacheNode, StoreNode } from '../../src/extension/explorer/nodes';
import { api, inWorkspace, samePath, waitFor } from './helpers';
import { hooks, sleep, writeArtifacts } from './hooks';

const storeNodes = async (): Promise<StoreNode[]> =>
  ((await (await hooks()).tree.getChildren()) as CacheNode[]).filter(
    (n): n is StoreNode => n.type === 'store',
  );

suite('commands', () => {
  const fresh = () => path.join(inWorkspace('caches'), 'commands-fresh');
  suiteTeardown(async () => {
    // Later suites count the workspace's stores.
    fs.rmSync(fresh(), { recursive: true, force: true });
    await (await api()).refresh();
  });

  test('xpersist.refresh finds a store created in the workspace and lists its artifacts', async () => {
    await (await api()).listStores(); // the first discovery is done
    const keys = writeArtifacts(fresh(), 3, 'fresh');
    // Time for anything else that would find it (there should be nothing) to do so.
    await sleep(1_500);
    assert.ok(
      !(await storeNodes()).some((n) => samePath(n.state.root, fresh())),
      'the new store is not in the tree before Refresh',
    );
    await vscode.commands.executeCommand('xpersist.refresh');
    const node = (await storeNodes()).find((n) => samePath(n.state.root, fresh()));
    assert.ok(
      node,
      `Refresh put the new store in the tree: ${(await storeNodes()).map((n) => n.state.root)}`,
    );
    assert.deepEqual(node.state.report?.artifacts.map((a) => a.key).sort(), keys);
    const report = await (await api()).getReport(node.state.root);
    assert.deepEqual(report?.artifacts.map((a) => a.key).sort(), keys);
  });

  test('xpersist.focusView shows the Caches view again', async () => {
    const h = await hooks();
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(() => !h.view.visible, 10_000, 'the Caches view hidden behind the Explorer');
    await vscode.commands.executeCommand('xpersist.focusView');
    await waitFor(() => h.view.visible, 10_000, 'the Caches view visible after Focus View');
  });
});
