// The basic commands have their effect: Refresh discovers a store that appeared in the workspace
// (nothing else looks for new stores: no watcher covers the whole workspace), Refresh on a store
// rescans it (its watcher stops at the store's top folder), and Focus View brings the Caches view
// back from behind another one.
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
  const zarrStore = () => path.join(inWorkspace('caches'), 'commands-zarr');
  suiteTeardown(async () => {
    // Later suites count the workspace's stores.
    for (const dir of [fresh(), zarrStore()]) fs.rmSync(dir, { recursive: true, force: true });
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

  test('xpersist.refresh on a store node rescans it: data grown inside a zarr folder shows in its size', async () => {
    const h = await hooks();
    // A store of its own with a copy of seed-demo's bar.zarr, found by a first Refresh.
    const seed = inWorkspace('caches/seed-demo');
    fs.cpSync(seed, zarrStore(), { recursive: true });
    await vscode.commands.executeCommand('xpersist.refresh');
    const bar = () => h.registry.get(zarrStore())?.report?.artifacts.find((a) => a.key === 'bar.zarr');
    await waitFor(() => bar(), 20_000, 'bar.zarr listed in the new store');
    // The watcher's rescan for the copy's own events comes after its debounce: let it pass.
    await sleep(2_000);
    const before = bar()?.sizeBytes ?? 0;
    // Chunk 1 of a one-chunk array: more bytes in the folder, below what the watcher sees.
    fs.writeFileSync(path.join(zarrStore(), 'bar.zarr/bar/1'), Buffer.alloc(4096));
    await sleep(1_500);
    assert.equal(bar()?.sizeBytes, before, 'nothing rescanned the store before Refresh');
    const node = (await storeNodes()).find((n) => samePath(n.state.root, zarrStore()));
    assert.ok(node);
    await vscode.commands.executeCommand('xpersist.refresh', node);
    assert.equal(bar()?.sizeBytes, before + 4096);
  });

  test('xpersist.focusView shows the Caches view again', async () => {
    const h = await hooks();
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(() => !h.view.visible, 10_000, 'the Caches view hidden behind the Explorer');
    await vscode.commands.executeCommand('xpersist.focusView');
    await waitFor(() => h.view.visible, 10_000, 'the Caches view visible after Focus View');
  });
});
