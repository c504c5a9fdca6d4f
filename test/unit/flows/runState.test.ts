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
