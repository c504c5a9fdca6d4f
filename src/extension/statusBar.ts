// "$(database) 3 stores · 1,234 artifacts · 2.3 GB" in the status bar; a click focuses the view.
import * as vscode from 'vscode';
import { formatBytes, plural } from '../common/format';
import type { StoreRegistry } from './stores/storeRegistry';

export class StoreStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'xpersist.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly registry: StoreRegistry) {
    this.item.name = 'xpersist caches';
    this.item.command = 'xpersist.focusView';
    this.subscriptions = [
      registry.onDidChangeStores(() => this.update()),
      registry.onDidUpdateStore(() => this.update()),
    ];
    this.update();
  }

  update(): void {
    const states = this.registry.list();
    if (states.length === 0) {
      this.item.hide();
      return;
    }
    const reports = states.map((s) => s.report).filter((r) => r?.isStore);
    const artifacts = reports.reduce((n, r) => n + (r?.artifacts.length ?? 0), 0);
    const bytes = reports.reduce((n, r) => n + (r?.totalBytes ?? 0), 0);
    const problems = reports.reduce((n, r) => n + (r?.problems.length ?? 0), 0);
    const scanning = states.some((s) => s.scanning);
    this.item.text = `$(${scanning ? 'sync~spin' : 'database'}) ${plural(artifacts, 'artifact')} · ${formatBytes(bytes)}${problems ? ` $(warning) ${problems}` : ''}`;
    this.item.tooltip = `xpersist: ${plural(states.length, 'cache store')}, ${plural(artifacts, 'artifact')}, ${formatBytes(bytes)}${problems ? `, ${plural(problems, 'problem')}` : ''}. Click to show the Cache Explorer.`;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
