// The analysis' findings in the Problems panel (f-string targets, zarr without mode "w", missing
// store folders...), refreshed with the analysis.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { pythonAnalysis } from '../lazyModules';
import type { PythonInsights } from './pythonInsights';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class PythonDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('xpersist');
  private readonly sub: vscode.Disposable;

  constructor(private readonly insights: PythonInsights) {
    this.sub = insights.onDidChange((uri) => (uri ? this.update(uri) : this.updateAll()));
    this.updateAll();
  }

  private updateAll(): void {
    for (const i of this.insights.all()) this.update(i.uri);
  }

  private update(uri: vscode.Uri): void {
    const insight = this.insights.get(uri);
    if (!insight) {
      this.collection.delete(uri);
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const all = [
      ...insight.analysis.diagnostics,
      ...pythonAnalysis().storeDiagnostics(insight.analysis, insight.pathContext, existsSync),
    ];
    this.collection.set(
      uri,
      all.map((d) => {
        const line = Math.max(0, d.line - 1);
        const text = doc && line < doc.lineCount ? doc.lineAt(line) : undefined;
        const range = text
          ? new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length)
          : new vscode.Range(line, 0, line, 0);
        const diag = new vscode.Diagnostic(
          range,
          d.message,
          SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Warning,
        );
        diag.source = 'xpersist';
        diag.code = d.code;
        return diag;
      }),
    );
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}
