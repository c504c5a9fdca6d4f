// Walks a module's statements in order, as Python runs them: imports and assignments bind names,
// decorators make tasks, `CacheStore(...)` calls make stores, `with Flow(...)` bodies and the
// imperative API make flows.
import type { Expr, Stmt } from '../parse/ast';
import type { PyValue } from '../template/values';
import type { FlowInfo } from '../types';
import { evaluate, isUnknown } from './evaluate';
import { FlowBuilder, type FlowHost } from './flows';
import { type FlowVal, type TaskObject, UNKNOWN } from './flowValues';
import {
  type Binding,
  knownKind,
  type ParamObject,
  qualify,
  resultClassName,
  Scope,
  type TaskClass,
} from './scope';
import type { AnalysisState, Env } from './state';
import {
  callKwargs,
  type KwArg,
  makeTask,
  resultFrom,
  runParams,
  TASK_INIT_ORDER,
  taskDecoratorArgs,
} from './tasks';

type Call = Extract<Expr, { k: 'call' }>;

const CHECKPOINT_ENV = 'PREFECT__FLOWS__CHECKPOINTING';

export class ModuleAnalyzer implements FlowHost {
  readonly builders: FlowBuilder[] = [];
  readonly flowVars = new Map<string, FlowVal>();
  private readonly taskObjects = new Map<number, TaskObject>();
  /** Functions that build flows or stores: run where the module calls them, else at the end. */
  private readonly builderDefs = new Map<
    Extract<Stmt, { k: 'def' }>,
    { env: Env; done: boolean; running?: boolean }
  >();

  constructor(readonly state: AnalysisState) {}

  /** Runs the flow-building functions the module never called (their arguments unknown). */
  finish(): void {
    for (const [def, entry] of this.builderDefs) {
      if (entry.done) continue;
      entry.done = true;
      const inner = new Scope(entry.env.scope);
      for (const p of def.params) inner.set(p.name, { k: 'unknown' });
      this.moduleStmts(def.body, { scope: inner, item: entry.env.item });
    }
  }

  /** `build_flow("name")`: the function's body run with its arguments bound. */
  private callBuilderDef(b: Extract<Binding, { k: 'def' }>, call: Call, env: Env): Binding | null {
    const entry = this.builderDefs.get(b.stmt);
    if (!entry || entry.running) return null;
    entry.done = true;
    entry.running = true;
    try {
      return this.runBuilderDef(b, call, env);
    } finally {
      entry.running = false;
    }
  }

  private runBuilderDef(b: Extract<Binding, { k: 'def' }>, call: Call, env: Env): Binding {
    const inner = new Scope(b.scope);
    const positional = call.args.filter((a) => !a.name && !a.star);
    let i = 0;
    for (const p of b.stmt.params) {
      if (p.kind === 'vararg' || p.kind === 'kwarg') {
        inner.set(p.name, { k: 'unknown' });
        continue;
      }
      const byName = call.args.find((a) => a.name === p.name);
      const arg = byName ?? (p.kind === 'positional' ? positional[i++] : undefined);
      if (arg) inner.set(p.name, { k: 'expr', expr: arg.value, item: env.item, scope: env.scope });
      else if (p.default) inner.set(p.name, { k: 'expr', expr: p.default, item: b.item, scope: b.scope });
      else inner.set(p.name, { k: 'unknown' });
    }
    const innerEnv = { scope: inner, item: b.item };
    this.moduleStmts(b.stmt.body, innerEnv);
    for (const st of b.stmt.body) {
      if (st.k === 'return' && st.value?.k === 'name') {
        const r = inner.get(st.value.id);
        if (r && r.k !== 'unknown' && r.k !== 'module') return r;
      }
    }
    return { k: 'unknown' };
  }

  // ---- FlowHost ---------------------------------------------------------------------------

  taskObject(index: number): TaskObject {
    let obj = this.taskObjects.get(index);
    if (!obj) {
      const t = this.state.tasks[index];
      obj = {
        task: index,
        name: t.name,
        tags: t.tags ?? [],
        params: t.params ?? null,
        varKeywords: t.varKeywords ?? false,
      };
      this.taskObjects.set(index, obj);
    }
    return obj;
  }

  nameValue(name: string, env: Env): FlowVal {
    const b = env.scope.get(name);
    if (!b) return UNKNOWN;
    switch (b.k) {
      case 'task':
        return { k: 'taskobj', obj: this.taskObject(b.index) };
      case 'param':
        return { k: 'param', param: b.param };
      case 'flow':
        return { k: 'flow', index: b.index };
      case 'class':
        return b.taskClass ? { k: 'taskclass', className: b.taskClass.name } : UNKNOWN;
      case 'expr': {
        const v = evaluate(b.expr, { scope: b.scope, item: b.item });
        return isUnknown(v) ? UNKNOWN : { k: 'const', value: v };
      }
      default:
        return UNKNOWN;
    }
  }

  instantiate(className: string, call: Call, env: Env, variable: string | null): FlowVal {
    const b = env.scope.get(className);
    if (b?.k !== 'class' || !b.taskClass) return UNKNOWN;
    const index = this.taskFromClass(
      b.taskClass,
      b.stmt.body.some((s) => s.k === 'def' && s.name === '__init__'),
      call,
      env,
      variable,
    );
    return { k: 'taskobj', obj: this.taskObject(index) };
  }

  private taskFromClass(
    tc: TaskClass,
    ownInit: boolean,
    call: Call,
    env: Env,
    variable: string | null,
  ): number {
    const kwargs = new Map<string, KwArg>(tc.initKwargs);
    // Without its own __init__, positional arguments go to Task.__init__.
    for (const [k, v] of callKwargs(call.args, env, ownInit ? [] : TASK_INIT_ORDER)) kwargs.set(k, v);
    const index = makeTask(this.state, {
      functionName: null,
      variable,
      line: tc.line,
      kwargs,
      params: tc.params,
      varKeywords: tc.varKeywords,
      defaultName: tc.name,
    });
    return index;
  }

  functionalTask(call: Call, env: Env, variable: string | null): FlowVal {
    const index = this.functionalTaskIndex(call, env, variable);
    return index === null ? UNKNOWN : { k: 'taskobj', obj: this.taskObject(index) };
  }

  /** `task(fn, **kw)` or `task(**kw)(fn)`. */
  private functionalTaskIndex(call: Call, env: Env, variable: string | null): number | null {
    let fnArg: Expr | undefined;
    let kwSource = call;
    if (call.fn.k === 'call' && knownKind(call.fn.fn, env.scope) === 'task') {
      kwSource = call.fn;
      fnArg = call.args.find((a) => !a.name && !a.star)?.value;
    } else {
      fnArg =
        call.args.find((a) => !a.name && !a.star)?.value ?? call.args.find((a) => a.name === 'fn')?.value;
    }
    if (!fnArg) return null;
    let functionName: string | null = null;
    let params: string[] = [];
    let varKeywords = false;
    if (fnArg.k === 'name') {
      functionName = fnArg.id;
      const b = env.scope.get(fnArg.id);
      if (b?.k === 'def') ({ names: params, varKeywords } = runParams(b.stmt.params, false));
      else varKeywords = true;
    } else if (fnArg.k === 'lambda') {
      functionName = '<lambda>';
      ({ names: params, varKeywords } = runParams(fnArg.params, false));
    } else return null;
    const kwargs = callKwargs(
      kwSource.args.filter((a) => a.name),
      env,
    );
    return makeTask(this.state, {
      functionName,
      variable,
      line: this.state.lineOf(env, call),
      kwargs,
      params,
      varKeywords,
      defaultName: functionName,
    });
  }

  paramFromCall(call: Call, env: Env): ParamObject {
    const pos = call.args.filter((a) => !a.name && !a.star).map((a) => a.value);
    const kw = (n: string) => call.args.find((a) => a.name === n)?.value;
    const nameExpr = pos[0] ?? kw('name');
    const nameVal = nameExpr ? evaluate(nameExpr, env) : null;
    const defaultExpr = pos[1] ?? kw('default');
    const requiredExpr = pos[2] ?? kw('required');
    const requiredVal = requiredExpr ? evaluate(requiredExpr, env) : null;
    let dflt: PyValue | undefined;
    let defaultUnknown = false;
    if (defaultExpr) {
      const v = evaluate(defaultExpr, env);
      if (isUnknown(v)) defaultUnknown = true;
      else dflt = v;
    }
    const required = requiredVal === true || (requiredVal !== false && !defaultExpr);
    const p: ParamObject = {
      name: typeof nameVal === 'string' ? nameVal : '?',
      hasDefault: !!defaultExpr,
      required,
      line: this.state.lineOf(env, call),
    };
    if (dflt !== undefined) p.default = dflt;
    if (defaultUnknown) p.defaultUnknown = true;
    return p;
  }

  // ---- statements -------------------------------------------------------------------------

  moduleStmts(stmts: Stmt[], env: Env): void {
    for (const s of stmts) this.moduleStmt(s, env);
  }

  moduleStmt(s: Stmt, env: Env): void {
    switch (s.k) {
      case 'import':
        for (const n of s.names) {
          if (n.as) env.scope.set(n.as, { k: 'module', qname: n.module });
          else {
            const top = n.module.split('.')[0];
            env.scope.set(top, { k: 'module', qname: top });
          }
          this.noteImport(n.module, env, s);
        }
        return;
      case 'from':
        for (const n of s.names) {
          if (n.name === '*') continue;
          const qname = s.level > 0 ? `.${s.module}.${n.name}` : `${s.module}.${n.name}`;
          env.scope.set(n.as ?? n.name, { k: 'module', qname });
        }
        if (s.level === 0) this.noteImport(s.module, env, s);
        return;
      case 'assign':
        this.assign(s.targets, s.value, env);
        return;
      case 'expr':
        this.exprStmt(s.value, env);
        return;
      case 'def':
        this.defStmt(s, env);
        return;
      case 'class':
        this.classStmt(s, env);
        return;
      case 'with':
        this.withStmt(s, env);
        return;
      case 'for':
        this.bindUnknown(s.target, env);
        this.moduleStmts(s.body, env);
        this.moduleStmts(s.orelse, env);
        return;
      case 'if':
        for (const br of s.branches) this.moduleStmts(br.body, env);
        return;
      case 'block':
        for (const body of s.bodies) this.moduleStmts(body, env);
        return;
      default:
        return;
    }
  }

  private noteImport(module: string, env: Env, s: Stmt): void {
    const top = module.split('.')[0];
    const line = this.state.lineOf(env, s);
    if (top === 'prefect') {
      this.state.prefect1 = true;
      if (this.state.prefectLoadLine === null) this.state.prefectLoadLine = line;
    } else if (top === 'xpersist') {
      if (this.state.xpersistImportLine === null) {
        this.state.xpersistImportLine = line;
        // xpersist sets PREFECT__FLOWS__CHECKPOINTING=True, then imports prefect.
        this.state.checkpointEnv.push({ value: 'True', line, byXpersist: true });
        if (this.state.prefectLoadLine === null) {
          this.state.prefectLoadLine = line;
          this.state.prefectLoadedByXpersist = true;
        }
      }
    }
  }

  private bindUnknown(target: Expr, env: Env): void {
    if (target.k === 'name') {
      env.scope.set(target.id, { k: 'unknown' });
      this.flowVars.delete(target.id);
    } else if (target.k === 'tuple' || target.k === 'list')
      for (const t of target.items) this.bindUnknown(t, env);
  }

  private assign(targets: Expr[], value: Expr, env: Env): void {
    for (const t of targets) {
      // os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "..."
      if (t.k === 'sub' && knownKind(t.obj, env.scope) === 'environ') {
        const key = evaluate(t.index, env);
        if (key === CHECKPOINT_ENV) {
          const v = evaluate(value, env);
          this.state.checkpointEnv.push({
            value: typeof v === 'string' ? v : null,
            line: this.state.lineOf(env, t),
          });
        }
      }
      if (t.k === 'attr' && qualify(t, env.scope) === 'prefect.config.flows.checkpointing') {
        const v = evaluate(value, env);
        this.state.checkpointConfig.push({
          value: typeof v === 'boolean' ? v : null,
          line: this.state.lineOf(env, t),
        });
      }
      if (t.k === 'attr' && t.name === 'result' && t.obj.k === 'name') {
        const b = env.scope.get(t.obj.id);
        if (b?.k === 'flow') {
          this.state.flows[b.index].result = resultFrom(this.state, value, env, {
            dumpKwargsUnknown: false,
            resultLine: null,
          });
        }
      }
    }
    const names = targets.filter((t): t is Extract<Expr, { k: 'name' }> => t.k === 'name');
    const variable = targets.length === 1 && names.length === 1 ? names[0].id : null;
    const binding = this.valueBinding(value, env, variable);
    for (const t of targets) {
      if (t.k === 'name') {
        env.scope.set(t.id, binding);
        this.flowVars.delete(t.id);
      } else if (t.k === 'tuple' || t.k === 'list') this.bindUnknown(t, env);
    }
  }

  /** What a name assigned `value` is bound to (creating stores, tasks, flows on the way). */
  private valueBinding(value: Expr, env: Env, variable: string | null): Binding {
    if (value.k === 'call') {
      const kind = knownKind(value.fn, env.scope);
      if (kind === 'CacheStore') return { k: 'store', index: this.state.registerStore(value, env, variable) };
      if (kind === 'task' || (value.fn.k === 'call' && knownKind(value.fn.fn, env.scope) === 'task')) {
        const index = this.functionalTaskIndex(value, env, variable);
        if (index !== null) return { k: 'task', index };
      }
      if (kind === 'Flow') return { k: 'flow', index: this.createFlow(value, env, variable).index };
      if (kind === 'Parameter') return { k: 'param', param: this.paramFromCall(value, env) };
      if (resultClassName(value.fn, env.scope)) {
        const result = resultFrom(this.state, value, env, { dumpKwargsUnknown: false, resultLine: null });
        if (result) return { k: 'result', result };
      }
      if (value.fn.k === 'name') {
        const b = env.scope.get(value.fn.id);
        if (b?.k === 'def') {
          const ret = this.callBuilderDef(b, value, env);
          if (ret) return ret;
        }
        if (b?.k === 'class' && b.taskClass) {
          const ownInit = b.stmt.body.some((s) => s.k === 'def' && s.name === '__init__');
          return { k: 'task', index: this.taskFromClass(b.taskClass, ownInit, value, env, variable) };
        }
      }
      const routed = this.imperativeCall(value, env);
      if (routed) return { k: 'unknown' };
    }
    this.scanStores(value, env);
    return { k: 'expr', expr: value, item: env.item, scope: env.scope };
  }

  /** Calls on flows and task objects outside `with` blocks (the imperative API). */
  private imperativeCall(call: Call, env: Env): boolean {
    if (call.fn.k !== 'attr') return false;
    const objExpr = call.fn.obj;
    if (objExpr.k !== 'name') return false;
    const b = env.scope.get(objExpr.id);
    if (b?.k === 'flow') {
      this.builders[b.index].flowMethod(call.fn.name, call, env);
      return true;
    }
    if (
      (b?.k === 'task' || this.flowVars.has(objExpr.id)) &&
      ['set_upstream', 'set_downstream', 'bind', 'map'].includes(call.fn.name)
    ) {
      const flowArg = call.args.find((a) => a.name === 'flow')?.value;
      const fb = flowArg?.k === 'name' ? env.scope.get(flowArg.id) : undefined;
      if (fb?.k === 'flow') {
        this.builders[fb.index].evalFlow(call, env);
        return true;
      }
    }
    return false;
  }

  private exprStmt(value: Expr, env: Env): void {
    if (value.k !== 'call') {
      this.scanStores(value, env);
      return;
    }
    const kind = knownKind(value.fn, env.scope);
    if (kind === 'environ.setdefault' || kind === 'putenv') {
      const key = value.args[0] ? evaluate(value.args[0].value, env) : null;
      if (key === CHECKPOINT_ENV) {
        const v = value.args[1] ? evaluate(value.args[1].value, env) : null;
        this.state.checkpointEnv.push({
          value: typeof v === 'string' ? v : null,
          line: this.state.lineOf(env, value),
        });
      }
      return;
    }
    if (kind === 'environ.update') {
      const d = value.args[0] ? evaluate(value.args[0].value, env) : null;
      if (d && typeof d === 'object' && !isUnknown(d) && CHECKPOINT_ENV in (d as Record<string, unknown>)) {
        const v = (d as Record<string, PyValue>)[CHECKPOINT_ENV];
        this.state.checkpointEnv.push({
          value: typeof v === 'string' ? v : null,
          line: this.state.lineOf(env, value),
        });
      }
      return;
    }
    // registry.serializers.register("name")(fn)
    if (value.fn.k === 'call' && knownKind(value.fn.fn, env.scope) === 'register-serializer') {
      this.noteSerializer(value.fn, env);
      return;
    }
    if (kind === 'CacheStore') {
      this.state.registerStore(value, env, null);
      return;
    }
    if (value.fn.k === 'name') {
      const b = env.scope.get(value.fn.id);
      if (b?.k === 'def' && this.callBuilderDef(b, value, env)) return;
    }
    if (this.imperativeCall(value, env)) return;
    this.scanStores(value, env);
  }

  private noteSerializer(call: Call, env: Env): void {
    const name = call.args[0] ? evaluate(call.args[0].value, env) : null;
    if (typeof name === 'string') this.state.registeredSerializers.add(name);
  }

  /** Registers `CacheStore(...)` calls nested anywhere in an expression. */
  private scanStores(e: Expr, env: Env): void {
    const visit = (x: Expr): void => {
      switch (x.k) {
        case 'call':
          if (knownKind(x.fn, env.scope) === 'CacheStore') {
            this.state.registerStore(x, env, null);
            return;
          }
          visit(x.fn);
          for (const a of x.args) visit(a.value);
          return;
        case 'attr':
          visit(x.obj);
          return;
        case 'list':
        case 'tuple':
        case 'set':
          x.items.forEach(visit);
          return;
        case 'dict':
          for (const it of x.items) {
            if (it.key) visit(it.key);
            visit(it.value);
          }
          return;
        case 'sub':
          visit(x.obj);
          visit(x.index);
          return;
        case 'bin':
          visit(x.left);
          visit(x.right);
          return;
        case 'star':
          visit(x.arg);
          return;
        case 'cond':
          visit(x.test);
          visit(x.body);
          visit(x.orelse);
          return;
        default:
          return;
      }
    };
    if (env.item.text.includes('CacheStore')) visit(e);
  }

  private defStmt(s: Extract<Stmt, { k: 'def' }>, env: Env): void {
    let taskIndex: number | null = null;
    for (const d of s.decorators) {
      const fn = d.expr.k === 'call' ? d.expr.fn : d.expr;
      const kind = knownKind(fn, env.scope);
      if (kind === 'prefect2-flow') {
        if (this.state.prefect2Line === null) this.state.prefect2Line = this.state.lineOf(env, d);
        continue;
      }
      if (kind === 'register-serializer' && d.expr.k === 'call') {
        this.noteSerializer(d.expr, env);
        continue;
      }
      const args = taskDecoratorArgs(d.expr, env.scope);
      if (args && taskIndex === null) {
        const { names, varKeywords } = runParams(s.params, false);
        taskIndex = makeTask(this.state, {
          functionName: s.name,
          variable: s.name,
          line: this.state.lineOf(env, d),
          kwargs: callKwargs(
            args.filter((a) => a.name),
            env,
          ),
          params: names,
          varKeywords,
          defaultName: s.name,
        });
      }
    }
    if (taskIndex !== null) {
      env.scope.set(s.name, { k: 'task', index: taskIndex });
      this.flowVars.delete(s.name);
      return;
    }
    env.scope.set(s.name, { k: 'def', stmt: s, item: env.item, scope: env.scope });
    this.flowVars.delete(s.name);
    // Flows and stores are often built inside functions (`def build_flow(name): with Flow(name)`):
    // their bodies run where the module calls them, with the arguments it passes.
    const body = env.item.text.slice(s.pos, s.end);
    if (/Flow|CacheStore|task/.test(body)) this.builderDefs.set(s, { env, done: false });
  }

  private classStmt(s: Extract<Stmt, { k: 'class' }>, env: Env): void {
    let parent: TaskClass | null = null;
    let isTask = false;
    for (const base of s.bases) {
      if (base.name) continue;
      if (knownKind(base.value, env.scope) === 'Task') isTask = true;
      if (base.value.k === 'name') {
        const b = env.scope.get(base.value.id);
        if (b?.k === 'class' && b.taskClass) {
          isTask = true;
          parent = b.taskClass;
        }
      }
    }
    let taskClass: TaskClass | null = null;
    if (isTask) {
      const run = s.body.find((b): b is Extract<Stmt, { k: 'def' }> => b.k === 'def' && b.name === 'run');
      const init = s.body.find(
        (b): b is Extract<Stmt, { k: 'def' }> => b.k === 'def' && b.name === '__init__',
      );
      const { names, varKeywords } = run
        ? runParams(run.params, true)
        : { names: parent?.params ?? [], varKeywords: parent?.varKeywords ?? false };
      const initKwargs = new Map(parent?.initKwargs ?? []);
      if (init) {
        const initScope = new Scope(env.scope);
        for (const p of init.params) initScope.set(p.name, { k: 'unknown' });
        for (const st of init.body) {
          if (
            st.k !== 'expr' ||
            st.value.k !== 'call' ||
            st.value.fn.k !== 'attr' ||
            st.value.fn.name !== '__init__'
          )
            continue;
          for (const [k, v] of callKwargs(st.value.args, { scope: initScope, item: env.item }))
            initKwargs.set(k, v);
        }
      }
      taskClass = {
        name: s.name,
        line: this.state.lineOf(env, s),
        params: names,
        varKeywords,
        initKwargs,
      };
    }
    env.scope.set(s.name, { k: 'class', stmt: s, item: env.item, scope: env.scope, taskClass });
  }

  private createFlow(call: Call, env: Env, variable: string | null): FlowBuilder {
    const nameExpr =
      call.args.find((a) => !a.name && !a.star)?.value ?? call.args.find((a) => a.name === 'name')?.value;
    const nameVal = nameExpr ? evaluate(nameExpr, env) : null;
    const resultExpr = call.args.find((a) => a.name === 'result')?.value;
    const info: FlowInfo = {
      name: typeof nameVal === 'string' ? nameVal : null,
      variable,
      line: this.state.lineOf(env, call),
      parameters: [],
      nodes: [],
      edges: [],
      result: resultExpr
        ? resultFrom(this.state, resultExpr, env, { dumpKwargsUnknown: false, resultLine: null })
        : null,
    };
    this.state.flows.push(info);
    const builder = new FlowBuilder(this, this.builders.length, info);
    this.builders.push(builder);
    const tasksExpr = call.args.find((a) => a.name === 'tasks')?.value;
    if (tasksExpr) {
      const v = builder.evalFlow(tasksExpr, env);
      for (const item of v.k === 'seq' ? v.items : [v]) builder.nodeOf(item, info.line);
    }
    return builder;
  }

  private withStmt(s: Extract<Stmt, { k: 'with' }>, env: Env): void {
    let builder: FlowBuilder | null = null;
    for (const item of s.items) {
      const ctx = item.ctx;
      const asName = item.as?.k === 'name' ? item.as.id : null;
      if (ctx.k === 'call' && knownKind(ctx.fn, env.scope) === 'Flow') {
        builder = this.createFlow(ctx, env, asName);
        if (asName) {
          env.scope.set(asName, { k: 'flow', index: builder.index });
          this.flowVars.delete(asName);
        }
      } else if (ctx.k === 'name') {
        const b = env.scope.get(ctx.id);
        if (b?.k === 'flow') builder = this.builders[b.index];
      } else if (asName) this.bindUnknown(item.as as Expr, env);
    }
    if (builder) {
      for (const b of s.body) builder.stmt(b, env);
    } else this.moduleStmts(s.body, env);
  }
}
