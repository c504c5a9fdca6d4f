// Prefect 1.x's API as the interpreter runs it: `@task` and `task(...)`, `Task` subclasses and
// their instances, `Flow(...)` and `with Flow` bodies, Parameters, `tags`, `unmapped` /
// `flatten` / `mapped`, calls of tasks inside a flow (a copy, bound), `.map`, and the imperative
// API (`add_task`, `set_dependencies`, `add_edge`, `set_upstream` / `set_downstream`, `bind`).
import type { Expr, Stmt } from '../parse/ast';
import type { FlowInfo, PathExpr } from '../types';
import { callMethod, resultOf } from './calls';
import { callControlFlow, runCase } from './controlFlow';
import { FlowGraph } from './graph';
import { bindParams, type Interpreter } from './interpreter';
import { knownKind, Scope } from './scope';
import { annotatedNout, initKwargs, makeTask, runParams, TASK_INIT_ORDER } from './tasks';
import {
  type ArgVal,
  type ClassVal,
  type DefStmt,
  type Env,
  itemsOf,
  type ParamObject,
  py,
  type TaskObject,
  taskOf,
  unknown,
  type Val,
} from './values';

type Call = Extract<Expr, { k: 'call' }>;

/** Calls of Prefect objects known by name (`task`, `Flow`, `Parameter`, `tags`, `unmapped`, ...). */
export function callPrefect(
  it: Interpreter,
  kind: string,
  e: Call,
  args: ArgVal[],
  env: Env,
  variable: string | null,
): Val | null {
  const control = callControlFlow(it, kind, e, args, env);
  if (control) return control;
  switch (kind) {
    case 'task': {
      const fn = args.find((a) => !a.name && !a.star) ?? args.find((a) => a.name === 'fn');
      if (!fn) return { k: 'decorator', kind: 'task', args };
      return functionalTask(
        it,
        fn,
        args.filter((a) => a.name && a !== fn),
        it.line(env, e),
        variable,
      );
    }
    case 'Flow':
      return { k: 'flow', index: createFlow(it, e, args, env, variable) };
    case 'Parameter':
      return { k: 'param', param: paramFrom(args, it.line(env, e)) };
    case 'tags': {
      const tags = args.flatMap((a) => (a.val.k === 'py' && typeof a.val.v === 'string' ? [a.val.v] : []));
      return { k: 'context', kind: 'tags', tags };
    }
    case 'case': {
      const [cond, value] = args.map((a) => a.val);
      return {
        k: 'context',
        kind: 'case',
        cond: cond ?? unknown('case'),
        value: value ?? unknown('case'),
        line: it.line(env, e),
      };
    }
    case 'unmapped':
    case 'flatten':
    case 'mapped': {
      return args[0] ? { k: 'wrap', how: kind, inner: args[0].val } : unknown(kind);
    }
    case 'prefect2-flow':
      return { k: 'decorator', kind: 'other', args: [] };
    default:
      return null;
  }
}

export function taskObject(it: Interpreter, index: number): TaskObject {
  let obj = it.taskObjects.get(index);
  if (!obj) {
    const t = it.state.tasks[index];
    obj = {
      task: index,
      name: t.name,
      tags: t.tags ?? [],
      params: t.params ?? null,
      varKeywords: t.varKeywords ?? false,
      nout: t.nout ?? null,
    };
    it.taskObjects.set(index, obj);
  }
  return obj;
}

/** `task(fn, **kw)` or `task(**kw)(fn)`. */
function functionalTask(
  it: Interpreter,
  fn: ArgVal,
  kwargs: ArgVal[],
  line: number,
  variable: string | null,
): Val {
  let functionName: string;
  let params: string[] = [];
  let varKeywords = false;
  if (fn.val.k === 'function') {
    functionName = fn.val.def.name;
    ({ names: params, varKeywords } = runParams(fn.val.def.params, false));
  } else if (fn.val.k === 'lambda') {
    functionName = '<lambda>';
    ({ names: params, varKeywords } = runParams(fn.val.e.params, false));
  } else if (fn.expr.k === 'name') {
    functionName = fn.expr.id;
    varKeywords = true;
  } else return unknown('task of an unknown function');
  const index = makeTask(it, {
    functionName,
    variable,
    line,
    kwargs: initKwargs(kwargs),
    params,
    varKeywords,
    defaultName: functionName,
    annotatedNout: fn.val.k === 'function' ? annotatedNout(it, fn.val.def, fn.val.env) : null,
  });
  return { k: 'task', obj: taskObject(it, index) };
}

function paramFrom(args: ArgVal[], line: number): ParamObject {
  const pos = args.filter((a) => !a.name && !a.star).map((a) => a.val);
  const kw = (n: string) => args.find((a) => a.name === n)?.val;
  const nameVal = pos[0] ?? kw('name');
  const dflt = pos[1] ?? kw('default');
  const requiredVal = pos[2] ?? kw('required');
  const required =
    (requiredVal?.k === 'py' && requiredVal.v === true) ||
    (!(requiredVal?.k === 'py' && requiredVal.v === false) && !dflt);
  const p: ParamObject = {
    name: nameVal?.k === 'py' && typeof nameVal.v === 'string' ? nameVal.v : '?',
    hasDefault: !!dflt,
    required,
    line,
  };
  if (dflt?.k === 'py') p.default = dflt.v;
  else if (dflt) p.defaultUnknown = true;
  return p;
}

function createFlow(it: Interpreter, e: Call, args: ArgVal[], env: Env, variable: string | null): number {
  const nameVal = (args.find((a) => !a.name && !a.star) ?? args.find((a) => a.name === 'name'))?.val;
  const resultArg = args.find((a) => a.name === 'result');
  const info: FlowInfo = {
    name: nameVal?.k === 'py' && typeof nameVal.v === 'string' ? nameVal.v : null,
    variable,
    line: it.line(env, e),
    parameters: [],
    nodes: [],
    edges: [],
    result: resultArg ? resultOf(it, resultArg) : null,
  };
  const pattern = namePattern(nameVal);
  if (info.name === null && pattern !== null) info.namePattern = pattern;
  it.state.flows.push(info);
  const graph = new FlowGraph(it.graphs.length, info);
  it.graphs.push(graph);
  const tasks = args.find((a) => a.name === 'tasks')?.val;
  if (tasks) for (const item of itemsOf(tasks) ?? [tasks]) graph.nodeOf(item, info.line);
  return graph.index;
}

/**
 * The name of a flow made in a loop or a factory, `*` where only run time knows it: an f-string
 * (`f"regional-{region}"`) or a concatenation (`"regional-" + region`). null: no known part.
 */
function namePattern(v: Val | undefined): string | null {
  if (!v || v.k === 'py') return null;
  const fs = 'fs' in v ? v.fs : undefined;
  let pattern: string | null = fs ? fs.partial.replace(/\uE000+/g, '*') : null;
  if (pattern === null && v.k === 'path' && v.p.k === 'concat') {
    const flat = (p: PathExpr): string =>
      p.k === 'str' ? p.value : p.k === 'concat' ? p.parts.map(flat).join('') : '*';
    pattern = flat(v.p).replace(/\*+/g, '*');
  }
  return pattern === null || pattern.replace(/\*/g, '') === '' ? null : pattern;
}

/** Calls on values: tasks and nodes, flows, Task classes, decorators, strings and paths. */
export function callOnValue(
  it: Interpreter,
  obj: Val,
  name: string,
  e: Call,
  args: ArgVal[],
  env: Env,
  variable: string | null = null,
): Val | null {
  const task = taskOf(obj);
  if (task) return taskMethod(it, obj, task, name, args, it.line(env, e));
  if (obj.k === 'flow') return flowMethod(it, it.graphs[obj.index], name, args, it.line(env, e));
  if (name !== '__call__') return callMethod(obj, name, args);
  if (obj.k === 'class' && obj.cls.isTask) return instantiate(it, obj.cls, args, it.line(env, e), variable);
  if (obj.k === 'decorator') {
    if (obj.kind !== 'task') return args[0]?.val ?? unknown('decorator');
    const fn = args.find((a) => !a.name && !a.star);
    return fn
      ? functionalTask(
          it,
          fn,
          obj.args.filter((a) => a.name),
          it.line(env, e),
          variable,
        )
      : null;
  }
  return null;
}

/** The flow a task call or method adds to: its `flow=` argument, else the active one. */
function flowFor(it: Interpreter, args: ArgVal[]): FlowGraph | null {
  const f = args.find((a) => a.name === 'flow')?.val;
  return f?.k === 'flow' ? it.graphs[f.index] : it.activeFlow;
}

function taskMethod(
  it: Interpreter,
  self: Val,
  task: TaskObject,
  name: string,
  args: ArgVal[],
  line: number,
): Val {
  const graph = flowFor(it, args);
  switch (name) {
    case '__call__':
    case 'map':
    case 'bind':
      if (!graph) return unknown(`${task.name}() outside a flow`);
      return graph.bindCall(task, args, name === 'map', line, name !== 'bind', it.tagStack);
    case 'set_upstream':
    case 'set_downstream': {
      const other = args.find((a) => !a.name || a.name === 'task')?.val ?? unknown('no task');
      const key = args.find((a) => a.name === 'key')?.val;
      const mapped = args.find((a) => a.name === 'mapped')?.val;
      const [up, down] = name === 'set_upstream' ? [other, self] : [self, other];
      if (graph) edgeBetween(it, graph, up, down, key, mapped?.k === 'py' && mapped.v === true, line);
      return self;
    }
    case 'copy':
      return { k: 'task', obj: { ...task } };
    default:
      return { k: 'derived', from: [self] };
  }
}

/** An imperative edge: both ends join the flow as themselves when they are task objects. */
function edgeBetween(
  it: Interpreter,
  graph: FlowGraph,
  up: Val,
  down: Val,
  key: Val | undefined,
  mapped: boolean,
  line: number,
): void {
  const to = graph.nodeOf(down, line, it.tagStack);
  const node = to ? graph.node(to) : undefined;
  if (!node) return;
  if (key?.k === 'py' && typeof key.v === 'string') graph.bindInput(node, key.v, up, mapped, line);
  else graph.upstream(node, up, mapped, line);
}

/** `flow.add_task(...)`, `flow.set_dependencies(...)`, `flow.add_edge(...)`. */
function flowMethod(it: Interpreter, graph: FlowGraph, name: string, args: ArgVal[], line: number): Val {
  const pos = args.filter((a) => !a.name && !a.star).map((a) => a.val);
  const kw = (n: string) => args.find((a) => a.name === n)?.val;
  switch (name) {
    case 'add_task': {
      const v = pos[0] ?? kw('task');
      if (v) graph.nodeOf(v, line, it.tagStack);
      return v ?? unknown('add_task()');
    }
    case 'add_edge': {
      const up = pos[0] ?? kw('upstream_task');
      const down = pos[1] ?? kw('downstream_task');
      const mapped = pos[3] ?? kw('mapped');
      if (up && down)
        edgeBetween(it, graph, up, down, pos[2] ?? kw('key'), mapped?.k === 'py' && mapped.v === true, line);
      return unknown('add_edge()');
    }
    case 'set_dependencies':
      setDependencies(it, graph, pos, kw, line);
      return unknown('set_dependencies()');
    default:
      return unknown(`flow.${name}()`);
  }
}

function setDependencies(
  it: Interpreter,
  graph: FlowGraph,
  pos: Val[],
  kw: (n: string) => Val | undefined,
  line: number,
): void {
  const task = pos[0] ?? kw('task');
  const to = task ? graph.nodeOf(task, line, it.tagStack) : null;
  const node = to ? graph.node(to) : undefined;
  if (!node) return;
  const mappedV = pos[5] ?? kw('mapped');
  const mapped = mappedV?.k === 'py' && mappedV.v === true;
  if (mapped) node.mapped = true;
  const upstream = pos[1] ?? kw('upstream_tasks');
  if (upstream) graph.upstream(node, upstream, mapped, line);
  const downstream = pos[2] ?? kw('downstream_tasks');
  for (const d of downstream ? (itemsOf(downstream) ?? [downstream]) : []) {
    const did = graph.nodeOf(d, line, it.tagStack);
    if (did) graph.addEdge({ from: node.id, to: did, kind: 'upstream', mapped: false });
  }
  const keyword = pos[3] ?? kw('keyword_tasks');
  if (keyword?.k === 'kwdict') for (const [k, v] of keyword.items) graph.bindInput(node, k, v, mapped, line);
  else if (keyword?.k === 'py' && keyword.v && typeof keyword.v === 'object' && !Array.isArray(keyword.v)) {
    for (const [k, v] of Object.entries(keyword.v)) graph.bindInput(node, k, py(v), mapped, line);
  }
}

// ---- definitions ----------------------------------------------------------------------------

/** A `def`: a task when a decorator says so, else a function (run where it is called). */
export function defStmt(it: Interpreter, s: DefStmt, env: Env): void {
  let taskArgs: ArgVal[] | null = null;
  let taskLine = 0;
  for (const d of s.decorators) {
    const v = it.ev(d.expr, env);
    const kind = v.k === 'module' ? knownKind(v.qname) : v.k === 'decorator' ? v.kind : '';
    if (
      kind === 'prefect2-flow' ||
      (d.expr.k === 'call' && kindOfCallee(it, d.expr, env) === 'prefect2-flow')
    ) {
      if (it.state.prefect2Line === null) it.state.prefect2Line = it.line(env, d);
    } else if ((kind === 'task' || (v.k === 'decorator' && v.kind === 'task')) && taskArgs === null) {
      taskArgs = v.k === 'decorator' ? v.args.filter((a) => a.name) : [];
      taskLine = it.line(env, d);
    }
  }
  if (taskArgs) {
    const { names, varKeywords } = runParams(s.params, false);
    const index = makeTask(it, {
      functionName: s.name,
      variable: s.name,
      line: taskLine,
      kwargs: initKwargs(taskArgs),
      params: names,
      varKeywords,
      defaultName: s.name,
      annotatedNout: annotatedNout(it, s, env),
    });
    env.scope.set(s.name, { k: 'task', obj: taskObject(it, index) });
    return;
  }
  const defEnv = { scope: env.defScope ?? env.scope, item: env.item };
  env.scope.set(s.name, { k: 'function', def: s, env: defEnv });
  // Flows and stores are often built inside functions (`def build_flow(name): with Flow(name)`):
  // their bodies run where the module calls them, with the arguments it passes, else at the end.
  if (!env.defScope && /Flow|CacheStore|task/.test(env.item.text.slice(s.pos, s.end))) {
    it.builders.set(s, { env: defEnv, called: false });
  }
}

function kindOfCallee(it: Interpreter, call: Call, env: Env): string {
  const fn = it.ev(call.fn, env);
  return fn.k === 'module' ? knownKind(fn.qname) : '';
}

/** A `class`: its body runs in a scope of its own (its attributes); a Task subclass is noted. */
export function classStmt(it: Interpreter, s: Extract<Stmt, { k: 'class' }>, env: Env): void {
  let isTask = false;
  let parent: ClassVal | null = null;
  for (const base of it.args(s.bases, env)) {
    if (base.name || base.star) continue;
    if (base.val.k === 'module' && knownKind(base.val.qname) === 'Task') isTask = true;
    if (base.val.k === 'class') {
      parent ??= base.val.cls;
      if (base.val.cls.isTask) isTask = true;
    }
  }
  const scope = new Scope(env.scope);
  const cls: ClassVal = { name: s.name, stmt: s, env, attrs: scope.own(), isTask, parent };
  it.run(s.body, { scope, item: env.item, defScope: env.defScope ?? env.scope, owner: s.name });
  env.scope.set(s.name, { k: 'class', cls });
}

/** An attribute of a class or its bases, with the class that defines it. */
export function classAttr(cls: ClassVal | null, name: string): [Val, ClassVal] | null {
  for (let c = cls; c; c = c.parent) {
    const v = c.attrs.get(name);
    if (v) return [v, c];
  }
  return null;
}

/** `MyTask(...)`: one task per instantiation, named as Prefect names it. */
function instantiate(
  it: Interpreter,
  cls: ClassVal,
  args: ArgVal[],
  line: number,
  variable: string | null,
): Val {
  const kwargs = taskInitArgs(it, cls, args, 0);
  const run = classAttr(cls, 'run')?.[0];
  const { names, varKeywords } =
    run?.k === 'function' ? runParams(run.def.params, true) : { names: [], varKeywords: true };
  const index = makeTask(it, {
    functionName: null,
    variable,
    line,
    kwargs,
    params: names,
    varKeywords,
    defaultName: cls.name,
    annotatedNout: run?.k === 'function' ? annotatedNout(it, run.def, run.env) : null,
  });
  return { k: 'task', obj: taskObject(it, index) };
}

/** What reaches Task.__init__ from `cls(*args)`: through each `__init__` and its `super().__init__`. */
function taskInitArgs(
  it: Interpreter,
  cls: ClassVal | null,
  args: ArgVal[],
  depth: number,
): Map<string, ArgVal> {
  const found = depth < 8 ? classAttr(cls, '__init__') : null;
  if (found?.[0].k !== 'function') return initKwargs(args, TASK_INIT_ORDER);
  const [init, owner] = found as [Extract<Val, { k: 'function' }>, ClassVal];
  const scope = new Scope(init.env.scope);
  const self: ArgVal = {
    name: null,
    star: '',
    val: unknown('self'),
    expr: { k: 'other', pos: init.def.pos, end: init.def.pos },
    env: init.env,
  };
  bindParams(init.def.params, [self, ...args], scope, (x) => it.ev(x, init.env));
  const initEnv = { scope, item: init.env.item };
  for (const st of init.def.body) {
    const call = st.k === 'expr' && st.value.k === 'call' ? st.value : null;
    if (call?.fn.k !== 'attr' || call.fn.name !== '__init__') continue;
    const superArgs = it.args(call.args, initEnv);
    // `Base.__init__(self, ...)` passes self explicitly; `super().__init__(...)` does not.
    const explicitSelf = !(
      call.fn.obj.k === 'call' &&
      call.fn.obj.fn.k === 'name' &&
      call.fn.obj.fn.id === 'super'
    );
    return taskInitArgs(it, owner.parent, explicitSelf ? superArgs.slice(1) : superArgs, depth + 1);
  }
  return new Map();
}

// ---- with -----------------------------------------------------------------------------------

/** `with Flow(...) as f:`, `with f:`, `with tags(...)`, `with case(...)`: the body runs inside. */
export function withStmt(it: Interpreter, s: Extract<Stmt, { k: 'with' }>, env: Env) {
  const savedFlow = it.activeFlow;
  const savedTags = it.tagStack;
  try {
    const cases: Extract<Val, { k: 'context'; kind: 'case' }>[] = [];
    for (const item of s.items) {
      const variable = item.as?.k === 'name' ? item.as.id : null;
      const ctx = it.ev(item.ctx, env, variable);
      if (ctx.k === 'flow') it.activeFlow = it.graphs[ctx.index];
      else if (ctx.k === 'context' && ctx.kind === 'tags') it.tagStack = [...it.tagStack, ...ctx.tags];
      else if (ctx.k === 'context' && ctx.kind === 'case') cases.push(ctx);
      if (item.as) it.assignTo(item.as, ctx.k === 'flow' ? ctx : unknown('with ... as'), env);
    }
    let returned: ReturnType<Interpreter['run']> = null;
    const body = cases.reduceRight(
      (inner, c) => () => runCase(it, c, inner, s, env),
      () => {
        returned = it.run(s.body, env);
      },
    );
    body();
    return returned;
  } finally {
    it.activeFlow = savedFlow;
    it.tagStack = savedTags;
  }
}
