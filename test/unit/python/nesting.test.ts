// Deeply nested brackets (issue 16): CPython's tokenizer refuses more than 200 levels before any
// of the file runs; the analysis says the same, at once, and stays fast up to that limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePython } from '../../../src/python/index';
import { tooDeepAt } from '../../../src/python/parse/nesting';
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
});
