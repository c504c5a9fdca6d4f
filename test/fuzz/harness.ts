// Runs fuzz cases in a worker thread with a deadline and a memory watch, and judges each one
// against the budgets of docs/ARCHITECTURE.md ("Hostile input"): every public call answers
// within CALL_BUDGET_MS and MEMORY_BUDGET_MB above the baseline, rejects only with an Error
// carrying a clear message (or not at all, for the calls documented to never throw), lets
// nothing escape as an uncaught exception, and changes no file of its sandbox.
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CallOutcome, WorkerReply } from './caseWorker';
import type { FuzzCase } from './families';

/** The documented budget of one public call on any input. */
export const CALL_BUDGET_MS = 2000;
export const MEMORY_BUDGET_MB = 256;
/** A case (several calls) that has not answered by then (wall clock) is a hang: the thread is ended. */
const CASE_DEADLINE_MS = 8_000;
/** Far over budget: the thread is ended at once so the machine is not taken down with it. */
const MEMORY_KILL_MB = 1024;
const MAX_MESSAGE = 2000;

export interface Verdict {
  ok: boolean;
  problems: string[];
  /** The slowest call of the case and its time. */
  slowest: { fn: string; ms: number };
  peakMb: number;
  calls: number;
}

const rssMb = (): number => process.memoryUsage.rss() / 2 ** 20;

/** Names, sizes and mtimes below dir: what a read-only call must leave exactly as it was. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const s = lstatSync(path.join(dir, r));
      lines.push(`${r} ${s.isDirectory() ? 'd' : s.size} ${s.mtimeMs}`);
      if (s.isDirectory()) walk(r);
    }
  };
  walk('');
  return lines.join('\n');
}

function writeCase(dir: string, c: FuzzCase): void {
  for (const [rel, bytes] of Object.entries(c.files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, bytes);
  }
}

/** A clear reason: a non-empty sentence, not a stringified object or a dump of the input. */
function unclear(message: string | undefined): string | null {
  if (!message?.trim()) return 'an empty message';
  if (/^(undefined|null|\[object \w+\])$/.test(message.trim())) return `the message '${message}'`;
  if (message.length > MAX_MESSAGE) return `a message of ${message.length} characters`;
  return null;
}

export function judgeOutcomes(outcomes: CallOutcome[]): string[] {
  const problems: string[] = [];
  for (const o of outcomes) {
    // The budget is the work a call does: its CPU time. Wall time on a machine shared by other
    // jobs says more about them; a call that never ends is caught by the wall-clock deadline.
    if (o.cpuMs > CALL_BUDGET_MS)
      problems.push(
        `${o.fn} took ${Math.round(o.cpuMs)} ms of CPU, ${Math.round(o.ms)} ms in all (budget ${CALL_BUDGET_MS} ms)`,
      );
    if (o.status !== 'rejected') continue;
    if (o.nonError) problems.push(`${o.fn} threw a non-Error: ${o.message}`);
    else if (o.mustNotReject)
      problems.push(`${o.fn} is documented to never throw, threw ${o.errorName}: ${o.message}`);
    const why = unclear(o.message);
    if (why) problems.push(`${o.fn} rejected with ${why}`);
  }
  return problems;
}

/** One long-lived thread; replaced after any case that ended it (hang, heap limit, crash). */
export class FuzzHarness {
  private worker: Worker | null = null;
  private nextId = 1;
  private casesInWorker = 0;
  readonly bait: string;
  private baitSnapshot: string;

  constructor(
    private readonly workerFile: string,
    private readonly sandbox: string,
  ) {
    // Files beside every case folder: a reader that writes or deletes out of its input shows here.
    this.bait = path.join(sandbox, 'bait');
    mkdirSync(path.join(this.bait, 'x'), { recursive: true });
    for (const f of ['.zarray', '.zattrs', 'x/.zarray', 'x/0', 'secret.txt']) {
      writeFileSync(path.join(this.bait, f), '{"zarr_format": 2}');
    }
    this.baitSnapshot = snapshot(this.bait);
  }

  private spawn(): Worker {
    // Restarted every 300 cases: the baseline of a long-lived heap drifts upward.
    if (this.worker && this.casesInWorker < 300) return this.worker;
    void this.worker?.terminate();
    this.casesInWorker = 0;
    this.worker = new Worker(this.workerFile, {
      resourceLimits: {
        maxOldGenerationSizeMb: MEMORY_KILL_MB,
        maxYoungGenerationSizeMb: 64,
        stackSizeMb: 4,
      },
      // The readers' own warnings are not the suite's output.
      stderr: true,
      stdout: true,
    });
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    return this.worker;
  }

  private kill(): void {
    void this.worker?.terminate();
    this.worker = null;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }

  /** Runs a case; a case over budget in time only is run once more alone (a loaded machine). */
  async run(c: FuzzCase): Promise<Verdict> {
    const first = await this.runOnce(c);
    if (first.ok || !first.problems.every((p) => / took \d+ ms/.test(p))) return first;
    this.kill();
    return this.runOnce(c);
  }

  private async runOnce(c: FuzzCase): Promise<Verdict> {
    const dir = path.join(this.sandbox, `case-${this.nextId}`);
    mkdirSync(dir, { recursive: true });
    writeCase(dir, c);
    const before = snapshot(dir);
    const { outcomes, problems, peakMb } = await this.execute(dir, c);
    problems.push(...judgeOutcomes(outcomes));
    if (snapshot(dir) !== before) problems.push('the case folder was changed by read-only calls');
    if (snapshot(this.bait) !== this.baitSnapshot) {
      problems.push('a file outside the case folder was changed');
      this.baitSnapshot = snapshot(this.bait);
    }
    if (peakMb > MEMORY_BUDGET_MB)
      problems.push(`memory grew ${Math.round(peakMb)} MB (budget ${MEMORY_BUDGET_MB} MB)`);
    rmSync(dir, { recursive: true, force: true });
    const slowest = outcomes.reduce((a, o) => (o.ms > a.ms ? { fn: o.fn, ms: o.ms } : a), { fn: '-', ms: 0 });
    return { ok: problems.length === 0, problems, slowest, peakMb, calls: outcomes.length };
  }

  /** Posts the case to the thread and waits for its answer, its death or the deadline. */
  private execute(
    dir: string,
    c: FuzzCase,
  ): Promise<{ outcomes: CallOutcome[]; problems: string[]; peakMb: number }> {
    const worker = this.spawn();
    this.casesInWorker++;
    const id = this.nextId++;
    const base = rssMb();
    let peak = 0;
    let current = '(starting)';
    const problems: string[] = [];
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcomes: CallOutcome[], kill: boolean) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        clearTimeout(deadline);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) this.kill();
        resolve({ outcomes, problems, peakMb: peak });
      };
      const watch = setInterval(() => {
        peak = Math.max(peak, rssMb() - base);
        if (peak > MEMORY_KILL_MB) {
          problems.push(`${current} went over ${MEMORY_KILL_MB} MB: thread ended`);
          finish([], true);
        }
      }, 20);
      const deadline = setTimeout(() => {
        problems.push(`${current} gave no answer in ${CASE_DEADLINE_MS} ms (hang): thread ended`);
        finish([], true);
      }, CASE_DEADLINE_MS);
      const onMessage = (m: WorkerReply) => {
        if (m.type === 'escaped') problems.push(`${current}: ${m.what}`);
        else if (m.id !== id) return;
        else if (m.type === 'start') current = m.fn;
        else finish(m.outcomes, false);
      };
      const onError = (err: Error) => {
        problems.push(`${current} ended the thread: ${err.name}: ${err.message}`.slice(0, 600));
        finish([], true);
      };
      const onExit = (code: number) => {
        problems.push(`${current}: the thread exited with code ${code}`);
        finish([], true);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ type: 'run', id, dir, call: c.call });
    });
  }
}
