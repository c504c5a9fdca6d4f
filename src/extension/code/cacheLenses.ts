// Code lenses: above each task with a target, its cache state and actions (Preview, Invalidate,
// Reveal in Cache Explorer, Rerun); above each `with Flow(...)`, Show Flow Graph and Run Flow.
// Which lenses and what they say is src/flows/codeLenses.ts; this adapts them to VS Code.
// Lenses exist as soon as the file is analysed, before stores are scanned, so lines never jump.
import * as vscode from 'vscode';
import { type LensSpec, planLenses } from '../../flows/codeLenses';
import type { WriteAccess } from '../../flows/taskActions';
import type { PythonInsights } from './pythonInsights';

export type { TaskRef } from '../../flows/codeLenses';

/** A lens planned by `planLenses`, placed at the start of its line. */
function toCodeLens(l: LensSpec): vscode.CodeLens {
  const line = Math.max(0, l.line - 1);
  return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
    title: l.title,
    tooltip: l.tooltip,
    command: l.command,
    arguments: l.arguments,
  });
}

export class CacheLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly insights: PythonInsights,
    /** Asked on every lens request: trust and read-only modes change while the file is open. */
    private readonly access: () => WriteAccess,
  ) {
    this.sub = vscode.Disposable.from(
      insights.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  /** Lenses again, e.g. after a store's read-only mode changed. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('xpersist', doc.uri).get<boolean>('codeLens.enabled', true))
      return [];
    const insight = this.insights.get(doc.uri) ?? this.insights.analyzeNow(doc);
    if (!insight || insight.analysis.prefect === 2) return [];
    return planLenses({
      uri: insight.uri.toString(),
      analysis: insight.analysis,
      flows: insight.flows,
      evaluatedAt: insight.evaluatedAt,
      asOfGiven: this.insights.asOf !== null,
      access: this.access(),
    }).map(toCodeLens);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
