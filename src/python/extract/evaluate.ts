// Static evaluation of module-level constants: literals, names bound to literals, string
// concatenation, f-strings, `.format()` over constants. Anything else is Unknown.
import type { Expr, FPart } from '../parse/ast';
import { formatValue, type Kwargs, pyFormat } from '../template/format';
import { pyAscii, pyRepr, pyStr } from '../template/repr';
import {
  floatValue,
  intValue,
  kindOf,
  PyDict,
  PyError,
  PyFloat,
  PySet,
  PyTuple,
  type PyValue,
  WILDCARD,
} from '../template/values';
import { type Item, knownKind, type Scope } from './scope';

export class Unknown {
  constructor(
    readonly reason: string,
    /** Names that are not bound anywhere in the file (a NameError when evaluated). */
    readonly undefinedNames: string[] = [],
  ) {}
}

export type Evaluated = PyValue | Unknown;

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;

const MAX_DEPTH = 24;

export interface EvalEnv {
  scope: Scope;
  item: Item;
}

function num(e: Extract<Expr, { k: 'num' }>): PyValue {
  if (!e.float) return e.value;
  const x = e.value as number;
  return Number.isInteger(x) ? new PyFloat(x) : x;
}

export function evaluate(e: Expr, env: EvalEnv, depth = 0): Evaluated {
  if (depth > MAX_DEPTH) return new Unknown('too deep');
  const sub = (x: Expr) => evaluate(x, env, depth + 1);
  switch (e.k) {
    case 'str':
      return e.bytes ? new Unknown('bytes') : e.value;
    case 'num':
      return num(e);
    case 'const':
      return e.value;
    case 'fstr': {
      const r = evalFString(e.parts, env, depth + 1);
      if (r.unknown.length || r.undefinedNames.length) {
        return new Unknown(
          `f-string uses ${[...r.undefinedNames, ...r.unknown].join(', ')}`,
          r.undefinedNames,
        );
      }
      return r.text;
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const items: PyValue[] = [];
      for (const it of e.items) {
        if (it.k === 'star') return new Unknown('starred item');
        const v = sub(it);
        if (isUnknown(v)) return v;
        items.push(v);
      }
      return e.k === 'list' ? items : e.k === 'tuple' ? new PyTuple(items) : new PySet(items);
    }
    case 'dict': {
      const entries: [PyValue, PyValue][] = [];
      for (const { key, value } of e.items) {
        if (!key) return new Unknown('** in dict');
        const k = sub(key);
        const v = sub(value);
        if (isUnknown(k)) return k;
        if (isUnknown(v)) return v;
        entries.push([k, v]);
      }
      return entries.every(([k]) => typeof k === 'string')
        ? Object.fromEntries(entries as [string, PyValue][])
        : new PyDict(entries);
    }
    case 'name': {
      const b = env.scope.get(e.id);
      if (!b) {
        if (e.id === 'True' || e.id === 'False') return e.id === 'True';
        return new Unknown(`${e.id} is not defined`, [e.id]);
      }
      if (b.k === 'expr') return evaluate(b.expr, { scope: b.scope, item: b.item }, depth + 1);
      return new Unknown(`${e.id} is not a constant`);
    }
    case 'unary': {
      const v = sub(e.arg);
      if (isUnknown(v)) return v;
      const k = kindOf(v);
      if (e.op === '-' || e.op === '+') {
        const sign = e.op === '-' ? -1 : 1;
        if (k === 'int' || k === 'bool') {
          const b = typeof v === 'bigint' ? v : BigInt(Number(v));
          const r = sign < 0 ? -b : b;
          return r <= BigInt(Number.MAX_SAFE_INTEGER) && r >= -BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(r)
            : r;
        }
        if (k === 'float') {
          const x = sign * floatValue(v);
          return Number.isInteger(x) ? new PyFloat(x) : x;
        }
      }
      if (e.op === 'not') return !truthy(v);
      return new Unknown(`operator ${e.op}`);
    }
    case 'bin': {
      const l = sub(e.left);
      if (isUnknown(l)) return l;
      const r = sub(e.right);
      if (isUnknown(r)) return r;
      if (e.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
      if (e.op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      if ((e.op === '+' || e.op === '-' || e.op === '*') && kindOf(l) === 'int' && kindOf(r) === 'int') {
        const a = BigInt(l as number | bigint);
        const b = BigInt(r as number | bigint);
        const x = e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
        return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
      }
      if (e.op === '*' && typeof l === 'string' && kindOf(r) === 'int')
        return l.repeat(Math.max(0, Number(r)));
      return new Unknown(`operator ${e.op}`);
    }
    case 'sub': {
      const o = sub(e.obj);
      if (isUnknown(o)) return o;
      const i = sub(e.index);
      if (isUnknown(i)) return i;
      if (kindOf(o) === 'dict') {
        const entries = o instanceof PyDict ? o.entries : Object.entries(o as Record<string, PyValue>);
        const hit = entries.find(
          ([k]) => k === i || (kindOf(k) === 'int' && kindOf(i) === 'int' && intValue(k) === intValue(i)),
        );
        return hit ? hit[1] : new Unknown('missing key');
      }
      if ((Array.isArray(o) || o instanceof PyTuple) && kindOf(i) === 'int') {
        const items = Array.isArray(o) ? o : o.items;
        const n = Number(i);
        const v = items[n < 0 ? items.length + n : n];
        return v === undefined ? new Unknown('index out of range') : v;
      }
      return new Unknown('subscript');
    }
    case 'cond': {
      const t = sub(e.test);
      if (isUnknown(t)) return t;
      return truthy(t) ? sub(e.body) : sub(e.orelse);
    }
    case 'call':
      return evaluateCall(e, env, depth);
    default:
      return new Unknown('expression');
  }
}

function evaluateCall(e: Extract<Expr, { k: 'call' }>, env: EvalEnv, depth: number): Evaluated {
  const kind = knownKind(e.fn, env.scope);
  const positional = e.args.filter((a) => !a.name && !a.star);
  if (kind === 'str' && positional.length === 1 && e.args.length === 1) {
    const v = evaluate(positional[0].value, env, depth + 1);
    return isUnknown(v) ? v : pyStr(v);
  }
  // "...".format(**constants)
  if (e.fn.k === 'attr' && e.fn.name === 'format') {
    const template = evaluate(e.fn.obj, env, depth + 1);
    if (isUnknown(template) || typeof template !== 'string') return new Unknown('format');
    const kwargs = new Map<string, PyValue>();
    for (const a of e.args) {
      if (!a.name || a.star) return new Unknown('format with positional arguments');
      const v = evaluate(a.value, env, depth + 1);
      if (isUnknown(v)) return v;
      kwargs.set(a.name, v);
    }
    try {
      return pyFormat(template, kwargs as Kwargs);
    } catch {
      return new Unknown('format raises');
    }
  }
  if (e.fn.k === 'name' && e.fn.id === 'dict' && !env.scope.has('dict') && positional.length === 0) {
    const out: Record<string, PyValue> = {};
    for (const a of e.args) {
      if (!a.name) return new Unknown('dict(**x)');
      const v = evaluate(a.value, env, depth + 1);
      if (isUnknown(v)) return v;
      out[a.name] = v;
    }
    return out;
  }
  return new Unknown('call');
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

export interface FStringEval {
  /** The f-string's value, with WILDCARD where a part is not known statically. */
  text: string;
  /** Expressions that could not be evaluated (source text). */
  unknown: string[];
  /** Names used that nothing in the file binds (NameError when the line runs). */
  undefinedNames: string[];
}

/** Evaluates an f-string as Python would when the line runs; unknown parts become WILDCARD. */
export function evalFString(parts: FPart[], env: EvalEnv, depth = 0): FStringEval {
  const out: FStringEval = { text: '', unknown: [], undefinedNames: [] };
  for (const p of parts) {
    if (typeof p === 'string') {
      out.text += p;
      continue;
    }
    const v = evaluate(p.expr, env, depth + 1);
    const spec = evalFString(p.spec, env, depth + 1);
    out.unknown.push(...spec.unknown);
    out.undefinedNames.push(...spec.undefinedNames);
    if (p.selfDoc) out.text += p.selfDoc;
    if (isUnknown(v)) {
      out.unknown.push(env.item.text.slice(p.expr.pos, p.expr.end));
      out.undefinedNames.push(...v.undefinedNames);
      out.text += WILDCARD;
      continue;
    }
    if (spec.text.includes(WILDCARD)) {
      out.text += WILDCARD;
      continue;
    }
    try {
      let value: PyValue = v;
      const conversion = p.conversion || (p.selfDoc && !p.spec.length ? 'r' : '');
      if (conversion === 'r') value = pyRepr(v);
      else if (conversion === 's') value = pyStr(v);
      else if (conversion === 'a') value = pyAscii(v);
      out.text += formatValue(value, spec.text);
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      out.unknown.push(env.item.text.slice(p.expr.pos, p.expr.end));
      out.text += WILDCARD;
    }
  }
  out.undefinedNames = [...new Set(out.undefinedNames)];
  return out;
}
