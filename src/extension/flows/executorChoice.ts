// The executor Run Flow / Rerun use: picked in a quick pick (remembered per workspace), else the
// `xpersist.run.executor` setting, else what the flow file says.
import * as vscode from 'vscode';
import {
  describeExecutor,
  type ExecutorChoice,
  executorsInSource,
  parseExecutorChoice,
} from '../../flows/executor';

const STATE_KEY = 'xpersist.run.executor';

interface ChoiceItem extends vscode.QuickPickItem {
  make?: () => Promise<ExecutorChoice | undefined>;
  choice?: ExecutorChoice;
  clear?: boolean;
}

export class ExecutorChoices {
  constructor(private readonly state: vscode.Memento) {}

  /** The choice a run uses now, and where it comes from. */
  current(): { choice: ExecutorChoice; source: 'picked' | 'setting' | 'default'; error?: string } {
    const picked = this.state.get<ExecutorChoice>(STATE_KEY);
    if (picked) {
      const p = parseExecutorChoice(picked);
      if (p.ok) return { choice: p.choice, source: 'picked' };
    }
    const raw = vscode.workspace.getConfiguration('xpersist').get<unknown>('run.executor');
    const parsed = parseExecutorChoice(raw);
    if (!parsed.ok) return { choice: { type: 'file' }, source: 'default', error: parsed.error };
    return { choice: parsed.choice, source: parsed.choice.type === 'file' ? 'default' : 'setting' };
  }

  async remember(choice: ExecutorChoice | undefined): Promise<void> {
    await this.state.update(STATE_KEY, choice);
  }

  /**
   * The quick pick. `arg` (a choice object, for scripts and tests) skips the UI. Resolves to the
   * new choice, or undefined when dismissed.
   */
  async pick(arg?: unknown, document?: vscode.TextDocument): Promise<ExecutorChoice | undefined> {
    if (arg !== undefined) {
      const p = parseExecutorChoice(arg);
      if (!p.ok) throw new Error(p.error);
      await this.remember(p.choice.type === 'file' ? undefined : p.choice);
      return p.choice;
    }
    const items = this.items(document);
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'Executor for Run Flow and Rerun',
      placeHolder: `Now: ${describeExecutor(this.current().choice)}`,
      matchOnDetail: true,
    });
    if (!chosen) return undefined;
    const choice = chosen.choice ?? (await chosen.make?.());
    if (!choice) return undefined;
    await this.remember(choice.type === 'file' ? undefined : choice);
    return choice;
  }

  private items(document?: vscode.TextDocument): ChoiceItem[] {
    const inFile = document ? executorsInSource(document.getText()) : [];
    const now = describeExecutor(this.current().choice);
    const mark = (c: ExecutorChoice) => (describeExecutor(c) === now ? '$(check) ' : '');
    const fileChoice: ExecutorChoice = { type: 'file' };
    return [
      {
        label: `${mark(fileChoice)}As the file says`,
        description: inFile.length
          ? inFile.map((e) => `${e.text} (line ${e.line + 1})`).join(', ')
          : 'LocalExecutor unless the file sets one',
        choice: fileChoice,
      },
      {
        label: `${mark({ type: 'LocalExecutor' })}LocalExecutor`,
        description: 'one task at a time, in one process',
        choice: { type: 'LocalExecutor' },
      },
      {
        label: 'LocalDaskExecutor (threads)',
        description: 'tasks in parallel threads of one process',
        make: () => askWorkers('threads'),
      },
      {
        label: 'LocalDaskExecutor (processes)',
        description: 'tasks in parallel local processes',
        make: () => askWorkers('processes'),
      },
      {
        label: 'DaskExecutor: a new LocalCluster',
        description: 'distributed.LocalCluster on 127.0.0.1, with the Dask dashboard',
        make: askLocalCluster,
      },
      {
        label: 'DaskExecutor: an existing cluster…',
        description: 'the scheduler address, e.g. tcp://10.0.0.5:8786 (left running after the run)',
        make: askAddress,
      },
      {
        label: 'DaskExecutor: a cluster class…',
        description: 'e.g. dask_jobqueue.SLURMCluster with cluster_kwargs as JSON',
        make: askClusterClass,
      },
    ];
  }
}

/** Input-box check: empty (Dask's default) or a positive whole number. */
const emptyOrPositiveInt = (t: string) =>
  t.trim() === '' || /^[1-9]\d*$/.test(t.trim()) ? null : 'A positive whole number';

async function askWorkers(scheduler: 'threads' | 'processes'): Promise<ExecutorChoice | undefined> {
  const n = await vscode.window.showInputBox({
    title: `LocalDaskExecutor (${scheduler}): number of workers`,
    prompt: 'Empty: one per CPU core (Dask default)',
    validateInput: emptyOrPositiveInt,
  });
  if (n === undefined) return undefined;
  return n.trim()
    ? { type: 'LocalDaskExecutor', scheduler, num_workers: Number(n.trim()) }
    : { type: 'LocalDaskExecutor', scheduler };
}

async function askLocalCluster(): Promise<ExecutorChoice | undefined> {
  const n = await vscode.window.showInputBox({
    title: 'DaskExecutor with a new distributed.LocalCluster: worker processes',
    prompt: 'Empty: Dask decides from the CPU count',
    validateInput: emptyOrPositiveInt,
  });
  if (n === undefined) return undefined;
  return {
    type: 'DaskExecutor',
    cluster_class: 'distributed.LocalCluster',
    cluster_kwargs: n.trim() ? { n_workers: Number(n.trim()), processes: true } : { processes: true },
  };
}

async function askAddress(): Promise<ExecutorChoice | undefined> {
  const address = await vscode.window.showInputBox({
    title: 'DaskExecutor: scheduler address of a running cluster',
    placeHolder: 'tcp://127.0.0.1:8786',
    validateInput: (t) => {
      const p = parseExecutorChoice({ type: 'DaskExecutor', address: t.trim() });
      return p.ok ? null : p.error;
    },
  });
  return address === undefined ? undefined : { type: 'DaskExecutor', address: address.trim() };
}

async function askClusterClass(): Promise<ExecutorChoice | undefined> {
  const clusterClass = await vscode.window.showInputBox({
    title: 'DaskExecutor: cluster class (1/2)',
    value: 'dask_jobqueue.SLURMCluster',
    validateInput: (t) => {
      const p = parseExecutorChoice({ type: 'DaskExecutor', cluster_class: t.trim() });
      return p.ok ? null : p.error;
    },
  });
  if (clusterClass === undefined) return undefined;
  const kwargsText = await vscode.window.showInputBox({
    title: 'DaskExecutor: cluster_kwargs as JSON (2/2)',
    value: '{"cores": 8, "memory": "16GB", "walltime": "01:00:00"}',
    validateInput: (t) => {
      try {
        const v = JSON.parse(t || '{}');
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'A JSON object';
      } catch (e) {
        return `Not JSON: ${(e as Error).message}`;
      }
    },
  });
  if (kwargsText === undefined) return undefined;
  return {
    type: 'DaskExecutor',
    cluster_class: clusterClass.trim(),
    cluster_kwargs: JSON.parse(kwargsText || '{}'),
  };
}
