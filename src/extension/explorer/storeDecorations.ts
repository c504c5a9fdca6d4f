// The warning badge on stores whose scan found problems (a tree item's resourceUri is decorated
// like a file in the Explorer).
import * as vscode from 'vscode';
import type { StoreRegistry } from '../stores/storeRegistry';
import { STORE_URI_SCHEME } from './nodes';

export class StoreDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: StoreRegistry) {
    this.subscription = registry.onDidUpdateStore((s) =>
      this.changed.fire([vscode.Uri.from({ scheme: STORE_URI_SCHEME, path: s.root })]),
    );
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== STORE_URI_SCHEME) return undefined;
    const r = this.registry.get(uri.path)?.report;
    if (!r?.isStore || r.problems.length === 0) return undefined;
    const n = r.problems.length;
    return new vscode.FileDecoration(
      // A badge holds at most two characters.
      n > 99 ? '!' : String(n),
      `${n} problem${n === 1 ? '' : 's'} found by the last scan`,
      new vscode.ThemeColor('list.warningForeground'),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
