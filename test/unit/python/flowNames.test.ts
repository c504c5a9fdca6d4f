// Flows made in loops and factories have a name pattern (`regional-*`) instead of a name: they are
// found by that pattern, or by any name it stands for, wherever a flow is looked up by name
// (findFlow, flowTargets, the per-flow parameters of fileCacheStates). Asked for one concrete
// name, `{flow_name}` is that name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileCacheStates } from '../../../src/flows/fileStates';
import { analyzePython, findFlow, flowTargets } from '../../../src/python/index';
import { globMatch } from '../../../src/python/targets';

const SOURCE = `
import xpersist as xp
from prefect import Flow, Parameter, task
from xpersist.prefect.result import XpersistResult

store = xp.CacheStore("/tmp/xp-flow-names")
res = XpersistResult(store, serializer="joblib")

@task(target="{flow_name}/{region}-{year}.pkl", result=res)
def fetch(region, year):
    return region

REGIONS = ["eu", "us"]
for region in REGIONS:
    with Flow(f"regional-{region}") as regional:
        year = Parameter("year", default=2020)
        fetch(region, year)

def make_flow(source):
    with Flow("source-" + source + "-daily") as flow:
        fetch(source, 1990)
    return flow

flows = [make_flow(s) for s in ["era5", "cmip6"]]

with Flow("regional-eu") as exact:
    fetch("eu", 2000)
`;

describe('flows found by their name pattern', () => {
  const a = analyzePython(SOURCE);
  const now = new Date('2026-11-25T10:00:00Z');

  it('gives an f-string or a concatenation name its pattern', () => {
    assert.deepEqual(
      a.flows.map((f) => [f.name, f.namePattern ?? null]),
      [
        [null, 'regional-*'],
        ['regional-eu', null],
        [null, 'source-*-daily'],
      ],
    );
  });

  it('finds a flow by its pattern and by a name the pattern matches; an exact name wins', () => {
    assert.equal(findFlow(a, 'regional-*'), a.flows[0]);
    assert.equal(findFlow(a, 'regional-us'), a.flows[0]);
    assert.equal(findFlow(a, 'regional-eu'), a.flows[1]);
    assert.equal(findFlow(a, 'source-era5-daily'), a.flows[2]);
    assert.equal(findFlow(a, 'source-daily'), undefined);
    assert.equal(findFlow(a, 'other'), undefined);
  });

  it('resolves targets by pattern ({flow_name} unknown) and by a concrete name ({flow_name} that name)', () => {
    assert.deepEqual(
      flowTargets(a, 'regional-*', { now }).map((t) => t.pattern),
      ['*/*-2020.pkl'],
    );
    const us = flowTargets(a, 'regional-us', { now, parameters: { year: 2024 } });
    assert.deepEqual(
      us.map((t) => t.pattern),
      ['regional-us/*-2024.pkl'],
    );
    assert.deepEqual(
      flowTargets(a, 'source-cmip6-daily', { now }).map((t) => t.pattern),
      ['source-cmip6-daily/*-1990.pkl'],
    );
    assert.deepEqual(
      flowTargets(a, 'regional-eu', { now }).map((t) => t.key),
      ['regional-eu/eu-2000.pkl'],
    );
    assert.deepEqual(flowTargets(a, 'nothing-*', { now }), []);
  });

  it('applies per-flow parameters given under the pattern (fileCacheStates)', () => {
    const states = fileCacheStates(a, { now, reports: [], parameters: { 'regional-*': { year: 1999 } } });
    assert.equal(states[0].states[0].pattern, '*/*-1999.pkl');
  });

  it('matches * patterns as globs', () => {
    assert.ok(globMatch('a-*-b', 'a-x-y-b'));
    assert.ok(globMatch('a-*-b', 'a--b'));
    assert.ok(!globMatch('a-*-b', 'a-b'));
    assert.ok(globMatch('*', ''));
    assert.ok(globMatch('x*y*z', 'xyz'));
    assert.ok(!globMatch('x*y*z', 'xzy'));
    assert.ok(!globMatch('ab', 'abc'));
  });
});
