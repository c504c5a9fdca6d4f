// The instant targets are evaluated at by the lenses and the graph (fileCacheStates): now, or
// what "Evaluate targets as of..." was given (parseAsOf). Now and a typed date and time are
// instants a run could start at, so time-of-day fields are exact (flowTargets' exactTime); a
// typed day leaves them `*`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileCacheStates, parseAsOf } from '../../../src/flows/fileStates';
import { analyzePython } from '../../../src/python/index';

const SOURCE = `
import xpersist as xp
from prefect import Flow, task
from xpersist.prefect.result import XpersistResult

store = xp.CacheStore("/tmp/xp-evaluation-time")

@task(target="hourly/{date:%Y%m%d-%H%M}.pkl", result=XpersistResult(store, serializer="joblib"))
def snapshot():
    return 1

with Flow("hourly") as flow:
    snapshot()
`;

describe('evaluation instant of the lenses and the graph', () => {
  const a = analyzePython(SOURCE);
  const target = (now: Date, exactTime?: boolean) => {
    const s = fileCacheStates(a, { now, exactTime, reports: [] })[0].states[0];
    return s.key ?? s.pattern;
  };

  it('makes time-of-day fields exact only for an instant', () => {
    const at = new Date('2026-12-03T12:35:09Z');
    assert.equal(target(at, true), 'hourly/20261203-1235.pkl');
    assert.equal(target(at), 'hourly/20261203-*.pkl');
    assert.equal(target(at, false), 'hourly/20261203-*.pkl');
  });

  it('reads "Evaluate targets as of..." input: now, a day, a date and time', () => {
    assert.equal(parseAsOf(''), null);
    assert.equal(parseAsOf(' now '), null);
    assert.deepEqual(parseAsOf('2026-11-25'), { at: new Date('2026-11-25T12:00:00Z'), exact: false });
    assert.deepEqual(parseAsOf('2026-11-25T06:30'), { at: new Date('2026-11-25T06:30:00Z'), exact: true });
    assert.deepEqual(parseAsOf('2026-11-25T06:30+02:00'), {
      at: new Date('2026-11-25T04:30:00Z'),
      exact: true,
    });
    assert.equal(parseAsOf('next tuesday'), undefined);
    const day = parseAsOf('2026-11-25');
    assert.ok(day);
    assert.equal(target(day.at, day.exact), 'hourly/20261125-*.pkl');
    const instant = parseAsOf('2026-11-25T06:30');
    assert.ok(instant);
    assert.equal(target(instant.at, instant.exact), 'hourly/20261125-0630.pkl');
  });
});
