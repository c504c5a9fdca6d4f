// Opening previews in the real host: an artifact from the tree's command, a .zarr folder from
// the Explorer's context-menu command, a .nc file with the custom editor.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ArtifactNode, CacheNode } from '../../src/extension/explorer/nodes';
import { contributes, inWorkspace, samePath, waitFor } from './helpers';
import { hooks } from './hooks';

suite('previews', () => {
  test('xpersist.preview opens one panel per artifact', async () => {
    const h = await hooks();
    const root = inWorkspace('caches/seed-demo');
    await waitFor(
      () => h.registry.list().find((s) => samePath(s.root, root))?.report,
      20_000,
      'seed-demo scanned',
    );
    const store = h.registry.list().find((s) => samePath(s.root, root));
    assert.ok(store);
    await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key: 'bar.zarr' });
    // The panel read the artifact's data: bar.zarr is one int64 variable over x (10).
    const target = { kind: 'artifact' as const, root: store.root, key: 'bar.zarr' };
    const model = await waitFor(() => h.previews.shownModel(target), 20_000, 'the panel got its model');
    assert.equal(model.kind, 'dataset', model.kind === 'unsupported' ? model.reason : model.kind);
    if (model.kind !== 'dataset') return;
    assert.deepEqual(model.dims, { x: 10 });
    assert.deepEqual(Object.keys(model.dataVars), ['bar']);
    assert.equal(model.dataVars.bar.dtype, 'int64');
    await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key: 'bar.zarr' });
    const targets = h.previews.openTargets().filter((t) => t.kind === 'artifact' && t.key === 'bar.zarr');
    assert.equal(targets.length, 1, 'the second call reveals the same panel');
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    await waitFor(
      () => labels().includes('Preview bar.zarr'),
      10_000,
      `a "Preview bar.zarr" tab (tabs: ${labels()})`,
    );
  });

  test('single clicks reuse one preview tab; a double click (or pinned) keeps it', async () => {
    const h = await hooks();
    const root = inWorkspace('caches/broken');
    await waitFor(
      () => h.registry.list().find((s) => samePath(s.root, root))?.report,
      20_000,
      'broken scanned',
    );
    const store = h.registry.list().find((s) => samePath(s.root, root));
    assert.ok(store?.report);
    const keys = store.report.artifacts
      .filter((a) => a.dataExists)
      .map((a) => a.key)
      .slice(0, 4);
    assert.equal(keys.length, 4, `artifacts with data: ${keys}`);
    const tabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.label)
        .filter((l) => keys.some((k) => l === `Preview ${k.split('/').pop()}`));
    const pause = () => new Promise((r) => setTimeout(r, 600));
    for (const key of keys.slice(0, 3)) {
      await pause(); // single clicks, not a double click
      await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key });
    }
    await waitFor(
      () => tabs().length === 1 && tabs()[0].endsWith(keys[2].split('/').pop() ?? ''),
      10_000,
      `one preview tab (tabs: ${tabs()})`,
    );
    assert.equal(h.previews.isPinned({ kind: 'artifact', root: store.root, key: keys[2] }), false);
    await pause();
    await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key: keys[2] });
    // A double click: the same artifact twice at once pins its tab; the next click opens another.
    await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key: keys[2] });
    assert.equal(h.previews.isPinned({ kind: 'artifact', root: store.root, key: keys[2] }), true);
    await pause();
    await vscode.commands.executeCommand('xpersist.preview', { root: store.root, key: keys[3] });
    await waitFor(() => tabs().length === 2, 10_000, `a pinned tab and a preview tab (tabs: ${tabs()})`);
    assert.equal(h.previews.isPinned({ kind: 'artifact', root: store.root, key: keys[3] }), false);
    assert.equal(
      h.previews.openTargets().filter((t) => t.kind === 'artifact' && t.root === store.root).length,
      2,
    );
  });

  test('xpersist.compareArtifacts opens the two artifacts side by side', async () => {
    const h = await hooks();
    const root = inWorkspace('caches/seed-demo');
    await waitFor(
      () => h.registry.list().find((s) => samePath(s.root, root))?.report,
      20_000,
      'seed-demo scanned',
    );
    const store = h.registry.list().find((s) => samePath(s.root, root));
    assert.ok(store?.report);
    const [a, b] = store.report.artifacts.map((x) => x.key);
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>(
      'xpersist.compareArtifacts',
      {
        left: { root: store.root, key: a },
        right: { root: store.root, key: b },
      },
    );
    assert.ok(panel, 'a compare panel');
    assert.equal(panel.viewType, 'xpersist.compare');
    assert.match(panel.title, /^Compare .+ ↔ .+$/);
    panel.dispose();
    const missing = await vscode.commands.executeCommand('xpersist.compareArtifacts', {
      left: { root: store.root, key: a },
      right: { root: store.root, key: 'no-such-key.zarr' },
    });
    assert.equal(missing, undefined, 'a missing artifact gives a message, not a panel');
  });

  test("the Caches tree's two-artifact selection opens Compare (context menu, when-clause)", async () => {
    const h = await hooks();
    const root = inWorkspace('caches/seed-demo');
    await waitFor(
      () => h.registry.list().find((s) => samePath(s.root, root))?.report,
      20_000,
      'seed-demo scanned',
    );
    const menu = (contributes().menus as Record<string, { command: string; when?: string }[]>)[
      'view/item/context'
    ].find((m) => m.command === 'xpersist.compareArtifacts');
    assert.ok(menu, 'Compare Artifacts is in the tree item context menu');
    assert.match(menu.when ?? '', /view == xpersist\.caches/);
    assert.match(menu.when ?? '', /listDoubleSelection/, 'only with exactly two items selected');
    assert.match(menu.when ?? '', /viewItem =~ \/\^artifact\//);
    const nodes = (await h.tree.getChildren()) as CacheNode[];
    const store = nodes.find((n) => n.type === 'store' && samePath(n.state.root, root));
    assert.ok(store);
    const arts = ((await h.tree.getChildren(store)) as CacheNode[]).filter(
      (n): n is ArtifactNode => n.type === 'artifact',
    );
    assert.ok(arts.length >= 2, 'two artifacts in seed-demo');
    // What VS Code passes for a context-menu command on a multi-selection: the clicked node, then
    // every selected node.
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>(
      'xpersist.compareArtifacts',
      arts[1],
      [arts[0], arts[1]],
    );
    assert.ok(panel, 'a compare panel');
    assert.equal(panel.viewType, 'xpersist.compare');
    const base = (k: string) => path.basename(k);
    assert.equal(panel.title, `Compare ${base(arts[0].artifact.key)} ↔ ${base(arts[1].artifact.key)}`);
    panel.dispose();
  });

  test('a .zarr folder previews from the Explorer command', async () => {
    const h = await hooks();
    const folder = inWorkspace('caches/seed-demo/bar.zarr');
    await vscode.commands.executeCommand('xpersist.previewFolder', vscode.Uri.file(folder));
    // A panel of its own (not the artifact's), reading the folder as a zarr store.
    const target = { kind: 'file' as const, path: folder, serializer: 'xarray.zarr' };
    const model = await waitFor(
      () => h.previews.shownModel(target),
      20_000,
      'the folder panel got its model',
    );
    assert.equal(model.kind, 'dataset', model.kind === 'unsupported' ? model.reason : model.kind);
    if (model.kind !== 'dataset') return;
    assert.deepEqual(model.dims, { x: 10 });
    assert.deepEqual(Object.keys(model.dataVars), ['bar']);
  });

  test('a netCDF file opens in the custom editor', async () => {
    const h = await hooks();
    const dir = path.join(process.env.XPERSIST_REPO_ROOT ?? '', 'test/fixtures/preview');
    const nc = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .find((f) => f.endsWith('.nc'));
    assert.ok(nc, 'a .nc fixture');
    const file = path.join(inWorkspace('.'), 'sample.nc');
    fs.copyFileSync(path.join(dir, nc), file);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'xpersist.dataPreview');
    await waitFor(
      () => h.previews.openTargets().some((t) => t.kind === 'file' && t.path === file),
      10_000,
      'the custom editor',
    );
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom);
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'xpersist.dataPreview');
  });
});
