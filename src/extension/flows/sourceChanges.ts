// When each task's function source last changed: `git blame` for committed lines, the file's
// modification time for uncommitted ones, "now" for unsaved edits. Cached per file version.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';
import type { FlowStates } from '../../flows/fileStates';
import type { SourceChange } from '../../flows/graphView';
import { functionLineRange } from '../../python/functionRange';
import type { PythonAnalysis } from '../../python/types';

function git(args: string[], cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

/** Per line (1-based): commit time in ms, or null for lines not committed yet. */
async function blameTimes(file: string, start: number, end: number): Promise<(number | null)[] | null> {
  const out = await git(
    ['blame', '--porcelain', `-L${start},${end}`, '--', path.basename(file)],
    path.dirname(file),
  );
  if (out === null) return null;
  const commitTime = new Map<string, number>();
  const times: (number | null)[] = [];
  let current = '';
  for (const line of out.split('\n')) {
    const head = /^([0-9a-f]{40}) \d+ \d+/.exec(line);
    if (head) {
      current = head[1];
      continue;
    }
    const t = /^committer-time (\d+)/.exec(line);
    if (t) commitTime.set(current, Number(t[1]) * 1000);
    if (line.startsWith('\t')) times.push(/^0{40}$/.test(current) ? null : (commitTime.get(current) ?? null));
  }
  return times;
}

export async function sourceChanges(
  doc: vscode.TextDocument,
  analysis: PythonAnalysis,
  flow: FlowStates,
): Promise<Map<string, SourceChange>> {
  const out = new Map<string, SourceChange>();
  const file = doc.uri.fsPath;
  const text = doc.getText();
  let mtime: Date | null = null;
  try {
    mtime = statSync(file).mtime;
  } catch {}
  for (const s of flow.states) {
    if (s.status !== 'cached' || s.taskIndex === null) continue;
    const task = analysis.tasks[s.taskIndex];
    if (!task) continue;
    const [a, b] = functionLineRange(text, task.line);
    if (doc.isDirty) {
      out.set(s.node, { changedAt: new Date(), basis: 'unsaved edits in the editor' });
      continue;
    }
    const times = await blameTimes(file, a, b);
    if (times === null) {
      if (mtime)
        out.set(s.node, { changedAt: mtime, basis: 'file modification time (not in a git repository)' });
      continue;
    }
    if (times.some((t) => t === null)) {
      if (mtime)
        out.set(s.node, {
          changedAt: mtime,
          basis: 'file modification time (uncommitted changes in the function)',
        });
      continue;
    }
    const latest = Math.max(...(times as number[]));
    out.set(s.node, { changedAt: new Date(latest), basis: 'git blame of the function' });
  }
  return out;
}
