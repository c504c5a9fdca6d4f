// The flow graph panel: one per flow, redrawn as the file is edited, as stores change and as a
// run reports task states. The webview keeps zoom and selection across updates and reloads.
import path from 'node:path';
import * as vscode from 'vscode';
import type { FlowStates } from '../../flows/fileStates';
import type { GraphViewModel, GraphViewNode } from '../../flows/graphView';
import type { LiveRun } from '../../flows/runEvents';
import type { WriteAccess } from '../../flows/taskActions';
import {
  ExportSvg,
  GraphError,
  type GraphUiState,
  Invalidate,
  OpenDashboard,
  OpenTraceback,
  Preview,
  Ready,
  Rerun,
  Reveal,
  RunFlow,
  SaveState,
  ShowGraph,
} from '../../webview/graph/protocol';
import { IpcPeer } from '../../webview/ipc';
import type { TaskRef } from '../code/cacheLenses';
import type { PythonInsights } from '../code/pythonInsights';
import type { TaskCommands } from '../code/taskCommands';
import { graphViews } from '../lazyModules';
import { log } from '../log';
import { webviewHtml, webviewOptions } from '../preview/previewPanel';
import type { FlowRunner } from './flowRunner';
import { OPEN_DASHBOARD } from './runStatusItem';
import { sourceChanges } from './sourceChanges';

export const GRAPH_VIEW_TYPE = 'xpersist.flowGraph';

interface OpenGraph {
  panel: vscode.WebviewPanel;
  uri: vscode.Uri;
  flowIndex: number;
  state: GraphUiState;
  /** Typed messages to and from this panel's webview (validated on arrival). */
  peer: IpcPeer;
  timer?: NodeJS.Timeout;
  lastModel?: GraphViewModel;
}

export class GraphPanels implements vscode.Disposable {
  private readonly open = new Map<string, OpenGraph>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The last live run per flow file + name, so a graph opened afterwards shows it. */
  private readonly runs = new Map<string, LiveRun>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly insights: PythonInsights,
    private readonly tasks: TaskCommands,
    runner: FlowRunner,
    /** Trust and read-only modes, asked at each redraw (see flows/taskActions.ts). */
    private readonly access: () => WriteAccess,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: GraphUiState | undefined) => {
          if (!state?.uri) {
            panel.dispose();
            return;
          }
          this.attach(panel, vscode.Uri.parse(state.uri), state.flowIndex ?? 0, state);
        },
      }),
      insights.onDidChange((uri) => {
        for (const g of this.open.values()) if (!uri || uri.toString() === g.uri.toString()) this.schedule(g);
      }),
      runner.onDidChangeRun(({ request, run }) => {
        this.runs.set(this.runKey(request.file, run.flow), run);
        for (const g of this.open.values()) if (g.uri.fsPath === request.file) this.schedule(g, 50);
      }),
    );
  }

  private runKey(file: string, flow: string | null): string {
    return `${file}\0${flow ?? ''}`;
  }

  /** Models currently shown (for tests). */
  models(): GraphViewModel[] {
    return [...this.open.values()].map((g) => g.lastModel).filter((m): m is NonNullable<typeof m> => !!m);
  }

  async show(ref?: TaskRef): Promise<vscode.WebviewPanel | undefined> {
    const r = await this.tasks.resolve(ref);
    if (!r) return undefined;
    const key = `${r.doc.uri.toString()}#${r.flow.flow}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal();
      if (ref?.node) {
        existing.state.selected = ref.node;
        this.schedule(existing, 0);
      }
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      GRAPH_VIEW_TYPE,
      `Flow ${r.flow.name ?? path.basename(r.doc.uri.fsPath)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      webviewOptions(this.extensionUri),
    );
    this.attach(panel, r.doc.uri, r.flow.flow, {
      uri: r.doc.uri.toString(),
      flowIndex: r.flow.flow,
      selected: ref?.node ?? null,
    });
    return panel;
  }

  private attach(panel: vscode.WebviewPanel, uri: vscode.Uri, flowIndex: number, state: GraphUiState): void {
    const key = `${uri.toString()}#${flowIndex}`;
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'xpersist.svg');
    const peer = new IpcPeer((m) => void panel.webview.postMessage(m), {
      validate: true,
      onInvalid: (why) => log().warn(`Ignored a message from the flow graph: ${why}`),
    });
    const g: OpenGraph = { panel, uri, flowIndex, state, peer };
    this.open.set(key, g);
    this.handle(g);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'graph', panel.title);
    panel.webview.onDidReceiveMessage((m) => peer.receive(m));
    panel.onDidDispose(() => {
      peer.dispose();
      clearTimeout(g.timer);
      if (this.open.get(key) === g) this.open.delete(key);
    });
  }

  private schedule(g: OpenGraph, delay = 200): void {
    clearTimeout(g.timer);
    g.timer = setTimeout(() => void this.send(g), delay);
  }

  private async flowOf(g: OpenGraph): Promise<{ doc: vscode.TextDocument; flow: FlowStates } | undefined> {
    const doc = await vscode.workspace.openTextDocument(g.uri);
    const insight = this.insights.get(g.uri) ?? this.insights.analyzeNow(doc);
    const flow = insight?.flows[g.flowIndex];
    return flow && insight ? { doc, flow } : undefined;
  }

  private async send(g: OpenGraph): Promise<void> {
    try {
      const f = await this.flowOf(g);
      if (!f) {
        g.peer.sendNotification(GraphError, {
          message: `Flow #${g.flowIndex + 1} is no longer in ${path.basename(g.uri.fsPath)}.`,
        });
        return;
      }
      const insight = this.insights.get(g.uri);
      if (!insight) return;
      const changes = await sourceChanges(f.doc, insight.analysis, f.flow);
      const live = this.runs.get(this.runKey(g.uri.fsPath, f.flow.name)) ?? null;
      const model = graphViews().buildGraphView(f.flow, g.uri.fsPath, {
        now: insight.evaluatedAt,
        sourceChanges: changes,
        live,
        access: this.access(),
      });
      g.lastModel = model;
      g.panel.title = `Flow ${f.flow.name ?? path.basename(g.uri.fsPath)}`;
      g.peer.sendNotification(ShowGraph, { model, state: g.state });
    } catch (err) {
      log().error(`Flow graph failed: ${(err as Error).stack ?? err}`);
      g.peer.sendNotification(GraphError, { message: (err as Error).message });
    }
  }

  /** What the webview may ask: each message's params already checked against its schema. */
  private handle(g: OpenGraph): void {
    const ref = (node?: string): TaskRef => ({ uri: g.uri.toString(), flowIndex: g.flowIndex, node });
    const keep = (patch: GraphUiState) => {
      g.state = { ...g.state, ...patch, uri: g.uri.toString(), flowIndex: g.flowIndex };
    };
    const nodeOf = (id: string) => g.lastModel?.nodes.find((n) => n.id === id);
    const p = g.peer;
    p.onNotification(Ready, async (state) => {
      keep(state);
      await this.send(g);
    });
    p.onNotification(SaveState, keep);
    p.onNotification(Reveal, ({ node }) => this.reveal(g, nodeOf(node)));
    p.onNotification(Preview, ({ node }) => this.preview(nodeOf(node)));
    p.onNotification(Invalidate, ({ node, downstream }) => this.tasks.invalidate(ref(node), downstream));
    p.onNotification(Rerun, ({ node, downstream }) => this.tasks.rerun(ref(node), downstream));
    p.onNotification(RunFlow, () => this.tasks.runFlow(ref()));
    p.onNotification(OpenDashboard, () =>
      vscode.commands.executeCommand(OPEN_DASHBOARD, g.lastModel?.executor?.dashboard ?? undefined),
    );
    p.onNotification(OpenTraceback, ({ node }) => this.openTraceback(nodeOf(node)));
    p.onNotification(ExportSvg, ({ svg }) => this.exportSvg(g, svg));
  }

  private async reveal(g: OpenGraph, node: GraphViewNode | undefined): Promise<void> {
    if (!node) return;
    const editor = await vscode.window.showTextDocument(g.uri, {
      viewColumn: vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const pos = new vscode.Position(Math.max(0, node.line - 1), 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async preview(node: GraphViewNode | undefined): Promise<void> {
    if (node?.storeRoot && node.previewKey) {
      await vscode.commands.executeCommand('xpersist.preview', {
        root: node.storeRoot,
        key: node.previewKey,
      });
    } else if (node) {
      void vscode.window.showInformationMessage(
        `${node.label}: nothing cached to preview (${node.statusLabel}).`,
      );
    }
  }

  private async openTraceback(node: GraphViewNode | undefined): Promise<void> {
    const live = node?.live;
    if (!live?.traceback) return;
    if (live.where) {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(live.where.file), {
        viewColumn: vscode.ViewColumn.One,
      });
      const pos = new vscode.Position(Math.max(0, live.where.line - 1), 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos));
    }
    const doc = await vscode.workspace.openTextDocument({
      content: `${node?.label}: ${live.exception ?? ''}\n\n${live.traceback}`,
      language: 'plaintext',
    });
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: true,
    });
  }

  private async exportSvg(g: OpenGraph, svg: string): Promise<void> {
    const folder =
      vscode.workspace.getWorkspaceFolder(g.uri)?.uri ?? vscode.Uri.file(path.dirname(g.uri.fsPath));
    const name = `${(g.lastModel?.flow ?? 'flow').replace(/[^\w.-]+/g, '_')}.svg`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: { SVG: ['svg'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(svg, 'utf8'));
    void vscode.window.showInformationMessage(`Saved the flow graph to ${target.fsPath}`);
  }

  dispose(): void {
    for (const g of this.open.values()) g.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
