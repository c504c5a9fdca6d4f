// Code lenses: above each task with a target, its cache state and actions (Preview, Invalidate,
// Reveal in Cache Explorer, Rerun); above each `with Flow(...)`, Show Flow Graph and Run Flow.
// Lenses exist as soon as the file is analysed, before stores are scanned, so lines never jump.
import * as vscode from 'vscode';
import type { TaskCacheState } from '../../flows/cacheState';
import { lensLabel } from '../../flows/labels';
import { STATUS } from '../../flows/status';
import { invalidationKeys, offersInvalidate, offersRerun, type WriteAccess } from '../../flows/taskActions';
import type { PythonInsights } from './pythonInsights';

interface Use {
  flow: string | null;
  flowIndex: number;
  s: TaskCacheState;
}

/** What lens and graph commands receive to find a task use or a flow again. */
export interface TaskRef {
  uri: string;
  flowIndex: number;
  node?: string;
}

export function lensTitle(s: TaskCacheState, now: Date): string {
  return `$(${STATUS[s.status].icon}) ${lensLabel(s, now)}`;
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
    const lenses: vscode.CodeLens[] = [];
    const access = this.access();
    const at = (line: number) => new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), 0);
    const now = insight.evaluatedAt;
    const asOf = this.insights.asOf ? ` (as of ${insight.evaluatedAt.toISOString().slice(0, 10)})` : '';

    // Task states by task index, across flows (a task used twice shows each use).
    const byTask = new Map<number, Use[]>();
    for (const f of insight.flows) {
      for (const s of f.states) {
        if (s.taskIndex === null || s.status === 'no-target') continue;
        byTask.set(s.taskIndex, [...(byTask.get(s.taskIndex) ?? []), { flow: f.name, flowIndex: f.flow, s }]);
      }
    }
    insight.analysis.tasks.forEach((task, i) => {
      if (!task.target) return;
      const range = at(task.line);
      const uses = byTask.get(i) ?? [];
      if (uses.length === 0) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(circle-slash) not used in a flow in this file: no cache state',
            command: '',
          }),
        );
        return;
      }
      const distinct = new Map<string, Use>();
      for (const u of uses) distinct.set(`${u.s.status}|${u.s.key ?? u.s.pattern}|${u.s.storeRoot}`, u);
      const many = distinct.size > 1;
      for (const { flow, flowIndex, s } of distinct.values()) {
        const ref = { uri: insight.uri.toString(), node: s.node, flowIndex };
        const title = `${many && flow ? `${flow}: ` : ''}${lensTitle(s, now)}${asOf}`;
        const key = s.key ?? s.artifact?.key ?? s.matches[0]?.key;
        lenses.push(
          new vscode.CodeLens(range, {
            title,
            tooltip: s.reason ?? s.error ?? (s.storeRoot ? `store ${s.storeRoot}` : undefined),
            command: s.storeRoot && key ? 'xpersist.revealArtifact' : '',
            arguments: s.storeRoot && key ? [s.storeRoot, key] : [],
          }),
        );
        if (
          s.storeRoot &&
          (s.status === 'cached' || s.status === 'stale' || (s.status === 'runtime' && s.matches.length > 0))
        ) {
          const a = s.artifact ?? s.matches[0];
          lenses.push(
            new vscode.CodeLens(range, {
              title: 'Preview',
              command: 'xpersist.preview',
              arguments: [{ root: s.storeRoot, key: a.key }],
            }),
          );
        }
        if (offersInvalidate(s, access)) {
          lenses.push(
            new vscode.CodeLens(range, {
              title: 'Invalidate',
              tooltip: `Delete ${invalidationKeys(s).join(', ')} (asks first, listing the exact paths)`,
              command: 'xpersist.invalidateTask',
              arguments: [ref],
            }),
          );
        }
        if (s.storeRoot && key && s.status !== 'not-cached') {
          lenses.push(
            new vscode.CodeLens(range, {
              title: 'Reveal',
              command: 'xpersist.revealArtifact',
              arguments: [s.storeRoot, key],
            }),
          );
        }
        if (offersRerun(s, access)) {
          lenses.push(
            new vscode.CodeLens(range, {
              title: 'Rerun',
              tooltip: 'Invalidate this target (asks first), then run the flow',
              command: 'xpersist.rerunTask',
              arguments: [ref],
            }),
          );
        }
      }
    });
    insight.analysis.flows.forEach((f, i) => {
      const range = at(f.line);
      const ref = { uri: insight.uri.toString(), flowIndex: i };
      lenses.push(
        new vscode.CodeLens(range, {
          title: '$(type-hierarchy) Show Flow Graph',
          command: 'xpersist.showFlowGraph',
          arguments: [ref],
        }),
      );
      if (access.trusted) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(play) Run Flow',
            command: 'xpersist.runFlow',
            arguments: [ref],
          }),
        );
      }
    });
    return lenses;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
