// Which code lenses a Python file gets and what they say, without `vscode`: above each task with a
// target, its cache state per distinct use and the actions its state and the write access allow
// (Preview, Invalidate, Reveal, Rerun); above each `with Flow(...)`, Show Flow Graph and Run Flow.
// src/extension/code/cacheLenses.ts turns each into a vscode.CodeLens.
import type { PythonAnalysis } from '../python/types';
import type { TaskCacheState } from './cacheState';
import type { FlowStates } from './fileStates';
import { lensLabel } from './labels';
import { STATUS } from './status';
import { invalidationKeys, offersInvalidate, offersRerun, type WriteAccess } from './taskActions';

/** What lens and graph commands receive to find a task use or a flow again. */
export interface TaskRef {
  uri: string;
  flowIndex: number;
  node?: string;
}

export interface LensSpec {
  /** The 1-based line of the task or flow the lens sits above. */
  line: number;
  title: string;
  tooltip?: string;
  /** The command id; '' for a lens that only shows its title. */
  command: string;
  arguments: unknown[];
}

export interface LensInput {
  /** The file's URI as a string: what the commands' TaskRef carries. */
  uri: string;
  analysis: PythonAnalysis;
  flows: readonly FlowStates[];
  /** The instant targets were evaluated at (now, or "Evaluate targets as of..."). */
  evaluatedAt: Date;
  /** Targets were evaluated at a date given by the user: each state lens says which day. */
  asOfGiven: boolean;
  access: WriteAccess;
}

interface Use {
  flow: string | null;
  flowIndex: number;
  s: TaskCacheState;
}

export function lensTitle(s: TaskCacheState, now: Date): string {
  return `$(${STATUS[s.status].icon}) ${lensLabel(s, now)}`;
}

/** Every lens of the file, tasks first (in file order), then flows. */
export function planLenses(input: LensInput): LensSpec[] {
  const lenses: LensSpec[] = [];
  const byTask = usesByTask(input.flows);
  input.analysis.tasks.forEach((task, i) => {
    if (task.target) lenses.push(...taskLenses(input, task.line, byTask.get(i) ?? []));
  });
  input.analysis.flows.forEach((f, i) => {
    lenses.push(...flowLenses(input, f.line, i));
  });
  return lenses;
}

/** Task states by task index, across flows (a task used twice shows each use). */
function usesByTask(flows: readonly FlowStates[]): Map<number, Use[]> {
  const byTask = new Map<number, Use[]>();
  for (const f of flows) {
    for (const s of f.states) {
      if (s.taskIndex === null || s.status === 'no-target') continue;
      byTask.set(s.taskIndex, [...(byTask.get(s.taskIndex) ?? []), { flow: f.name, flowIndex: f.flow, s }]);
    }
  }
  return byTask;
}

/** The lenses above one task: per distinct state of its uses, the state and its actions. */
function taskLenses(input: LensInput, line: number, uses: Use[]): LensSpec[] {
  if (uses.length === 0) {
    return [
      {
        line,
        title: '$(circle-slash) not used in a flow in this file: no cache state',
        command: '',
        arguments: [],
      },
    ];
  }
  // Uses with the same state, target and store would show the same lenses twice: one of them.
  const distinct = new Map<string, Use>();
  for (const u of uses) distinct.set(`${u.s.status}|${u.s.key ?? u.s.pattern}|${u.s.storeRoot}`, u);
  // With several distinct states, each title names its flow so the user can tell them apart.
  const many = distinct.size > 1;
  const asOf = input.asOfGiven ? ` (as of ${input.evaluatedAt.toISOString().slice(0, 10)})` : '';
  const lenses: LensSpec[] = [];
  for (const { flow, flowIndex, s } of distinct.values()) {
    const title = `${many && flow ? `${flow}: ` : ''}${lensTitle(s, input.evaluatedAt)}${asOf}`;
    lenses.push(...useLenses(input, line, title, s, { uri: input.uri, node: s.node, flowIndex }));
  }
  return lenses;
}

/** One use's state lens (which reveals the artifact when there is one) and its action lenses. */
function useLenses(
  input: LensInput,
  line: number,
  title: string,
  s: TaskCacheState,
  ref: TaskRef,
): LensSpec[] {
  const key = s.key ?? s.artifact?.key ?? s.matches[0]?.key;
  const reveal = s.storeRoot && key ? { root: s.storeRoot, key } : null;
  const lenses: LensSpec[] = [
    {
      line,
      title,
      tooltip: s.reason ?? s.error ?? (s.storeRoot ? `store ${s.storeRoot}` : undefined),
      command: reveal ? 'xpersist.revealArtifact' : '',
      arguments: reveal ? [reveal.root, reveal.key] : [],
    },
  ];
  if (
    s.storeRoot &&
    (s.status === 'cached' || s.status === 'stale' || (s.status === 'runtime' && s.matches.length > 0))
  ) {
    const a = s.artifact ?? s.matches[0];
    lenses.push({
      line,
      title: 'Preview',
      command: 'xpersist.preview',
      arguments: [{ root: s.storeRoot, key: a.key }],
    });
  }
  if (offersInvalidate(s, input.access)) {
    lenses.push({
      line,
      title: 'Invalidate',
      tooltip: `Delete ${invalidationKeys(s).join(', ')} (asks first, listing the exact paths)`,
      command: 'xpersist.invalidateTask',
      arguments: [ref],
    });
  }
  if (reveal && s.status !== 'not-cached') {
    lenses.push({
      line,
      title: 'Reveal',
      command: 'xpersist.revealArtifact',
      arguments: [reveal.root, reveal.key],
    });
  }
  if (offersRerun(s, input.access)) {
    lenses.push({
      line,
      title: 'Rerun',
      tooltip: 'Invalidate this target (asks first), then run the flow',
      command: 'xpersist.rerunTask',
      arguments: [ref],
    });
  }
  return lenses;
}

/** The lenses above a `with Flow(...)`: its graph, and a run where the workspace is trusted. */
function flowLenses(input: LensInput, line: number, flowIndex: number): LensSpec[] {
  const ref: TaskRef = { uri: input.uri, flowIndex };
  const lenses: LensSpec[] = [
    { line, title: '$(type-hierarchy) Show Flow Graph', command: 'xpersist.showFlowGraph', arguments: [ref] },
  ];
  if (input.access.trusted) {
    lenses.push({ line, title: '$(play) Run Flow', command: 'xpersist.runFlow', arguments: [ref] });
  }
  return lenses;
}
