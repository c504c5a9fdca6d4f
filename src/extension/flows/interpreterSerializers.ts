// Which serializers the selected interpreter's xpersist registers: asked once per interpreter
// (`xpersist.registry.serializers.get_all()`), cached, and forgotten when the selection changes.
// Until it answers (or when it cannot: no xpersist, untrusted workspace) the answer is null and the
// checks fall back to the union of the release's and the current source's serializers.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { parseSerializerList, SERIALIZER_QUERY } from '../../flows/serializers';
import { log } from '../log';
import { choosePython } from './pythonInterpreter';

export class InterpreterSerializers implements vscode.Disposable {
  private readonly answers = new Map<string, readonly string[] | null>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** An interpreter answered (diagnostics recompute). */
  readonly onDidChange = this.changed.event;
  private current: string | null = null;

  /**
   * The last answer for the interpreter of `uri` (null until known); asks it on first use. No uri:
   * the workspace's interpreter (the Caches tree's stores belong to no one file).
   */
  get(uri?: vscode.Uri): readonly string[] | null {
    void this.refresh(uri);
    return this.current ? (this.answers.get(this.current) ?? null) : null;
  }

  async refresh(uri?: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    const python = (await choosePython(uri)).path;
    if (this.current !== python) {
      this.current = python;
      if (this.answers.has(python)) this.changed.fire();
    }
    if (this.answers.has(python)) return;
    let p = this.pending.get(python);
    if (!p) {
      p = this.ask(python);
      this.pending.set(python, p);
    }
    await p;
  }

  private ask(python: string): Promise<void> {
    return new Promise((resolve) => {
      execFile(
        python,
        ['-c', SERIALIZER_QUERY],
        { timeout: 20_000, env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
        (err, stdout) => {
          const list = parseSerializerList(stdout ?? '');
          if (err && !list)
            log().info(`${python} did not list xpersist's serializers (${err.message.split('\n')[0]})`);
          this.answers.set(python, list);
          this.pending.delete(python);
          if (list) log().info(`${python}: xpersist serializers ${list.join(', ')}`);
          this.changed.fire();
          resolve();
        },
      );
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
