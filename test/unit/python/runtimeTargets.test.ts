// Targets resolved as Prefect resolves them when the flow runs, against a real prefect 1.4.1 run
// (test/fixtures/python/runtime_targets.py): `{date}` is pendulum's str() of the run's instant,
// time-of-day fields are exact when the context says `now` is the run's instant (and `*`
// otherwise), a mapped child's `{task_full_name}` is `name[i]`, a lambda target is `<lambda>`,
// and a target on a task without a result is an error, as Prefect fails that task.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { matchSegments } from '../../../src/flows/keyIndex';
import { analyzePython, flowTargets } from '../../../src/python/index';
import { fixturesDir, removeDir, runPython, tempDir } from '../helpers';

const file = path.join(fixturesDir(), 'python/runtime_targets.py');

describe('targets that depend on the run', () => {
  const a = analyzePython(readFileSync(file, 'utf8'));
  let dir = '';
  let run: { files: string[]; failed: string[]; messages: string[] } = {
    files: [],
    failed: [],
    messages: [],
  };
  before(() => {
    dir = tempDir('xp-runtime-');
    process.env.XP_TEST_DIR = dir;
    try {
      const out = runPython('import runpy, sys; runpy.run_path(sys.argv[1], run_name="__main__")', [file]);
      run = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    } finally {
      delete process.env.XP_TEST_DIR;
    }
  });
  after(() => removeDir(dir));

  /** The run's instant, read back from the key `{date}` gave (pendulum's str()). */
  const runInstant = () => {
    const stamp = run.files.find((f) => /^\d{4}-\d\d-\d\dT/.test(f));
    assert.ok(stamp, JSON.stringify(run.files));
    return { stamp, now: new Date(stamp.replace(/(\.\d{3})\d*/, '$1').replace(/\.txt$/, '')) };
  };

  it('gives {date} and time-of-day fields exactly for the run instant', () => {
    const { stamp, now } = runInstant();
    const byNode = new Map(flowTargets(a, 'runtime', { now, exactTime: true }).map((t) => [t.node, t]));
    const micro = stamp.match(/\.(\d+)\+/)?.[1] ?? '';
    // JavaScript dates keep milliseconds: compare up to them.
    assert.equal(
      byNode.get('stamp-1')?.key?.replace(/(\.\d{3})\d*/, '$1'),
      stamp.replace(/(\.\d{3})\d*/, '$1'),
    );
    assert.ok(micro.length === 0 || micro.length === 6);
    const hourly = run.files.find((f) => /h-\d{4}-\d\d-\d\d\.txt$/.test(f));
    assert.equal(byNode.get('hourly-1')?.key, hourly);
  });

  it('leaves time-of-day fields as * when only the day is known', () => {
    const { now } = runInstant();
    const byNode = new Map(flowTargets(a, 'runtime', { now }).map((t) => [t.node, t]));
    const hourly = byNode.get('hourly-1')?.pattern ?? '';
    assert.match(hourly, /^\d{8}-\*h-\d{4}-\d\d-\d\d\.txt$/);
    assert.ok(run.files.some((f) => matchSegments(f, hourly.split('*'))));
  });

  it("names mapped children's {task_full_name} name[i] and matches every child's key", () => {
    const t = flowTargets(a, 'runtime', { now: new Date() }).find((x) => x.node === 'member-1');
    assert.equal(t?.pattern, 'member[*]--*.txt');
    const children = run.files.filter((f) => matchSegments(f, (t?.pattern ?? '').split('*')));
    assert.deepEqual(children, ['member[0]--0.txt', 'member[1]--1.txt']);
  });

  it('names a lambda target <lambda> and resolves what it returns', () => {
    const task = a.tasks.find((x) => x.name === 'by_lambda');
    assert.equal(task?.target?.kind === 'callable' && task.target.name, '<lambda>');
    const t = flowTargets(a, 'runtime', { now: new Date() }).find((x) => x.node === 'by_lambda-1');
    assert.equal(t?.key, 'by_lambda-by-lambda.txt');
    assert.ok(run.files.includes('by_lambda-by-lambda.txt'));
  });

  it('reports a target without any result as the error Prefect fails the task with', () => {
    assert.deepEqual(run.failed, ['no_result']);
    assert.match(run.messages[0], /ResultNotImplementedError/);
    const t = flowTargets(a, 'runtime', { now: new Date() }).find((x) => x.node === 'no_result-1');
    assert.match(t?.error ?? '', /^ResultNotImplementedError/);
    assert.equal(t?.key, undefined);
    assert.ok(!run.files.includes('plain.txt'));
  });
});
