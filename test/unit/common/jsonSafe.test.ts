// The one JSON policy for webview messages (src/common/jsonSafe.ts): what each non-JSON value
// becomes, that nothing is lost on the way through JSON (a webview message is JSON), and that the
// webview prints the result as before for NaN and as numpy does for ±Infinity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonSafe, jsonSafeCells, NON_FINITE, plainCell } from '../../../src/common/jsonSafe';
import { fmt } from '../../../src/webview/common/dom';
import { reprValue } from '../../../src/webview/preview/reprText';

const throughJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('jsonSafe: descriptions (model, attributes, statistics)', () => {
  const input = {
    fill: Number.NaN,
    hi: Number.POSITIVE_INFINITY,
    lo: Number.NEGATIVE_INFINITY,
    big: 2n ** 70n,
    huge: 2n ** 1100n,
    gone: undefined,
    list: [undefined, Number.NaN, 1.5, 'NaN'],
    when: new Date(Date.UTC(2001, 0, 16)),
    nested: { deeper: { attrs: { _FillValue: Number.NaN } } },
  };
  const want = {
    fill: 'NaN',
    hi: 'inf',
    lo: '-inf',
    big: 2 ** 70,
    huge: 'inf',
    list: [null, 'NaN', 1.5, 'NaN'],
    when: '2001-01-16T00:00:00.000Z',
    nested: { deeper: { attrs: { _FillValue: 'NaN' } } },
  };
  it('writes NaN and ±Infinity as words at any depth, bigints as numbers, leaves undefined properties out', () => {
    assert.deepEqual(jsonSafe(input), want);
  });
  it('survives JSON unchanged', () => {
    assert.deepEqual(throughJson(jsonSafe(input)), want);
  });
  it('uses the words of NON_FINITE', () => {
    assert.deepEqual(NON_FINITE, { nan: 'NaN', inf: 'inf', negInf: '-inf' });
  });
});

describe('jsonSafeCells: data values and table rows', () => {
  const row = [
    1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    7n,
    undefined,
    'x',
    true,
    null,
    { s: Number.POSITIVE_INFINITY, l: [Number.NaN, Number.NEGATIVE_INFINITY], missing: undefined },
    new Uint8Array([104, 105]),
    new Float64Array([Number.POSITIVE_INFINITY, 2]),
  ];
  const want = [
    1,
    null,
    'inf',
    '-inf',
    7,
    null,
    'x',
    true,
    null,
    { s: 'inf', l: [null, '-inf'], missing: null },
    'hi',
    ['inf', 2],
  ];
  it('NaN is the missing value null; ±Infinity are words, nested lists and structs included', () => {
    assert.deepEqual(jsonSafeCells(row), want);
    assert.deepEqual(throughJson(jsonSafeCells(row)), want);
  });
  it('the webview prints NaN as before and ±Infinity where it printed null', () => {
    const [, nan, inf, negInf] = jsonSafeCells(row);
    assert.equal(fmt(nan), 'NaN');
    assert.equal(reprValue(nan), 'nan');
    assert.equal(fmt(inf), 'inf');
    assert.equal(fmt(negInf), '-inf');
    // A struct cell: Infinity used to reach the webview as null through JSON.
    const [struct] = throughJson(jsonSafeCells([{ s: Number.POSITIVE_INFINITY }])) as unknown[];
    assert.equal(fmt(struct), '{"s":"inf"}');
    // A described NaN (an attribute) prints the same word as a missing cell.
    assert.equal(fmt(jsonSafe({ a: Number.NaN }).a), 'NaN');
  });
});

describe('plainCell: a reader cell before the worker thread', () => {
  it('keeps ±Infinity numbers for the reader statistics, NaN is null, bigints numbers', () => {
    assert.deepEqual(plainCell([Number.POSITIVE_INFINITY, Number.NaN, 3n, { a: undefined }]), [
      Number.POSITIVE_INFINITY,
      null,
      3,
      { a: null },
    ]);
  });
  it('prints a cell nested deeper than 8 levels as text', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 9; i++) deep = [deep];
    let v = plainCell(deep);
    for (let i = 0; i < 9; i++) v = (v as unknown[])[0];
    assert.equal(v, '1');
  });
});
