// Python operators on Task objects inside a flow, as Prefect 1.4.1's Task defines them
// (core/task.py): arithmetic, `&` and the four orderings bind one of its operator tasks
// (tasks/core/operators.py) to `x` and `y`; `a | b` is a state dependency and gives `b`; Task has
// no `__eq__`, `__bool__`, `__neg__` or `__invert__`, so `==`/`is` compare identities, `and`/`or`
// see an always-true object and `-t`/`~t` raise TypeError while the flow is built.

import type { Diagnostic } from '../types';
import type { FlowGraph } from './graph';
import { py, unknown, type Val } from './values';

/** Operator → the task class Task.__op__ (and Task.__rop__) binds. */
const OPERATOR_TASKS: Record<string, string> = {
  '+': 'Add',
  '-': 'Sub',
  '*': 'Mul',
  '/': 'Div',
  '//': 'FloorDiv',
  '%': 'Mod',
  '**': 'Pow',
  '&': 'And',
  '>': 'GreaterThan',
  '>=': 'GreaterThanOrEqual',
  '<': 'LessThan',
  '<=': 'LessThanOrEqual',
};

/**
 * `2 < t`: int's `__lt__` gives NotImplemented, so Python calls the reflected `t.__gt__(2)`;
 * the reflected arithmetic methods bind `(other, self)`, which keeps the written order.
 */
const REFLECTED_COMPARISON: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** A Prefect Task object at flow-building time (a bound node, a task, a Parameter). */
export const isTaskValue = (v: Val): boolean => v.k === 'node' || v.k === 'task' || v.k === 'param';

/** The same Python object (what `is` and Task's inherited `==` compare). */
function sameObject(a: Val, b: Val): boolean {
  if (a.k === 'node' && b.k === 'node') return a.id === b.id && a.flow === b.flow;
  if (a.k === 'task' && b.k === 'task') return a.obj === b.obj;
  if (a.k === 'param' && b.k === 'param') return a.param === b.param;
  return false;
}

/**
 * `l op r` where one side is a Task object, in the flow being built; null when Python would
 * not reach a Task method (or the other side's own method could answer first).
 */
export function taskOperator(
  flow: FlowGraph,
  op: string,
  l: Val,
  r: Val,
  line: number,
  tagStack: string[],
): Val | null {
  const left = isTaskValue(l);
  // An unknown operand may be the same Task, or an array comparing element-wise: no guess.
  const known = l.k !== 'unknown' && r.k !== 'unknown';
  switch (op) {
    case '==':
    case 'is':
      return known ? py(sameObject(l, r)) : null;
    case '!=':
    case 'is not':
      return known ? py(!sameObject(l, r)) : null;
    case 'in':
    case 'not in':
      return null;
    case 'and':
      return left ? r : null;
    case 'or':
      return left ? l : null;
    case '|':
      if (!left || !isTaskValue(r)) return null;
      dependency(flow, l, r, line, tagStack);
      return r;
  }
  const cls = OPERATOR_TASKS[op];
  if (!cls) return unknown(`TypeError: unsupported operand type(s) for ${op}: Task`);
  // An unknown left operand may be a Task or define the comparison itself: no guess.
  if (!left && l.k === 'unknown' && op in REFLECTED_COMPARISON) return null;
  const reflected = !left && op in REFLECTED_COMPARISON;
  const [name, x, y] = reflected ? [OPERATOR_TASKS[REFLECTED_COMPARISON[op]], r, l] : [cls, l, r];
  const node = flow.addInternal(
    name,
    [
      ['x', x],
      ['y', y],
    ],
    line,
    tagStack,
  );
  return { k: 'node', id: node.id, flow: flow.index, task: null };
}

/** `a | b`: `a.set_dependencies(downstream_tasks=[b])`, both added to the flow as they are. */
function dependency(flow: FlowGraph, a: Val, b: Val, line: number, tagStack: string[]): void {
  const from = flow.nodeOf(a, line, tagStack);
  const to = flow.nodeOf(b, line, tagStack);
  if (from && to) flow.addEdge({ from, to, kind: 'upstream', mapped: false });
}

/** `-t`, `+t`, `~t` on a Task raise TypeError; `not t` is False (a Task is always true). */
/**
 * Prefect 1.x's Task defines the binary operators (they become Add, Sub... tasks) but no unary
 * one: `-x`, `+x` and `~x` on a task or its result raise TypeError while the flow is built.
 */
export function unaryOnTask(op: string, line: number): Diagnostic {
  return {
    code: 'task-unary-operator',
    line,
    severity: 'error',
    message: `Prefect raises TypeError here when the flow is built: a task has no unary '${op}' (bad operand type for unary ${op}). Apply it inside a task instead.`,
  };
}

export function taskUnary(op: string): Val {
  if (op === 'not') return py(false);
  return unknown(`TypeError: bad operand type for unary ${op}: Task`);
}
