// Tasks: `@task` / `@task(...)` functions, `task(fn, ...)` calls and `Task` subclasses, with
// their name, target, result and checkpoint settings.
import type { Expr, FPart, Param, Stmt } from '../parse/ast';
import { kindOf, type PyValue, WILDCARD } from '../template/values';
import type { ResultInfo, TaskInfo, TaskTarget } from '../types';
import { evalFString, evaluate, isUnknown } from './evaluate';
import { type Binding, type KwArg, knownKind, qualify, resultClassName, type Scope } from './scope';
import type { AnalysisState, Env } from './state';

export type { KwArg } from './scope';

export interface TaskSpec {
  functionName: string | null;
  variable: string | null;
  line: number;
  kwargs: Map<string, KwArg>;
  params: string[];
  varKeywords: boolean;
  /** Name used when `name=` is absent (the function's, or the class's). */
  defaultName: string;
}

/** Run-function inputs: what Prefect binds positional arguments to. */
export function runParams(params: Param[], dropSelf: boolean): { names: string[]; varKeywords: boolean } {
  const ps = dropSelf ? params.slice(1) : params;
  return {
    names: ps.filter((p) => p.kind === 'positional' || p.kind === 'kwonly').map((p) => p.name),
    varKeywords: ps.some((p) => p.kind === 'kwarg'),
  };
}

export function makeTask(state: AnalysisState, spec: TaskSpec): number {
  const kw = spec.kwargs;
  const notes = {
    fstringUnknown: [] as string[],
    fstringUndefined: [] as string[],
    dumpKwargsUnknown: false,
    resultLine: null as number | null,
  };
  let name = spec.defaultName;
  let nameDynamic = false;
  const nameArg = kw.get('name');
  if (nameArg) {
    const v = evaluate(nameArg.expr, nameArg.env);
    if (typeof v === 'string') name = v;
    else if (!(v === null && !isUnknown(v))) nameDynamic = true;
  }
  let checkpoint: boolean | null = null;
  const cp = kw.get('checkpoint');
  if (cp) {
    const v = evaluate(cp.expr, cp.env);
    checkpoint = typeof v === 'boolean' ? v : null;
  }
  let tags: string[] = [];
  const tg = kw.get('tags');
  if (tg) {
    const v = evaluate(tg.expr, tg.env);
    const items = stringItems(v);
    if (items) tags = items;
  }
  let target: TaskTarget | null = null;
  let targetLine: number | undefined;
  const tgt = kw.get('target');
  if (tgt) {
    targetLine = state.lineOf(tgt.env, tgt.expr);
    target = targetFrom(tgt.expr, tgt.env, notes);
  }
  let result: ResultInfo | null = null;
  const res = kw.get('result');
  if (res) {
    result = resultFrom(state, res.expr, res.env, notes);
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
  if (targetLine !== undefined) task.targetLine = targetLine;
  if (nameDynamic) task.nameDynamic = true;
  state.tasks.push(task);
  state.taskNotes.push(notes);
  return state.tasks.length - 1;
}

function stringItems(v: unknown): string[] | null {
  if (isUnknown(v)) return null;
  const items: PyValue[] | null = Array.isArray(v)
    ? v
    : v && typeof v === 'object' && 'items' in v && Array.isArray((v as { items: unknown }).items)
      ? ((v as { items: PyValue[] }).items as PyValue[])
      : null;
  if (!items?.every((x) => typeof x === 'string')) return null;
  return items as string[];
}

function targetFrom(
  e: Expr,
  env: Env,
  notes: { fstringUnknown: string[]; fstringUndefined: string[] },
  depth = 0,
): TaskTarget | null {
  if (depth > 10) return { kind: 'template', template: null };
  switch (e.k) {
    case 'const':
      return e.value === null ? null : { kind: 'template', template: null };
    case 'str':
      return { kind: 'template', template: e.value };
    case 'fstr': {
      const r = evalFString(e.parts, env);
      notes.fstringUnknown.push(...r.unknown);
      notes.fstringUndefined.push(...r.undefinedNames);
      if (r.text.includes(WILDCARD))
        return { kind: 'template', template: null, fstring: true, partial: r.text };
      return { kind: 'template', template: r.text, fstring: true };
    }
    case 'lambda': {
      const recipe = callableRecipe(e.params, e.body, env);
      return recipe === undefined
        ? { kind: 'callable', name: 'lambda' }
        : { kind: 'callable', name: 'lambda', recipe };
    }
    case 'name': {
      const b = env.scope.get(e.id);
      if (b?.k === 'expr') return targetFrom(b.expr, { scope: b.scope, item: b.item }, notes, depth + 1);
      if (b?.k === 'def') {
        const ret = singleReturn(b.stmt.body);
        const recipe = ret ? callableRecipe(b.stmt.params, ret, { scope: b.scope, item: b.item }) : undefined;
        return recipe === undefined
          ? { kind: 'callable', name: e.id }
          : { kind: 'callable', name: e.id, recipe };
      }
      if (b?.k === 'class' || b?.k === 'module') return { kind: 'callable', name: e.id };
      return { kind: 'template', template: null };
    }
    default: {
      const v = evaluate(e, env);
      if (typeof v === 'string') return { kind: 'template', template: v };
      return { kind: 'template', template: null };
    }
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
export function callableRecipe(params: Param[], body: Expr, env: Env): string | undefined {
  const kwName = params.find((p) => p.kind === 'kwarg')?.name ?? null;
  const named = new Set(
    params.filter((p) => p.kind === 'positional' || p.kind === 'kwonly').map((p) => p.name),
  );
  const isContext = (x: Expr) => qualify(x, env.scope) === 'prefect.context';
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
      const v = evalFString([p], env);
      out += v.text.includes(WILDCARD) ? WILDCARD : escapeBraces(v.text);
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
      const t = evaluate(x.fn.obj, env);
      return typeof t === 'string' ? t : WILDCARD;
    }
    const field = fieldOf(x);
    if (field !== null) return `{${field}}`;
    const v = evaluate(x, env);
    return typeof v === 'string' ? escapeBraces(v) : WILDCARD;
  };
  const r = recipe(body, 0);
  return r === WILDCARD ? undefined : r;
}

/** Results whose serializer_dump_kwargs is not a literal (no mode check possible). */
const DUMP_KWARGS_UNKNOWN = new WeakSet<ResultInfo>();

export const dumpKwargsUnknown = (r: ResultInfo): boolean => DUMP_KWARGS_UNKNOWN.has(r);

/** The CacheStore a result's `cache_store` argument refers to. */
function storeIndexFrom(state: AnalysisState, e: Expr, env: Env, depth = 0): number | null {
  if (depth > 10) return null;
  if (e.k === 'call' && knownKind(e.fn, env.scope) === 'CacheStore') return state.registerStore(e, env, null);
  if (e.k === 'name') {
    const b: Binding | undefined = env.scope.get(e.id);
    if (b?.k === 'store') return b.index;
    if (b?.k === 'expr') return storeIndexFrom(state, b.expr, { scope: b.scope, item: b.item }, depth + 1);
  }
  return null;
}

export function resultFrom(
  state: AnalysisState,
  e: Expr,
  env: Env,
  notes: { dumpKwargsUnknown: boolean; resultLine: number | null },
  depth = 0,
): ResultInfo | null {
  if (depth > 10) return null;
  if (e.k === 'const' && e.value === null) return null;
  if (e.k === 'name') {
    const b = env.scope.get(e.id);
    if (b?.k === 'result') {
      notes.resultLine = b.result.line ?? null;
      if (DUMP_KWARGS_UNKNOWN.has(b.result)) notes.dumpKwargsUnknown = true;
      return b.result;
    }
    if (b?.k === 'expr') return resultFrom(state, b.expr, { scope: b.scope, item: b.item }, notes, depth + 1);
  }
  if (e.k === 'call') {
    const cls = resultClassName(e.fn, env.scope);
    notes.resultLine = state.lineOf(env, e);
    if (cls === 'XpersistResult') {
      const pos = e.args.filter((a) => !a.name && !a.star).map((a) => a.value);
      const kw = (n: string) => e.args.find((a) => a.name === n)?.value;
      const storeArg = pos[0] ?? kw('cache_store');
      const serArg = pos[1] ?? kw('serializer');
      const dumpArg = pos[2] ?? kw('serializer_dump_kwargs');
      let serializer: string | null = 'auto';
      if (serArg) {
        const v = evaluate(serArg, env);
        serializer = typeof v === 'string' ? v : null;
      }
      let dumpKwargs: Record<string, unknown> | null = null;
      if (dumpArg) {
        const v = evaluate(dumpArg, env);
        if (
          !isUnknown(v) &&
          kindOf(v) === 'dict' &&
          v !== null &&
          typeof v === 'object' &&
          !Array.isArray(v)
        ) {
          dumpKwargs = JSON.parse(JSON.stringify(v));
        } else if (!(v === null)) notes.dumpKwargsUnknown = true;
      }
      const result: ResultInfo = {
        class: 'XpersistResult',
        store: storeArg ? state.text(env, storeArg) : null,
        serializer,
        dumpKwargs,
        storeIndex: storeArg ? storeIndexFrom(state, storeArg, env) : null,
        line: state.lineOf(env, e),
      };
      if (notes.dumpKwargsUnknown) DUMP_KWARGS_UNKNOWN.add(result);
      return result;
    }
    return {
      class: cls ?? state.text(env, e.fn),
      store: null,
      serializer: null,
      dumpKwargs: null,
      storeIndex: null,
      line: state.lineOf(env, e),
    };
  }
  return { class: state.text(env, e), store: null, serializer: null, dumpKwargs: null, storeIndex: null };
}

/** Keyword arguments of a call as a name → expression map (positional ones by `order`). */
export function callKwargs(
  args: { name: string | null; value: Expr; star: string }[],
  env: Env,
  order: string[] = [],
) {
  const out = new Map<string, KwArg>();
  let i = 0;
  for (const a of args) {
    if (a.star) continue;
    if (a.name) out.set(a.name, { expr: a.value, env });
    else if (i < order.length) out.set(order[i++], { expr: a.value, env });
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

/** The arguments of a `@task` / `@task(...)` / `@prefect.task(...)` decorator, or null. */
export function taskDecoratorArgs(e: Expr, scope: Scope): Extract<Expr, { k: 'call' }>['args'] | null {
  const fn = e.k === 'call' ? e.fn : e;
  if (knownKind(fn, scope) !== 'task') return null;
  return e.k === 'call' ? e.args : [];
}
