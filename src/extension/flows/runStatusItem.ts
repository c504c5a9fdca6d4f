// While a flow runs: "$(sync~spin) my-flow · DaskExecutor · 4 workers · 12/50" in the status bar;
// a click opens the Dask dashboard (when the run has one) in VS Code's Simple Browser.
import * as vscode from 'vscode';
import { liveExecutorLabel } from '../../flows/executor';
import { type LiveRun, runProgress } from '../../flows/runEvents';
import type { FlowRunner } from './flowRunner';

export const OPEN_DASHBOARD = 'xpersist.openDaskDashboard';

export class RunStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'xpersist.run',
    vscode.StatusBarAlignment.Left,
    49,
  );
  private readonly subscriptions: vscode.Disposable[];
  private dashboard: string | null = null;

  constructor(private readonly runner: FlowRunner) {
    this.item.name = 'xpersist flow run';
    this.subscriptions = [
      runner.onDidChangeRun(({ request, run }) => this.update(request.flow ?? null, run)),
      runner.onDidEndRun(() => this.item.hide()),
      vscode.commands.registerCommand(OPEN_DASHBOARD, (url?: string) => this.openDashboard(url)),
    ];
  }

  /** The dashboard of the running (or last) Dask run. */
  get dashboardLink(): string | null {
    return this.dashboard;
  }

  private update(flow: string | null, run: LiveRun): void {
    if (!run.running) {
      this.item.hide();
      return;
    }
    const p = runProgress(run);
    const executor = run.executor ? ` · ${liveExecutorLabel(run.executor)}` : '';
    this.dashboard = run.executor?.dashboard ?? null;
    this.item.text = `$(sync~spin) ${flow ?? run.flow ?? 'flow'}${executor} · ${p.finished}/${p.total}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = { enabledCommands: [OPEN_DASHBOARD, 'xpersist.cancelRun'] };
    tip.appendText(`Running ${flow ?? run.flow ?? 'the flow'}: ${p.finished} of ${p.total} tasks finished`);
    if (run.executor?.address) tip.appendText(`\nScheduler: ${run.executor.address}`);
    if (this.dashboard) tip.appendMarkdown(`\n\n[$(dashboard) Dask dashboard](command:${OPEN_DASHBOARD})`);
    tip.appendMarkdown(' · [$(debug-stop) Cancel](command:xpersist.cancelRun)');
    this.item.tooltip = tip;
    this.item.command = this.dashboard
      ? { title: 'Open the Dask dashboard', command: OPEN_DASHBOARD }
      : undefined;
    this.item.show();
  }

  private async openDashboard(url?: string): Promise<boolean> {
    const link = url ?? this.dashboard ?? this.runner.active?.run.executor?.dashboard;
    if (!link || !/^https?:\/\//.test(link)) {
      void vscode.window.showInformationMessage(
        'No Dask dashboard: the current run does not use a Dask cluster.',
      );
      return false;
    }
    // Over Remote-SSH or in code-server the dashboard's 127.0.0.1 is the remote machine's: VS Code
    // forwards the port and gives the address to open here.
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(link));
    await vscode.commands.executeCommand('simpleBrowser.show', external.toString(true));
    return true;
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
