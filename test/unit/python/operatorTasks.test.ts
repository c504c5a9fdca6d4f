// Operators on task results in a `with Flow` body (test/fixtures/python/operator_tasks.py), as
// Prefect 1.4.1 builds them: Add/Sub/Mul/Div/FloorDiv/Mod/Pow/And and the ordering tasks (the
// reflected ones for `1 - x`, `10 % x`, `290 > x`), tags(...) on them, `a | b` as a state edge,
// and no task for `==`, `is`, `and`; unpacking a task with `nout` (from `nout=` or a
// `-> Tuple[...]` annotation) into GetItem tasks. The real prefect (the venv) builds the flows,
// nothing runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzePython, type FlowInfo, flowTargets } from '../../../src/python/index';
import { fixturesDir, python, removeDir, tempDir } from '../helpers';
import { assertSameFlow, type Dumped, prefectFlows } from './prefectGraphs';

const file = path.join(fixturesDir(), 'python/operator_tasks.py');

describe('operator tasks match real Prefect', () => {
  const src = readFileSync(file, 'utf8');
  const a = analyzePython(src);
  let dumped: Dumped[] = [];
  before(() => {
    dumped = prefectFlows(file);
  });

  it('flow climate-operators: every operator task, edge and constant', () => {
    assertSameFlow(a, dumped, 'climate-operators');
  });

  it('puts an operator task at the line of its expression', () => {
    const lineOf = (needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;
    const f = a.flows.find((x) => x.name === 'climate-operators') as FlowInfo;
    const at = (id: string) => f.nodes.find((n) => n.id === id)?.line;
    assert.equal(at('Sub-1'), lineOf('anomaly = tas - baseline'));
    assert.equal(at('LessThan-1'), lineOf('colder = 290 > tas'));
    assert.equal(at('GreaterThanOrEqual-checks-1'), lineOf('warm = tas >= baseline'));
  });

  it("resolves a target fed by an operator task as known only at run time, one fed by '==' as its constant", () => {
    const t = flowTargets(a, 'climate-operators', { now: new Date('2026-11-25T10:00:00Z') });
    assert.equal(t.find((x) => x.node === 'summarise-1')?.pattern, 'anomaly-*.pkl');
    const f = a.flows.find((x) => x.name === 'climate-operators') as FlowInfo;
    assert.deepEqual(f.nodes.find((n) => n.id === 'summarise-4')?.inputs?.flag, {
      kind: 'const',
      value: false,
    });
  });

  it('adds no operator task outside a flow, and none for unary minus or ~ (TypeError in Prefect)', () => {
    const b = analyzePython(
      [
        'from prefect import Flow, task',
        '@task',
        'def f(x):',
        '    return x',
        'outside = f + 1',
        'with Flow("unary") as flow:',
        '    y = f(1)',
        '    f(-y)',
        '    f(~y)',
        '    f(not y)',
        '',
      ].join('\n'),
    );
    const flow = b.flows[0];
    assert.deepEqual(flow.nodes.map((n) => n.id).sort(), ['f-1', 'f-2', 'f-3', 'f-4']);
    assert.deepEqual(flow.nodes.find((n) => n.id === 'f-4')?.inputs?.x, { kind: 'const', value: false });
    // Prefect raises there while building the flow: an error at each line, none for `not`.
    const unary = b.diagnostics.filter((d) => d.code === 'task-unary-operator');
    assert.deepEqual(
      unary.map((d) => [d.line, d.severity]),
      [
        [8, 'error'],
        [9, 'error'],
      ],
    );
    assert.match(unary[1].message, /no unary '~'/);
  });

  it('reports a unary operator on a task once per line, in a helper called twice too, as real Prefect fails', () => {
    const src = [
      'from prefect import Flow, task',
      '@task',
      'def f(x):',
      '    return x',
      'def negated(t):',
      '    return +t',
      'with Flow("unary-helper") as flow:',
      '    a = f(1)',
      '    negated(a)',
      '    negated(f(2))',
      '',
    ].join('\n');
    const d = analyzePython(src).diagnostics.filter((x) => x.code === 'task-unary-operator');
    assert.deepEqual(
      d.map((x) => x.line),
      [6],
    );
    const dir = tempDir('xp-unary-');
    const file = path.join(dir, 'unary_helper.py');
    writeFileSync(file, src);
    const r = spawnSync(python(), [file], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    removeDir(dir);
    assert.notEqual(r.status, 0, 'real Prefect builds the flow');
    assert.match(r.stderr, /TypeError: bad operand type for unary \+/);
  });

  it('flow split-periods: nout=, a Tuple[...] annotation and a Task subclass nout unpack into GetItem tasks', () => {
    assertSameFlow(a, dumped, 'split-periods');
    assert.deepEqual(
      ['split_period', 'bounds', 'stats'].map((n) => a.tasks.find((t) => t.name === n)?.nout),
      [2, 3, 3],
    );
  });
});

/** The GetItem nodes a flow body makes from `@task` definitions `defs` and a body `body`. */
function getItems(defs: string[], body: string[]): string[] {
  // A __future__ import must come first.
  const future = defs.filter((l) => l.startsWith('from __future__'));
  const rest = defs.filter((l) => !l.startsWith('from __future__'));
  const src = [
    ...future,
    'from typing import Tuple',
    'import typing',
    'from prefect import Flow, task',
    ...rest,
  ];
  src.push('with Flow("unpack") as flow:', ...body.map((l) => `    ${l}`), '');
  const flow = analyzePython(src.join('\n')).flows[0];
  return flow.nodes.filter((n) => n.internal).map((n) => n.id);
}

describe('nout as Prefect 1.4.1 infers it (core/task.py _infer_run_nout)', () => {
  const def = (ann: string) => ['@task', `def t(x)${ann}:`, '    return x'];
  it('typing.Tuple, tuple[...] and Tuple[()] give their length', () => {
    assert.deepEqual(getItems(def(' -> typing.Tuple[int, str]'), ['a, b = t(1)']), ['t[0]-1', 't[1]-1']);
    assert.deepEqual(getItems(def(' -> tuple[int, int]'), ['a, b = t(1)']), ['t[0]-1', 't[1]-1']);
    assert.deepEqual(getItems(def(' -> Tuple[()]'), ['for x in t(1):', '    t(x)']), []);
  });

  it('a variable-length or bare tuple, another annotation or none: not iterable, no GetItem', () => {
    for (const ann of [' -> Tuple[int, ...]', ' -> Tuple', ' -> list', '']) {
      assert.deepEqual(getItems(def(ann), ['a, b = t(1)']), [], ann);
    }
  });

  it('under from __future__ import annotations the annotation is a string Prefect does not read', () => {
    const defs = ['from __future__ import annotations', ...def(' -> Tuple[int, int]')];
    assert.deepEqual(getItems(defs, ['a, b = t(1)']), []);
  });

  it('nout= wins over the annotation, and a count that differs from the targets unpacks nothing', () => {
    const defs = ['@task(nout=3)', 'def t(x) -> Tuple[int, int]:', '    return x'];
    assert.deepEqual(getItems(defs, ['a, b, c = t(1)']), ['t[0]-1', 't[1]-1', 't[2]-1']);
    assert.deepEqual(getItems(defs, ['a, b = t(1)']), []);
  });
});
