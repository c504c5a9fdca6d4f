// The JSON both ways, checked against real Python: json.dumps(indent=2) output byte for byte,
// float repr, string escaping, and json.loads' NaN/Infinity tokens and error positions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pyFloatRepr, pyJsonDumps, pyJsonFloat, pyJsonString } from '../../../src/core/json/pythonJson';
import {
  JsonSyntaxError,
  PyDict,
  PyFloat,
  type PyInt,
  parsePythonJson,
  parsePythonJsonRaw,
} from '../../../src/core/json/tolerantJson';
import { runPython } from '../helpers';

const FLOATS = [
  0.1,
  0.5,
  1.5,
  -2.25,
  1e-6,
  1e-5,
  1e-4,
  0.00012345,
  123.456,
  1e15,
  1e16,
  1.5e16,
  1e17,
  1e21,
  1e22,
  1e100,
  5e-324,
  Number.MAX_VALUE,
  123456789012345.6,
  1234567890123456.8,
  2 ** 53,
  Math.PI,
  -0.0,
  0.0,
  100,
  1e300,
  6.02214076e23,
  2.5e-8,
  0.3,
  1 / 3,
];

describe('Python float repr', () => {
  const expected = JSON.parse(
    runPython(
      'import json,sys; xs=json.loads(sys.argv[1]); print(json.dumps([repr(float(x)) for x in xs]))',
      [JSON.stringify(FLOATS)],
    ),
  ) as string[];
  FLOATS.forEach((x, i) => {
    it(`repr(${x})`, () => {
      // JSON.stringify loses -0.0; compare it separately.
      if (Object.is(x, -0)) assert.equal(pyFloatRepr(x), '-0.0');
      else assert.equal(pyFloatRepr(x), expected[i]);
    });
  });
  it('non-finite values as repr() and as json.dumps(allow_nan=True) write them', () => {
    assert.deepEqual([Number.NaN, Infinity, -Infinity].map(pyFloatRepr), ['nan', 'inf', '-inf']);
    assert.deepEqual([Number.NaN, Infinity, -Infinity].map(pyJsonFloat), ['NaN', 'Infinity', '-Infinity']);
  });
});

describe('json.dumps(indent=2) byte for byte', () => {
  const STRINGS = [
    'plain',
    'température',
    'emoji 🌍',
    'tab\tnew\nline',
    'quote " back \\ slash',
    'del \u007f ctl \u0001',
    '/',
  ];
  it('escapes strings like ensure_ascii', () => {
    const expected = JSON.parse(
      runPython('import json,sys; print(json.dumps([json.dumps(s) for s in json.loads(sys.argv[1])]))', [
        JSON.stringify(STRINGS),
      ]),
    ) as string[];
    assert.deepEqual(
      STRINGS.map((s) => pyJsonString(s)),
      expected,
    );
  });
  it('formats nested documents with the same whitespace', () => {
    const doc = {
      key: 'a/b.zarr',
      empty: {},
      list: [],
      nested: { mode: 'w', encoding: { pr: { dtype: 'int16', scale_factor: 1e-6, _FillValue: -32768 } } },
      mixed: [1, 2.5, 'x', null, true, false, [], {}, [1, [2]]],
      big: 12345678901234567890n,
    };
    const py = runPython(
      'import json,sys; d=json.loads(sys.argv[1]); d["big"]=12345678901234567890; sys.stdout.write(json.dumps(d, indent=2))',
      [JSON.stringify({ ...doc, big: 0 })],
    );
    assert.equal(pyJsonDumps(doc), py);
  });
});

describe('tolerant JSON parsing', () => {
  it('reads NaN, Infinity and -Infinity tokens like json.loads', () => {
    const v = parsePythonJson('{"a": NaN, "b": Infinity, "c": -Infinity, "d": [NaN]}') as Record<
      string,
      unknown
    >;
    assert.ok(Number.isNaN(v.a));
    assert.equal(v.b, Number.POSITIVE_INFINITY);
    assert.equal(v.c, Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN((v.d as number[])[0]));
  });
  it('leaves the tokens alone inside strings', () => {
    assert.deepEqual(parsePythonJson('{"a": "NaN Infinity", "b": NaN}'), {
      a: 'NaN Infinity',
      b: Number.NaN,
    });
  });
  it('reports syntax errors at the position Python reports', () => {
    const cases = [
      '{\n  "key": "x",\n  "serializer": "jo',
      '',
      '[1, 2',
      '{"a" 1}',
      '{"a": 1,}',
      'nul',
      '{"a": 1} x',
    ];
    const expected = JSON.parse(
      runPython(
        `import json,sys
out=[]
for s in json.loads(sys.argv[1]):
    try:
        json.loads(s); out.append(None)
    except json.JSONDecodeError as e:
        out.append([e.msg, e.lineno, e.colno, e.pos])
print(json.dumps(out))`,
        [JSON.stringify(cases)],
      ),
    ) as [string, number, number, number][];
    cases.forEach((c, i) => {
      try {
        parsePythonJsonRaw(c);
        assert.fail(`expected an error for ${JSON.stringify(c)}`);
      } catch (err) {
        assert.ok(err instanceof JsonSyntaxError, String(err));
        const [msg, line, col, pos] = expected[i];
        assert.equal(
          err.message,
          `${msg}: line ${line} column ${col} (char ${pos})`,
          `for ${JSON.stringify(c)}`,
        );
      }
    });
  });
  it('agrees with json.loads on NaN/Infinity documents, valid or not (the JSON.parse rewrite)', () => {
    // Each case reaches the rewrite (JSON.parse refuses it); the invalid ones must still fail
    // with Python's message, and none may turn valid by the rewrite.
    const cases = [
      '[NaN, Infinity, -Infinity, 1e308]',
      '{"NaN": NaN, "s": "a \\" NaN \\\\", "t": "Infinity\\\\", "u": -Infinity}',
      '{"esc": "\\u0041 \\n NaN", "nested": [[{"x": NaN}], "-Infinity"]}',
      '{"nul": "\\u0000", "v": NaN}',
      '{"deep": {"a": [1, 2.5, NaN, {"b": Infinity}]}, "": NaN}',
      '{"__proto__": NaN, "constructor": [NaN]}',
      '{NaN: 1}',
      '[1Infinity]',
      '[NaNNaN]',
      '[-NaN]',
      '["x" NaN]',
      '[NaN,]',
      '["open NaN',
      '[Infinity 1]',
      '[--Infinity]',
    ];
    const expected = JSON.parse(
      runPython(
        `import json,sys,math
def plain(v):
    if isinstance(v, float) and math.isnan(v): return {"nan": True}
    if isinstance(v, float) and math.isinf(v): return {"inf": v > 0}
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    return v
out=[]
for s in json.loads(sys.argv[1]):
    try:
        out.append({"ok": plain(json.loads(s))})
    except json.JSONDecodeError as e:
        out.append({"err": "%s: line %d column %d (char %d)" % (e.msg, e.lineno, e.colno, e.pos)})
print(json.dumps(out))`,
        [JSON.stringify(cases)],
      ),
    ) as ({ ok: unknown } | { err: string })[];
    const plain = (v: unknown): unknown => {
      if (typeof v === 'number' && Number.isNaN(v)) return { nan: true };
      if (typeof v === 'number' && !Number.isFinite(v)) return { inf: v > 0 };
      if (Array.isArray(v)) return v.map(plain);
      if (v !== null && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
      return v;
    };
    cases.forEach((c, i) => {
      const want = expected[i];
      if ('ok' in want) {
        assert.deepEqual(plain(parsePythonJson(c)), want.ok, `for ${c}`);
        return;
      }
      assert.throws(
        () => parsePythonJson(c),
        (err: unknown) => err instanceof JsonSyntaxError && err.message === want.err,
        `for ${c}: ${want.err}`,
      );
    });
  });
  it('keeps float/int tokens, big ints and key order in raw mode', () => {
    const raw = parsePythonJsonRaw('{"2": 1.0, "1": 123456789012345678901, "b": 1e3}') as PyDict;
    assert.ok(raw instanceof PyDict);
    assert.deepEqual(
      raw.entries.map(([k]) => k),
      ['2', '1', 'b'],
    );
    assert.ok(raw.get('2') instanceof PyFloat);
    assert.equal((raw.get('1') as PyInt).text, '123456789012345678901');
    assert.equal(pyJsonDumps(raw, 0).replace(/\n/g, ''), '{"2": 1.0,"1": 123456789012345678901,"b": 1000.0}');
  });
});
