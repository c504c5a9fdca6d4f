// The one policy for values the extension host hands a webview. A webview message travels as
// JSON, where NaN and ±Infinity silently become null, a bigint throws and undefined vanishes, so
// everything sent goes through this module first:
//
//   value        description (jsonSafe)     data cell (jsonSafeCells)   reader cell (plainCell)
//   NaN          'NaN'                       null                        null
//   +Infinity    'inf'                       'inf'                       Infinity (kept)
//   -Infinity    '-inf'                      '-inf'                      -Infinity (kept)
//   bigint       the nearest number, then as a number above (past 2**1024: 'inf')
//   undefined    null; an object property holding it: left out in a description (as JSON
//                does), null in a cell (a struct's missing field)
//   Date         ISO 8601 text (an invalid date: null)
//   Uint8Array   its UTF-8 text; other typed arrays become arrays
//
// Why two words for NaN: in a description (an attribute such as _FillValue, a statistic, a
// sidecar field) NaN is a value the user wrote and reads as the word; in data it is the missing
// value, which every view already draws from null (a "NaN" cell, a transparent heatmap pixel, a
// gap in a line plot). ±Infinity reads as numpy and xarray print it. A reader's cell (plainCell,
// used before the worker thread's structured clone, which carries Infinity) keeps ±Infinity a
// number so the reader's own statistics still compare it; jsonSafeCells turns it into the word on
// the way to the webview, nested lists and structs included.
// Below every layer and loaded by the webviews too: imports nothing.

/** The words non-finite numbers become, as Python's repr and xarray print them. */
export const NON_FINITE = { nan: 'NaN', inf: 'inf', negInf: '-inf' } as const;

/** A JSON scalar: the preview model's `Value` (nested cells pass as their JSON). */
export type JsonScalar = number | string | boolean | null;

interface Rule {
  num: (n: number) => number | string | null;
  /** Deeper values print as text (String(v)). */
  maxDepth: number;
  /** Whether an object property holding undefined stays, as null. */
  keepEmptyKeys: boolean;
}

const describedNumber = (n: number) =>
  Number.isFinite(n) ? n : Number.isNaN(n) ? NON_FINITE.nan : n > 0 ? NON_FINITE.inf : NON_FINITE.negInf;
const cellNumber = (n: number) => (Number.isNaN(n) ? null : describedNumber(n));

// Table cells nest lists and structs a few levels at most (8). A description's limit is far past
// the deepest model (the object tree stops at 6 levels): a guard, not a policy.
const DESCRIPTION: Rule = { num: describedNumber, maxDepth: 512, keepEmptyKeys: false };
const CELL: Rule = { num: cellNumber, maxDepth: 8, keepEmptyKeys: true };
const READER_CELL: Rule = { num: (n) => (Number.isNaN(n) ? null : n), maxDepth: 8, keepEmptyKeys: true };

const utf8 = new TextDecoder();

function walk(v: unknown, rule: Rule, depth: number): unknown {
  switch (typeof v) {
    case 'number':
      return rule.num(v);
    case 'bigint':
      return rule.num(Number(v));
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  if (v === null) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return utf8.decode(v);
  if (depth > rule.maxDepth) return String(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return Array.from(v as unknown as ArrayLike<unknown>, (x) => walk(x, rule, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const empty = x === undefined || typeof x === 'function' || typeof x === 'symbol';
    if (empty && !rule.keepEmptyKeys) continue;
    out[k] = walk(x, rule, depth + 1);
  }
  return out;
}

/**
 * A description (preview model, source, statistics) ready for a webview message. Typed as its
 * input for the callers' convenience: where a number was non-finite the webview reads a word.
 */
export function jsonSafe<T>(v: T): T {
  return walk(v, DESCRIPTION, 0) as T;
}

/** Data values (a variable's values, one table row) ready for a webview message. */
export function jsonSafeCells(values: ArrayLike<unknown>): JsonScalar[] {
  const out: JsonScalar[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Plain numbers are nearly every value: the common case skips the walk.
    out[i] = (typeof v === 'number' ? cellNumber(v) : walk(v, CELL, 0)) as JsonScalar;
  }
  return out;
}

/** A decoded table cell as plain data for the preview API (see the table above). */
export function plainCell(v: unknown): unknown {
  return walk(v, READER_CELL, 0);
}
