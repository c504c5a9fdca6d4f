// The abstract interpreter: runs a module's statements in order, as Python would, over the one
// value type of values.ts. Imports and assignments bind names; decorators and `task(...)` make
// tasks; `CacheStore(...)` makes stores; `with Flow(...)` bodies and the imperative API build
// flows (graph.ts); function bodies run where they are called. What it finds goes into the
// AnalysisState. Known calls are in calls.ts, Prefect's API in prefect.ts.
import { type Arg, COMPARISONS, type Expr, type FPart, type Stmt } from '../parse/ast';
import { formatValue } from '../template/format';
import { pyAscii, pyRepr, pyStr } from '../template/repr';
import { PyDict, PyError, PySet, PyTuple, type PyValue, WILDCARD } from '../template/values';
import type { PathExpr } from '../types';
import { callKnown, toPath } from './calls';
import type { FlowGraph } from './graph';
import { isTaskValue, taskOperator, taskUnary, unaryOnTask } from './operators';
import { callOnValue, classAttr, classStmt, defStmt, withStmt } from './prefect';
import { binOp, compareOp, numberLiteral, subscript, truthy, unaryOp } from './pyops';
import { isFallbackName, knownKind, Scope } from './scope';
import type { AnalysisState } from './state';
import {
  type ArgVal,
  type DefStmt,
  type Env,
  type FStringInfo,
  hasTaskData,
  itemsOf,
  py,
  type TaskObject,
  taskNout,
  unknown,
  type Val,
} from './values';

type Call = Extract<Expr, { k: 'call' }>;

const MAX_DEPTH = 60;
const MAX_UNROLL = 100;
const MAX_CALL_DEPTH = 8;
const CHECKPOINT_ENV = 'PREFECT__FLOWS__CHECKPOINTING';

interface Returned {
  value: Val;
}

export class Interpreter {
  readonly graphs: FlowGraph[] = [];
  /** The flow of the innermost `with Flow(...)` / `with flow:` being run. */
  activeFlow: FlowGraph | null = null;
  /** `with tags(...)` in force. */
  tagStack: string[] = [];
  /** `from __future__ import annotations`: annotations stay strings Prefect does not read. */
  futureAnnotations = false;
  readonly taskObjects = new Map<number, TaskObject>();
  /** Functions that build flows or stores: run where the module calls them, else at the end. */
  readonly builders = new Map<DefStmt, { env: Env; called: boolean }>();
  private readonly running = new Set<DefStmt>();
  private depth = 0;

  constructor(readonly state: AnalysisState) {}

  line(env: Env, e: { pos: number }): number {
    return env.item.lineAt(e.pos);
  }

  text(env: Env, e: { pos: number; end: number }): string {
    return env.item.text.slice(e.pos, e.end);
  }

  /** Runs the flow-building functions the module never called (their arguments unknown). */
  finish(): void {
    for (const [def, entry] of this.builders) {
      if (entry.called) continue;
      entry.called = true;
      const scope = new Scope(entry.env.scope);
      for (const p of def.params) scope.set(p.name, unknown('parameter'));
      this.run(def.body, { scope, item: entry.env.item });
    }
  }

  // ---- statements -------------------------------------------------------------------------

  /** Runs statements; a `return` stops them and gives its value. */
  run(stmts: Stmt[], env: Env): Returned | null {
    for (const s of stmts) {
      const r = this.stmt(s, env);
      if (r) return r;
    }
    return null;
  }

  stmt(s: Stmt, env: Env): Returned | null {
    switch (s.k) {
      case 'import':
        for (const n of s.names) {
          const top = n.module.split('.')[0];
          env.scope.set(n.as ?? top, { k: 'module', qname: n.as ? n.module : top });
          this.noteImport(n.module, env, s);
        }
        return null;
      case 'from':
        for (const n of s.names) {
          if (n.name === '*') continue;
          const qname = s.level > 0 ? `.${s.module}.${n.name}` : `${s.module}.${n.name}`;
          env.scope.set(n.as ?? n.name, { k: 'module', qname });
        }
        if (s.level === 0) this.noteImport(s.module, env, s);
        if (s.module === '__future__' && s.names.some((n) => n.name === 'annotations')) {
          this.futureAnnotations = true;
        }
        return null;
      case 'assign':
        this.assignStmt(s.targets, s.value, env);
        return null;
      case 'expr':
        this.ev(s.value, env);
        return null;
      case 'def':
        defStmt(this, s, env);
        return null;
      case 'class':
        classStmt(this, s, env);
        return null;
      case 'with':
        return withStmt(this, s, env);
      case 'for':
        return this.forStmt(s, env);
      case 'if':
        return this.ifStmt(s, env);
      case 'block':
        for (const body of s.bodies) {
          const r = this.run(body, env);
          if (r) return r;
        }
        return null;
      case 'return':
        return { value: s.value ? this.ev(s.value, env) : py(null) };
      default:
        return null;
    }
  }

  private noteImport(module: string, env: Env, s: Stmt): void {
    const top = module.split('.')[0];
    const line = this.line(env, s);
    const st = this.state;
    if (top === 'prefect') {
      st.prefect1 = true;
      if (st.prefectLoadLine === null) st.prefectLoadLine = line;
    } else if (top === 'xpersist' && st.xpersistImportLine === null) {
      st.xpersistImportLine = line;
      // xpersist sets PREFECT__FLOWS__CHECKPOINTING=True, then imports prefect.
      st.checkpointEnv.push({ value: 'True', line, byXpersist: true });
      if (st.prefectLoadLine === null) {
        st.prefectLoadLine = line;
        st.prefectLoadedByXpersist = true;
      }
    }
  }

  private assignStmt(targets: Expr[], value: Expr, env: Env): void {
    const name = targets.length === 1 && targets[0].k === 'name' ? targets[0].id : null;
    const variable = name && env.owner ? `${env.owner}.${name}` : name;
    let v = this.ev(value, env, variable);
    if (v.k === 'unknown') {
      // Keep what the value was computed from, for the storeExpressions setting.
      const text = this.text(env, value);
      const aliases = v.text && v.text !== text ? [v.text, ...(v.aliases ?? [])] : v.aliases;
      v = { ...v, text, ...(aliases ? { aliases } : {}) };
    }
    for (const t of targets) this.assignTo(t, v, env);
  }

  /** Binds a target (a name, a tuple to unpack, an environment or config setting). */
  assignTo(t: Expr, v: Val, env: Env): void {
    if (t.k === 'name') {
      env.scope.set(t.id, v);
      return;
    }
    if (t.k === 'tuple' || t.k === 'list') {
      const nout = this.activeFlow ? taskNout(v) : null;
      // Unpacking a task iterates it: one GetItem per result (a count that differs raises).
      const items =
        itemsOf(v) ??
        (nout === t.items.length
          ? Array.from({ length: nout }, (_, i) => this.taskItem(v, i, this.line(env, t)))
          : null);
      t.items.forEach((x, i) => {
        const item = items && items.length === t.items.length ? items[i] : undefined;
        this.assignTo(x, item ?? (hasTaskData(v) ? { k: 'derived', from: [v] } : unknown('unpacked')), env);
      });
      return;
    }
    if (t.k === 'sub') {
      const obj = this.ev(t.obj, env);
      if (obj.k === 'module' && knownKind(obj.qname) === 'environ') {
        const key = this.ev(t.index, env);
        if (key.k === 'py' && key.v === CHECKPOINT_ENV) this.noteCheckpointEnv(v, this.line(env, t));
      }
      return;
    }
    if (t.k === 'attr') {
      const obj = this.ev(t.obj, env);
      if (obj.k === 'module' && `${obj.qname}.${t.name}` === 'prefect.config.flows.checkpointing') {
        this.state.checkpointConfig.push({
          value: v.k === 'py' && typeof v.v === 'boolean' ? v.v : null,
          line: this.line(env, t),
        });
      } else if (obj.k === 'flow' && t.name === 'result') {
        this.state.flows[obj.index].result = v.k === 'result' ? v.result : null;
      } else if (obj.k === 'class') obj.cls.attrs.set(t.name, v);
    }
  }

  /** `task[i]` as Task.__iter__ makes it (a GetItem task in the active flow). */
  private taskItem(v: Val, i: number, line: number): Val {
    return this.activeFlow?.getItem(v, py(i), line, this.tagStack) ?? { k: 'derived', from: [v] };
  }

  noteCheckpointEnv(v: Val, line: number): void {
    this.state.checkpointEnv.push({ value: v.k === 'py' && typeof v.v === 'string' ? v.v : null, line });
  }

  /** Loops are unrolled inside a flow (each pass adds nodes); elsewhere run once, unknown. */
  private forStmt(s: Extract<Stmt, { k: 'for' }>, env: Env): Returned | null {
    const iter = this.ev(s.iter, env);
    const items = this.activeFlow ? itemsOf(iter) : null;
    const nout = this.activeFlow && !items ? taskNout(iter) : null;
    if (nout !== null && nout <= MAX_UNROLL) {
      // Task.__iter__ is a generator: each GetItem is made just before its pass.
      for (let i = 0; i < nout; i++) {
        this.assignTo(s.target, this.taskItem(iter, i, this.line(env, s.iter)), env);
        const r = this.run(s.body, env);
        if (r) return r;
      }
    } else if (items && items.length <= MAX_UNROLL) {
      for (const item of items) {
        this.assignTo(s.target, item, env);
        const r = this.run(s.body, env);
        if (r) return r;
      }
    } else {
      this.assignTo(
        s.target,
        hasTaskData(iter) ? { k: 'derived', from: [iter] } : unknown('loop variable'),
        env,
      );
      const r = this.run(s.body, env);
      if (r) return r;
    }
    return this.run(s.orelse, env);
  }

  /** A known test runs its branch only; an unknown one runs every branch that may run. */
  private ifStmt(s: Extract<Stmt, { k: 'if' }>, env: Env): Returned | null {
    for (const br of s.branches) {
      const t = br.test ? this.ev(br.test, env) : py(true);
      if (t.k === 'py' && !truthy(t.v)) continue;
      const r = this.run(br.body, env);
      if (r) return r;
      if (t.k === 'py') return null;
    }
    return null;
  }

  // ---- expressions ------------------------------------------------------------------------

  /** The one evaluator: what `e` is worth in `env`. `variable`: the name it is assigned to. */
  ev(e: Expr, env: Env, variable: string | null = null): Val {
    if (this.depth > MAX_DEPTH) return unknown('too deep');
    this.depth++;
    try {
      return this.evInner(e, env, variable);
    } finally {
      this.depth--;
    }
  }

  private evInner(e: Expr, env: Env, variable: string | null): Val {
    switch (e.k) {
      case 'str':
        return e.bytes ? unknown('bytes') : py(e.value);
      case 'num':
        return py(numberLiteral(e.value, e.float));
      case 'const':
        return py(e.value);
      case 'fstr':
        return this.fstring(e.parts, env);
      case 'list':
      case 'tuple':
      case 'set':
        return this.display(e.k, e.items, env);
      case 'dict':
        return this.dict(e.items, env);
      case 'name':
        return this.name(e.id, env.scope);
      case 'attr':
        return this.attr(this.ev(e.obj, env), e.name);
      case 'sub':
        return this.sub(this.ev(e.obj, env), this.ev(e.index, env), this.line(env, e));
      case 'bin':
        if (e.chain) return this.chain(e, env);
        if (e.op === 'and' || e.op === 'or') return this.boolOp(e, env);
        return this.bin(e.op, this.ev(e.left, env), this.ev(e.right, env), e, env);
      case 'unary': {
        const v = this.ev(e.arg, env);
        if (isTaskValue(v)) {
          if (e.op !== 'not') this.state.noteOnce(unaryOnTask(e.op, this.line(env, e)));
          return taskUnary(e.op);
        }
        if (v.k !== 'py') return hasTaskData(v) ? { k: 'derived', from: [v] } : unknown(`operator ${e.op}`);
        const r = unaryOp(e.op, v.v);
        return r === null ? unknown(`operator ${e.op}`) : py(r);
      }
      case 'cond': {
        const t = this.ev(e.test, env);
        if (t.k === 'py') return this.ev(truthy(t.v) ? e.body : e.orelse, env);
        const parts = [t, this.ev(e.body, env), this.ev(e.orelse, env)];
        return parts.some(hasTaskData) ? { k: 'derived', from: parts } : unknown('condition');
      }
      case 'lambda':
        return { k: 'lambda', e, env };
      case 'call':
        return this.call(e, env, variable);
      default:
        return unknown('expression');
    }
  }

  private name(id: string, scope: Scope): Val {
    const v = scope.get(id);
    if (v) return v;
    if (id === '__file__') return { k: 'path', p: { k: 'file' }, pathlib: false };
    if (isFallbackName(id)) return { k: 'module', qname: id };
    return unknown(`${id} is not defined`, [id]);
  }

  attr(obj: Val, name: string): Val {
    switch (obj.k) {
      case 'module':
        return { k: 'module', qname: `${obj.qname}.${name}` };
      case 'class':
        return classAttr(obj.cls, name)?.[0] ?? unknown(`${obj.cls.name}.${name}`);
      case 'path':
        if (name === 'parent' && obj.pathlib)
          return { k: 'path', p: { k: 'dirname', arg: { k: 'path', parts: [obj.p] } }, pathlib: true };
        return unknown(`.${name}`);
      default:
        return hasTaskData(obj) ? { k: 'derived', from: [obj] } : unknown(`.${name}`);
    }
  }

  private sub(o: Val, i: Val, line: number): Val {
    if (o.k === 'py' && i.k === 'py') {
      const r = subscript(o.v, i.v);
      return r === undefined ? unknown('subscript') : py(r);
    }
    if (o.k === 'kwdict' && i.k === 'py' && typeof i.v === 'string')
      return o.items.get(i.v) ?? unknown('missing key');
    if (o.k === 'seq' && i.k === 'py' && typeof i.v === 'number') {
      return o.items[i.v < 0 ? o.items.length + i.v : i.v] ?? unknown('index out of range');
    }
    if (o.k === 'module' && knownKind(o.qname) === 'environ' && i.k === 'py' && typeof i.v === 'string') {
      return { k: 'path', p: { k: 'env', name: i.v, raises: true }, pathlib: false };
    }
    if (hasTaskData(o) || hasTaskData(i)) {
      return this.activeFlow?.getItem(o, i, line, this.tagStack) ?? { k: 'derived', from: [o, i] };
    }
    return unknown('subscript');
  }

  /** `a and b`, `a or b`: a known left operand decides whether the right one runs at all. */
  private boolOp(e: Extract<Expr, { k: 'bin' }>, env: Env): Val {
    const l = this.ev(e.left, env);
    if (l.k === 'py') return truthy(l.v) === (e.op === 'and') ? this.ev(e.right, env) : l;
    return this.bin(e.op, l, this.ev(e.right, env), e, env);
  }

  /**
   * `a < b < c`: Python runs `a < b and b < c` with `b` evaluated once, and stops at the first
   * false comparison (a Task's comparison is a task, always true: the chain goes on).
   */
  private chain(e: Extract<Expr, { k: 'bin' }>, env: Env): Val {
    const links: Extract<Expr, { k: 'bin' }>[] = [];
    let head: Expr = e;
    while (head.k === 'bin' && (head === e || links[links.length - 1].chain)) {
      links.push(head);
      head = head.left;
    }
    links.reverse();
    let left = this.ev(head, env);
    let result: Val = py(true);
    for (const link of links) {
      const right = this.ev(link.right, env);
      result = this.bin(link.op, left, right, link, env);
      if (result.k === 'py' && !truthy(result.v)) return result;
      left = right;
    }
    return result;
  }

  private bin(op: string, l: Val, r: Val, e: Extract<Expr, { k: 'bin' }>, env: Env): Val {
    if (l.k === 'py' && r.k === 'py') {
      const c = COMPARISONS.has(op) ? compareOp(op, l.v, r.v) : null;
      if (c !== null) return py(c);
      const v = binOp(op, l.v, r.v);
      return v === null ? unknown(`operator ${op}`) : py(v);
    }
    if (this.activeFlow && (isTaskValue(l) || isTaskValue(r))) {
      const v = taskOperator(this.activeFlow, op, l, r, this.line(env, e), this.tagStack);
      if (v) return v;
    }
    // A string built from the environment, or from parts known only at run time: a path recipe
    // (its unknown parts resolved through the storeExpressions setting).
    const strLike = (v: Val) =>
      v.k === 'path' || v.k === 'unknown' || (v.k === 'py' && typeof v.v === 'string');
    if (op === '+' && strLike(l) && strLike(r)) {
      return {
        k: 'path',
        p: { k: 'concat', parts: [toPath(l, e.left, env), toPath(r, e.right, env)] },
        pathlib: false,
      };
    }
    if (op === '/' && l.k === 'path' && l.pathlib) {
      const right = toPath(r, e.right, env);
      const parts = l.p.k === 'path' ? [...l.p.parts, right] : [l.p, right];
      return { k: 'path', p: { k: 'path', parts }, pathlib: true };
    }
    if (hasTaskData(l) || hasTaskData(r)) return { k: 'derived', from: [l, r] };
    return unknown(`operator ${op}`);
  }

  private display(kind: 'list' | 'tuple' | 'set', exprs: Expr[], env: Env): Val {
    const items: Val[] = [];
    for (const x of exprs) {
      if (x.k !== 'star') {
        items.push(this.ev(x, env));
        continue;
      }
      const v = this.ev(x.arg, env);
      const spread = itemsOf(v);
      if (spread) items.push(...spread);
      else if (hasTaskData(v)) items.push(v);
      else return unknown('starred item');
    }
    if (!items.every((x) => x.k === 'py')) return { k: 'seq', items, kind };
    const values = items.map((x) => (x as { v: PyValue }).v);
    return py(kind === 'list' ? values : kind === 'tuple' ? new PyTuple(values) : new PySet(values));
  }

  private dict(items: { key: Expr | null; value: Expr }[], env: Env): Val {
    const entries: [Val, Val][] = [];
    for (const { key, value } of items) {
      if (!key) return unknown('** in dict');
      entries.push([this.ev(key, env), this.ev(value, env)]);
    }
    return dictValue(entries);
  }

  /** An f-string as Python fills it when the line runs; parts it cannot know become unknown. */
  fstring(parts: FPart[], env: Env): Val {
    const fs: FStringInfo = { partial: '', unknown: [], undefinedNames: [] };
    const pathParts: PathExpr[] = [];
    let hasPath = false;
    for (const p of parts) {
      if (typeof p === 'string') {
        fs.partial += p;
        pathParts.push({ k: 'str', value: p });
        continue;
      }
      const v = this.ev(p.expr, env);
      const spec = this.fstring(p.spec, env);
      const specInfo = spec.k === 'py' ? null : (spec as { fs?: FStringInfo }).fs;
      if (specInfo) {
        fs.unknown.push(...specInfo.unknown);
        fs.undefinedNames.push(...specInfo.undefinedNames);
      }
      if (p.selfDoc) fs.partial += p.selfDoc;
      const plain = !p.spec.length && !p.conversion && !p.selfDoc;
      if (v.k === 'path' && plain) {
        hasPath = true;
        pathParts.push(v.p);
      }
      const text =
        v.k === 'py' && spec.k === 'py' ? formatPart(v.v, p.conversion, p.selfDoc, p.spec, spec.v) : null;
      if (text === null) {
        fs.unknown.push(this.text(env, p.expr));
        if (v.k === 'unknown') fs.undefinedNames.push(...(v.undefinedNames ?? []));
        fs.partial += WILDCARD;
        if (!(v.k === 'path' && plain)) pathParts.push({ k: 'dynamic', expression: this.text(env, p.expr) });
      } else {
        fs.partial += text;
        pathParts.push({ k: 'str', value: text });
      }
    }
    fs.undefinedNames = [...new Set(fs.undefinedNames)];
    if (hasPath) return { k: 'path', p: { k: 'concat', parts: pathParts }, pathlib: false, fs };
    if (fs.unknown.length === 0) return { k: 'py', v: fs.partial, fs };
    const names = [...fs.undefinedNames, ...fs.unknown];
    return {
      k: 'unknown',
      reason: `f-string uses ${names.join(', ')}`,
      undefinedNames: fs.undefinedNames,
      fs,
    };
  }

  // ---- calls ------------------------------------------------------------------------------

  args(args: Arg[], env: Env): ArgVal[] {
    return args.map((a) => ({ name: a.name, star: a.star, val: this.ev(a.value, env), expr: a.value, env }));
  }

  /** A call: the callee, then its arguments (each evaluated once), then what it does. */
  private call(e: Call, env: Env, variable: string | null): Val {
    if (e.fn.k === 'attr') {
      const obj = this.ev(e.fn.obj, env);
      const args = this.args(e.args, env);
      if (obj.k !== 'module' && obj.k !== 'class') {
        const handled = callOnValue(this, obj, e.fn.name, e, args, env);
        if (handled) return handled;
      }
      return this.callValue(this.attr(obj, e.fn.name), e, args, env, variable);
    }
    const fn = this.ev(e.fn, env);
    return this.callValue(fn, e, this.args(e.args, env), env, variable);
  }

  private callValue(fn: Val, e: Call, args: ArgVal[], env: Env, variable: string | null): Val {
    if (fn.k === 'module') {
      const r = callKnown(this, fn.qname, e, args, env, variable);
      if (r) return r;
    } else if (fn.k === 'function') return this.callFunction(fn.def, fn.env, args);
    const handled = callOnValue(this, fn, '__call__', e, args, env, variable);
    if (handled) return handled;
    if (args.some((a) => hasTaskData(a.val))) return { k: 'derived', from: args.map((a) => a.val) };
    return unknown('call');
  }

  /** A function's body run with its arguments bound; its `return` value. */
  callFunction(def: DefStmt, defEnv: Env, args: ArgVal[]): Val {
    const builder = this.builders.get(def);
    if (builder) builder.called = true;
    if (def.body.length === 0 || this.running.has(def) || this.running.size >= MAX_CALL_DEPTH) {
      return args.some((a) => hasTaskData(a.val))
        ? { k: 'derived', from: args.map((a) => a.val) }
        : unknown('call');
    }
    const scope = new Scope(defEnv.scope);
    bindParams(def.params, args, scope, (x) => this.ev(x, defEnv));
    this.running.add(def);
    try {
      const r = this.run(def.body, { scope, item: defEnv.item });
      return r?.value ?? py(null);
    } finally {
      this.running.delete(def);
    }
  }

  /** A name read in `env`. */
  lookup(id: string, env: Env): Val {
    return this.name(id, env.scope);
  }
}

/** Binds a call's arguments to a function's parameters (defaults evaluated by `dflt`). */
export function bindParams(
  params: DefStmt['params'],
  args: ArgVal[],
  scope: Scope,
  dflt: (e: Expr) => Val,
): void {
  const positional = args.filter((a) => !a.name && !a.star);
  const used = new Set<string>();
  let i = 0;
  for (const p of params) {
    if (p.kind === 'vararg') {
      scope.set(p.name, { k: 'seq', items: positional.slice(i).map((a) => a.val), kind: 'tuple' });
      i = positional.length;
      continue;
    }
    if (p.kind === 'kwarg') {
      const rest = new Map<string, Val>();
      for (const a of args) if (a.name && !used.has(a.name)) rest.set(a.name, a.val);
      for (const a of args)
        if (a.star === '**' && a.val.k === 'kwdict') for (const [k, v] of a.val.items) rest.set(k, v);
      scope.set(
        p.name,
        args.some((a) => a.star) && rest.size === 0 ? unknown('**kwargs') : { k: 'kwdict', items: rest },
      );
      continue;
    }
    const byName = args.find((a) => a.name === p.name);
    const arg = byName ?? (p.kind === 'positional' ? positional[i++] : undefined);
    if (arg) {
      used.add(p.name);
      scope.set(p.name, arg.val);
    } else scope.set(p.name, p.default ? dflt(p.default) : unknown(`argument ${p.name}`));
  }
}

/** A dict display's value: a known dict, a dict of task values by name, or unknown. */
export function dictValue(entries: [Val, Val][]): Val {
  if (entries.every(([k, v]) => k.k === 'py' && v.k === 'py')) {
    const known = entries.map(
      ([k, v]) => [(k as { v: PyValue }).v, (v as { v: PyValue }).v] as [PyValue, PyValue],
    );
    return known.every(([k]) => typeof k === 'string')
      ? py(Object.fromEntries(known as [string, PyValue][]))
      : py(new PyDict(known));
  }
  if (entries.every(([k]) => k.k === 'py' && typeof k.v === 'string')) {
    return { k: 'kwdict', items: new Map(entries.map(([k, v]) => [(k as { v: string }).v, v])) };
  }
  return unknown('dict');
}

/** One `{...}` of an f-string, formatted; null when Python would raise. */
function formatPart(
  v: PyValue,
  conversion: string,
  selfDoc: string | null,
  spec: FPart[],
  specText: PyValue,
): string | null {
  try {
    let value: PyValue = v;
    const conv = conversion || (selfDoc && !spec.length ? 'r' : '');
    if (conv === 'r') value = pyRepr(v);
    else if (conv === 's') value = pyStr(v);
    else if (conv === 'a') value = pyAscii(v);
    return formatValue(value, String(specText));
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    return null;
  }
}
