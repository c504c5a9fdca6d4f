// What an expression is worth while a Prefect 1 flow is being built: a task object, a bound
// task (a flow node), a Parameter, a constant, or a collection of those.
import type { PyValue } from '../template/values';
import type { ParamObject } from './scope';

export interface TaskObject {
  /** Index into the analysis' tasks, null for a task the file does not define. */
  task: number | null;
  name: string;
  tags: string[];
  /** Run-function parameter names (null when unknown: inputs by position cannot be named). */
  params: string[] | null;
  varKeywords: boolean;
}

export type FlowVal =
  | { k: 'node'; id: string; flow: number; task: TaskObject | null }
  | { k: 'taskobj'; obj: TaskObject }
  | { k: 'taskclass'; className: string }
  | { k: 'param'; param: ParamObject }
  | { k: 'const'; value: PyValue }
  | { k: 'seq'; items: FlowVal[] }
  | { k: 'derived'; from: FlowVal[] }
  | { k: 'wrap'; how: 'unmapped' | 'flatten' | 'mapped'; inner: FlowVal }
  | { k: 'flow'; index: number }
  | { k: 'unknown' };

export const UNKNOWN: FlowVal = { k: 'unknown' };

/** Whether a value carries a task result (so it makes data edges, and is known only at run time). */
export function hasTaskData(v: FlowVal): boolean {
  switch (v.k) {
    case 'node':
    case 'taskobj':
    case 'param':
      return true;
    case 'seq':
    case 'derived':
      return (v.k === 'seq' ? v.items : v.from).some(hasTaskData);
    case 'wrap':
      return hasTaskData(v.inner);
    default:
      return false;
  }
}
