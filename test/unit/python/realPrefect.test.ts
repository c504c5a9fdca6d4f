// Runs real flows with prefect 1.4.1 + xpersist 2021.12.17 (the venv) and checks that the keys
// they write are exactly what flowTargets resolved statically: parameters, context, inputs and
// their precedence, slugs, tags, mapped children, f-string / callable / class-based targets, a
// result set on the Flow, and the imperative API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { matchSegments } from '../../../src/flows/keyIndex';
import { analyzePython, flowTargets, resolveStorePath } from '../../../src/python/index';
import { fixturesDir, removeDir, runPython, tempDir } from '../helpers';

const file = path.join(fixturesDir(), 'python/real_prefect_flow.py');

describe('targets of real Prefect runs', () => {
  let store = '';
  let written: { keys: string[]; today: string } = { keys: [], today: '' };

  before(() => {
    store = tempDir('xp-prefect-');
    process.env.XP_TEST_STORE = store;
    try {
      const out = runPython('import runpy, sys; runpy.run_path(sys.argv[1], run_name="__main__")', [file]);
      written = JSON.parse(out.trim().split('\n').pop() ?? '{}');
    } finally {
      delete process.env.XP_TEST_STORE;
    }
  });
  after(() => removeDir(store));

  it('writes keys (sanity check of the run)', () => {
    assert.ok(written.keys.length >= 15, JSON.stringify(written));
  });

  it('resolves every written key, and nothing else', () => {
    const a = analyzePython(readFileSync(file, 'utf8'));
    assert.equal(a.stores.length, 1);
    assert.equal(resolveStorePath(a.stores[0], { env: { XP_TEST_STORE: store } }), store);
    // The day the flows ran (UTC), as Prefect's `today`.
    const now = new Date(`${written.today}T12:00:00Z`);
    const keys: string[] = [];
    const patterns: string[] = [];
    for (let i = 0; i < a.flows.length; i++) {
      const internal = new Set(a.flows[i].nodes.filter((n) => n.internal).map((n) => n.id));
      for (const t of flowTargets(a, i, { now })) {
        if (internal.has(t.node)) continue; // a task Prefect adds itself (Constant[list]): no target
        assert.equal(t.error, undefined, `${t.node}: ${t.error}`);
        assert.equal(t.storeIndex, 0, `${t.node} should write to the CacheStore`);
        if (t.writeKey) keys.push(t.writeKey);
        else if (t.key) keys.push(t.key);
        else if (t.pattern) patterns.push(t.pattern);
        else assert.fail(`${t.node} resolved to nothing`);
      }
    }
    assert.deepEqual(
      a.flows.map((f) => f.name),
      ['real-flow', 'flow-result', 'imperative'],
    );
    const expectedExact = [...keys].sort();
    const writtenExact = written.keys
      .filter((k) => !patterns.some((p) => matchSegments(k, p.split('*'))))
      .sort();
    assert.deepEqual(writtenExact, expectedExact);
    assert.deepEqual(patterns, ['mapped-*-*.pkl']);
    assert.equal(written.keys.filter((k) => matchSegments(k, patterns[0].split('*'))).length, 3);
  });

  it('reports the callable whose return value Prefect formats only when checking', () => {
    const a = analyzePython(readFileSync(file, 'utf8'));
    const weekly = flowTargets(a, 'real-flow', { now: new Date(`${written.today}T12:00:00Z`) }).find(
      (t) => t.task === 'weekly',
    );
    assert.ok(weekly?.key?.startsWith('weekly-real-flow-') && !weekly.key.includes('{'));
    assert.equal(weekly?.writeKey, 'weekly-real-flow-{date:%G-W%V}.pkl');
    assert.ok(a.diagnostics.some((d) => d.code === 'callable-target-unformatted'));
  });
});
