// Run Flow with Prefect's Dask executors from the editor, for real: a distributed.LocalCluster
// the run starts (the seed flow), one the test starts and gives by address (a flow of 50 mapped
// children), LocalDaskExecutor with processes; live states, the Dask dashboard, Cached on the
// second run, and a worker killed in the middle of writing its artifact.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveRun } from '../../src/flows/runEvents';
import { inWorkspace, waitFor } from './helpers';
import { hooks, restoreSeedStore } from './hooks';

const MAPPED = (store: string, serializer: string, size: number) => `
import numpy as np
from prefect import Flow, task
from xpersist import CacheStore
from xpersist.prefect.result import XpersistResult

store = CacheStore(${JSON.stringify(store)})

@task(target="member-{map_index}.joblib", result=XpersistResult(store, serializer=${JSON.stringify(serializer)}))
def member(i):
    return np.full(${size}, i, dtype="float64")

@task
def count(xs):
    return len(xs)

with Flow("ensemble") as flow:
    count(member.map(list(range(50))))
`;

/** A LocalCluster of two worker processes that outlives the runs (given to them by address). */
async function startCluster(): Promise<{ address: string; proc: ChildProcess }> {
  const python = process.env.XPERSIST_TEST_PYTHON;
  assert.ok(python, 'XPERSIST_TEST_PYTHON is set by the host-test runner');
  const proc = spawn(
    python,
    [
      '-c',
      'from distributed import LocalCluster; import sys\n' +
        'c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)\n' +
        'print(c.scheduler_address, flush=True); sys.stdin.read(); c.close()',
    ],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
      // A killed worker fails its task at once instead of retrying it elsewhere.
      env: { ...process.env, PYTHONWARNINGS: 'ignore', DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES: '0' },
    },
  );
  const address = await new Promise<string>((resolve, reject) => {
    proc.stdout?.once('data', (d) => resolve(String(d).trim()));
    proc.once('exit', (c) => reject(new Error(`the cluster exited ${c}`)));
  });
  return { address, proc };
}

const children = (run: LiveRun | undefined, slug: string) =>
  Object.values(run?.tasks.get(slug)?.children ?? {});

suite('flow runs on Dask executors', function () {
  this.timeout(300_000);
  const tmpStore = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache');
  const ensembleStore = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'ensemble-cache');
  let cluster: { address: string; proc: ChildProcess } | null = null;

  suiteSetup(async () => {
    cluster = await startCluster();
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('xpersist.selectExecutor', 'file');
    cluster?.proc.stdin?.end();
    await restoreSeedStore();
    fs.rmSync(ensembleStore(), { recursive: true, force: true });
  });

  test('a new LocalCluster for the seed flow: executor, workers and dashboard shown; Cached the second time', async () => {
    const h = await hooks();
    const seed = vscode.Uri.file(inWorkspace('flows/seed_flow.py'));
    await vscode.window.showTextDocument(seed);
    await waitFor(() => h.registry.get(tmpStore())?.report, 30_000, 'TMPDIR/my-cache scanned');
    const state = h.registry.get(tmpStore());
    if (state?.report?.artifacts.some((a) => a.key === 'bar.zarr'))
      await state.store.delete('bar.zarr', { dryRun: false });
    const choice = await vscode.commands.executeCommand('xpersist.selectExecutor', {
      type: 'DaskExecutor',
      cluster_class: 'distributed.LocalCluster',
      cluster_kwargs: { n_workers: 2, processes: true },
    });
    assert.equal((choice as { type: string }).type, 'DaskExecutor');
    const ref = { uri: seed.toString(), flowIndex: 0 };
    await vscode.commands.executeCommand('xpersist.showFlowGraph', ref);
    let dashboard: string | null | undefined;
    const sub = h.runner.onDidChangeRun(({ run }) => {
      dashboard ??= run.executor?.dashboard;
    });
    try {
      assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
    } finally {
      sub.dispose();
    }
    assert.match(dashboard ?? '', /^http:\/\/127\.0\.0\.1:\d+\/status$/, 'the run reported its dashboard');
    const model = await waitFor(
      () =>
        h.graphs
          .models()
          .find(
            (m) => m.flow === 'my-flow' && !m.running && m.nodes.find((n) => n.id === 'get_data-1')?.live,
          ),
      15_000,
      'the graph shows the run',
    );
    assert.equal(model.nodes.find((n) => n.id === 'get_data-1')?.live?.state, 'Success');
    assert.equal(model.executor?.label, 'DaskExecutor · 2 workers');
    // The cluster the run started is gone with it, and so is its dashboard button.
    assert.equal(model.executor?.dashboard, null);
    const states: string[] = [];
    const sub2 = h.runner.onDidChangeRun(({ run }) => {
      const s = run.tasks.get('get_data-1')?.state;
      if (s) states.push(s);
    });
    try {
      assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
    } finally {
      sub2.dispose();
    }
    assert.equal(states.at(-1), 'Cached', `states: ${states.join(', ')}`);
  });

  test('50 mapped children on a cluster given by address: all live, all Cached on the second run, cluster left running', async () => {
    const h = await hooks();
    assert.ok(cluster);
    const file = path.join(inWorkspace('flows'), 'ensemble_flow.py');
    fs.writeFileSync(file, MAPPED(ensembleStore(), 'joblib', 10));
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('xpersist.selectExecutor', {
      type: 'DaskExecutor',
      address: cluster.address,
    });
    const ref = { uri: uri.toString(), flowIndex: 0 };
    let last: LiveRun | undefined;
    const sub = h.runner.onDidChangeRun(({ run }) => {
      last = run;
    });
    try {
      assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
      assert.equal(children(last, 'member-1').length, 50);
      assert.deepEqual(new Set(children(last, 'member-1')), new Set(['Success']));
      assert.equal(last?.executor?.address, cluster.address);
      assert.equal(last?.executor?.startedCluster, false);
      await waitFor(
        () => h.registry.get(ensembleStore())?.report?.artifacts.length === 50,
        30_000,
        'the 50 artifacts in the tree',
      );
      assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
      assert.deepEqual(new Set(children(last, 'member-1')), new Set(['Cached']));
      assert.equal(cluster.proc.exitCode, null, 'a cluster given by address is left running');
      // LocalDaskExecutor with processes reads the same cache.
      await vscode.commands.executeCommand('xpersist.selectExecutor', {
        type: 'LocalDaskExecutor',
        scheduler: 'processes',
        num_workers: 2,
      });
      assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
      assert.equal(last?.executor?.kind, 'LocalDaskExecutor');
      assert.deepEqual(new Set(children(last, 'member-1')), new Set(['Cached']));
    } finally {
      sub.dispose();
    }
  });

  test('a worker killed while writing its artifact: the task shows failed, Problems names the half-written data', async () => {
    const h = await hooks();
    assert.ok(cluster);
    fs.rmSync(ensembleStore(), { recursive: true, force: true });
    const file = path.join(inWorkspace('flows'), 'ensemble_flow.py');
    // Arrays of 160 MB: writing one takes long enough to be interrupted.
    fs.writeFileSync(file, MAPPED(ensembleStore(), 'joblib', 20_000_000));
    await vscode.commands.executeCommand('xpersist.selectExecutor', {
      type: 'DaskExecutor',
      address: cluster.address,
    });
    const data = path.join(ensembleStore(), 'member-0.joblib');
    const sidecar = path.join(ensembleStore(), 'xpersist_metadata_store', 'member-0.joblib.artifact.json');
    let killed = 0;
    const watch = setInterval(() => {
      const r = h.runner.active?.run.tasks.get('member-1');
      if (killed || !r || !fs.existsSync(data) || fs.existsSync(sidecar)) return;
      // The data file is being written and its sidecar is not there yet: kill the worker.
      for (const pid of workerPids(cluster?.proc.pid ?? 0)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed++;
        } catch {
          // already gone
        }
      }
    }, 5);
    let last: LiveRun | undefined;
    const sub = h.runner.onDidChangeRun(({ run }) => {
      last = run;
    });
    try {
      const uri = vscode.Uri.file(file);
      assert.equal(
        await vscode.commands.executeCommand('xpersist.runFlow', { uri: uri.toString(), flowIndex: 0 }),
        false,
      );
    } finally {
      clearInterval(watch);
      sub.dispose();
    }
    assert.ok(killed > 0, 'a worker was killed during a write');
    assert.ok(children(last, 'member-1').includes('Failed'));
    assert.match(last?.flowException ?? '', /KilledWorker|worker/i);
    const report = await waitFor(
      () => h.registry.get(ensembleStore())?.report,
      30_000,
      'the ensemble store rescanned',
    );
    await h.registry.scan(ensembleStore());
    const problems = h.registry.get(ensembleStore())?.report?.problems ?? report.problems;
    assert.ok(
      problems.some((p) => p.kind === 'orphan-data' && p.path.endsWith('member-0.joblib')),
      `Problems names the half-written member-0.joblib: ${JSON.stringify(problems.map((p) => [p.kind, p.path]))}`,
    );
    assert.ok(
      !(h.registry.get(ensembleStore())?.report?.artifacts ?? []).some((a) => a.key === 'member-0.joblib'),
      'no key points at the half-written data',
    );
  });
});

suite('cancelling a run on a cluster it started', function () {
  this.timeout(180_000);
  const store = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'slow-cache');
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('xpersist.selectExecutor', 'file');
    fs.rmSync(store(), { recursive: true, force: true });
  });

  test('Cancel Flow Run stops the run, its LocalCluster and every worker process', async () => {
    const h = await hooks();
    const file = path.join(inWorkspace('flows'), 'slow_flow.py');
    fs.writeFileSync(
      file,
      [
        'import time',
        'from prefect import Flow, task',
        'from xpersist import CacheStore',
        'from xpersist.prefect.result import XpersistResult',
        `store = CacheStore(${JSON.stringify(store())})`,
        '@task(target="slow-{map_index}.joblib", result=XpersistResult(store, serializer="joblib"))',
        'def slow(i):',
        '    time.sleep(60)',
        '    return i',
        'with Flow("slow") as flow:',
        '    slow.map(list(range(4)))',
        '',
      ].join('\n'),
    );
    await vscode.commands.executeCommand('xpersist.selectExecutor', {
      type: 'DaskExecutor',
      cluster_kwargs: { n_workers: 2, processes: true },
    });
    const uri = vscode.Uri.file(file);
    const running = vscode.commands.executeCommand('xpersist.runFlow', { uri: uri.toString(), flowIndex: 0 });
    await waitFor(
      () => children(h.runner.active?.run, 'slow-1').filter((s) => s === 'Running').length >= 2,
      90_000,
      'two children running on the workers',
    );
    assert.ok(runProcesses().length >= 3, 'the runner and its worker processes are seen');
    const t0 = Date.now();
    assert.equal(await vscode.commands.executeCommand('xpersist.cancelRun'), true);
    assert.equal(await running, false);
    await waitFor(() => runProcesses().length === 0, 45_000, 'every process of the run to end').catch((e) => {
      const left = runProcesses().map((pid) => {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120);
        const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return `${pid} ppid=${st.slice(st.lastIndexOf(')') + 2).split(' ')[1]} ${cmd}`;
      });
      throw new Error(`${(e as Error).message}: ${left.join(' | ')}`);
    });
    assert.ok(Date.now() - t0 < 45_000, 'within the 10 s grace and the cluster shutdown');
    assert.ok(!fs.existsSync(path.join(store(), 'xpersist_metadata_store', 'slow-0.joblib.artifact.json')));
  });
});

/** Processes started by a flow run: they inherit the runner's XPERSIST_EVENTS_TOKEN. */
function runProcesses(): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes('XPERSIST_EVENTS_TOKEN='))
        pids.push(Number(pid));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** The worker processes of the test's cluster: its multiprocessing children other than the
 * resource tracker (the nannies run in the cluster's own process). */
function workerPids(root: number): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (ppid === root && cmd.includes('spawn_main')) pids.push(Number(pid));
    } catch {
      // gone
    }
  }
  return pids;
}
