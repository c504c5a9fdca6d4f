// python/xpersist_flow_runner.py with each Prefect 1.x executor, for real: prefect 1.4.1 and
// xpersist 2021.12.17 from the venv, Dask's LocalDaskExecutor with processes and distributed
// LocalClusters on 127.0.0.1 (started by the run, or by the test and given by address). The events
// come over TCP with the token, as the editor receives them, and fold into the live run the graph
// shows. Every process a run starts carries a marker in its environment, so the test can prove
// that none outlives the run.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import {
  applyRunEvent,
  type LiveRun,
  newLiveRun,
  parseRunEvent,
  RunEventLines,
} from '../../../src/flows/runEvents';
import { python, removeDir, repoRoot, tempDir } from '../helpers';

const RUNNER = path.join(repoRoot(), 'python/xpersist_flow_runner.py');

const FAILING_FLOW = `
from datetime import timedelta
from prefect import Flow, task

@task(max_retries=1, retry_delay=timedelta(seconds=0))
def fragile(x):
    if x == 2:
        raise ValueError(f"member {x} has no data")
    return x

with Flow("mapped") as flow:
    fragile.map([1, 2, 3])
`;

const MAPPED_FLOW = `
import os, time
from prefect import Flow, task
from xpersist import CacheStore
from xpersist.prefect.result import XpersistResult

store = CacheStore(os.environ["XP_STORE"])
N = int(os.environ.get("XP_N", "20"))
SLEEP = float(os.environ.get("XP_SLEEP", "0"))

@task(target="square-{map_index}.joblib", result=XpersistResult(store, serializer="joblib"))
def square(x):
    time.sleep(SLEEP)
    return x * x

@task
def total(xs):
    return sum(xs)

with Flow("mapped") as flow:
    total(square.map(list(range(N))))
`;

interface Outcome {
  code: number | null;
  run: LiveRun;
  /** Raw events, with the pid of the process that sent each task event. */
  raw: Record<string, unknown>[];
}

/** Processes (other than this one) whose environment holds the marker. */
function markedProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`XP_TEST_MARK=${marker}`))
        found.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

function runFlow(
  dir: string,
  opts: {
    file?: string;
    executor?: unknown;
    env?: Record<string, string>;
    onEvent?: (e: Record<string, unknown>, child: ChildProcess) => void;
  },
): Promise<Outcome & { marker: string }> {
  const token = randomBytes(8).toString('hex');
  const marker = randomBytes(8).toString('hex');
  const run = newLiveRun('mapped');
  const raw: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    const server = net.createServer((socket) => {
      const stream = new RunEventLines(token);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        for (const line of stream.push(chunk) ?? []) {
          const e = parseRunEvent(line);
          assert.ok(e, `the editor understands every event: ${line}`);
          applyRunEvent(run, e);
          const obj = JSON.parse(line);
          raw.push(obj);
          opts.onEvent?.(obj, child);
        }
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      const args = [RUNNER, path.join(dir, opts.file ?? 'mapped_flow.py'), '--flow', 'mapped'];
      if (opts.executor) args.push('--executor', JSON.stringify(opts.executor));
      child = spawn(python(), args, {
        cwd: dir,
        env: {
          ...process.env,
          XP_STORE: path.join(dir, 'store'),
          XP_TEST_MARK: marker,
          XPERSIST_EVENTS_PORT: String(port),
          XPERSIST_EVENTS_TOKEN: token,
          PYTHONWARNINGS: 'ignore',
          ...opts.env,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr = (stderr + d).slice(-20_000);
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        // Events still in flight on the socket arrive within a moment of the exit.
        setTimeout(() => {
          server.close();
          if (code !== 0 && code !== 1 && code !== 130) reject(new Error(`runner exited ${code}: ${stderr}`));
          else resolve({ code, run, raw, marker });
        }, 300);
      });
    });
  });
}

const childStates = (run: LiveRun) => Object.values(run.tasks.get('square-1')?.children ?? {});
const workerPids = (o: Outcome) =>
  new Set(o.raw.filter((e) => e.event === 'task' && e.map_index !== null).map((e) => e.pid as number));

describe('flow runs with Prefect executors (real Dask)', { timeout: 300_000 }, () => {
  let dir = '';
  const fresh = () => {
    removeDir(path.join(dir, 'store'));
  };
  before(() => {
    dir = tempDir('xp-executors-');
    writeFileSync(path.join(dir, 'mapped_flow.py'), MAPPED_FLOW);
  });
  after(() => removeDir(dir));

  it('LocalDaskExecutor with processes: live states from the worker processes, then every child Cached', async () => {
    fresh();
    const executor = { type: 'LocalDaskExecutor', scheduler: 'processes', num_workers: 2 };
    const first = await runFlow(dir, { executor });
    assert.equal(first.code, 0);
    assert.equal(first.run.executor?.kind, 'LocalDaskExecutor');
    assert.equal(first.run.executor?.scheduler, 'processes');
    assert.equal(childStates(first.run).length, 20);
    assert.ok(childStates(first.run).every((s) => s === 'Success'));
    assert.equal(first.run.tasks.get('total-1')?.state, 'Success');
    assert.ok(workerPids(first).size >= 2, `children ran in worker processes: ${[...workerPids(first)]}`);
    const second = await runFlow(dir, { executor });
    assert.deepEqual(new Set(childStates(second.run)), new Set(['Cached']));
    assert.deepEqual(markedProcesses(second.marker), []);
  });

  it('DaskExecutor with a new LocalCluster: dashboard served on 127.0.0.1, worker events relayed, cluster gone after', async () => {
    fresh();
    const executor = { type: 'DaskExecutor', cluster_kwargs: { n_workers: 2, processes: true } };
    let dashboardStatus: Promise<number> | null = null;
    const first = await runFlow(dir, {
      executor,
      env: { XP_SLEEP: '0.1' },
      onEvent: (e) => {
        if (e.event === 'executor' && typeof e.dashboard === 'string')
          dashboardStatus = fetch(e.dashboard).then(
            (r) => r.status,
            () => -1,
          );
      },
    });
    assert.equal(first.code, 0);
    const ex = first.run.executor;
    assert.equal(ex?.kind, 'DaskExecutor');
    assert.equal(ex?.startedCluster, true);
    assert.match(ex?.address ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.match(ex?.dashboard ?? '', /^http:\/\/127\.0\.0\.1:\d+\/status$/);
    assert.equal(ex?.workers, 2);
    assert.equal(await dashboardStatus, 200, 'the Dask dashboard answered during the run');
    assert.ok(childStates(first.run).every((s) => s === 'Success'));
    assert.equal(childStates(first.run).length, 20);
    assert.ok(workerPids(first).size >= 2);
    const store = await CacheStore.open(path.join(dir, 'store'));
    assert.equal((await store.keys()).filter((k) => k.startsWith('square-')).length, 20);
    const second = await runFlow(dir, { executor });
    assert.deepEqual(new Set(childStates(second.run)), new Set(['Cached']));
    assert.deepEqual(markedProcesses(second.marker), [], 'no worker, nanny or scheduler outlives the run');
  });

  it('DaskExecutor by address: the cluster the test started keeps running after the run', async () => {
    fresh();
    const cluster = spawn(
      python(),
      [
        '-c',
        'from distributed import LocalCluster; import sys\n' +
          'c = LocalCluster(n_workers=2, processes=True, host="127.0.0.1", dashboard_address=None)\n' +
          'print(c.scheduler_address, flush=True); sys.stdin.read(); c.close()',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
    );
    try {
      const address = await new Promise<string>((resolve, reject) => {
        cluster.stdout?.once('data', (d) => resolve(String(d).trim()));
        cluster.once('exit', (c) => reject(new Error(`cluster exited ${c}`)));
      });
      const out = await runFlow(dir, { executor: { type: 'DaskExecutor', address } });
      assert.equal(out.code, 0);
      assert.equal(out.run.executor?.address, address);
      assert.equal(out.run.executor?.startedCluster, false);
      assert.ok(childStates(out.run).every((s) => s === 'Success'));
      const port = Number(address.split(':').pop());
      const alive = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      assert.ok(alive, 'the scheduler given by address still listens');
      assert.equal(cluster.exitCode, null);
    } finally {
      cluster.stdin?.end();
      await new Promise((r) => (cluster.exitCode === null ? cluster.once('exit', r) : r(null)));
    }
  });

  it('a task failing on a Dask worker: its retry, then the failure with the worker traceback and the line in the flow file', async () => {
    writeFileSync(path.join(dir, 'failing_flow.py'), FAILING_FLOW);
    const out = await runFlow(dir, {
      file: 'failing_flow.py',
      executor: { type: 'DaskExecutor', cluster_kwargs: { n_workers: 2, processes: true } },
    });
    assert.equal(out.code, 1);
    const child2 = out.raw.filter((e) => e.event === 'task' && e.map_index === 1).map((e) => e.state);
    assert.deepEqual(
      child2,
      ['Running', 'Failed', 'Retrying', 'Running', 'Failed'],
      'failed, retried once (Prefect reports Failed, then Retrying), failed again',
    );
    const failed = out.raw.find((e) => e.event === 'task' && e.state === 'Failed');
    assert.equal(failed?.exception, 'ValueError: member 2 has no data');
    assert.match(String(failed?.traceback), /Traceback[\s\S]*failing_flow\.py[\s\S]*ValueError/);
    assert.deepEqual(failed?.where, { file: path.join(dir, 'failing_flow.py'), line: 8 });
    assert.notEqual(failed?.pid, undefined);
    const fragile = out.run.tasks.get('fragile-1');
    assert.deepEqual(fragile?.children, { 0: 'Success', 1: 'Failed', 2: 'Success' });
    assert.equal(fragile?.exception, 'ValueError: member 2 has no data');
  });

  it('a worker killed during the run: the run fails with KilledWorker and its task shows failed', async () => {
    fresh();
    let killed = 0;
    const out = await runFlow(dir, {
      executor: { type: 'DaskExecutor', cluster_kwargs: { n_workers: 2, processes: true } },
      // No retry on another worker: the task that was running fails at once.
      env: { XP_N: '4', XP_SLEEP: '3', DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES: '0' },
      onEvent: (e) => {
        if (!killed && e.event === 'task' && e.map_index === 0 && e.state === 'Running') {
          killed = e.pid as number;
          process.kill(killed, 'SIGKILL');
        }
      },
    });
    assert.ok(killed > 0);
    assert.equal(out.code, 1);
    assert.equal(out.run.flowState, 'Failed');
    assert.match(out.run.flowException ?? '', /KilledWorker/);
    const square = out.run.tasks.get('square-1');
    assert.equal(square?.children?.[0], 'Failed');
    assert.match(square?.exception ?? '', /process running it ended.*KilledWorker/);
    // The child never wrote its target: no key points at missing data.
    const report = await (await CacheStore.open(path.join(dir, 'store'))).scan();
    assert.ok(!report.artifacts.some((a) => a.key === 'square-0.joblib'));
    assert.deepEqual(
      report.problems.filter((p) => p.kind === 'data-missing'),
      [],
    );
    assert.deepEqual(markedProcesses(out.marker), []);
  });

  it('cancel (SIGHUP, as closing the run terminal sends) stops the run and the cluster it started', async () => {
    fresh();
    let started = 0;
    const t0 = Date.now();
    let stoppedAt = 0;
    const out = await runFlow(dir, {
      executor: { type: 'DaskExecutor', cluster_kwargs: { n_workers: 2, processes: true } },
      env: { XP_N: '8', XP_SLEEP: '30' },
      onEvent: (e, child) => {
        if (e.event === 'task' && e.state === 'Running' && e.map_index !== null && ++started === 2) {
          stoppedAt = Date.now();
          child.kill('SIGHUP');
        }
      },
    });
    assert.equal(out.code, 130);
    assert.ok(stoppedAt > t0);
    assert.ok(Date.now() - stoppedAt < 20_000, 'stopped within the grace period');
    assert.match(out.run.error?.exception ?? '', /KeyboardInterrupt: stopped by signal 1/);
    assert.deepEqual(markedProcesses(out.marker), [], 'nothing of the run is left on the machine');
    assert.ok(!existsSync(path.join(dir, 'store', 'square-0.joblib')));
  });
});
