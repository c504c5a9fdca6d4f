// Python's operators over known values (what the interpreter folds): arithmetic and string
// concatenation, comparisons, subscripts of dicts/lists/tuples, truthiness. null: not folded.
import {
  floatValue,
  intValue,
  kindOf,
  PyDict,
  PyFloat,
  PySet,
  PyTuple,
  type PyValue,
} from '../template/values';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const toInt = (x: bigint): PyValue => (x <= SAFE && x >= -SAFE ? Number(x) : x);

export function numberLiteral(value: number | bigint, float: boolean): PyValue {
  if (!float) return value;
  const x = value as number;
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

export function unaryOp(op: string, v: PyValue): PyValue | null {
  const k = kindOf(v);
  if (op === 'not') return !truthy(v);
  if (op !== '-' && op !== '+') return null;
  const sign = op === '-' ? -1 : 1;
  if (k === 'int' || k === 'bool') {
    const b = typeof v === 'bigint' ? v : BigInt(Number(v));
    return toInt(sign < 0 ? -b : b);
  }
  if (k === 'float') {
    const x = sign * floatValue(v);
    return Number.isInteger(x) ? new PyFloat(x) : x;
  }
  return null;
}

export function binOp(op: string, l: PyValue, r: PyValue): PyValue | null {
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if ((op === '+' || op === '-' || op === '*') && kindOf(l) === 'int' && kindOf(r) === 'int') {
    const a = BigInt(l as number | bigint);
    const b = BigInt(r as number | bigint);
    return toInt(op === '+' ? a + b : op === '-' ? a - b : a * b);
  }
  if (op === '*' && typeof l === 'string' && kindOf(r) === 'int') return l.repeat(Math.max(0, Number(r)));
  return null;
}

/** `o[i]` over known values; undefined when Python would raise or the analysis cannot tell. */
export function subscript(o: PyValue, i: PyValue): PyValue | undefined {
  if (kindOf(o) === 'dict') {
    const entries = o instanceof PyDict ? o.entries : Object.entries(o as Record<string, PyValue>);
    const hit = entries.find(
      ([k]) => k === i || (kindOf(k) === 'int' && kindOf(i) === 'int' && intValue(k) === intValue(i)),
    );
    return hit?.[1];
  }
  if ((Array.isArray(o) || o instanceof PyTuple) && kindOf(i) === 'int') {
    const items = Array.isArray(o) ? o : o.items;
    const n = Number(i);
    return items[n < 0 ? items.length + n : n];
  }
  return undefined;
}

export function truthy(v: PyValue): boolean {
  switch (kindOf(v)) {
    case 'str':
      return (v as string).length > 0;
    case 'NoneType':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return Number(v) !== 0;
    case 'float':
      return floatValue(v) !== 0;
    case 'list':
      return (v as PyValue[]).length > 0;
    case 'tuple':
      return (v as PyTuple).items.length > 0;
    default:
      return true;
  }
}

/** The number a bool, int or float compares as (Python compares them by value); null: not one. */
function numeric(v: PyValue): number | bigint | null {
  const k = kindOf(v);
  if (k === 'bool') return v ? 1 : 0;
  if (k === 'int') return intValue(v);
  if (k === 'float') return floatValue(v);
  return null;
}

/** `l == r` for scalars Python compares by value; null: containers and objects (not folded). */
function scalarEquals(l: PyValue, r: PyValue): boolean | null {
  const a = numeric(l);
  const b = numeric(r);
  if (a !== null && b !== null) return typeof a === typeof b ? a === b : Number(a) === Number(b);
  if (typeof l === 'string' || typeof r === 'string') return l === r;
  if (l === null || r === null) return l === r;
  return a === null && b === null ? null : false;
}

/** `l < r` (and the other orderings) for numbers and strings; null when Python would raise. */
function order(op: string, l: PyValue, r: PyValue): boolean | null {
  const a = numeric(l);
  const b = numeric(r);
  let c: number;
  if (a !== null && b !== null) c = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof l === 'string' && typeof r === 'string') c = l < r ? -1 : l > r ? 1 : 0;
  else return null;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

/** `x in o` for strings, lists, tuples, sets and dict keys of scalars; null: not folded. */
function contains(o: PyValue, x: PyValue): boolean | null {
  if (typeof o === 'string') return typeof x === 'string' ? o.includes(x) : null;
  const k = kindOf(o);
  const items =
    k === 'dict'
      ? dictKeys(o)
      : Array.isArray(o)
        ? o
        : o instanceof PyTuple || o instanceof PySet
          ? o.items
          : null;
  if (!items) return null;
  let unsure = false;
  for (const item of items) {
    const eq = scalarEquals(item, x);
    if (eq) return true;
    if (eq === null) unsure = true;
  }
  return unsure ? null : false;
}

function dictKeys(o: PyValue): readonly PyValue[] {
  return o instanceof PyDict ? o.entries.map(([k]) => k) : Object.keys(o as Record<string, PyValue>);
}

/**
 * `l op r` for a comparison over known values, as Python answers it; null when the answer
 * depends on what the analysis does not model (containers' equality, identity of objects).
 */
export function compareOp(op: string, l: PyValue, r: PyValue): boolean | null {
  switch (op) {
    case '==':
    case '!=': {
      const eq = scalarEquals(l, r);
      return eq === null ? null : op === '==' ? eq : !eq;
    }
    case 'is':
    case 'is not':
      // Only None, True and False are singletons whose identity is their value.
      if (!(l === null || r === null || typeof l === 'boolean' || typeof r === 'boolean')) return null;
      return (l === r) === (op === 'is');
    case 'in':
    case 'not in': {
      const c = contains(r, l);
      return c === null ? null : (op === 'in') === c;
    }
    default:
      return order(op, l, r);
  }
}
