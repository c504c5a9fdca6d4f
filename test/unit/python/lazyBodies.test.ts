// The parser skips the task bodies the analysis never reads (parse/lazyBodies.ts): the blanked
// text converts to exactly the statements the original does, only the bodies it may skip are
// blanked, and edits into, out of and inside a blanked body give a fresh analyzer's answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parser } from '@lezer/python';
import { diffRange } from '../../../src/python/document';
import { analyzePython, type PythonAnalysis, PythonDocumentAnalyzer } from '../../../src/python/index';
import { convertTopLevel } from '../../../src/python/parse/convert';
import { blankLazyBodies, rescanLines } from '../../../src/python/parse/lazyBodies';
import { benchSource, projectModule } from '../../bench/pythonSources';
import { fixturesDir } from '../helpers';

const pyDir = path.join(fixturesDir(), 'python');
const lazy = readFileSync(path.join(pyDir, 'lazy_bodies.py'), 'utf8');

/** Every top-level statement converted from the original and from the blanked text. */
function assertSameConversion(name: string, text: string): number {
  const { text: parsed, colons } = blankLazyBodies(text);
  assert.equal(parsed.length, text.length, `${name}: offsets kept`);
  const a = parser.parse(text).topNode;
  const b = parser.parse(parsed).topNode;
  let na = a.firstChild;
  let nb = b.firstChild;
  let count = 0;
  for (; na && nb; na = na.nextSibling, nb = nb.nextSibling, count++) {
    assert.equal(`${nb.name}@${nb.from}`, `${na.name}@${na.from}`, `${name}: statement ${count}`);
    if (na.name === 'Comment') continue;
    const want = convertTopLevel(na, text);
    const got = convertTopLevel(nb, parsed, colons);
    assert.deepEqual(got.stmts, want.stmts, `${name}: statement at ${na.from}`);
    assert.deepEqual(got.errors, want.errors, `${name}: errors at ${na.from}`);
  }
  assert.equal(na, null, `${name}: as many statements`);
  assert.equal(nb, null, `${name}: as many statements`);
  return colons.size;
}

/** The names of the functions whose bodies were blanked. */
function blankedDefs(text: string): string[] {
  const { text: parsed, colons } = blankLazyBodies(text);
  return [...colons].map(
    (c) =>
      parsed
        .slice(0, c)
        .match(/def \w+/g)
        ?.pop()
        ?.slice(4) ?? '?',
  );
}

describe('lazy bodies: what the parser skips', () => {
  it('blanks only long decorated bodies that mention nothing the analysis reads', () => {
    // short_body has 2 statements, mentions_the_store names CacheStore, annual_mean holds a
    // triple-quoted string whose second line starts in column 0 (the line scan cannot tell where
    // the body ends), the last task ends the file without a line break.
    assert.deepEqual(blankedDefs(lazy), ['fetch_catalogue', 'subset', 'regrid']);
  });

  it('the blanked text converts to the same statements (fixtures, bench sources, CRLF)', () => {
    const files = [
      ...[
        'lazy_bodies.py',
        'flow_styles.py',
        'implicit_tasks.py',
        'operator_tasks.py',
        'prefect_api.py',
        'real_prefect_flow.py',
        'runtime_targets.py',
        'seed_use_xpersist_with_prefect.py',
        'store_paths.py',
      ].map((f) => [f, readFileSync(path.join(pyDir, f), 'utf8')]),
      ['bench file', benchSource()],
      ['project module', projectModule(3)],
      ['lazy_bodies.py with CRLF', lazy.replace(/\n/g, '\r\n')],
    ];
    let blanked = 0;
    for (const [name, text] of files) blanked += assertSameConversion(name, text);
    // The bench file's 200 step bodies and the project module's 12: the skipping does happen.
    assert.ok(blanked >= 3 + 200 + 12 + 3, `${blanked} bodies blanked`);
  });

  it('gives the tasks, flows and diagnostics at the lines of the original text', () => {
    const a = analyzePython(lazy);
    const lineOf = (s: string) => lazy.slice(0, lazy.indexOf(s)).split('\n').length;
    assert.deepEqual(
      a.tasks.map((t) => [t.name, t.line]),
      [
        ['fetch_catalogue', lineOf('@task(\n    # the catalogue')],
        ['subset', lineOf('@task(target="{flow_name}/subset')],
        ['regrid', lineOf('@task(target="{flow_name}/regrid')],
        ['short_body', lineOf('@task\ndef short_body')],
        ['mentions_the_store', lineOf('@task(target="{flow_name}/mentions')],
        ['annual_mean', lineOf('@task(target="{flow_name}/annual')],
        ['last_task_without_final_newline', lineOf('@task(target="{flow_name}/last')],
      ],
    );
    const flow = a.flows.find((f) => f.name === 'cmip6-regional');
    assert.ok(flow);
    assert.equal(flow.nodes.filter((n) => n.kind === 'task').length, 6);
    // CacheStore("/tmp/keep") is read inside mentions_the_store's body (not blanked).
    assert.deepEqual(a.syntaxErrors, []);
  });

  it('an edit that makes a blanked body matter, or breaks it, gives a fresh analysis', () => {
    const doc = new PythonDocumentAnalyzer();
    let before = doc.update(lazy);
    const names = (a: PythonAnalysis) => a.tasks.map((t) => `${t.name}@${t.line}`);
    const edits: [string, string, 'fresh' | 'carried'][] = [
      // Inside a blanked body: only spaces change in what lezer parses.
      ['    lat = np.arange(', '    lat = np.arange( ', 'fresh'],
      // Now it builds a flow: the body is read again.
      [
        '    out = ds.interp(lat=lat, lon=lon)\n',
        '    out = ds.interp(lat=lat, lon=lon)\n    inner = Flow("inner")\n',
        'fresh',
      ],
      // An unclosed bracket: no body below it is blanked, and the broken statement is the one
      // from before the edit (as for any half-typed line).
      [
        '    lon = np.arange(0 + resolution / 2, 360, resolution)\n',
        '    lon = np.arange(0 + resolution / 2, 360,\n',
        'carried',
      ],
      // Closed again.
      [
        '    lon = np.arange(0 + resolution / 2, 360,\n',
        '    lon = np.arange(0 + resolution / 2, 360, resolution)\n',
        'fresh',
      ],
    ];
    let text = lazy;
    for (const [find, by, expect] of edits) {
      const at = text.indexOf(find);
      assert.ok(at >= 0, find);
      text = text.slice(0, at) + by + text.slice(at + find.length);
      const got = doc.update(text, [{ rangeOffset: at, rangeLength: find.length, text: by }]);
      if (expect === 'carried') {
        assert.deepEqual(names(got), names(before), by);
        assert.equal(got.syntaxErrors.length, 1, by);
        assert.match(got.syntaxErrors[0].message, /as they were before this edit/);
        continue;
      }
      const fresh = analyzePython(text);
      assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(fresh)), by);
      before = got;
    }
    assert.ok(blankedDefs(text).includes('fetch_catalogue'));
    assert.ok(!blankedDefs(text).includes('regrid'), 'regrid mentions Flow now');
  });

  it('scans hostile input in linear time (stacked decorators, headers without a colon)', () => {
    const body = '    a = 1\n    b = 2\n    c = 3\n    d = 4\n';
    const inputs = {
      stacked: `${'@deco\n'.repeat(60_000)}def f():\n${body}`,
      noColon: '@task\ndef f() -> int\n'.repeat(30_000),
      unclosed: `@task\ndef f(\n${'@task\ndef g():\n'.repeat(30_000)}`,
      manyBodies: `@task\ndef f():\n${body}`.repeat(20_000),
    };
    for (const [name, text] of Object.entries(inputs)) {
      const t = performance.now();
      const { colons } = blankLazyBodies(text);
      const ms = performance.now() - t;
      assert.ok(ms < 1000, `${name}: ${ms.toFixed(0)} ms`);
      assert.equal(colons.size, name === 'manyBodies' ? 20_000 : name === 'stacked' ? 1 : 0, name);
    }
  });

  it('an edit rescans only the lines around it and blanks exactly as a fresh scan (random edits, issue 12)', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const pieces = [
      '\n',
      ' ',
      '    ',
      '(',
      ')',
      '"',
      "'",
      '"""',
      '#',
      '\\',
      'x',
      '@task\n',
      'def f(a):\n',
      'Flow',
      '\r\n',
      'else:',
    ];
    const gen = (n: number) => Array.from({ length: n }, () => pieces[rnd(pieces.length)]).join('');
    const sources = [lazy, projectModule(3), benchSource().slice(0, 6000)];
    let edits = 0;
    for (const source of sources) {
      let a = source;
      let prev = blankLazyBodies(a);
      for (let e = 0; e < 150; e++) {
        const at = rnd(a.length + 1);
        const b = a.slice(0, at) + gen(rnd(3)) + a.slice(at + rnd(Math.min(a.length - at, 6) + 1));
        const d = diffRange(a, b);
        const next = d
          ? blankLazyBodies(b, rescanLines(prev.scan, b, d.fromA, d.toA, d.toB))
          : blankLazyBodies(b, prev.scan);
        const fresh = blankLazyBodies(b);
        assert.equal(next.text, fresh.text);
        assert.deepEqual([...next.colons], [...fresh.colons]);
        assert.deepEqual(next.scan, fresh.scan);
        a = b;
        prev = next;
        edits++;
      }
    }
    assert.equal(edits, 450);
  });
});
