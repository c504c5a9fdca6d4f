// Expressions the interpreter evaluates as Python does (test/fixtures/python/expressions.py):
// `x += t()` is `x = x + t()` (an Add task per step, Task has no __iadd__), `a < b < c` runs
// `a < b and b < c` with `b` once (Prefect's GreaterThan and LessThan tasks for task results),
// comparisons, `in`, `and`/`or` over known values decide which branch adds tasks. The real
// prefect 1.4.1 (the venv) builds the flow, nothing runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzePython, type FlowInfo } from '../../../src/python/index';
import { fixturesDir } from '../helpers';
import { assertSameFlow, type Dumped, prefectFlows } from './prefectGraphs';

const file = path.join(fixturesDir(), 'python/expressions.py');

/** The flow of a small module: `body` is the `with Flow("f")` block's lines. */
function flowOf(body: string[]): FlowInfo {
  const src = [
    'from prefect import Flow, task',
    'N = 4',
    'NAMES = ["a", "b"]',
    '@task',
    'def t(x=0):',
    '    return x',
    '@task',
    'def u(x=0, y=0):',
    '    return x',
    'with Flow("f") as flow:',
    ...body.map((l) => `    ${l}`),
  ].join('\n');
  const f = analyzePython(src).flows[0];
  assert.ok(f);
  return f;
}

const tasks = (f: FlowInfo) => f.nodes.map((n) => n.id).sort();

describe('expressions evaluated as Python does', () => {
  const a = analyzePython(readFileSync(file, 'utf8'));
  let dumped: Dumped[] = [];
  before(() => {
    dumped = prefectFlows(file);
  });

  it('flow station-qc: every task, edge and constant as prefect builds them', () => {
    assertSameFlow(a, dumped, 'station-qc');
  });

  it('x += t() adds the call and an Add task; a known x += 1 stays a constant', () => {
    const f = flowOf(['x = t(1)', 'x += t(2)', 'n = 1', 'n += 2', 'u(x, n)']);
    assert.deepEqual(tasks(f), ['Add-1', 't-1', 't-2', 'u-1']);
    assert.deepEqual(f.nodes.find((n) => n.id === 'u-1')?.inputs, {
      x: { kind: 'node', id: 'Add-1', mapped: false },
      y: { kind: 'const', value: 3 },
    });
    assert.ok(f.edges.some((e) => e.from === 't-2' && e.to === 'Add-1' && e.key === 'y'));
  });

  it('a < b < c evaluates b once and stops at the first false comparison', () => {
    // t() in the middle: one t task, GreaterThan (2 < t is t > 2) and LessThan.
    assert.deepEqual(tasks(flowOf(['ok = 2 < t() < 9', 'u(ok)'])), [
      'GreaterThan-1',
      'LessThan-1',
      't-1',
      'u-1',
    ]);
    // 5 < 3 is False: Python never evaluates the rest of the chain, nor calls t.
    assert.deepEqual(tasks(flowOf(['ok = 5 < 3 < t()', 'u(ok)'])), ['u-1']);
    // Over known values, in a branch: 1 < N <= 8 is True, 1 < N < 3 is False.
    assert.deepEqual(tasks(flowOf(['if 1 < N <= 8:', '    t()', 'else:', '    u()'])), ['t-1']);
    assert.deepEqual(tasks(flowOf(['if 1 < N < 3:', '    t()', 'else:', '    u()'])), ['u-1']);
    // (1 < N) < 3 is a plain comparison of True with 3: True.
    assert.deepEqual(tasks(flowOf(['if (1 < N) < 3:', '    t()', 'else:', '    u()'])), ['t-1']);
  });

  it('in, not in, ==, is and and/or over known values pick the branch Python runs', () => {
    const branch = (cond: string) => tasks(flowOf([`if ${cond}:`, '    t()', 'else:', '    u()']));
    assert.deepEqual(branch('"a" in NAMES'), ['t-1']);
    assert.deepEqual(branch('"c" in NAMES'), ['u-1']);
    assert.deepEqual(branch('"c" not in NAMES and N == 4'), ['t-1']);
    assert.deepEqual(branch('N != 4 or N is None'), ['u-1']);
    assert.deepEqual(branch('N >= 4.0 and "ab" < "b"'), ['t-1']);
    // `False and t()`: the call never runs, no task.
    assert.deepEqual(tasks(flowOf(['x = N > 9 and t()', 'u(x)'])), ['u-1']);
    // Unknown: both branches may run.
    assert.deepEqual(branch('os.environ["X"] == "1"'), ['t-1', 'u-1']);
  });
});
