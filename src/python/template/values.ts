// Python values as the template engine sees them. Plain JS values map to their obvious Python
// types (string → str, integral number or bigint → int, other numbers → float, boolean → bool,
// null/undefined → None, array → list, plain object → dict with str keys, Date → an aware UTC
// datetime); the classes below cover what JS cannot say (1.0 vs 1, tuples, sets, dicts with
// non-str keys, pendulum DateTimes, values only known at run time).
import { PyDateTime } from './datetime';

/** A float whose value happens to be integral (`1.0`): JS numbers alone would read as int. */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
  toJSON(): readonly PyValue[] {
    return this.items;
  }
}

export class PySet {
  constructor(readonly items: readonly PyValue[]) {}
  toJSON(): readonly PyValue[] {
    return this.items;
  }
}

/** A dict whose keys are not all strings (insertion order kept, like Python). */
export class PyDict {
  constructor(readonly entries: readonly (readonly [PyValue, PyValue])[]) {}
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.entries.map(([k, v]) => [String(k), v]));
  }
}

/**
 * A value that exists only when the flow runs (an upstream task's result, a run id, a mapped
 * element). Formatting it yields a wildcard.
 */
export class PyRuntime {
  constructor(readonly description = 'run-time value') {}
  toJSON(): string {
    return `<${this.description}>`;
  }
}

export type PyValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | PyFloat
  | PyTuple
  | PySet
  | PyDict
  | PyDateTime
  | PyRuntime
  | readonly PyValue[]
  | { readonly [key: string]: PyValue };

/** Raised inside the engine; `type` is the Python exception class the real code would raise. */
export class PyError extends Error {
  constructor(
    readonly type:
      | 'KeyError'
      | 'IndexError'
      | 'ValueError'
      | 'TypeError'
      | 'AttributeError'
      | 'OverflowError'
      | 'OSError',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Marks the place of a run-time value inside formatted text. A private-use character: it
 * never occurs in real keys and survives padding and slicing like any other character.
 */
export const WILDCARD = '\uE000';

export type PyKind =
  | 'str'
  | 'int'
  | 'bool'
  | 'float'
  | 'NoneType'
  | 'list'
  | 'tuple'
  | 'set'
  | 'dict'
  | 'DateTime'
  | 'runtime';

export function kindOf(v: PyValue): PyKind {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? 'int' : 'float';
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PySet) return 'set';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyDateTime || v instanceof Date) return 'DateTime';
  if (v instanceof PyRuntime) return 'runtime';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** The integer value of an int or bool, as a bigint. */
export function intValue(v: PyValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return BigInt(v);
  throw new Error('not an int');
}

export function floatValue(v: PyValue): number {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error('not a number');
}

export function asDateTime(v: PyValue): PyDateTime | null {
  if (v instanceof PyDateTime) return v;
  if (v instanceof Date) return PyDateTime.fromDate(v);
  return null;
}

/** dict entries of a plain object or PyDict. */
export function dictEntries(v: PyValue): (readonly [PyValue, PyValue])[] {
  if (v instanceof PyDict) return [...v.entries];
  return Object.entries(v as Record<string, PyValue>);
}
