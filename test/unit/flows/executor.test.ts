// The executor setting as Prefect 1.x's constructors take it, what a flow file sets, and the
// progress of a run with mapped children.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeExecutor,
  executorsInSource,
  liveExecutorLabel,
  parseExecutorChoice,
  runnerExecutorArg,
} from '../../../src/flows/executor';
import {
  applyRunEvent,
  newLiveRun,
  parseRunEvent,
  RunEventLines,
  runProgress,
} from '../../../src/flows/runEvents';

describe('xpersist.run.executor', () => {
  it('absent, empty and "file" mean the file decides; the runner gets no --executor', () => {
    for (const raw of [undefined, null, '', 'file']) {
      const p = parseExecutorChoice(raw);
      assert.deepEqual(p, { ok: true, choice: { type: 'file' } });
      if (p.ok) assert.equal(runnerExecutorArg(p.choice), null);
    }
  });

  it('class names (also short, any case) and objects with Prefect keyword arguments', () => {
    assert.deepEqual(parseExecutorChoice('LocalDaskExecutor'), {
      ok: true,
      choice: { type: 'LocalDaskExecutor' },
    });
    assert.deepEqual(parseExecutorChoice('dask'), { ok: true, choice: { type: 'DaskExecutor' } });
    const p = parseExecutorChoice({ type: 'LocalDaskExecutor', scheduler: 'processes', num_workers: 4 });
    assert.ok(p.ok);
    assert.equal(
      runnerExecutorArg(p.choice),
      '{"type":"LocalDaskExecutor","scheduler":"processes","num_workers":4}',
    );
    assert.equal(describeExecutor(p.choice), 'LocalDaskExecutor(scheduler="processes", num_workers=4)');
    const slurm = parseExecutorChoice({
      type: 'DaskExecutor',
      cluster_class: 'dask_jobqueue.SLURMCluster',
      cluster_kwargs: { cores: 8, memory: '16GB', processes: true },
      adapt_kwargs: { minimum: 1, maximum: 10 },
    });
    assert.ok(slurm.ok);
    assert.equal(
      describeExecutor(slurm.choice),
      'DaskExecutor(cluster_class="dask_jobqueue.SLURMCluster", cluster_kwargs={"cores": 8, "memory": "16GB", "processes": True}, adapt_kwargs={"minimum": 1, "maximum": 10})',
    );
  });

  it('refuses what Prefect would refuse, with the reason', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'DaskExecutor', address: 'tcp://h:1', cluster_class: 'distributed.LocalCluster' }, /not both/],
      [{ type: 'DaskExecutor', address: 'localhost:8786' }, /scheduler address/],
      [{ type: 'DaskExecutor', cluster_class: 'os.system; rm' }, /dotted Python name/],
      [{ type: 'LocalDaskExecutor', scheduler: 'gpu' }, /xpersist.run.executor/],
      [{ type: 'LocalDaskExecutor', num_workers: 0 }, /xpersist.run.executor/],
      [{ type: 'LocalDaskExecutor', num_workers: 1.5 }, /xpersist.run.executor/],
      [{ type: 'ThreadExecutor' }, /xpersist.run.executor/],
      [42, /must be/],
    ];
    for (const [raw, why] of bad) {
      const p = parseExecutorChoice(raw);
      assert.equal(p.ok, false, JSON.stringify(raw));
      if (!p.ok) assert.match(p.error, why);
    }
  });
});

describe('executors a flow file sets', () => {
  it('finds Flow(executor=...), flow.executor = ... and flow.run(executor=...) with their lines', () => {
    const src = [
      'from prefect.executors import DaskExecutor, LocalDaskExecutor',
      'with Flow("a", executor=LocalDaskExecutor(scheduler="processes")) as flow:',
      '    pass',
      'flow.executor = prefect.executors.DaskExecutor(',
      '    cluster_class="dask_jobqueue.SLURMCluster",',
      '    cluster_kwargs={"cores": 8},',
      ')',
      'flow.run(executor = LocalExecutor())',
      'executor_name = "LocalExecutor"',
    ].join('\n');
    assert.deepEqual(executorsInSource(src), [
      { line: 1, className: 'LocalDaskExecutor', text: 'LocalDaskExecutor(scheduler="processes")' },
      {
        line: 3,
        className: 'DaskExecutor',
        text: 'DaskExecutor(cluster_class="dask_jobqueue.SLURMCluster", cluster_kwargs={"cores…',
      },
      { line: 7, className: 'LocalExecutor', text: 'LocalExecutor()' },
    ]);
    assert.deepEqual(executorsInSource('flow.run()'), []);
  });
});

describe('live run with an executor', () => {
  const ev = (o: Record<string, unknown>) => {
    const e = parseRunEvent(JSON.stringify(o));
    assert.ok(e, JSON.stringify(o));
    return e;
  };
  const task = (map_index: number | null, state: string) =>
    ev({ event: 'task', task: 'square', slug: 'square-1', map_index, flow: 'f', state, message: null });

  it('keeps the executor the runner reported and its worker count', () => {
    const run = newLiveRun('f');
    applyRunEvent(
      run,
      ev({
        event: 'executor',
        kind: 'DaskExecutor',
        address: 'tcp://127.0.0.1:4000',
        cluster_class: 'distributed.deploy.local.LocalCluster',
        dashboard: 'http://127.0.0.1:4001/status',
        started_cluster: true,
        workers: 2,
      }),
    );
    applyRunEvent(run, ev({ event: 'workers', workers: 4 }));
    assert.equal(run.executor?.dashboard, 'http://127.0.0.1:4001/status');
    assert.equal(run.executor?.startedCluster, true);
    assert.equal(liveExecutorLabel(run.executor ?? { kind: '' }), 'DaskExecutor · 4 workers');
    assert.equal(
      liveExecutorLabel({ kind: 'LocalDaskExecutor', scheduler: 'processes' }),
      'LocalDaskExecutor (processes)',
    );
  });

  it('counts mapped children one each, whatever order workers report them in', () => {
    const run = newLiveRun('f');
    applyRunEvent(run, task(1, 'Running'));
    applyRunEvent(run, task(0, 'Cached'));
    applyRunEvent(run, task(null, 'Mapped'));
    applyRunEvent(run, task(2, 'Running'));
    applyRunEvent(run, task(1, 'Success'));
    assert.deepEqual(runProgress(run), { finished: 2, total: 3, running: 'square' });
    applyRunEvent(run, task(2, 'Failed'));
    applyRunEvent(
      run,
      ev({
        event: 'task',
        task: 'total',
        slug: 'total-1',
        map_index: null,
        flow: 'f',
        state: 'Running',
        message: null,
      }),
    );
    assert.deepEqual(runProgress(run), { finished: 3, total: 4, running: 'total' });
  });
});

describe('a run that ends with tasks still running', () => {
  it('shows them failed with the reason (their worker died)', () => {
    const run = newLiveRun('f');
    const t = (o: Record<string, unknown>) => {
      const e = parseRunEvent(JSON.stringify({ event: 'task', flow: 'f', message: null, ...o }));
      assert.ok(e);
      applyRunEvent(run, e);
    };
    t({ task: 'square', slug: 'square-1', map_index: 0, state: 'Success' });
    t({ task: 'square', slug: 'square-1', map_index: 1, state: 'Running' });
    t({ task: 'load', slug: 'load-1', map_index: null, state: 'Running' });
    t({ task: 'done', slug: 'done-1', map_index: null, state: 'Success' });
    const end = parseRunEvent('{"event":"end","status":1}');
    assert.ok(end);
    applyRunEvent(run, end);
    assert.equal(run.tasks.get('load-1')?.state, 'Failed');
    assert.match(run.tasks.get('load-1')?.exception ?? '', /process running it ended/);
    assert.equal(run.tasks.get('square-1')?.children?.[1], 'Failed');
    assert.equal(run.tasks.get('square-1')?.mapped?.Failed, 1);
    assert.equal(run.tasks.get('done-1')?.state, 'Success');
    assert.deepEqual(runProgress(run), { finished: 4, total: 4, running: null });
  });
});

describe('a runner connection', () => {
  it('gives event lines only after the token, across chunk boundaries', () => {
    const s = new RunEventLines('t0k');
    assert.deepEqual(s.push('t0'), []);
    assert.deepEqual(s.push('k\n{"event":"end",'), []);
    assert.deepEqual(s.push('"status":0}\n{"a":1}\n{"b"'), ['{"event":"end","status":0}', '{"a":1}']);
    assert.deepEqual(s.push(':2}\n'), ['{"b":2}']);
  });

  it('drops a connection whose first line is not the token', () => {
    assert.equal(new RunEventLines('t0k').push('{"event":"end","status":0}\n'), null);
  });
});
