// Builds Prefect 1 flows the way Prefect does: `with Flow(...)` bodies (task calls copy the task
// and bind it, `.map`, `upstream_tasks=`, Parameters, constants, `tags`), and the imperative API
// (`add_task`, `set_dependencies`, `add_edge`, `set_upstream`/`set_downstream`, `bind`). Node ids
// are Prefect's slugs: `name[-tag...]-N` counted per flow, a Parameter's is its name.
import type { Arg, Expr, Stmt } from '../parse/ast';
import { PyTuple, type PyValue } from '../template/values';
import type { FlowEdge, FlowInfo, FlowNode, InputValue } from '../types';
import { evaluate, isUnknown, truthy } from './evaluate';
import { type FlowVal, hasTaskData, type TaskObject, UNKNOWN } from './flowValues';
import { knownKind, type ParamObject } from './scope';
import type { AnalysisState, Env } from './state';

export interface FlowHost {
  readonly state: AnalysisState;
  readonly builders: FlowBuilder[];
  readonly flowVars: Map<string, FlowVal>;
  /** A module-level name as a flow value (task objects, Parameters, constants). */
  nameValue(name: string, env: Env): FlowVal;
  /** Statements that define things (def, class, import, plain assignments) at module level. */
  moduleStmt(s: Stmt, env: Env): void;
  /** `MyTask(...)` for a Task subclass defined in the file. */
  instantiate(
    className: string,
    call: Extract<Expr, { k: 'call' }>,
    env: Env,
    variable: string | null,
  ): FlowVal;
  /** `task(fn, ...)`. */
  functionalTask(call: Extract<Expr, { k: 'call' }>, env: Env, variable: string | null): FlowVal;
  paramFromCall(call: Extract<Expr, { k: 'call' }>, env: Env): ParamObject;
}

const MAX_UNROLL = 100;

export class FlowBuilder {
  private readonly counters = new Map<string, number>();
  private readonly slugs = new Set<string>();
  /** Task objects added as themselves (imperative API): task index → node id. */
  private readonly objectNodes = new Map<TaskObject, string>();
  private readonly byTaskIndex = new Map<number, string>();
  private tagStack: string[] = [];

  constructor(
    readonly host: FlowHost,
    readonly index: number,
    readonly info: FlowInfo,
  ) {}

  private newSlug(name: string, tags: string[]): string {
    const prefix = [name, ...[...new Set(tags)].sort()].join('-');
    let n = this.counters.get(prefix) ?? 1;
    let slug = `${prefix}-${n}`;
    while (this.slugs.has(slug)) {
      n++;
      slug = `${prefix}-${n}`;
    }
    this.counters.set(prefix, n + 1);
    this.slugs.add(slug);
    return slug;
  }

  private addNode(node: FlowNode): FlowNode {
    this.info.nodes.push(node);
    return node;
  }

  private addEdge(edge: FlowEdge): void {
    const dup = this.info.edges.some(
      (x) =>
        x.from === edge.from &&
        x.to === edge.to &&
        x.kind === edge.kind &&
        (x.key ?? null) === (edge.key ?? null),
    );
    if (!dup) this.info.edges.push(edge);
  }

  addParam(p: ParamObject): string {
    if (this.slugs.has(p.name) && this.info.nodes.some((n) => n.id === p.name && n.kind === 'parameter'))
      return p.name;
    this.slugs.add(p.name);
    this.addNode({
      id: p.name,
      task: p.name,
      line: p.line,
      mapped: false,
      kind: 'parameter',
      taskIndex: null,
    });
    const param: FlowInfo['parameters'][number] = { name: p.name, required: p.required };
    if (p.hasDefault && !p.required && !p.defaultUnknown) param.default = p.default;
    this.info.parameters.push(param);
    return p.name;
  }

  /** A task object added to the flow as itself (not a copy). */
  addTaskObject(obj: TaskObject, line: number): string {
    const known =
      this.objectNodes.get(obj) ?? (obj.task !== null ? this.byTaskIndex.get(obj.task) : undefined);
    if (known) return known;
    const tags = [...obj.tags, ...this.tagStack];
    const id = this.newSlug(obj.name, tags);
    this.addNode({
      id,
      task: obj.name,
      line,
      mapped: false,
      kind: 'task',
      taskIndex: obj.task,
      tags,
      inputs: {},
    });
    this.objectNodes.set(obj, id);
    if (obj.task !== null) this.byTaskIndex.set(obj.task, id);
    return id;
  }

  /** The node a value stands for, adding Parameters and task objects on first use. */
  nodeOf(v: FlowVal, line: number): string | null {
    switch (v.k) {
      case 'node':
        return v.flow === this.index ? v.id : null;
      case 'taskobj':
        return this.addTaskObject(v.obj, line);
      case 'param':
        return this.addParam(v.param);
      case 'wrap':
        return this.nodeOf(v.inner, line);
      default:
        return null;
    }
  }

  private nodesIn(v: FlowVal, line: number): string[] {
    if (v.k === 'seq') return v.items.flatMap((x) => this.nodesIn(x, line));
    if (v.k === 'derived') return v.from.flatMap((x) => this.nodesIn(x, line));
    const id = this.nodeOf(v, line);
    return id ? [id] : [];
  }

  /** Binds one input of `node` (a data edge, or a constant kept in the flow's constants). */
  private bindInput(node: FlowNode, key: string, value: FlowVal, mapped: boolean, line: number): void {
    let v = value;
    let edgeMapped = mapped;
    while (v.k === 'wrap') {
      if (v.how === 'unmapped') edgeMapped = false;
      v = v.inner;
    }
    const inputs = node.inputs ?? {};
    node.inputs = inputs;
    let input: InputValue;
    if (v.k === 'node' || v.k === 'taskobj' || v.k === 'param') {
      const id = this.nodeOf(v, line);
      if (id) {
        this.addEdge({ from: id, to: node.id, kind: 'data', mapped: edgeMapped, key });
        input = { kind: 'node', id, mapped: edgeMapped };
      } else input = { kind: 'runtime' };
    } else if (v.k === 'const') {
      // A mapped constant is iterated: each child sees one element.
      input = edgeMapped ? { kind: 'runtime' } : { kind: 'const', value: v.value };
    } else {
      for (const id of this.nodesIn(v, line)) {
        this.addEdge({ from: id, to: node.id, kind: 'data', mapped: edgeMapped, key });
      }
      input = { kind: 'runtime' };
    }
    inputs[key] = input;
  }

  private upstream(node: FlowNode, v: FlowVal, mapped: boolean, line: number): void {
    const items = v.k === 'seq' ? v.items : [v];
    for (const item of items) {
      let x = item;
      let m = mapped;
      while (x.k === 'wrap') {
        if (x.how === 'unmapped') m = false;
        x = x.inner;
      }
      const id = this.nodeOf(x, line);
      if (id) this.addEdge({ from: id, to: node.id, kind: 'upstream', mapped: m });
    }
  }

  /** `task(...)` / `task.map(...)` inside the flow: copy, then bind. */
  callTask(obj: TaskObject, call: Extract<Expr, { k: 'call' }>, env: Env, mapped: boolean): FlowVal {
    const line = this.host.state.lineOf(env, call);
    const evaluated = call.args.map((a) => ({ arg: a, val: this.evalFlow(a.value, env) }));
    return this.bindCall(obj, evaluated, mapped, line, true);
  }

  private bindCall(
    obj: TaskObject,
    evaluated: { arg: Arg; val: FlowVal }[],
    mapped: boolean,
    line: number,
    copy: boolean,
  ): FlowVal {
    let upstream: FlowVal | null = null;
    let name = obj.name;
    let extraTags: string[] = [];
    let isMapped = mapped;
    const positional: FlowVal[] = [];
    const keyword: [string, FlowVal][] = [];
    for (const { arg, val } of evaluated) {
      if (arg.star === '*' && val.k === 'seq') positional.push(...val.items);
      else if (arg.star === '*' && val.k === 'const' && Array.isArray(val.value)) {
        positional.push(...(val.value as PyValue[]).map((value): FlowVal => ({ k: 'const', value })));
      } else if (arg.star) positional.push(UNKNOWN);
      else if (arg.name === 'upstream_tasks') upstream = val;
      else if (arg.name === 'flow') continue;
      else if (arg.name === 'mapped') isMapped = val.k === 'const' ? val.value === true : isMapped;
      else if (arg.name === 'task_args') {
        if (val.k === 'const' && val.value && typeof val.value === 'object' && !Array.isArray(val.value)) {
          const ta = val.value as Record<string, PyValue>;
          if (typeof ta.name === 'string') name = ta.name;
          if (Array.isArray(ta.tags))
            extraTags = (ta.tags as PyValue[]).filter((t): t is string => typeof t === 'string');
        }
      } else if (arg.name) keyword.push([arg.name, val]);
      else positional.push(val);
    }
    let id: string;
    let node: FlowNode;
    if (copy) {
      const tags = [...obj.tags, ...extraTags, ...this.tagStack];
      id = this.newSlug(name, tags);
      node = this.addNode({
        id,
        task: name,
        line,
        mapped: isMapped,
        kind: 'task',
        taskIndex: obj.task,
        tags: [...new Set(tags)].sort(),
        inputs: {},
      });
    } else {
      id = this.addTaskObject(obj, line);
      node = this.info.nodes.find((n) => n.id === id)!;
      if (isMapped) node.mapped = true;
    }
    if (upstream) this.upstream(node, upstream, isMapped, line);
    // Prefect binds through the run() signature: inputs in parameter order.
    const bound: [string, FlowVal][] = [];
    const params = obj.params;
    positional.forEach((v, i) => {
      const key = params && i < params.length ? params[i] : `#${i}`;
      bound.push([key, v]);
    });
    bound.push(...keyword);
    if (params) {
      const order = new Map(params.map((p, i) => [p, i]));
      bound.sort((a, b) => (order.get(a[0]) ?? params.length) - (order.get(b[0]) ?? params.length));
    }
    for (const [key, v] of bound) this.bindInput(node, key, v, isMapped, line);
    return { k: 'node', id, flow: this.index, task: obj };
  }

  private taskOf(v: FlowVal): TaskObject | null {
    if (v.k === 'taskobj') return v.obj;
    if (v.k === 'node') return v.task;
    return null;
  }

  private depth = 0;

  evalFlow(e: Expr, env: Env): FlowVal {
    if (this.depth > 200) return UNKNOWN;
    this.depth++;
    try {
      return this.evalFlowInner(e, env);
    } finally {
      this.depth--;
    }
  }

  private evalFlowInner(e: Expr, env: Env): FlowVal {
    switch (e.k) {
      case 'name': {
        const local = this.host.flowVars.get(e.id);
        if (local) return local;
        return this.host.nameValue(e.id, env);
      }
      case 'str':
      case 'num':
      case 'const':
        return { k: 'const', value: evaluate(e, env) as PyValue };
      case 'list':
      case 'tuple':
      case 'set': {
        const items = e.items.map((x) =>
          x.k === 'star' ? this.evalFlow(x.arg, env) : this.evalFlow(x, env),
        );
        if (items.every((x) => x.k === 'const')) {
          const values = items.map((x) => (x as { value: PyValue }).value);
          return { k: 'const', value: e.k === 'tuple' ? new PyTuple(values) : values };
        }
        return { k: 'seq', items };
      }
      case 'dict': {
        const vals = e.items.map((it) => this.evalFlow(it.value, env));
        if (vals.every((x) => x.k === 'const')) {
          const v = evaluate(e, env);
          return isUnknown(v) ? UNKNOWN : { k: 'const', value: v };
        }
        return { k: 'derived', from: vals };
      }
      case 'call':
        return this.evalCall(e, env);
      case 'lambda':
        return UNKNOWN;
      default: {
        // Operators, subscripts, attributes: evaluated for the task calls inside; a value derived
        // from task results is itself a task result (Prefect adds GetItem/operator tasks).
        const parts: FlowVal[] = [];
        const visit = (x: Expr) => parts.push(this.evalFlow(x, env));
        if (e.k === 'bin') {
          visit(e.left);
          visit(e.right);
        } else if (e.k === 'unary') visit(e.arg);
        else if (e.k === 'sub') {
          visit(e.obj);
          visit(e.index);
        } else if (e.k === 'attr') visit(e.obj);
        else if (e.k === 'cond') {
          visit(e.test);
          visit(e.body);
          visit(e.orelse);
        } else if (e.k === 'fstr') {
          for (const p of e.parts) if (typeof p !== 'string') visit(p.expr);
        }
        if (parts.some(hasTaskData)) return { k: 'derived', from: parts };
        const v = evaluate(e, env);
        return isUnknown(v) ? UNKNOWN : { k: 'const', value: v };
      }
    }
  }

  private evalArgs(args: Arg[], env: Env): { arg: Arg; val: FlowVal }[] {
    return args.map((a) => ({ arg: a, val: this.evalFlow(a.value, env) }));
  }

  private evalCall(e: Extract<Expr, { k: 'call' }>, env: Env): FlowVal {
    const state = this.host.state;
    const line = state.lineOf(env, e);
    const fn = e.fn;
    const kind = knownKind(fn, env.scope);
    switch (kind) {
      case 'Parameter':
        return { k: 'param', param: this.host.paramFromCall(e, env) };
      case 'unmapped':
      case 'flatten':
      case 'mapped':
        return e.args[0] ? { k: 'wrap', how: kind, inner: this.evalFlow(e.args[0].value, env) } : UNKNOWN;
      case 'task':
        return this.host.functionalTask(e, env, null);
      case 'CacheStore':
        state.registerStore(e, env, null);
        return UNKNOWN;
      default:
        break;
    }
    if (fn.k === 'attr') {
      const obj = this.evalFlow(fn.obj, env);
      const task = this.taskOf(obj);
      if (task) {
        switch (fn.name) {
          case 'map':
            return this.callTask(task, e, env, true);
          case 'set_upstream':
          case 'set_downstream':
            return this.relate(obj, fn.name, e, env, line);
          case 'bind':
            return this.bindCall(task, this.evalArgs(e.args, env), false, line, false);
          case 'copy':
            return { k: 'taskobj', obj: { ...task } };
          default:
            this.evalArgs(e.args, env);
            return { k: 'derived', from: [obj] };
        }
      }
      if (obj.k === 'flow') return this.host.builders[obj.index].flowMethod(fn.name, e, env);
      const args = this.evalArgs(e.args, env);
      if (hasTaskData(obj) || args.some((a) => hasTaskData(a.val)))
        return { k: 'derived', from: [obj, ...args.map((a) => a.val)] };
      const v = evaluate(e, env);
      return isUnknown(v) ? UNKNOWN : { k: 'const', value: v };
    }
    const callee = this.evalFlow(fn, env);
    const task = this.taskOf(callee);
    if (task) return this.callTask(task, e, env, false);
    if (callee.k === 'taskclass') {
      const created = this.host.instantiate(callee.className, e, env, null);
      return created;
    }
    if (callee.k === 'param') return UNKNOWN;
    const args = this.evalArgs(e.args, env);
    if (args.some((a) => hasTaskData(a.val))) return { k: 'derived', from: args.map((a) => a.val) };
    const v = evaluate(e, env);
    return isUnknown(v) ? UNKNOWN : { k: 'const', value: v };
  }

  /** `a.set_upstream(b, key=..., mapped=..., flow=...)` and set_downstream. */
  private relate(
    self: FlowVal,
    method: 'set_upstream' | 'set_downstream',
    e: Extract<Expr, { k: 'call' }>,
    env: Env,
    line: number,
  ): FlowVal {
    const args = this.evalArgs(e.args, env);
    const flowArg = args.find((a) => a.arg.name === 'flow')?.val;
    const target = flowArg?.k === 'flow' ? this.host.builders[flowArg.index] : this;
    const other = args.find((a) => !a.arg.name || a.arg.name === 'task')?.val ?? UNKNOWN;
    const keyVal = args.find((a) => a.arg.name === 'key')?.val;
    const key = keyVal?.k === 'const' && typeof keyVal.value === 'string' ? keyVal.value : null;
    const mappedVal = args.find((a) => a.arg.name === 'mapped')?.val;
    const mapped = mappedVal?.k === 'const' && mappedVal.value === true;
    const [up, down] = method === 'set_upstream' ? [other, self] : [self, other];
    target.edgeBetween(up, down, key, mapped, line);
    return self;
  }

  /** An imperative edge: both ends join the flow as themselves when they are task objects. */
  edgeBetween(up: FlowVal, down: FlowVal, key: string | null, mapped: boolean, line: number): void {
    const to = this.nodeOf(down, line);
    if (!to) return;
    const node = this.info.nodes.find((n) => n.id === to)!;
    if (key) this.bindInput(node, key, up, mapped, line);
    else this.upstream(node, up, mapped, line);
  }

  /** `flow.add_task(...)`, `flow.set_dependencies(...)`, `flow.add_edge(...)`. */
  flowMethod(name: string, e: Extract<Expr, { k: 'call' }>, env: Env): FlowVal {
    const line = this.host.state.lineOf(env, e);
    const args = e.args.map((a) => ({ arg: a, val: this.evalFlow(a.value, env) }));
    const pos = args.filter((a) => !a.arg.name && !a.arg.star).map((a) => a.val);
    const kw = (n: string) => args.find((a) => a.arg.name === n)?.val;
    switch (name) {
      case 'add_task': {
        const v = pos[0] ?? kw('task');
        if (v) this.nodeOf(v, line);
        return v ?? UNKNOWN;
      }
      case 'add_edge': {
        const up = pos[0] ?? kw('upstream_task');
        const down = pos[1] ?? kw('downstream_task');
        const key = pos[2] ?? kw('key');
        const mapped = pos[3] ?? kw('mapped');
        if (up && down) {
          this.edgeBetween(
            up,
            down,
            key?.k === 'const' && typeof key.value === 'string' ? key.value : null,
            mapped?.k === 'const' && mapped.value === true,
            line,
          );
        }
        return UNKNOWN;
      }
      case 'set_dependencies': {
        const task = pos[0] ?? kw('task');
        if (!task) return UNKNOWN;
        const to = this.nodeOf(task, line);
        if (!to) return UNKNOWN;
        const node = this.info.nodes.find((n) => n.id === to)!;
        const mappedV = pos[5] ?? kw('mapped');
        const mapped = mappedV?.k === 'const' && mappedV.value === true;
        if (mapped) node.mapped = true;
        const upstream = pos[1] ?? kw('upstream_tasks');
        if (upstream) this.upstream(node, upstream, mapped, line);
        const downstream = pos[2] ?? kw('downstream_tasks');
        for (const d of downstream?.k === 'seq' ? downstream.items : downstream ? [downstream] : []) {
          const did = this.nodeOf(d, line);
          if (did) this.addEdge({ from: to, to: did, kind: 'upstream', mapped: false });
        }
        const keywordArg =
          e.args.find((a) => a.name === 'keyword_tasks')?.value ?? e.args.filter((a) => !a.name)[3]?.value;
        if (keywordArg?.k === 'dict') {
          for (const item of keywordArg.items) {
            if (item.key?.k === 'str')
              this.bindInput(node, item.key.value, this.evalFlow(item.value, env), mapped, line);
          }
        } else if (keywordArg?.k === 'call' && keywordArg.fn.k === 'name' && keywordArg.fn.id === 'dict') {
          for (const a of keywordArg.args) {
            if (a.name) this.bindInput(node, a.name, this.evalFlow(a.value, env), mapped, line);
          }
        }
        return UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  /** A statement inside `with Flow(...)` (or `with flow:`). */
  stmt(s: Stmt, env: Env): void {
    switch (s.k) {
      case 'assign': {
        const v = this.evalFlow(s.value, env);
        for (const t of s.targets) this.assign(t, v);
        return;
      }
      case 'expr':
        this.evalFlow(s.value, env);
        return;
      case 'with': {
        const saved = this.tagStack;
        for (const item of s.items) {
          const ctx = item.ctx;
          if (ctx.k === 'call' && knownKind(ctx.fn, env.scope) === 'tags') {
            const tags = ctx.args
              .map((a) => evaluate(a.value, env))
              .filter((t): t is string => typeof t === 'string');
            this.tagStack = [...this.tagStack, ...tags];
          } else this.evalFlow(ctx, env);
        }
        for (const b of s.body) this.stmt(b, env);
        this.tagStack = saved;
        return;
      }
      case 'for': {
        const iter = evaluate(s.iter, env);
        const values = iterValues(s.iter, iter, env);
        if (values && values.length <= MAX_UNROLL) {
          for (const v of values) {
            this.assign(s.target, { k: 'const', value: v });
            for (const b of s.body) this.stmt(b, env);
          }
        } else {
          this.assign(
            s.target,
            this.evalFlow(s.iter, env).k === 'unknown' ? UNKNOWN : { k: 'derived', from: [] },
          );
          for (const b of s.body) this.stmt(b, env);
        }
        for (const b of s.orelse) this.stmt(b, env);
        return;
      }
      case 'if': {
        for (const br of s.branches) {
          if (br.test) {
            const t = evaluate(br.test, env);
            if (!isUnknown(t)) {
              if (truthy(t)) {
                for (const b of br.body) this.stmt(b, env);
                return;
              }
              continue;
            }
          }
          for (const b of br.body) this.stmt(b, env);
          if (!br.test) return;
        }
        return;
      }
      case 'block':
        for (const body of s.bodies) for (const b of body) this.stmt(b, env);
        return;
      default:
        this.host.moduleStmt(s, env);
    }
  }

  private assign(target: Expr, v: FlowVal): void {
    if (target.k === 'name') {
      this.host.flowVars.set(target.id, v);
    } else if (target.k === 'tuple' || target.k === 'list') {
      const items =
        v.k === 'seq' && v.items.length === target.items.length
          ? v.items
          : v.k === 'const' && Array.isArray(v.value) && v.value.length === target.items.length
            ? (v.value as PyValue[]).map((value): FlowVal => ({ k: 'const', value }))
            : v.k === 'const' && v.value instanceof PyTuple && v.value.items.length === target.items.length
              ? v.value.items.map((value): FlowVal => ({ k: 'const', value }))
              : target.items.map((): FlowVal => (hasTaskData(v) ? { k: 'derived', from: [v] } : UNKNOWN));
      for (const [i, t] of target.items.entries()) this.assign(t, items[i]);
    }
  }
}

function iterValues(e: Expr, v: unknown, env: Env): PyValue[] | null {
  if (!isUnknown(v)) {
    if (Array.isArray(v)) return v as PyValue[];
    if (v instanceof PyTuple) return [...v.items];
    if (typeof v === 'string') return Array.from(v);
    return null;
  }
  if (e.k === 'call' && e.fn.k === 'name' && e.fn.id === 'range' && !env.scope.has('range')) {
    const nums = e.args.map((a) => evaluate(a.value, env));
    if (!nums.every((n) => typeof n === 'number')) return null;
    const [a, b, c] = nums as number[];
    const [start, stop, step] = nums.length === 1 ? [0, a, 1] : [a, b, c ?? 1];
    if (step === 0) return null;
    const out: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      out.push(i);
      if (out.length > MAX_UNROLL) return null;
    }
    return out;
  }
  return null;
}
