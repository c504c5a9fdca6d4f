// The tasks Prefect 1.4.1 adds by itself (test/fixtures/python/implicit_tasks.py): Constant tasks
// for mapped or flattened constants, List / Tuple / Dict tasks for collections holding task
// results (nested ones too), GetItem for `result[key]`, and the CompareValue tasks of switch(...),
// inside tags(...) too. The real prefect (the venv) builds the flows (nothing runs) and dumps every
// task (slug, name, class, tags), edge and constant; the static analysis must find the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzePython, type FlowInfo, flowTargets } from '../../../src/python/index';
import { fixturesDir } from '../helpers';
import { assertSameFlow, type Dumped, prefectFlows } from './prefectGraphs';

const file = path.join(fixturesDir(), 'python/implicit_tasks.py');

describe("Prefect's implicit tasks match real Prefect", () => {
  const src = readFileSync(file, 'utf8');
  const a = analyzePython(src);
  let dumped: Dumped[] = [];
  before(() => {
    dumped = prefectFlows(file);
  });

  for (const name of ['cmip-ensemble', 'regional-switch']) {
    it(`flow ${name}: every task (Constant, List, Tuple, Dict, GetItem, CompareValue), edge and constant`, () => {
      assertSameFlow(a, dumped, name);
    });
  }

  it('puts an implicit task at the line of the expression that makes it', () => {
    const lineOf = (needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;
    const f = a.flows.find((x) => x.name === 'cmip-ensemble') as FlowInfo;
    const at = (id: string) => f.nodes.find((n) => n.id === id)?.line;
    assert.equal(at("open_catalog['models']-1"), lineOf('models = catalog["models"]'));
    assert.equal(at('Constant[list]-1'), lineOf('datasets = fetch.map('));
    assert.equal(at('Dict-2'), lineOf('describe({'));
  });

  it('resolves the targets of tasks fed by implicit tasks (their values known only at run time)', () => {
    const t = flowTargets(a, 'cmip-ensemble', { now: new Date('2026-11-25T10:00:00Z') });
    const by = (node: string) => t.find((x) => x.node === node);
    assert.equal(by('ensemble-1')?.key, 'ensemble-median.pkl');
    // A run() default is no input: Prefect formats without it and raises (checked with a real run).
    assert.match(by('ensemble-2')?.error ?? '', /^KeyError: 'method'/);
    assert.equal(by('fetch-1')?.pattern, 'raw/*-*.zarr');
    assert.match(by('fetch-2')?.error ?? '', /^KeyError: 'member'/);
    assert.equal(by('decade-2')?.pattern, 'decade-*.zarr');
    // Prefect's own tasks have no target.
    assert.equal(by('List-1')?.template, null);
    assert.equal(by('List-1')?.key, undefined);
  });
});
