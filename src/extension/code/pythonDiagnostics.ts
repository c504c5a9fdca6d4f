// The analysis' findings in the Problems panel (f-string targets, zarr without mode "w", missing
// store folders...) plus the pre-run checks (nested keys without auto_mkdir, serializers the
// selected interpreter's xpersist does not register), refreshed with the analysis; quick fixes
// for the ones that have one.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TextEdit } from '../../flows/preRunChecks';
import type { InterpreterSerializers } from '../flows/interpreterSerializers';
import { pythonAnalysis } from '../lazyModules';
import type { PythonInsights } from './pythonInsights';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

const fixKey = (d: vscode.Diagnostic) => `${d.range.start.line}|${String(d.code)}|${d.message}`;

export class PythonDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('xpersist');
  private readonly subs: vscode.Disposable[];
  /** The quick fixes of each file's diagnostics, by `fixKey` (diagnostics may be copied on the way). */
  private readonly fixes = new Map<string, Map<string, { edit: TextEdit; version: number }>>();

  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly insights: PythonInsights,
    private readonly serializers: InterpreterSerializers,
  ) {
    this.subs = [
      insights.onDidChange((uri) => (uri ? this.update(uri) : this.updateAll())),
      serializers.onDidChange(() => this.updateAll()),
    ];
    this.updateAll();
  }

  private updateAll(): void {
    for (const i of this.insights.all()) this.update(i.uri);
  }

  private update(uri: vscode.Uri): void {
    const insight = this.insights.get(uri);
    if (!insight) {
      this.fixes.delete(uri.toString());
      this.collection.delete(uri);
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const analysis = pythonAnalysis();
    const preRun = doc
      ? analysis.preRunDiagnostics(insight.analysis, doc.getText(), {
          now: insight.evaluatedAt,
          storeRoots: insight.storeRoots,
          exists: existsSync,
          serializers: this.serializers.get(uri),
        })
      : [];
    const all = [
      ...analysis.mergeDiagnostics(insight.analysis.diagnostics, preRun),
      ...analysis.storeDiagnostics(insight.analysis, insight.pathContext, existsSync),
    ];
    const fixes = new Map<string, { edit: TextEdit; version: number }>();
    this.fixes.set(uri.toString(), fixes);
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
        if ('fix' in d && d.fix && doc)
          fixes.set(fixKey(diag), { edit: d.fix as TextEdit, version: doc.version });
        return diag;
      }),
    );
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      const fix = this.fixes.get(doc.uri.toString())?.get(fixKey(diag));
      // An offset is only valid for the text it was computed on.
      if (!fix || fix.version !== doc.version) continue;
      const action = new vscode.CodeAction(fix.edit.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.insert(doc.uri, doc.positionAt(fix.edit.offset), fix.edit.insert);
      action.diagnostics = [diag];
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.collection.dispose();
  }
}
