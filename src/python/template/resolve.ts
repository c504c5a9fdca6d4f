// resolveTarget: a target template formatted over known fields, with run-time fields as '*'.
import { PyDateTime } from './datetime';
import { type Kwargs, pyFormat } from './format';
import { PyDict, PyError, PyFloat, PyRuntime, PySet, PyTuple, type PyValue, WILDCARD } from './values';

export type TargetResolution = { key: string } | { pattern: string } | { error: string };

/** Brings an arbitrary JS value into the engine's value model. */
export function toPyValue(v: unknown): PyValue {
  if (
    v === null ||
    v === undefined ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean'
  ) {
    return v;
  }
  if (
    v instanceof Date ||
    v instanceof PyFloat ||
    v instanceof PyTuple ||
    v instanceof PySet ||
    v instanceof PyDict ||
    v instanceof PyDateTime ||
    v instanceof PyRuntime
  ) {
    return v;
  }
  if (Array.isArray(v)) return v.map(toPyValue);
  if (v instanceof Map)
    return new PyDict([...v.entries()].map(([k, x]) => [toPyValue(k), toPyValue(x)] as const));
  if (v instanceof Set) return new PySet([...v].map(toPyValue));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toPyValue(x)]),
    );
  }
  return new PyRuntime(typeof v);
}

/** Collapses wildcard runs into one '*'. */
export function wildcardsToPattern(s: string): string {
  return s.replace(/\uE000+/g, '*');
}

export function formatTemplate(template: string, kwargs: Kwargs): TargetResolution {
  try {
    const out = pyFormat(template, kwargs);
    return out.includes(WILDCARD) ? { pattern: wildcardsToPattern(out) } : { key: out };
  } catch (e) {
    if (e instanceof PyError) return { error: `${e.type}: ${e.message}` };
    return { error: `cannot evaluate: ${(e as Error).message}` };
  }
}

/**
 * `template.format(**fields)` as Prefect formats a target. Names in `runtime` are known only when
 * the flow runs: their place in the key becomes '*' and the result a pattern. A Date in `fields`
 * is an aware UTC pendulum DateTime.
 */
export function resolveTarget(
  template: string,
  fields: Record<string, unknown>,
  runtime: string[] = [],
): TargetResolution {
  const kwargs = new Map<string, PyValue>();
  for (const [k, v] of Object.entries(fields)) kwargs.set(k, toPyValue(v));
  for (const name of runtime) kwargs.set(name, new PyRuntime(name));
  return formatTemplate(template, kwargs);
}
