// The getting-started walkthrough's commands and completion events (package.json walkthroughs).
// Each step completes on what really happened, not on a button press: the Caches view shown with
// a scanned store, a preview opened (xpersist.preview sets its key), a flow run that succeeded.
// What to open is decided in src/explorer/walkthrough.ts.
import * as vscode from 'vscode';
import {
  pickDemoArtifact,
  pickDemoStore,
  pickSeedFlow,
  WALKTHROUGH_CONTEXT,
} from '../../explorer/walkthrough';
import type { FlowRunner } from '../flows/flowRunner';
import type { StoreRegistry } from '../stores/storeRegistry';
import type { CacheTreeProvider } from './cacheTreeProvider';
import type { CacheNode } from './nodes';

export function markWalkthroughStep(key: string): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

interface WalkthroughDeps {
  registry: StoreRegistry;
  tree: CacheTreeProvider;
  view: vscode.TreeView<CacheNode>;
  runner: FlowRunner;
}

/** The demo store, scanned; null (and Add Cache Store offered) when the workspace has none. */
async function demoStore(registry: StoreRegistry) {
  const state = pickDemoStore(registry.list());
  if (!state) {
    const add = 'Add Cache Store...';
    if (
      (await vscode.window.showInformationMessage('No xpersist cache store in this workspace.', add)) === add
    )
      await vscode.commands.executeCommand('xpersist.addStore');
    return null;
  }
  if (!state.report) await registry.scan(state.root);
  return registry.get(state.root) ?? state;
}

async function openDemoStore({ registry, tree, view }: WalkthroughDeps): Promise<string | undefined> {
  const state = await demoStore(registry);
  if (!state) return undefined;
  await vscode.commands.executeCommand('xpersist.caches.focus');
  // A view shown just now may not hold its root rows yet ("Data tree node not found"): the
  // reveal is retried while the view loads them.
  for (let attempt = 0; ; attempt++) {
    try {
      await view.reveal(tree.storeNode(state), { select: true, focus: true, expand: true });
      return state.root;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function previewDemoArtifact({ registry }: WalkthroughDeps) {
  const state = await demoStore(registry);
  if (!state) return undefined;
  const a = pickDemoArtifact(state.report);
  if (!a) {
    void vscode.window.showInformationMessage(`${state.name} has no artifact to preview yet.`);
    return undefined;
  }
  return vscode.commands.executeCommand('xpersist.preview', { root: state.root, key: a.key });
}

async function runSeedFlow(): Promise<boolean> {
  const files = await vscode.workspace.findFiles('**/seed_flow.py', '**/{node_modules,.venv}/**', 50);
  const file = pickSeedFlow(files.map((f) => f.fsPath));
  if (!file) {
    void vscode.window.showInformationMessage(
      'No flows/seed_flow.py in this workspace: open a Prefect flow file and use Run Flow above its flow.',
    );
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  // The seed file's first flow, "my-flow": get_data caches bar.zarr.
  return Boolean(
    await vscode.commands.executeCommand('xpersist.runFlow', { uri: doc.uri.toString(), flowIndex: 0 }),
  );
}

export function registerWalkthrough(deps: WalkthroughDeps): vscode.Disposable[] {
  const { registry, view, runner } = deps;
  const storeShown = () => {
    if (view.visible && registry.list().some((s) => s.report?.isStore))
      markWalkthroughStep(WALKTHROUGH_CONTEXT.storeOpened);
  };
  storeShown();
  return [
    view.onDidChangeVisibility(storeShown),
    registry.onDidUpdateStore(storeShown),
    runner.onDidEndRun((o) => {
      if (!o.cancelled && o.exitCode === 0) markWalkthroughStep(WALKTHROUGH_CONTEXT.flowRan);
    }),
    vscode.commands.registerCommand('xpersist.walkthrough.openDemoStore', () => openDemoStore(deps)),
    vscode.commands.registerCommand('xpersist.walkthrough.previewArtifact', () => previewDemoArtifact(deps)),
    vscode.commands.registerCommand('xpersist.walkthrough.runSeedFlow', runSeedFlow),
  ];
}
