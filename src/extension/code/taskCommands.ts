// Commands on tasks and flows (from lenses, the graph, the palette): invalidate a target (with
// its downstream), run a flow, rerun a task, evaluate targets as of another day.
import path from 'node:path';
import * as vscode from 'vscode';
import type { TaskCacheState } from '../../flows/cacheState';
import type { FlowStates } from '../../flows/fileStates';
import { downstreamClosure } from '../../flows/graph';
import type { LiveRun } from '../../flows/runEvents';
import { checkpointingHint, runFailureHint } from '../../flows/runHints';
import { invalidationKeys } from '../../flows/taskActions';
import { deleteForRerun, invalidateArtifacts, mutationRefusal } from '../explorer/explorerCommands';
import type { FlowRunner } from '../flows/flowRunner';
import { pythonAnalysis } from '../lazyModules';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import type { TaskRef } from './cacheLenses';
import type { PythonInsights } from './pythonInsights';

interface Resolved {
  doc: vscode.TextDocument;
  flow: FlowStates;
  state?: TaskCacheState;
}

export class TaskCommands {
  constructor(
    private readonly insights: PythonInsights,
    private readonly registry: StoreRegistry,
    private readonly runner: FlowRunner,
  ) {}

  /** The ref's document (opened when needed), flow and task state; undefined with a message. */
  async resolve(ref: TaskRef | undefined): Promise<Resolved | undefined> {
    let uri: vscode.Uri | undefined;
    let flowIndex = ref?.flowIndex;
    if (ref?.uri) uri = vscode.Uri.parse(ref.uri);
    else uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Open a Python file with a Prefect flow first.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const insight = this.insights.analyzeNow(doc);
    if (!insight || insight.flows.length === 0) {
      void vscode.window.showErrorMessage(
        `${path.basename(uri.fsPath)} has no Prefect 1.x flow (\`with Flow(...)\`).`,
      );
      return undefined;
    }
    if (flowIndex === undefined) {
      if (insight.flows.length === 1) flowIndex = 0;
      else {
        const pick = await vscode.window.showQuickPick(
          insight.flows.map((f) => ({
            label: f.name ?? `(flow at line ${insight.analysis.flows[f.flow].line})`,
            i: f.flow,
          })),
          { placeHolder: 'Which flow?' },
        );
        if (!pick) return undefined;
        flowIndex = pick.i;
      }
    }
    const flow = insight.flows[flowIndex];
    if (!flow) return undefined;
    const state = ref?.node ? flow.states.find((s) => s.node === ref.node) : undefined;
    return { doc, flow, state };
  }

  private targetsOf(flow: FlowStates, nodes: string[]): { state: StoreState; key: string }[] {
    const out: { state: StoreState; key: string }[] = [];
    for (const id of nodes) {
      const s = flow.states.find((x) => x.node === id);
      if (!s?.storeRoot) continue;
      const store = this.registry.get(s.storeRoot);
      if (!store) continue;
      for (const key of invalidationKeys(s)) out.push({ state: store, key });
    }
    return out;
  }

  /** Deletes the target of a task (and of its downstream tasks); resolves to the count deleted. */
  async invalidate(ref: TaskRef | undefined, withDownstream: boolean): Promise<number> {
    const r = await this.resolve(ref);
    if (!r?.state) return 0;
    const nodes = withDownstream ? downstreamClosure(r.flow.graph, r.state.node) : [r.state.node];
    const targets = this.targetsOf(r.flow, nodes);
    if (targets.length === 0) {
      void vscode.window.showInformationMessage(
        withDownstream
          ? 'Nothing to invalidate: neither this task nor its downstream tasks have a cached target.'
          : `Nothing to invalidate: ${r.state.task}'s target is not cached.`,
      );
      return 0;
    }
    return invalidateArtifacts(this.registry, targets, 'target');
  }

  private runRefusal(): string | null {
    if (!vscode.workspace.isTrusted)
      return 'Running flows is disabled in an untrusted workspace: trust the workspace to run its code.';
    return null;
  }

  /** Runs a flow (saving its file first). */
  async runFlow(ref: TaskRef | undefined): Promise<boolean> {
    return (await this.runFlowOutcome(ref)) === 'ok';
  }

  /** `refused`: the run did not start (untrusted, no flow, not saved). */
  private async runFlowOutcome(ref: TaskRef | undefined): Promise<'ok' | 'failed' | 'cancelled' | 'refused'> {
    const why = this.runRefusal();
    if (why) {
      void vscode.window.showErrorMessage(why);
      return 'refused';
    }
    const r = await this.resolve(ref);
    if (!r) return 'refused';
    if (r.doc.isDirty && !(await r.doc.save())) {
      void vscode.window.showErrorMessage('Save the file before running its flow.');
      return 'refused';
    }
    // A flow made in a loop or a factory runs as its pattern: every flow of the loop (the runner's --flow).
    const name = r.flow.name ?? r.flow.namePattern ?? null;
    const outcome = await this.runner.run({ file: r.doc.uri.fsPath, flow: name ?? undefined });
    await this.registry.scanAll();
    if (outcome.cancelled) void vscode.window.setStatusBarMessage('Flow run cancelled', 4000);
    else if (outcome.exitCode !== 0 && outcome.exitCode !== undefined) {
      const failed = [...outcome.run.tasks.values()].filter((t) => t.state === 'Failed');
      const detail = failed.length
        ? `: ${failed.map((t) => `${t.task} (${t.exception ?? 'failed'})`).join(', ')}`
        : '';
      const hint = runFailureHint([
        ...failed,
        ...(outcome.run.error ? [{ task: name ?? 'the flow', ...outcome.run.error }] : []),
      ]);
      void vscode.window.showErrorMessage(
        `Flow ${name ?? ''} failed${detail}.${hint ? ` ${hint}` : ''} See the terminal for the traceback.`,
      );
    } else if (outcome.exitCode === 0) {
      const hint = checkpointingHint(this.ranWithoutWriting(r.doc.uri, r.flow.flow, outcome.run));
      if (hint) void vscode.window.showWarningMessage(hint);
    }
    if (outcome.cancelled) return 'cancelled';
    return outcome.exitCode === 0 ? 'ok' : 'failed';
  }

  /** Tasks that ran to Success with an exact target that is still not cached after the rescan. */
  private ranWithoutWriting(uri: vscode.Uri, flowIndex: number, run: LiveRun): string[] {
    const states = this.insights.get(uri)?.flows[flowIndex]?.states ?? [];
    return states
      .filter((s) => s.status === 'not-cached' && s.key && run.tasks.get(s.node)?.state === 'Success')
      .filter((s) => !run.tasks.get(s.node)?.mapped)
      .map((s) => s.task);
  }

  /** Invalidates a task's target (with its downstream), then runs its flow. */
  async rerun(ref: TaskRef | undefined, withDownstream: boolean): Promise<boolean> {
    const why = this.runRefusal();
    if (why) {
      void vscode.window.showErrorMessage(why);
      return false;
    }
    const r = await this.resolve(ref);
    if (!r?.state) return false;
    const nodes = withDownstream ? downstreamClosure(r.flow.graph, r.state.node) : [r.state.node];
    const targets = this.targetsOf(r.flow, nodes);
    for (const t of targets) {
      const refusal = mutationRefusal(t.state);
      if (refusal) {
        void vscode.window.showErrorMessage(`Cannot rerun ${r.state.task}: ${refusal}`);
        return false;
      }
    }
    const flowName = r.flow.name ?? path.basename(r.doc.uri.fsPath);
    const then = {
      sentence: `run flow ${flowName} (${path.basename(r.doc.uri.fsPath)}) with your Python, which recomputes ${withDownstream ? `${r.state.task} and its downstream tasks` : r.state.task} and writes ${targets.length === 1 ? 'it' : 'them'} again`,
      action: 'Delete and Run',
    };
    const deleted = targets.length > 0 ? await deleteForRerun(this.registry, targets, then) : undefined;
    if (deleted === null) return false;
    const outcome = await this.runFlowOutcome({ uri: r.doc.uri.toString(), flowIndex: r.flow.flow });
    deleted?.settle(outcome === 'refused' ? 'not-run' : outcome);
    return outcome === 'ok';
  }

  cancelRun(): boolean {
    const stopped = this.runner.cancel();
    if (!stopped) void vscode.window.showInformationMessage('No flow is running.');
    return stopped;
  }

  async evaluateAsOf(value?: string): Promise<Date | null> {
    const text =
      value ??
      (await vscode.window.showInputBox({
        title: 'Evaluate targets as of',
        prompt: 'A day (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM, UTC); empty for now',
        value: this.insights.asOf?.toISOString().slice(0, 16) ?? '',
        validateInput: (t) =>
          t.trim() === '' || !Number.isNaN(Date.parse(/T/.test(t) ? `${t}Z` : `${t}T00:00:00Z`))
            ? null
            : 'Not a date: use YYYY-MM-DD',
      }));
    if (text === undefined) return this.insights.asOf;
    const asOf = pythonAnalysis().parseAsOf(text);
    if (asOf === undefined) return this.insights.asOf;
    this.insights.asOf = asOf?.at ?? null;
    this.insights.asOfExact = asOf?.exact ?? false;
    this.insights.refreshStates();
    return this.insights.asOf;
  }
}

export function registerTaskCommands(
  tc: TaskCommands,
  showGraph: (ref?: TaskRef) => unknown,
): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('xpersist.invalidateTask', (ref?: TaskRef) => tc.invalidate(ref, false)),
    reg('xpersist.invalidateWithDownstream', (ref?: TaskRef) => tc.invalidate(ref, true)),
    reg('xpersist.runFlow', (ref?: TaskRef) => tc.runFlow(ref)),
    reg('xpersist.rerunTask', (ref?: TaskRef) => tc.rerun(ref, false)),
    reg('xpersist.rerunTaskWithDownstream', (ref?: TaskRef) => tc.rerun(ref, true)),
    reg('xpersist.evaluateTargetsAsOf', (value?: string) => tc.evaluateAsOf(value)),
    reg('xpersist.showFlowGraph', (ref?: TaskRef) => showGraph(ref)),
    reg('xpersist.cancelRun', () => tc.cancelRun()),
  ];
}
