// Prefect 1's control flow, with the nodes and edges Prefect itself adds
// (prefect/tasks/control_flow/{case,conditional}.py, prefect/utilities/tasks.py apply_map):
// `with case(cond, value)` adds a `case(value)` CompareValue task fed by the condition, upstream
// of every task of the block that has no upstream task inside it; `merge(a, b)` binds a Merge
// task (inputs task_1, task_2, ...); `ifelse(c, t, f)` an `as_bool` task and, tagged "switch",
// one `CompareValue: "True"/"False"` task upstream of each branch, as `switch(c, cases)` adds one
// `CompareValue: "<key>"` per case; `apply_map(fn, ...)` runs fn and maps everything it added.
import type { Expr } from '../parse/ast';
import { pyStr } from '../template/repr';
import type { PyValue } from '../template/values';
import type { FlowNode } from '../types';
import type { FlowGraph } from './graph';
import type { Interpreter } from './interpreter';
import { type ArgVal, type Env, hasTaskData, type TaskObject, unknown, type Val } from './values';

type Call = Extract<Expr, { k: 'call' }>;

/** A Prefect-internal task (not one of the file's): no task index, inputs by keyword. */
const internalTask = (name: string, params: string[] | null = null, tags: string[] = []): TaskObject => ({
  task: null,
  name,
  tags,
  params,
  varKeywords: params === null,
  internal: true,
});

const argOf = (name: string, val: Val, expr: Expr, env: Env): ArgVal => ({ name, star: '', val, expr, env });

/** Runs a `with case(cond, value):` body, then adds what Prefect's case.__exit__ adds. */
export function runCase(
  it: Interpreter,
  ctx: { cond: Val; value: Val; line: number },
  body: () => void,
  s: { pos: number; end: number },
  env: Env,
): void {
  const graph = it.activeFlow;
  const before = graph?.info.nodes.length ?? 0;
  body();
  if (!graph || graph.info.nodes.length === before) return;
  const added = graph.info.nodes.slice(before);
  const value = ctx.value.k === 'py' ? pyStr(ctx.value.v) : '?';
  const expr: Expr = { k: 'other', pos: s.pos, end: s.pos };
  const cond = graph.bindCall(
    internalTask(`case(${value})`, ['value']),
    [argOf('value', ctx.cond, expr, env)],
    false,
    ctx.line,
    false,
    it.tagStack,
  );
  if (cond.k !== 'node') return;
  const inBlock = new Set(added.map((n) => n.id));
  for (const child of added) {
    const hasUpstreamInBlock = graph.info.edges.some((e) => e.to === child.id && inBlock.has(e.from));
    if (!hasUpstreamInBlock) graph.addEdge({ from: cond.id, to: child.id, kind: 'upstream', mapped: false });
  }
}

/** merge / ifelse / apply_map; null for other kinds. */
export function callControlFlow(
  it: Interpreter,
  kind: string,
  e: Call,
  args: ArgVal[],
  env: Env,
): Val | null {
  if (kind !== 'merge' && kind !== 'ifelse' && kind !== 'switch' && kind !== 'apply_map') return null;
  const flowArg = args.find((a) => a.name === 'flow')?.val;
  const graph = flowArg?.k === 'flow' ? it.graphs[flowArg.index] : it.activeFlow;
  if (!graph) return unknown(`${kind}() outside a flow`);
  const line = it.line(env, e);
  const mappedArg = args.find((a) => a.name === 'mapped')?.val;
  const mapped = mappedArg?.k === 'py' && mappedArg.v === true;
  const positional = args.filter((a) => !a.name && !a.star);
  if (kind === 'merge') {
    const name = args.find((a) => a.name === 'name')?.val;
    const merge = internalTask(name?.k === 'py' && typeof name.v === 'string' ? name.v : 'Merge');
    const inputs = positional.map((a, i) => ({ ...a, name: `task_${i + 1}` }));
    return graph.bindCall(merge, inputs, mapped, line, false, it.tagStack);
  }
  if (kind === 'ifelse') {
    ifelse(it, graph, positional, mapped, line);
    return { k: 'py', v: null };
  }
  if (kind === 'switch') {
    switchCall(it, graph, args, mapped, line);
    return { k: 'py', v: null };
  }
  return applyMap(it, graph, args, line);
}

function ifelse(it: Interpreter, graph: FlowGraph, pos: ArgVal[], mapped: boolean, line: number): void {
  const [condition, whenTrue, whenFalse] = pos;
  if (!condition) return;
  const cases: [string, Val][] = [];
  for (const [label, branch] of [
    ['True', whenTrue],
    ['False', whenFalse],
  ] as const) {
    if (branch && !(branch.val.k === 'py' && branch.val.v === null)) cases.push([label, branch.val]);
  }
  if (cases.length === 0) return;
  const asBool = graph.bindCall(internalTask('as_bool', ['x']), [condition], mapped, line, true, it.tagStack);
  switchCases(it, graph, { ...condition, val: asBool }, cases, mapped, line);
}

/**
 * Prefect's switch body: under `tags("switch")`, for each case `as_task(branch)`, a
 * `CompareValue: "<key>"` task fed by the condition, upstream of the branch.
 */
function switchCases(
  it: Interpreter,
  graph: FlowGraph,
  condition: ArgVal,
  cases: [string, Val][],
  mapped: boolean,
  line: number,
): void {
  const tags = [...it.tagStack, 'switch'];
  for (const [label, branch] of cases) {
    // as_task makes a List/Dict/Constant task before the CompareValue; a task object joins after.
    const made = branch.k === 'seq' || branch.k === 'kwdict' || branch.k === 'py';
    const pre = made ? graph.asTask(branch, line, tags) : null;
    const match = graph.bindCall(
      internalTask(`CompareValue: "${label}"`, ['value']),
      [{ ...condition, name: 'value' }],
      mapped,
      line,
      false,
      tags,
    );
    const to = pre ?? graph.nodeOf(branch, line, it.tagStack);
    const node = to ? graph.node(to) : undefined;
    if (node && match.k === 'node') graph.upstream(node, match, mapped, line);
  }
}

/** `switch(condition, cases)`: the cases a dict display or `dict(...)` with known keys. */
function switchCall(it: Interpreter, graph: FlowGraph, args: ArgVal[], mapped: boolean, line: number): void {
  const pos = args.filter((a) => !a.name && !a.star);
  const condition = pos[0] ?? args.find((a) => a.name === 'condition');
  const cases = (pos[1] ?? args.find((a) => a.name === 'cases'))?.val;
  if (!condition || !cases) return;
  let entries: [string, Val][] = [];
  if (cases.k === 'kwdict') entries = [...cases.items];
  else if (cases.k === 'py' && cases.v && typeof cases.v === 'object' && !Array.isArray(cases.v)) {
    entries = Object.entries(cases.v as Record<string, PyValue>).map(([k, v]) => [k, { k: 'py', v }]);
  }
  switchCases(it, graph, condition, entries, mapped, line);
}

/** `apply_map(fn, *args, **kwargs)`: fn run once, every node it adds mapped over the arguments. */
function applyMap(it: Interpreter, graph: FlowGraph, args: ArgVal[], line: number): Val {
  const [fn, ...rest] = args.filter((a) => a.name !== 'flow');
  if (fn?.val.k !== 'function') return unknown('apply_map of an unknown function');
  const nodesBefore = graph.info.nodes.length;
  const edgesBefore = graph.info.edges.length;
  const unmappedIds = new Set<string>();
  const argInfo: { id: string; mapped: boolean }[] = [];
  const inner = rest.map((a) => {
    let v = a.val;
    const isUnmapped = v.k === 'wrap' && v.how === 'unmapped';
    while (v.k === 'wrap') v = v.inner;
    const id = hasTaskData(v) ? graph.nodeOf(v, line, it.tagStack) : null;
    if (id) {
      if (isUnmapped) unmappedIds.add(id);
      argInfo.push({ id, mapped: !isUnmapped });
    }
    return { ...a, val: v };
  });
  const saved = it.activeFlow;
  it.activeFlow = graph;
  const result = it.callFunction(fn.val.def, fn.val.env, inner);
  it.activeFlow = saved;
  const added = graph.info.nodes.slice(nodesBefore);
  const newIds = new Set(added.map((n) => n.id));
  for (const n of added) n.mapped = true;
  for (const e of graph.info.edges.slice(edgesBefore)) e.mapped = !unmappedIds.has(e.from);
  for (const n of added) mapInputs(n, unmappedIds);
  for (const n of added) {
    const upstream = graph.info.edges.filter((e) => e.to === n.id).map((e) => e.from);
    if (upstream.some((u) => newIds.has(u))) continue;
    for (const a of argInfo) {
      if (!upstream.includes(a.id))
        graph.addEdge({ from: a.id, to: n.id, kind: 'upstream', mapped: a.mapped });
    }
  }
  return result;
}

/** Inside apply_map a node's inputs from tasks are iterated, unless they come unmapped. */
function mapInputs(n: FlowNode, unmappedIds: Set<string>): void {
  const inputs = n.inputs ?? {};
  for (const [k, v] of Object.entries(inputs)) {
    if (v.kind === 'node') inputs[k] = { ...v, mapped: !unmappedIds.has(v.id) };
  }
}
