// Runs a flow file (or one flow in it) with the user's Python in a VS Code task, so its output
// streams to a terminal, and follows task states live through python/xpersist_flow_runner.py.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import { describeExecutor, type ExecutorChoice, runnerExecutorArg } from '../../flows/executor';
import {
  applyRunEvent,
  type LiveRun,
  newLiveRun,
  parseRunEvent,
  RunEventLines,
  runProgress,
} from '../../flows/runEvents';
import { log } from '../log';
import type { ExecutorChoices } from './executorChoice';
import { type ChosenPython, choosePython } from './pythonInterpreter';

export interface RunRequest {
  file: string;
  /** Run only this flow (by name); the whole file when absent. */
  flow?: string;
  parameters?: Record<string, unknown>;
  /** The executor; the workspace's choice (quick pick, setting, or the file's own) when absent. */
  executor?: ExecutorChoice;
}

export interface RunOutcome {
  exitCode: number | undefined;
  run: LiveRun;
  python: string;
  cancelled: boolean;
}

export class FlowRunner implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<{ request: RunRequest; run: LiveRun }>();
  /** Fires on every task state while a flow runs, and when it ends. */
  readonly onDidChangeRun = this.changed.event;
  private readonly ended = new vscode.EventEmitter<RunOutcome & { request: RunRequest }>();
  readonly onDidEndRun = this.ended.event;
  private current: {
    request: RunRequest;
    run: LiveRun;
    execution?: vscode.TaskExecution;
    cancelled?: boolean;
  } | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly executors?: ExecutorChoices,
  ) {}

  get active(): { request: RunRequest; run: LiveRun } | null {
    return this.current;
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    if (this.current)
      throw new Error(
        `A flow is already running (${this.current.request.flow ?? path.basename(this.current.request.file)}).`,
      );
    const uri = vscode.Uri.file(request.file);
    const python = await choosePython(uri);
    const run = newLiveRun(request.flow ?? null);
    const chosen = this.executors?.current();
    if (chosen?.error) void vscode.window.showWarningMessage(`${chosen.error}: running as the file says.`);
    const executor = request.executor ?? chosen?.choice ?? { type: 'file' };
    this.current = { request, run };
    log().info(
      `Running ${request.flow ? `flow "${request.flow}" of ` : ''}${request.file} with ${python.description}, executor ${describeExecutor(executor)}`,
    );
    // The runner reports task states on a local socket; the token keeps other processes out.
    const token = randomBytes(16).toString('hex');
    const server = net.createServer((socket) => this.accept(socket, token, request, run));
    await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
    const port = (server.address() as net.AddressInfo).port;
    const task = this.runnerTask(request, uri, python, executor, { port, token });
    try {
      const exitCode = await this.executeWithProgress(request, task);
      return this.finish(request, run, python, exitCode);
    } finally {
      server.close();
      this.current = null;
    }
  }

  /** The VS Code task that runs python/xpersist_flow_runner.py, reporting to `events`. */
  private runnerTask(
    request: RunRequest,
    uri: vscode.Uri,
    python: ChosenPython,
    executor: ExecutorChoice,
    events: { port: number; token: string },
  ): vscode.Task {
    const runner = vscode.Uri.joinPath(this.extensionUri, 'python', 'xpersist_flow_runner.py').fsPath;
    const args = [runner, request.file];
    if (request.flow) args.push('--flow', request.flow);
    for (const [k, v] of Object.entries(request.parameters ?? {}))
      args.push('--param', `${k}=${JSON.stringify(v)}`);
    const executorArg = runnerExecutorArg(executor);
    if (executorArg) args.push('--executor', executorArg);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const task = new vscode.Task(
      { type: 'xpersist', file: request.file, flow: request.flow },
      folder ?? vscode.TaskScope.Workspace,
      request.flow ? `Run flow ${request.flow}` : `Run ${path.basename(request.file)}`,
      'xpersist',
      new vscode.ProcessExecution(python.path, args, {
        // Relative store paths resolve against the workspace folder, as the lenses assume.
        cwd: folder?.uri.fsPath ?? path.dirname(request.file),
        env: {
          PREFECT__FLOWS__CHECKPOINTING: 'true',
          XPERSIST_EVENTS_PORT: String(events.port),
          XPERSIST_EVENTS_TOKEN: events.token,
          PYTHONUNBUFFERED: '1',
        },
      }),
    );
    task.presentationOptions = {
      reveal: vscode.TaskRevealKind.Always,
      panel: vscode.TaskPanelKind.Dedicated,
      clear: true,
      echo: true,
    };
    return task;
  }

  /** Runs the task under a cancellable progress notification; resolves with its exit code. */
  private executeWithProgress(request: RunRequest, task: vscode.Task): Thenable<number | undefined> {
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: request.flow ? `Running flow "${request.flow}"` : `Running ${path.basename(request.file)}`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const done = new Promise<number | undefined>((resolve) => {
          const sub = vscode.tasks.onDidEndTaskProcess((e) => {
            if (e.execution === this.current?.execution) {
              sub.dispose();
              resolve(e.exitCode);
            }
          });
          const sub2 = vscode.tasks.onDidEndTask((e) => {
            if (e.execution === this.current?.execution) {
              sub2.dispose();
              // onDidEndTaskProcess may not fire when the process never started.
              setTimeout(() => resolve(undefined), 500);
            }
          });
        });
        const progressSub = this.changed.event(({ run: r }) => {
          const p = runProgress(r);
          progress.report({
            message: `${p.finished}/${p.total} tasks finished${p.running ? ` · running ${p.running}` : ''}`,
          });
        });
        cancel.onCancellationRequested(() => this.cancel());
        if (this.current) this.current.execution = await vscode.tasks.executeTask(task);
        const code = await done;
        progressSub.dispose();
        return code;
      },
    );
  }

  /** Marks the run ended, tells the listeners, and says so when the flow never started. */
  private finish(
    request: RunRequest,
    run: LiveRun,
    python: ChosenPython,
    exitCode: number | undefined,
  ): RunOutcome {
    run.running = false;
    if (run.status === null) run.status = exitCode ?? null;
    const cancelled = this.current?.cancelled ?? false;
    const outcome: RunOutcome = { exitCode, run, python: python.path, cancelled };
    log().info(`Flow run ended: exit code ${exitCode ?? 'unknown'}${cancelled ? ' (cancelled)' : ''}`);
    this.changed.fire({ request, run });
    this.ended.fire({ ...outcome, request });
    if (exitCode === undefined && !cancelled && run.tasks.size === 0) {
      void vscode.window.showErrorMessage(
        `The flow did not start with ${python.description}. Is Prefect 1.x installed there? Pick another interpreter or set xpersist.pythonPath.`,
      );
    }
    return outcome;
  }

  /** Stops the running flow (its task's process); resolves false when none runs. */
  cancel(): boolean {
    if (!this.current) return false;
    this.current.cancelled = true;
    this.current.execution?.terminate();
    return true;
  }

  private accept(socket: net.Socket, token: string, request: RunRequest, run: LiveRun): void {
    const stream = new RunEventLines(token);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = stream.push(chunk);
      if (!lines) {
        socket.destroy();
        return;
      }
      for (const line of lines) {
        const e = parseRunEvent(line);
        if (!e) continue;
        applyRunEvent(run, e);
        this.changed.fire({ request, run });
      }
    });
    socket.on('error', () => undefined);
  }

  dispose(): void {
    this.current?.execution?.terminate();
    this.changed.dispose();
    this.ended.dispose();
  }
}
