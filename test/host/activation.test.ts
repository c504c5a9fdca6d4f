// The extension activates by itself on a workspace that contains an xpersist cache store
// (activation event `workspaceContains:**/xpersist_metadata_store/**/*.artifact.json`), and its
// activation has the effects a user sees: the workspace's stores found, scanned and shown in the
// Caches view, and an API that answers about them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CacheNode } from '../../src/extension/explorer/nodes';
import { EXTENSION_ID, extension, inWorkspace, samePath, waitFor } from './helpers';
import { hooks, scannedWorkspaceStores, writeArtifacts } from './hooks';

const SEED_KEYS = ['Wednesday-sample_flow-foo_task.zarr', 'bar.zarr'];

suite('activation', () => {
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

  test('after activation the Caches view shows the workspace stores, scanned, with their artifacts', async () => {
    const h = await hooks();
    // Nothing asked for a scan: activation's discovery found the stores and scanned them.
    const { seed, broken, stores } = await scannedWorkspaceStores();
    const seedNode = stores.find((n) => samePath(n.state.root, seed));
    const brokenNode = stores.find((n) => samePath(n.state.root, broken));
    assert.ok(seedNode && brokenNode, `store nodes: ${stores.map((n) => n.state.root)}`);
    assert.match(String(h.tree.getTreeItem(seedNode).description), /^2 artifacts · \d/);
    const kinds = ((await h.tree.getChildren(brokenNode)) as CacheNode[]).map((n) => n.type);
    assert.ok(kinds.includes('problems'), `caches/broken shows its problems: ${kinds}`);
  });

  test('the API activate() returns lists the stores, reports on them and refreshes', async () => {
    const ext = extension();
    const xp = ext.isActive ? ext.exports : await ext.activate();
    assert.ok(xp, 'activate() returned nothing');
    const stores = await xp.listStores();
    for (const rel of ['caches/seed-demo', 'caches/broken']) {
      const s = stores.find((x) => samePath(x.root, inWorkspace(rel)));
      assert.ok(s, `${rel} not in ${JSON.stringify(stores.map((x) => x.root))}`);
      assert.equal(s.source, 'workspace');
      assert.equal(s.readonly, false);
    }
    const seed = stores.find((x) => samePath(x.root, inWorkspace('caches/seed-demo')));
    const report = await xp.getReport(seed?.root ?? '');
    assert.deepEqual(report?.artifacts.map((a) => a.key).sort(), SEED_KEYS);
    assert.equal(await xp.getReport(inWorkspace('.')), undefined, 'no report for a folder that is no store');
    // A store made after activation is found by refresh() (no watcher looks for new stores).
    const fresh = path.join(inWorkspace('caches'), 'activation-fresh');
    const keys = writeArtifacts(fresh, 2, 'act');
    try {
      await xp.refresh();
      const found = (await xp.listStores()).find((x) => samePath(x.root, fresh));
      assert.ok(found, 'refresh() found the new store');
      assert.deepEqual((await xp.getReport(found.root))?.artifacts.map((a) => a.key).sort(), keys);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
      await xp.refresh();
    }
  });
});
