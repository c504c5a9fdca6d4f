// Python's operators over known values (what the interpreter folds): arithmetic and string
// concatenation, subscripts of dicts/lists/tuples, truthiness. null: not folded.
import { floatValue, intValue, kindOf, PyDict, PyFloat, PyTuple, type PyValue } from '../template/values';

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
