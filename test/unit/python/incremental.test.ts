// PythonDocumentAnalyzer: incremental reparses give the same analysis as a fresh one, and a
// half-typed edit does not lose the tasks, flows and stores of the rest of the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  analyzePython,
  type PythonAnalysis,
  PythonDocumentAnalyzer,
  type TextChange,
} from '../../../src/python/index';
import { fixturesDir } from '../helpers';

const seed = readFileSync(path.join(fixturesDir(), 'python/seed_use_xpersist_with_prefect.py'), 'utf8');
const styles = readFileSync(path.join(fixturesDir(), 'python/flow_styles.py'), 'utf8');

/** What must survive an edit elsewhere: task names, flows with their nodes, store variables. */
function shape(a: PythonAnalysis) {
  return {
    tasks: a.tasks
      .map((t) => `${t.name}@${t.target?.kind === 'template' ? t.target.template : t.target?.kind}`)
      .sort(),
    flows: a.flows.map((f) => `${f.name}:${f.nodes.map((n) => n.id).join(',')}`).sort(),
    stores: a.stores.map((s) => `${s.variable}=${s.expression}`).sort(),
  };
}

function withoutVolatile(a: PythonAnalysis) {
  return JSON.parse(JSON.stringify({ ...a }));
}

function replaceOnce(text: string, find: string, by: string): { text: string; change: TextChange } {
  const at = text.indexOf(find);
  assert.ok(at >= 0, `not found: ${find}`);
  return {
    text: text.slice(0, at) + by + text.slice(at + find.length),
    change: { rangeOffset: at, rangeLength: find.length, text: by },
  };
}

describe('PythonDocumentAnalyzer', () => {
  it('gives a fresh analysis result after every edit of a valid file', () => {
    const doc = new PythonDocumentAnalyzer();
    let text = styles;
    doc.update(text);
    const edits: [string, string][] = [
      ['raw2 = fetch("cmip6")', 'raw2 = fetch("cmip5")'],
      ['double(6, task_args=dict(name="sextuple"))', 'double(6, task_args=dict(name="sixfold"))'],
      ['CONSTANT_N = 3', 'CONSTANT_N = 4\nEXTRA = "x"'],
      ['    return ds\n\n\n@ptask\ndef combine', '    return ds.copy()\n\n\n@ptask\ndef combine'],
      ['with Flow("mapping") as mapping:', '# a comment\nwith Flow("mapping") as mapping:'],
    ];
    for (const [find, by] of edits) {
      const r = replaceOnce(text, find, by);
      text = r.text;
      const incremental = doc.update(text, [r.change]);
      assert.deepEqual(withoutVolatile(incremental), withoutVolatile(analyzePython(text)), `after ${by}`);
    }
  });

  it('gives the same result with or without the change list, and ignores a wrong one', () => {
    const a = new PythonDocumentAnalyzer();
    const b = new PythonDocumentAnalyzer();
    a.update(seed);
    b.update(seed);
    const r = replaceOnce(seed, 'target="bar.zarr"', 'target="baz.zarr"');
    assert.deepEqual(withoutVolatile(a.update(r.text, [r.change])), withoutVolatile(b.update(r.text)));
    const c = new PythonDocumentAnalyzer();
    c.update(seed);
    const wrong = c.update(r.text, [{ rangeOffset: 0, rangeLength: 3, text: 'xyz' }]);
    assert.deepEqual(withoutVolatile(wrong), withoutVolatile(analyzePython(r.text)));
  });

  // Mid-edit states where a parser can lose the rest of the file (an unclosed bracket or string,
  // a half-typed decorator or `with` line).
  const brokenEdits: [string, string, string][] = [
    ['unclosed decorator call', 'result=zarr)\ndef fetch', 'result=zarr\ndef fetch'],
    [
      'unterminated string in a target',
      'target="piece-{map_index:03d}.zarr"',
      'target="piece-{map_index:03d}.zarr',
    ],
    ['half-typed @task(target= above a def', 'def _double(x):', '@ptask(target=\ndef _double(x):'],
    ['unclosed call in a function body', '    return 2 * x', '    return (2 * x'],
    ['incomplete with Flow header', 'with Flow("functional") as functional:', 'with Flow("functional") as'],
    [
      'half-typed call in a flow body',
      '    raw2 = fetch("cmip6")',
      '    raw2 = fetch("cmip6")\n    df = combine(raw, n=',
    ],
  ];
  for (const [what, find, by] of brokenEdits) {
    it(`keeps tasks, flows and stores through a syntax error: ${what}`, () => {
      const doc = new PythonDocumentAnalyzer();
      const clean = doc.update(styles);
      const before = shape(clean);
      const r = replaceOnce(styles, find, by);
      const broken = doc.update(r.text, [r.change]);
      assert.ok(broken.syntaxErrors.length > 0, 'the edit should not parse');
      assert.ok(broken.diagnostics.some((d) => d.code === 'syntax-error'));
      const after = shape(broken);
      for (const t of before.tasks) assert.ok(after.tasks.includes(t), `lost task ${t}`);
      for (const f of before.flows) assert.ok(after.flows.includes(f), `lost flow ${f}`);
      assert.deepEqual(after.stores, before.stores);
      // Typing on: still broken, still complete.
      const r2 = replaceOnce(r.text, by, `${by} `);
      const still = doc.update(r2.text, [r2.change]);
      for (const t of before.tasks)
        assert.ok(shape(still).tasks.includes(t), `lost task ${t} on the next keystroke`);
      // Fixed again: exactly the fresh analysis.
      const back = replaceOnce(r2.text, `${by} `, find);
      assert.deepEqual(
        withoutVolatile(doc.update(back.text, [back.change])),
        withoutVolatile(analyzePython(styles)),
      );
    });
  }

  it('keeps line numbers of carried statements in step with the edit', () => {
    const doc = new PythonDocumentAnalyzer();
    doc.update(seed);
    // Break the first task's decorator and insert two lines above it.
    const r = replaceOnce(seed, 'store = CacheStore(', '\n\nstore = CacheStore(');
    const broken = replaceOnce(
      r.text,
      'serializer_dump_kwargs={"mode": "w"}\n    ),\n)\ndef get_data',
      'serializer_dump_kwargs={"mode": "w"}\n    ),\ndef get_data',
    );
    doc.update(r.text);
    const a = doc.update(broken.text);
    const lineIn = (needle: string) => broken.text.slice(0, broken.text.indexOf(needle)).split('\n').length;
    assert.deepEqual(
      a.tasks.map((t) => [t.name, t.line]),
      [
        ['get_data', lineIn('@task(\n    target="bar.zarr"')],
        ['total', lineIn('@task\ndef total')],
        ['foo_task', lineIn('@task(\n    target="{date')],
      ],
    );
    assert.deepEqual(
      a.flows.map((f) => [f.name, f.line]),
      [
        ['my-flow', lineIn('with Flow("my-flow")')],
        ['sample_flow', lineIn('with Flow("sample_flow")')],
      ],
    );
  });

  it('never throws, whatever the input', () => {
    const doc = new PythonDocumentAnalyzer();
    for (const text of [
      '',
      '\n\n',
      '@',
      'with',
      '"""unterminated',
      '\u0000\uFFFF',
      'def f(:\n  pass',
      seed.slice(0, 700),
    ]) {
      const a = doc.update(text);
      assert.ok(Array.isArray(a.tasks));
    }
  });
});

describe('robustness', () => {
  it('analyses a file with a 20,000-term expression and a deep nesting without losing its tasks', () => {
    const sum = Array.from({ length: 20000 }, (_, i) => `x${i}`).join(' + ');
    // 200 levels: the deepest nesting CPython compiles (one more is refused: nesting.test.ts).
    const nested = `${'('.repeat(200)}1${')'.repeat(200)}`;
    const src = `from prefect import task\ntotal = ${sum}\ndeep = ${nested}\n@task(target="t.zarr")\ndef t(): ...\n`;
    const a = analyzePython(src);
    assert.deepEqual(
      a.tasks.map((t) => t.name),
      ['t'],
    );
    assert.equal(a.diagnostics.filter((d) => d.code === 'analysis-failed').length, 0);
    const refused = analyzePython(src.replace(nested, `(${nested})`));
    assert.deepEqual(
      [refused.tasks, refused.syntaxErrors[0]?.line],
      [[], 3],
      'Python refuses the file at line 3',
    );
  });
});

describe('flows built by functions', () => {
  it('runs a recursive builder once per call chain without looping', () => {
    const a = analyzePython(`from prefect import Flow, task
@task
def t(): ...
def build(name, depth=0):
    with Flow(name) as f:
        t()
    if depth < 3:
        build(name + "x", depth + 1)
    return f
flow = build("outer")
`);
    assert.deepEqual(
      a.flows.map((f) => f.name),
      ['outer'],
    );
  });
});
