// Run states: per-task durations from state changes (mapped tasks over their children), run marks
// dropped once the cache no longer agrees with them, and one vocabulary for both kinds of state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveMark } from '../../../src/flows/graphView';
import { applyRunEvent, newLiveRun, type RunEvent } from '../../../src/flows/runEvents';
import { formatDuration, LEGEND_ORDER, RUN_STATE, STATUS } from '../../../src/flows/status';

const task = (slug: string, state: string, map_index: number | null = null): RunEvent => ({
  event: 'task',
  task: slug.replace(/-\d+$/, ''),
  slug,
  map_index,
  flow: 'f',
  state,
  message: null,
});

describe('run states', () => {
  it('times a task from Running to its final state, and a mapped task over its children', () => {
    const run = newLiveRun('f');
    applyRunEvent(run, task('a-1', 'Running'), 1000);
    applyRunEvent(run, task('a-1', 'Success'), 3100);
    assert.equal(run.tasks.get('a-1')?.durationMs, 2100);
    applyRunEvent(run, task('m-1', 'Running', 0), 5000);
    applyRunEvent(run, task('m-1', 'Success', 0), 5400);
    applyRunEvent(run, task('m-1', 'Success', 1), 6000);
    assert.equal(run.tasks.get('m-1')?.durationMs, 1000);
    applyRunEvent(run, task('c-1', 'Cached'), 7000);
    assert.equal(run.tasks.get('c-1')?.durationMs, undefined, 'no Running seen: no duration');
  });

  it('drops a "ran" mark once the target is invalidated, and keeps it while running', () => {
    const run = newLiveRun('f');
    applyRunEvent(run, task('a-1', 'Success'));
    applyRunEvent(run, task('b-1', 'Failed'));
    assert.ok(liveMark(run, 'a-1', 'not-cached'), 'still running: kept');
    applyRunEvent(run, { event: 'end', status: 1 });
    assert.equal(liveMark(run, 'a-1', 'not-cached'), undefined);
    assert.ok(liveMark(run, 'a-1', 'cached'));
    assert.ok(liveMark(run, 'b-1', 'not-cached'), 'a failure stays visible');
  });

  it('names cache states and run states apart', () => {
    const cache = new Set(Object.values(STATUS).map((s) => s.label));
    for (const r of Object.values(RUN_STATE))
      assert.ok(!cache.has(r.label), `${r.label} is not a cache state`);
    assert.equal(RUN_STATE.Cached.label, 'loaded from cache');
    assert.equal(new Set(LEGEND_ORDER).size, LEGEND_ORDER.length);
    assert.deepEqual(
      [formatDuration(340), formatDuration(2100), formatDuration(185_000)],
      ['340 ms', '2.1 s', '3 min 5 s'],
    );
  });
});

describe('run states of a flow pattern (regional-*: one flow per name, the same slugs)', () => {
  const inFlow = (flow: string, slug: string, state: string, exception?: string): RunEvent => ({
    event: 'task',
    task: slug.replace(/-\d+$/, ''),
    slug,
    map_index: null,
    flow,
    state,
    message: null,
    ...(exception ? { exception } : {}),
  });

  it("adds up each node's states over the flows instead of keeping the last flow's", () => {
    const run = newLiveRun('regional-*');
    applyRunEvent(run, inFlow('regional-eu', 'load-1', 'Running'), 1000);
    applyRunEvent(run, inFlow('regional-eu', 'load-1', 'Success'), 2000);
    applyRunEvent(run, inFlow('regional-eu', 'save-1', 'Failed', 'PermissionError: /data/eu'), 2500);
    assert.equal(run.tasks.get('load-1')?.perFlow, undefined, 'one flow so far: as for a constant name');
    applyRunEvent(run, inFlow('regional-us', 'load-1', 'Running'), 3000);
    // Another flow's instance is running: the node runs.
    assert.equal(run.tasks.get('load-1')?.state, 'Running');
    applyRunEvent(run, inFlow('regional-us', 'load-1', 'Failed', 'KeyError: us'), 4000);
    applyRunEvent(run, inFlow('regional-us', 'save-1', 'Success'), 4500);
    const load = run.tasks.get('load-1');
    assert.equal(load?.state, 'Failed');
    assert.equal(load?.exception, 'KeyError: us');
    assert.deepEqual(load?.perFlow, { 'regional-eu': 'Success', 'regional-us': 'Failed' });
    assert.equal(load?.durationMs, 3000, 'from the first start to the last end');
    // The eu failure stays on save-1 although the us flow's save succeeded after it.
    const save = run.tasks.get('save-1');
    assert.equal(save?.state, 'Failed');
    assert.equal(save?.exception, 'PermissionError: /data/eu');
    assert.deepEqual(save?.perFlow, { 'regional-eu': 'Failed', 'regional-us': 'Success' });
  });

  it("keeps one flow's failure while another flow's instance runs and then succeeds", () => {
    const run = newLiveRun('regional-*');
    applyRunEvent(run, inFlow('regional-eu', 'save-1', 'Running'), 1000);
    applyRunEvent(run, inFlow('regional-eu', 'save-1', 'Failed', 'PermissionError: /data/eu'), 1500);
    applyRunEvent(run, inFlow('regional-us', 'save-1', 'Running'), 2000);
    assert.equal(run.tasks.get('save-1')?.state, 'Running');
    assert.equal(run.tasks.get('save-1')?.exception, 'PermissionError: /data/eu', 'kept while us runs');
    applyRunEvent(run, inFlow('regional-us', 'save-1', 'Success'), 2500);
    assert.equal(run.tasks.get('save-1')?.state, 'Failed');
    assert.equal(run.tasks.get('save-1')?.exception, 'PermissionError: /data/eu');
    // A retry inside the failed flow that succeeds clears the failure.
    applyRunEvent(run, inFlow('regional-eu', 'save-1', 'Running'), 3000);
    applyRunEvent(run, inFlow('regional-eu', 'save-1', 'Success'), 3500);
    assert.equal(run.tasks.get('save-1')?.state, 'Success');
    assert.equal(run.tasks.get('save-1')?.exception, undefined);
  });

  it('gives the run the state of its worst flow', () => {
    const run = newLiveRun('regional-*');
    applyRunEvent(run, { event: 'flow', flow: 'regional-eu', state: 'Failed', message: null });
    applyRunEvent(run, { event: 'flow', flow: 'regional-us', state: 'Success', message: null });
    assert.equal(run.flowState, 'Failed');
    assert.deepEqual(run.flowStates, { 'regional-eu': 'Failed', 'regional-us': 'Success' });
    const one = newLiveRun('daily');
    applyRunEvent(one, { event: 'flow', flow: 'daily', state: 'Running', message: null });
    applyRunEvent(one, { event: 'flow', flow: 'daily', state: 'Success', message: null });
    assert.equal(one.flowState, 'Success');
  });
});
