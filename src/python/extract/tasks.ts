// Tasks: `@task` / `@task(...)` functions, `task(fn, ...)` calls and instances of `Task`
// subclasses, with their name, target, result and checkpoint settings, from the evaluated
// arguments Prefect's Task.__init__ receives.
import type { Expr, FPart, Param, Stmt } from '../parse/ast';
import { PySet, PyTuple, WILDCARD } from '../template/values';
import type { TaskInfo, TaskTarget } from '../types';
import { dumpKwargsUnknown, resultOf } from './calls';
import type { Interpreter } from './interpreter';
import type { AnalysisState } from './state';
import type { ArgVal, DefStmt, Env, Val } from './values';

export interface TaskSpec {
  functionName: string | null;
  variable: string | null;
  line: number;
  /** Task.__init__'s keyword arguments. */
  kwargs: Map<string, ArgVal>;
  params: string[];
  varKeywords: boolean;
  /** Name used when `name=` is absent (the function's, or the class's). */
  defaultName: string;
  /** `nout` from the run function's return annotation (`nout=` wins). */
  annotatedNout: number | null;
}

/** Run-function inputs: what Prefect binds positional arguments to. */
export function runParams(params: Param[], dropSelf: boolean): { names: string[]; varKeywords: boolean } {
  const ps = dropSelf ? params.slice(1) : params;
  return {
    names: ps.filter((p) => p.kind === 'positional' || p.kind === 'kwonly').map((p) => p.name),
    varKeywords: ps.some((p) => p.kind === 'kwarg'),
  };
}

export function makeTask(it: Interpreter, spec: TaskSpec): number {
  const state: AnalysisState = it.state;
  const kw = spec.kwargs;
  const notes = {
    fstringUnknown: [] as string[],
    fstringUndefined: [] as string[],
    dumpKwargsUnknown: false,
    resultLine: null as number | null,
  };
  let name = spec.defaultName;
  let nameDynamic = false;
  const nameVal = kw.get('name')?.val;
  if (nameVal) {
    if (nameVal.k === 'py' && typeof nameVal.v === 'string') name = nameVal.v;
    else if (!(nameVal.k === 'py' && nameVal.v === null)) nameDynamic = true;
  }
  const cp = kw.get('checkpoint')?.val;
  const checkpoint = cp?.k === 'py' && typeof cp.v === 'boolean' ? cp.v : null;
  const tags = stringItems(kw.get('tags')?.val) ?? [];
  const noutVal = kw.get('nout')?.val;
  const nout =
    noutVal?.k === 'py' && typeof noutVal.v === 'number' && noutVal.v >= 0 ? noutVal.v : spec.annotatedNout;
  const tgt = kw.get('target');
  const target = tgt ? targetFrom(it, tgt, notes) : null;
  const res = kw.get('result');
  const result = res ? resultOf(it, res) : null;
  if (result) {
    notes.resultLine = result.line ?? null;
    notes.dumpKwargsUnknown = dumpKwargsUnknown(result);
  }
  const task: TaskInfo = {
    name,
    functionName: spec.functionName,
    variable: spec.variable,
    line: spec.line,
    target,
    result,
    checkpoint,
    params: spec.params,
    varKeywords: spec.varKeywords,
    tags,
  };
  if (tgt) task.targetLine = it.line(tgt.env, tgt.expr);
  if (nameDynamic) task.nameDynamic = true;
  if (nout !== null) task.nout = nout;
  state.tasks.push(task);
  state.taskNotes.push(notes);
  return state.tasks.length - 1;
}

function stringItems(v: Val | undefined): string[] | null {
  if (v?.k !== 'py') return null;
  const items = Array.isArray(v.v) ? v.v : v.v instanceof PyTuple || v.v instanceof PySet ? v.v.items : null;
  if (!items?.every((x) => typeof x === 'string')) return null;
  return items as string[];
}

/** A `target=` argument: a template (a string, an f-string filled when defined) or a callable. */
function targetFrom(
  it: Interpreter,
  arg: ArgVal,
  notes: { fstringUnknown: string[]; fstringUndefined: string[] },
): TaskTarget | null {
  const v = arg.val;
  const fs = v.k === 'py' || v.k === 'path' || v.k === 'unknown' ? v.fs : undefined;
  if (fs) {
    notes.fstringUnknown.push(...fs.unknown);
    notes.fstringUndefined.push(...fs.undefinedNames);
    if (v.k === 'py' && typeof v.v === 'string') return { kind: 'template', template: v.v, fstring: true };
    return { kind: 'template', template: null, fstring: true, partial: fs.partial };
  }
  switch (v.k) {
    case 'py':
      if (v.v === null) return null;
      return { kind: 'template', template: typeof v.v === 'string' ? v.v : null };
    case 'lambda': {
      const recipe = callableRecipe(it, v.e.params, v.e.body, v.env);
      return recipe === undefined
        ? { kind: 'callable', name: '<lambda>' }
        : { kind: 'callable', name: '<lambda>', recipe };
    }
    case 'function': {
      const ret = singleReturn(v.def.body);
      const recipe = ret ? callableRecipe(it, v.def.params, ret, v.env) : undefined;
      return recipe === undefined
        ? { kind: 'callable', name: v.def.name }
        : { kind: 'callable', name: v.def.name, recipe };
    }
    case 'class':
      return { kind: 'callable', name: v.cls.name };
    case 'module':
      return { kind: 'callable', name: v.qname.split('.').pop() ?? v.qname };
    default:
      return { kind: 'template', template: null };
  }
}

/** The returned expression of a function whose body is (a docstring and) one `return`. */
function singleReturn(body: Stmt[]): Expr | null {
  const stmts = body.filter((s) => !(s.k === 'expr' && s.value.k === 'str') && s.k !== 'other');
  const only = stmts[0];
  if (stmts.length !== 1 || only.k !== 'return') return null;
  return only.value;
}

const escapeBraces = (s: string) => s.replace(/\{/g, '{{').replace(/\}/g, '}}');

/**
 * A callable target that builds its location from its keyword arguments, as a str.format
 * template producing the same string (`lambda **kw: f"{kw['flow_name']}.zarr"` →
 * `{flow_name}.zarr`). Pieces it cannot follow become WILDCARD.
 */
export function callableRecipe(it: Interpreter, params: Param[], body: Expr, env: Env): string | undefined {
  const kwName = params.find((p) => p.kind === 'kwarg')?.name ?? null;
  const named = new Set(
    params.filter((p) => p.kind === 'positional' || p.kind === 'kwonly').map((p) => p.name),
  );
  const isContext = (x: Expr) => {
    if (x.k !== 'name' && x.k !== 'attr') return false;
    const v = it.ev(x, env);
    return v.k === 'module' && v.qname === 'prefect.context';
  };
  const asString = (v: Val): string | null => (v.k === 'py' && typeof v.v === 'string' ? v.v : null);
  const fieldOf = (x: Expr): string | null => {
    if (x.k === 'name' && named.has(x.id)) return x.id;
    if (
      x.k === 'sub' &&
      x.index.k === 'str' &&
      ((x.obj.k === 'name' && x.obj.id === kwName) || isContext(x.obj))
    ) {
      return x.index.value;
    }
    if (
      x.k === 'call' &&
      x.fn.k === 'attr' &&
      x.fn.name === 'get' &&
      ((x.fn.obj.k === 'name' && x.fn.obj.id === kwName) || isContext(x.fn.obj)) &&
      x.args[0]?.value.k === 'str'
    ) {
      return x.args[0].value.value;
    }
    if (x.k === 'attr') {
      if (isContext(x.obj)) return x.name;
      const base = fieldOf(x.obj);
      return base === null ? null : `${base}.${x.name}`;
    }
    if (x.k === 'sub') {
      const base = fieldOf(x.obj);
      if (base === null) return null;
      if (x.index.k === 'str' && !/[.[\]{}]/.test(x.index.value)) return `${base}[${x.index.value}]`;
      if (x.index.k === 'num' && !x.index.float) return `${base}[${x.index.value}]`;
    }
    return null;
  };
  const partsRecipe = (parts: FPart[]): string => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += escapeBraces(p);
        continue;
      }
      const field = fieldOf(p.expr);
      if (field !== null) {
        const spec = partsRecipe(p.spec);
        out += `{${field}${p.conversion ? `!${p.conversion}` : ''}${spec ? `:${spec}` : ''}}`;
        continue;
      }
      const v = asString(it.fstring([p], env));
      out += v === null ? WILDCARD : escapeBraces(v);
    }
    return out;
  };
  const recipe = (x: Expr, depth: number): string => {
    if (depth > 10) return WILDCARD;
    if (x.k === 'str') return escapeBraces(x.value);
    if (x.k === 'fstr') return partsRecipe(x.parts);
    if (x.k === 'bin' && x.op === '+') return recipe(x.left, depth + 1) + recipe(x.right, depth + 1);
    if (
      x.k === 'call' &&
      x.fn.k === 'attr' &&
      x.fn.name === 'format' &&
      x.args.length === 1 &&
      x.args[0].star === '**' &&
      x.args[0].value.k === 'name' &&
      x.args[0].value.id === kwName
    ) {
      // "template".format(**kwargs): the formatting kwargs are Prefect's own.
      return asString(it.ev(x.fn.obj, env)) ?? WILDCARD;
    }
    const field = fieldOf(x);
    if (field !== null) return `{${field}}`;
    const v = asString(it.ev(x, env));
    return v === null ? WILDCARD : escapeBraces(v);
  };
  const r = recipe(body, 0);
  return r === WILDCARD ? undefined : r;
}

/**
 * Prefect's `_infer_run_nout` (core/task.py): a `Tuple[a, b]` / `tuple[a, b]` return annotation
 * gives its length (`Tuple[()]` 0); a bare or variable-length tuple (`Tuple[int, ...]`) or any
 * other annotation none. Under `from __future__ import annotations` the annotation is a string
 * Prefect does not evaluate: none either.
 */
export function annotatedNout(it: Interpreter, def: DefStmt, env: Env): number | null {
  const r = def.returns;
  if (r?.k !== 'sub' || it.futureAnnotations) return null;
  const base = it.ev(r.obj, env);
  const tuple =
    (base.k === 'module' && base.qname === 'typing.Tuple') ||
    (r.obj.k === 'name' && r.obj.id === 'tuple' && base.k === 'unknown');
  if (!tuple) return null;
  const items = r.index.k === 'tuple' ? r.index.items : [r.index];
  if (items.length === 2 && it.text(env, items[1]) === '...') return null;
  if (items.length === 1 && items[0].k === 'tuple' && items[0].items.length === 0) return 0;
  return items.length;
}

/** Task.__init__'s keyword arguments from a call's (positional ones by `order`). */
export function initKwargs(args: ArgVal[], order: string[] = []): Map<string, ArgVal> {
  const out = new Map<string, ArgVal>();
  let i = 0;
  for (const a of args) {
    if (a.star === '**' && a.val.k === 'kwdict') {
      for (const [k, val] of a.val.items) out.set(k, { ...a, name: k, star: '', val });
    } else if (a.star) continue;
    else if (a.name) out.set(a.name, a);
    else if (i < order.length) out.set(order[i++], a);
  }
  return out;
}

/** Positional order of `Task.__init__` (for `MyTask("name", ...)` without a custom __init__). */
export const TASK_INIT_ORDER = [
  'name',
  'slug',
  'tags',
  'max_retries',
  'retry_delay',
  'retry_on',
  'timeout',
  'trigger',
  'skip_on_upstream_skip',
  'cache_for',
  'cache_validator',
  'cache_key',
  'checkpoint',
  'state_handlers',
  'on_failure',
  'log_stdout',
  'result',
  'target',
  'task_run_name',
  'nout',
];
