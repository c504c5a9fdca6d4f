// What the manifest contributes is handled at runtime: its commands are the ones activate()
// registers (both ways), the commands its menus, keybindings, welcome view and walkthrough name
// exist, its view has a provider that lists the workspace's stores, and its custom editors open
// their files in a preview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CacheNode } from '../../src/extension/explorer/nodes';
import { contributes, inWorkspace, samePath, waitFor } from './helpers';
import { hooks, scannedWorkspaceStores } from './hooks';

/** Command ids in `command:` links of markdown (welcome views, walkthrough steps). */
const linkedCommands = (text: string): string[] =>
  [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]).filter((c) => c.startsWith('xpersist.'));

/** Artifact keys below a node, through the groups the current grouping makes. */
async function artifactKeys(tree: vscode.TreeDataProvider<CacheNode>, node: CacheNode): Promise<string[]> {
  const keys: string[] = [];
  for (const n of ((await tree.getChildren(node)) ?? []) as CacheNode[]) {
    if (n.type === 'artifact') keys.push(n.artifact.key);
    else if (n.type === 'group') keys.push(...(await artifactKeys(tree, n)));
  }
  return keys.sort();
}

suite('contributions', () => {
  test('the contributed commands are exactly the xpersist commands registered at runtime', async () => {
    await hooks(); // activated
    const contributed = (contributes().commands ?? []).map((c) => c.command).sort();
    // VS Code itself registers `<view id>.<action>` (focus, resetViewLocation...) for the view.
    const views = Object.values(contributes().views ?? {})
      .flat()
      .map((v) => `${v.id}.`);
    const registered = (await vscode.commands.getCommands(true))
      .filter((c) => c.startsWith('xpersist.') && !views.some((v) => c.startsWith(v)))
      .sort();
    assert.deepEqual(registered, contributed);
  });

  test('every command a menu, keybinding, welcome view or walkthrough step names is registered', async () => {
    await hooks();
    const c = contributes() as Record<string, unknown> & {
      menus?: Record<string, { command: string }[]>;
      keybindings?: { command: string }[];
      viewsWelcome?: { contents: string }[];
      walkthroughs?: { steps: { description: string }[] }[];
    };
    const named = new Set([
      ...Object.values(c.menus ?? {})
        .flat()
        .map((m) => m.command),
      ...(c.keybindings ?? []).map((k) => k.command),
      ...(c.viewsWelcome ?? []).flatMap((w) => linkedCommands(w.contents)),
      ...(c.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((s) => linkedCommands(s.description))),
    ]);
    assert.ok(named.has('xpersist.invalidate') && named.has('xpersist.walkthrough.openDemoStore'));
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      [...named].filter((id) => !registered.has(id)),
      [],
      'named by the manifest but not registered',
    );
  });

  test('the xpersist container opens the Caches view, whose provider lists the workspace stores', async () => {
    const h = await hooks();
    const views = Object.values(contributes().views ?? {}).flat();
    assert.deepEqual(
      views.map((v) => v.id),
      ['xpersist.caches'],
      'a view without a check here: add what its provider must show',
    );
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(() => !h.view.visible, 10_000, 'the Caches view hidden behind the Explorer');
    // Generated from the manifest's view container: it shows the extension's tree view.
    await vscode.commands.executeCommand('workbench.view.extension.xpersist');
    await waitFor(() => h.view.visible, 10_000, 'the Caches view visible');
    const { seed, broken, stores: roots } = await scannedWorkspaceStores();
    const seedNode = roots.find((n) => samePath(n.state.root, seed));
    assert.ok(seedNode, `a seed-demo store node among ${roots.map((n) => n.state.root)}`);
    assert.ok(
      roots.some((n) => samePath(n.state.root, broken)),
      'a store node for caches/broken',
    );
    assert.deepEqual(await artifactKeys(h.tree, seedNode), [
      'Wednesday-sample_flow-foo_task.zarr',
      'bar.zarr',
    ]);
  });

  test('each contributed custom editor opens a file of its selector in a preview', async () => {
    const h = await hooks();
    const editors = (contributes().customEditors ?? []) as {
      viewType: string;
      selector: { filenamePattern: string }[];
    }[];
    // A fixture per editor: the first file pattern of its selector.
    const fixture: Record<string, [string, string]> = {
      'xpersist.dataPreview': ['netcdf/nc3_classic.nc', 'dataset'],
      'xpersist.tablePreview': ['csv/default_index.csv', 'table'],
    };
    assert.deepEqual(editors.map((e) => e.viewType).sort(), Object.keys(fixture).sort());
    for (const e of editors) {
      const [rel, kind] = fixture[e.viewType];
      const src = path.join(process.env.XPERSIST_REPO_ROOT ?? '', 'test/fixtures/preview', rel);
      const pattern = e.selector[0].filenamePattern;
      assert.ok(pattern.startsWith('*.') && src.endsWith(pattern.slice(1)), `${src} matches ${pattern}`);
      const file = path.join(inWorkspace('.'), `contrib-${path.basename(src)}`);
      fs.copyFileSync(src, file);
      // Awaited after the panel shows: without a provider for the view type, VS Code waits for
      // one to register and openWith does not settle, so the wait below says what is missing.
      const opening = vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), e.viewType);
      const target = await waitFor(
        () => h.previews.openTargets().find((t) => t.kind === 'file' && samePath(t.path, file)),
        15_000,
        `${e.viewType} previews ${path.basename(file)}`,
      );
      // The webview asked for the data and got it read: not only a panel.
      await opening;
      const model = await waitFor(() => h.previews.shownModel(target), 20_000, `${rel} described`);
      assert.equal(model.kind, kind, model.kind === 'unsupported' ? model.reason : model.kind);
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.ok(
        tab?.input instanceof vscode.TabInputCustom,
        `the active tab is a custom editor: ${tab?.label}`,
      );
      assert.equal(tab.input.viewType, e.viewType);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});
