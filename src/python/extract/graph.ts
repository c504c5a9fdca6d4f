// One flow's graph as Prefect builds it: nodes (task copies bound by a call, task objects added
// as themselves, Parameters), data and upstream edges, constants. Node ids are Prefect's slugs:
// `name[-tag...]-N` counted per flow, a Parameter's is its name. The interpreter evaluates; this
// only records.
import { pyRepr, typeName } from '../template/repr';
import { type PyValue, WILDCARD } from '../template/values';
import type { FlowEdge, FlowInfo, FlowNode, InputValue } from '../types';
import { type ArgVal, hasTaskData, itemsOf, type ParamObject, type TaskObject, type Val } from './values';

export class FlowGraph {
  private readonly counters = new Map<string, number>();
  private readonly slugs = new Set<string>();
  private readonly byId = new Map<string, FlowNode>();
  /** Task objects added as themselves (imperative API): object → node id. */
  private readonly objectNodes = new Map<TaskObject, string>();
  private readonly byTaskIndex = new Map<number, string>();

  constructor(
    readonly index: number,
    readonly info: FlowInfo,
  ) {}

  node(id: string): FlowNode | undefined {
    return this.byId.get(id);
  }

  newSlug(name: string, tags: string[]): string {
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

  addNode(node: FlowNode): FlowNode {
    this.info.nodes.push(node);
    this.byId.set(node.id, node);
    return node;
  }

  addEdge(edge: FlowEdge): void {
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
    if (this.byId.get(p.name)?.kind === 'parameter') return p.name;
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
  addTaskObject(obj: TaskObject, line: number, tagStack: string[]): string {
    const known =
      this.objectNodes.get(obj) ?? (obj.task !== null ? this.byTaskIndex.get(obj.task) : undefined);
    if (known) return known;
    // Tags come from the context a task is created in: one of the file's task objects keeps its
    // own wherever it is added, a task Prefect creates there (CompareValue, Merge) takes them.
    const tags = obj.internal ? [...obj.tags, ...tagStack] : obj.tags;
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
      ...(obj.internal ? { internal: true } : {}),
    });
    this.objectNodes.set(obj, id);
    if (obj.task !== null) this.byTaskIndex.set(obj.task, id);
    return id;
  }

  /** The node a value stands for, adding Parameters and task objects on first use. */
  nodeOf(v: Val, line: number, tagStack: string[] = []): string | null {
    switch (v.k) {
      case 'node':
        return v.flow === this.index ? v.id : null;
      case 'task':
        return this.addTaskObject(v.obj, line, tagStack);
      case 'param':
        return this.addParam(v.param);
      case 'wrap':
        return this.nodeOf(v.inner, line, tagStack);
      default:
        return null;
    }
  }

  nodesIn(v: Val, line: number): string[] {
    if (v.k === 'seq') return v.items.flatMap((x) => this.nodesIn(x, line));
    if (v.k === 'derived') return v.from.flatMap((x) => this.nodesIn(x, line));
    if (v.k === 'kwdict') return [...v.items.values()].flatMap((x) => this.nodesIn(x, line));
    const id = this.nodeOf(v, line);
    return id ? [id] : [];
  }

  /**
   * Binds one input of `node` as Prefect's add_edge does: a keyed, unmapped, unflattened
   * constant goes into the flow's constants; anything else becomes a task through `asTask`
   * (a Constant, List, Tuple, Set or Dict task when it is not one already) and a data edge.
   */
  bindInput(
    node: FlowNode,
    key: string,
    value: Val,
    mapped: boolean,
    line: number,
    tagStack: string[] = [],
  ): void {
    let v = value;
    let edgeMapped = mapped;
    let flattened = false;
    while (v.k === 'wrap') {
      if (v.how === 'unmapped') edgeMapped = false;
      if (v.how === 'flatten') flattened = true;
      v = v.inner;
    }
    const flat = flattened ? { flattened: true } : {};
    const inputs = node.inputs ?? {};
    node.inputs = inputs;
    let input: InputValue = edgeMapped ? { kind: 'runtime', mapped: true } : { kind: 'runtime' };
    const id = v.k === 'py' && !edgeMapped && !flattened ? null : this.asTask(v, line, tagStack);
    if (id) {
      this.addEdge({ from: id, to: node.id, kind: 'data', mapped: edgeMapped, key, ...flat });
      input = { kind: 'node', id, mapped: edgeMapped };
    } else if (v.k === 'py') {
      input = { kind: 'const', value: v.v };
    } else {
      for (const from of this.nodesIn(v, line)) {
        this.addEdge({ from, to: node.id, kind: 'data', mapped: edgeMapped, key, ...flat });
      }
    }
    inputs[key] = input;
  }

  /**
   * Prefect's `as_task` (utilities/tasks.py): the node a value becomes. A known value becomes a
   * `Constant` task (named by its repr, or `Constant[type]` past 8 characters); a list, tuple or
   * set holding tasks a `List`/`Tuple`/`Set` task bound to its items (`arg_1`, ...); a dict
   * holding tasks a `Dict` task (`keys` a constant, `values` a List). null: no task (unknown).
   */
  asTask(v: Val, line: number, tagStack: string[]): string | null {
    switch (v.k) {
      case 'node':
      case 'task':
      case 'param':
      case 'wrap':
        return this.nodeOf(v, line, tagStack);
      case 'py': {
        const repr = pyRepr(v.v);
        const name = repr.length > 8 || repr.includes(WILDCARD) ? `Constant[${typeName(v.v)}]` : repr;
        return this.addInternal(name, [], line, tagStack).id;
      }
      case 'seq': {
        if (!hasTaskData(v)) return null;
        const name = v.kind === 'list' ? 'List' : v.kind === 'tuple' ? 'Tuple' : 'Set';
        const items = v.items.map((x, i): [string, Val] => [`arg_${i + 1}`, x]);
        return this.addInternal(name, items, line, tagStack).id;
      }
      case 'kwdict': {
        if (!hasTaskData(v)) return null;
        const keys: Val = { k: 'py', v: [...v.items.keys()] };
        const values: Val = { k: 'seq', items: [...v.items.values()], kind: 'list' };
        return this.addInternal(
          'Dict',
          [
            ['keys', keys],
            ['values', values],
          ],
          line,
          tagStack,
        ).id;
      }
      default:
        return null;
    }
  }

  /**
   * `task_result[key]` in a flow: Prefect's Task.__getitem__ binds a `GetItem` task named
   * `name[repr(key)]` (`name[other]` for a task key) to `task_result` and `key`.
   */
  getItem(obj: Val, key: Val, line: number, tagStack: string[]): Val | null {
    const nameOf = (v: Val) => {
      const id = v.k === 'node' || v.k === 'task' || v.k === 'param' ? this.nodeOf(v, line, tagStack) : null;
      return id ? (this.byId.get(id)?.task ?? null) : null;
    };
    const name = nameOf(obj);
    if (name === null) return null;
    const keyName = key.k === 'py' ? pyRepr(key.v) : nameOf(key);
    if (keyName === null) return null;
    const node = this.addInternal(
      `${name}[${keyName}]`,
      [
        ['task_result', obj],
        ['key', key],
      ],
      line,
      tagStack,
    );
    return { k: 'node', id: node.id, flow: this.index, task: null };
  }

  /** A task Prefect creates itself (Constant, List, GetItem, ...), bound to `inputs` in order. */
  addInternal(name: string, inputs: [string, Val][], line: number, tagStack: string[]): FlowNode {
    const tags = [...new Set(tagStack)].sort();
    const node = this.addNode({
      id: this.newSlug(name, tags),
      task: name,
      line,
      mapped: false,
      kind: 'task',
      taskIndex: null,
      tags,
      inputs: {},
      internal: true,
    });
    for (const [key, v] of inputs) this.bindInput(node, key, v, false, line, tagStack);
    return node;
  }

  /** Upstream (state-only) edges from every task in `v` to `node`. */
  upstream(node: FlowNode, v: Val, mapped: boolean, line: number): void {
    for (const item of itemsOf(v) ?? [v]) {
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

  /**
   * `task(...)` / `task.map(...)` (a copy of the task, bound) or `task.bind(...)` (the task
   * itself): a node with its inputs bound through the run() signature, as Prefect does.
   */
  bindCall(
    obj: TaskObject,
    args: ArgVal[],
    mapped: boolean,
    line: number,
    copy: boolean,
    tagStack: string[],
  ): Val {
    const call = splitCall(obj, args, mapped);
    let node: FlowNode;
    if (copy) {
      const tags = [...obj.tags, ...call.extraTags, ...tagStack];
      node = this.addNode({
        id: this.newSlug(call.name, tags),
        task: call.name,
        line,
        mapped: call.mapped,
        kind: 'task',
        taskIndex: obj.task,
        tags: [...new Set(tags)].sort(),
        inputs: {},
        ...(obj.internal ? { internal: true } : {}),
      });
    } else {
      node = this.byId.get(this.addTaskObject(obj, line, tagStack)) as FlowNode;
      if (call.mapped) node.mapped = true;
    }
    if (call.upstream) this.upstream(node, call.upstream, call.mapped, line);
    for (const [key, v] of orderInputs(obj, call.positional, call.keyword)) {
      this.bindInput(node, key, v, call.mapped, line, tagStack);
    }
    return { k: 'node', id: node.id, flow: this.index, task: obj };
  }
}

interface SplitCall {
  name: string;
  extraTags: string[];
  mapped: boolean;
  upstream: Val | null;
  positional: Val[];
  keyword: [string, Val][];
}

/** A task call's arguments: Prefect's own keywords apart from the run() inputs. */
function splitCall(obj: TaskObject, args: ArgVal[], mapped: boolean): SplitCall {
  const out: SplitCall = {
    name: obj.name,
    extraTags: [],
    mapped,
    upstream: null,
    positional: [],
    keyword: [],
  };
  for (const { name, star, val } of args) {
    if (star === '*') out.positional.push(...(itemsOf(val) ?? [{ k: 'unknown', reason: '*args' }]));
    else if (star) out.positional.push({ k: 'unknown', reason: '**kwargs' });
    else if (name === 'upstream_tasks') out.upstream = val;
    else if (name === 'flow') continue;
    else if (name === 'mapped') out.mapped = val.k === 'py' ? val.v === true : out.mapped;
    else if (name === 'task_args') {
      const ta =
        val.k === 'py' && val.v && typeof val.v === 'object' ? (val.v as Record<string, PyValue>) : null;
      if (ta && !Array.isArray(ta)) {
        if (typeof ta.name === 'string') out.name = ta.name;
        if (Array.isArray(ta.tags)) out.extraTags = ta.tags.filter((t): t is string => typeof t === 'string');
      }
    } else if (name) out.keyword.push([name, val]);
    else out.positional.push(val);
  }
  return out;
}

/** Inputs named and ordered by the run() signature (positional ones by position). */
function orderInputs(obj: TaskObject, positional: Val[], keyword: [string, Val][]): [string, Val][] {
  const params = obj.params;
  const bound: [string, Val][] = positional.map((v, i) => [
    params && i < params.length ? params[i] : `#${i}`,
    v,
  ]);
  bound.push(...keyword);
  if (params) {
    const order = new Map(params.map((p, i) => [p, i]));
    bound.sort((a, b) => (order.get(a[0]) ?? params.length) - (order.get(b[0]) ?? params.length));
  }
  return bound;
}
