// Deeply nested brackets (issue 16): CPython's tokenizer refuses more than 200 levels before any
// of the file runs; the analysis says the same, at once, and stays fast up to that limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffRange } from '../../../src/python/document';
import { analyzePython } from '../../../src/python/index';
import { MAX_NESTING, rescanNesting, scanNesting, tooDeepAt } from '../../../src/python/parse/nesting';
import { runPython } from '../helpers';

const deep = (n: number, open = '(', close = ')') => `x = ${open.repeat(n)}1${close.repeat(n)}\n`;

describe('bracket nesting as CPython tokenizes it', () => {
  it('agrees with compile() of the real Python on the limit, strings, comments and f-strings', () => {
    const sources = [
      deep(200),
      deep(201),
      deep(201, '[', ']'),
      `s = "${'('.repeat(300)}"  # ${'['.repeat(300)}\n${deep(10)}`,
      `s = '''\n${'{'.repeat(300)}\n'''\n`,
      `s = f"{${'('.repeat(150)}1${')'.repeat(150)}}"\n`,
      `a = ${'('.repeat(150)}1${')'.repeat(150)}\nb = ${'('.repeat(150)}2${')'.repeat(150)}\n`,
      `s = 'it\\'s (' + ${'('.repeat(201)}1${')'.repeat(201)}\n`,
    ];
    const python = JSON.parse(
      runPython(
        'import json, sys\nout = []\nfor src in json.loads(sys.argv[1]):\n    try: compile(src, "f", "exec"); out.append(None)\n    except SyntaxError as e: out.append([e.msg, e.lineno])\nprint(json.dumps(out))',
        [JSON.stringify(sources)],
      ),
    ) as ([string, number] | null)[];
    sources.forEach((src, i) => {
      const tooDeep = python[i]?.[0] === 'too many nested parentheses';
      assert.equal(tooDeepAt(src) >= 0, tooDeep, `source ${i}: Python says ${JSON.stringify(python[i])}`);
      const a = analyzePython(src);
      const ours = a.syntaxErrors.find((e) => /too many nested parentheses/.test(e.message));
      assert.equal(!!ours, tooDeep, `source ${i}`);
      if (ours) assert.equal(ours.line, python[i]?.[1]);
    });
  });
  it('refuses 100,000 levels, and 100 KB of unclosed brackets, without parsing them', () => {
    for (const src of [
      deep(100_000),
      `x = ${'['.repeat(100_000)}\n`,
      `from prefect import task\n${deep(50_000, '{', '}')}`,
    ]) {
      const t = performance.now();
      const a = analyzePython(src);
      assert.ok(performance.now() - t < 1000, `${src.length} chars in ${performance.now() - t} ms`);
      assert.match(a.syntaxErrors[0]?.message ?? '', /too many nested parentheses/);
      assert.deepEqual([a.tasks, a.flows, a.stores], [[], [], []]);
    }
  });
  it('analyses 200 KB of statements nested to the limit in well under 2 s', () => {
    const src = `from xpersist import CacheStore\nstore = CacheStore("/tmp/c")\n${deep(200).repeat(500)}`;
    const t = performance.now();
    const a = analyzePython(src);
    assert.ok(performance.now() - t < 2000, `${performance.now() - t} ms`);
    assert.equal(a.syntaxErrors.length, 0);
    assert.equal(a.stores.length, 1);
  });

  it('rescans after an edit exactly as a scan of the whole new text (random edits, issue 12)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const pieces = [
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '\n',
      '#',
      '\\',
      'a',
      ' ',
      '"""',
      "'''",
      '(((((',
      ')))))',
    ];
    const gen = (n: number) => Array.from({ length: n }, () => pieces[rnd(pieces.length)]).join('');
    let deepSeen = 0;
    for (let t = 0; t < 300; t++) {
      let a = (rnd(3) === 0 ? '('.repeat(MAX_NESTING - 5 + rnd(10)) : '') + gen(rnd(400));
      let scan = scanNesting(a);
      for (let e = 0; e < 20; e++) {
        const at = rnd(a.length + 1);
        const b = a.slice(0, at) + gen(rnd(4)) + a.slice(at + rnd(Math.min(a.length - at, 10) + 1));
        const d = diffRange(a, b);
        const next = d ? rescanNesting(scan, b, d.fromA, d.toA, d.toB) : scan;
        assert.deepEqual(next, scanNesting(b), JSON.stringify({ a, b }));
        if (next.at >= 0) deepSeen++;
        a = b;
        scan = next;
      }
    }
    assert.ok(deepSeen > 100, `${deepSeen} edits too deep`);
  });

  it('diffRange finds the common prefix and suffix across its comparison blocks', () => {
    const base = 'ab\n'.repeat(700);
    const edits: [number, number, string][] = [
      [0, 0, 'x'],
      [511, 2, ''],
      [512, 0, 'yy'],
      [1023, 600, 'z'],
      [2099, 1, ''],
      [1500, 0, 'ab\n'],
    ];
    for (const [at, del, ins] of edits) {
      const b = base.slice(0, at) + ins + base.slice(at + del);
      const max = Math.min(base.length, b.length);
      let start = 0;
      while (start < max && base[start] === b[start]) start++;
      let end = 0;
      while (end < max - start && base[base.length - 1 - end] === b[b.length - 1 - end]) end++;
      assert.deepEqual(diffRange(base, b), {
        fromA: start,
        toA: base.length - end,
        fromB: start,
        toB: b.length - end,
      });
    }
    assert.equal(diffRange(base, base), null);
  });
});
