// Activation: wires the layers below to VS Code. Nothing here blocks activation on disk work:
// discovery and scans run after activate() returns, and the view shows their progress.
import path from 'node:path';
import * as vscode from 'vscode';
import type { WriteAccess } from '../flows/taskActions';
import type { XpersistApi } from './api';
import { CacheLensProvider } from './code/cacheLenses';
import { PythonDiagnostics } from './code/pythonDiagnostics';
import { PythonInsights } from './code/pythonInsights';
import { TargetHoverProvider } from './code/targetHover';
import { registerTaskCommands, TaskCommands } from './code/taskCommands';
import { CacheTreeProvider } from './explorer/cacheTreeProvider';
import { mutationRefusal, registerExplorerCommands } from './explorer/explorerCommands';
import { IntegrityReport } from './explorer/integrityReport';
import type { CacheNode } from './explorer/nodes';
import { StoreDecorations } from './explorer/storeDecorations';
import { registerWalkthrough } from './explorer/walkthrough';
import { ExecutorChoices } from './flows/executorChoice';
import { FlowRunner } from './flows/flowRunner';
import { GraphPanels } from './flows/graphPanel';
import { InterpreterSerializers } from './flows/interpreterSerializers';
import { RunStatusItem } from './flows/runStatusItem';
import { log } from './log';
import { registerPreview } from './preview/previewCommands';
import { PreviewManager } from './preview/previewManager';
import { StartupTimes } from './startupTimes';
import { StoreStatusBar } from './statusBar';
import { StoreCredentials } from './stores/credentials';
import { registerSidecarObjects } from './stores/sidecarDocuments';
import { StoreRegistry } from './stores/storeRegistry';
import { setDialogResponder, setNoticeResponder } from './ui/dialogs';

// The order below is the activation order, and activation speed is benchmarked (`npm run bench`):
// the explorer first, then the code features, then discovery, which runs after activate() returns.
export function activate(context: vscode.ExtensionContext): XpersistApi {
  const startup = new StartupTimes();
  const explorer = activateExplorer(context, startup);
  const code = activateCodeFeatures(context, explorer);
  const ready = startDiscovery(explorer.registry, startup);
  startup.activated();
  log().info(`xpersist activated (VS Code ${vscode.version})`);
  return makeApi(ready, explorer, code);
}

/** What the explorer part of activation made that the code features and the API use. */
interface Explorer {
  registry: StoreRegistry;
  serializers: InterpreterSerializers;
  tree: CacheTreeProvider;
  view: vscode.TreeView<CacheNode>;
  previews: PreviewManager;
}

/** The stores, the Caches view, its commands and the previews. */
function activateExplorer(context: vscode.ExtensionContext, startup: StartupTimes): Explorer {
  // Scan indexes live in the extension's own storage, never in a user's store.
  // Credentials typed in for stores on object storage: SecretStorage only, merged in on open.
  const credentials = new StoreCredentials(context.secrets);
  const registry = new StoreRegistry(path.join(context.globalStorageUri.fsPath, 'scan-index'), (root) =>
    credentials.get(root),
  );
  // Asked once per interpreter; the tree marks artifacts it cannot load, diagnostics warn in code.
  const serializers = new InterpreterSerializers();
  const tree = new CacheTreeProvider(registry, context.workspaceState, startup, () =>
    serializers.get(vscode.workspace.workspaceFolders?.[0]?.uri),
  );
  const integrity = new IntegrityReport(
    registry,
    () => serializers.get(vscode.workspace.workspaceFolders?.[0]?.uri),
    mutationRefusal,
  );
  const view = vscode.window.createTreeView<CacheNode>('xpersist.caches', {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  tree.visible = () => view.visible;
  const updateFilterUi = () => showFilter(registry, tree, view);
  context.subscriptions.push(
    registry,
    registerSidecarObjects(registry),
    tree,
    view,
    new StoreStatusBar(registry),
    vscode.window.registerFileDecorationProvider(new StoreDecorations(registry)),
    registry.onDidUpdateStore(() => {
      if (tree.filter) updateFilterUi();
    }),
    integrity,
    serializers.onDidChange(() => tree.serializersChanged()),
    ...registerExplorerCommands({ registry, credentials, tree, view, integrity, updateFilterUi }),
  );
  const previews = new PreviewManager(context.extensionUri, registry);
  context.subscriptions.push(previews, ...registerPreview(registry, previews));
  return { registry, serializers, tree, view, previews };
}

/** The view's description, message and `xpersist.filterActive` context for the tree's filter. */
function showFilter(
  registry: StoreRegistry,
  tree: CacheTreeProvider,
  view: vscode.TreeView<CacheNode>,
): void {
  const f = tree.filter;
  view.description = f ? `filter: ${f.text}` : undefined;
  void vscode.commands.executeCommand('setContext', 'xpersist.filterActive', !!f);
  if (!f) view.message = undefined;
  else {
    const shown = registry.list().reduce((n, s) => n + (tree.model(s)?.shown ?? 0), 0);
    const total = registry.list().reduce((n, s) => n + (s.report?.artifacts.length ?? 0), 0);
    view.message = `Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} artifacts matching "${f.text}".`;
  }
}

/** What the code features made that the API's test hooks hand out. */
interface CodeFeatures {
  insights: PythonInsights;
  runner: FlowRunner;
  graphs: GraphPanels;
  taskCommands: TaskCommands;
}

/** Python analysis in the editor: lenses, diagnostics, hovers, task commands, flow runs and graphs. */
function activateCodeFeatures(context: vscode.ExtensionContext, explorer: Explorer): CodeFeatures {
  const { registry, serializers, tree, view } = explorer;
  const insights = new PythonInsights(registry);
  const executors = new ExecutorChoices(context.workspaceState);
  const runner = new FlowRunner(context.extensionUri, executors);
  const taskCommands = new TaskCommands(insights, registry, runner);
  // Asked at each lens request and graph redraw: trust and a store's read-only mode can change.
  const writeAccess = (): WriteAccess => ({
    trusted: vscode.workspace.isTrusted,
    readonlyReason: (root) => {
      const s = registry.get(root);
      return s?.readonly ? (s.readonlyReason ?? 'read-only') : null;
    },
  });
  const graphs = new GraphPanels(context.extensionUri, insights, taskCommands, runner, writeAccess);
  const lenses = new CacheLensProvider(insights, writeAccess);
  const python = { language: 'python', scheme: 'file' };
  const diagnostics = new PythonDiagnostics(insights, serializers);
  context.subscriptions.push(
    insights,
    runner,
    graphs,
    lenses,
    serializers,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(python, diagnostics, {
      providedCodeActionKinds: PythonDiagnostics.providedCodeActionKinds,
    }),
    vscode.languages.registerCodeLensProvider(python, lenses),
    vscode.languages.registerHoverProvider(python, new TargetHoverProvider(insights)),
    ...registerTaskCommands(taskCommands, (ref) => graphs.show(ref)),
    runner.onDidEndRun(() => {
      insights.registerExistingStores();
      void registry.scanAll();
    }),
    new RunStatusItem(runner),
    ...registerWalkthrough({ registry, tree, view, runner }),
    vscode.commands.registerCommand('xpersist.selectExecutor', (choice?: unknown) =>
      executors.pick(choice, vscode.window.activeTextEditor?.document),
    ),
  );
  return { insights, runner, graphs, taskCommands };
}

/** Starts store discovery without waiting for it; the promise settles when it is done. */
function startDiscovery(registry: StoreRegistry, startup: StartupTimes): Promise<void> {
  return registry
    .discover()
    .then(() =>
      startup.discovered(
        registry.list().map((s) => s.root),
        registry.lastDiscoveryMs,
      ),
    )
    .catch((err) => log().error(`Store discovery failed: ${err?.stack ?? err}`));
}

/** The API activate() returns; its calls wait for the first discovery. */
function makeApi(ready: Promise<void>, explorer: Explorer, code: CodeFeatures): XpersistApi {
  const { registry, tree, view, previews, serializers } = explorer;
  const api: XpersistApi = {
    async listStores() {
      await ready;
      return registry.list().map(({ root, name, source, readonly }) => ({ root, name, source, readonly }));
    },
    async getReport(root) {
      await ready;
      const s = registry.get(root);
      if (!s) return undefined;
      return s.report ?? (await registry.scan(root));
    },
    async refresh() {
      await registry.discover();
      await registry.scanAll();
    },
  };
  if (process.env.XPERSIST_TEST_MODE === '1') {
    const { insights, runner, graphs, taskCommands } = code;
    Object.assign(api, {
      test: {
        registry,
        tree,
        view,
        previews,
        insights,
        runner,
        graphs,
        taskCommands,
        serializers,
        setDialogResponder,
        setNoticeResponder,
      },
    });
  }
  return api;
}

export function deactivate(): void {}
