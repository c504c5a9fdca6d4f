// The one value type of the abstract interpreter (interpreter.ts): what an expression is worth
// when the module runs, as far as the analysis can tell. A known Python value, a path computed
// from the host's environment, a Prefect object (task, flow node, Parameter, flow, result), a
// cache store, a name's module path, a function or class, or unknown with the reason.
import type { Expr, Stmt } from '../parse/ast';
import { PySet, PyTuple, type PyValue } from '../template/values';
import type { PathExpr, ResultInfo } from '../types';
import type { Item, Scope } from './scope';

export interface Env {
  scope: Scope;
  item: Item;
  /** Inside a class body: the scope its methods close over (class scopes do not nest). */
  defScope?: Scope;
  /** Inside a class body: the class's name (its attributes' variables are `Class.attr`). */
  owner?: string;
}

/** A Prefect Task object: the analysis' task plus what binding its inputs needs. */
export interface TaskObject {
  /** Index into the analysis' tasks, null for a task the file does not define. */
  task: number | null;
  name: string;
  tags: string[];
  /** Run-function parameter names (null when unknown: inputs by position cannot be named). */
  params: string[] | null;
  varKeywords: boolean;
  /** Prefect's `nout` (iterating the task gives that many GetItem tasks); null: not iterable. */
  nout?: number | null;
  /** One of Prefect's own tasks (case, Merge, as_bool, CompareValue). */
  internal?: boolean;
}

/** A `Parameter(...)` object (it joins a flow only when used there). */
export interface ParamObject {
  name: string;
  default?: PyValue;
  hasDefault: boolean;
  required: boolean;
  line: number;
  /** The default is not a literal (its value is only known at run time). */
  defaultUnknown?: boolean;
}

/** What an f-string left for run time (its unknown parts), for targets and their diagnostics. */
export interface FStringInfo {
  /** The text with U+E000 where a part is unknown. */
  partial: string;
  /** Source text of the parts that could not be evaluated. */
  unknown: string[];
  /** Names nothing in the file binds (NameError when the line runs). */
  undefinedNames: string[];
}

export type DefStmt = Extract<Stmt, { k: 'def' }>;
export type ClassStmt = Extract<Stmt, { k: 'class' }>;
export type LambdaExpr = Extract<Expr, { k: 'lambda' }>;

/** A class defined in the file: its attributes, and for a `Task` subclass what makes a task. */
export interface ClassVal {
  name: string;
  stmt: ClassStmt;
  env: Env;
  attrs: Map<string, Val>;
  /** A subclass of prefect's Task (directly or through another class of the file). */
  isTask: boolean;
  parent: ClassVal | null;
}

export type Val =
  | { k: 'py'; v: PyValue; fs?: FStringInfo }
  /** A str or pathlib path that depends on the host (temp dir, home, env vars, cwd). */
  | { k: 'path'; p: PathExpr; pathlib: boolean; fs?: FStringInfo }
  /** A module, or an object known by its qualified name (`xpersist.CacheStore`). */
  | { k: 'module'; qname: string }
  | { k: 'function'; def: DefStmt; env: Env }
  | { k: 'lambda'; e: LambdaExpr; env: Env }
  | { k: 'class'; cls: ClassVal }
  | { k: 'task'; obj: TaskObject }
  /** A task bound into a flow (the result of calling a task inside `with Flow`). */
  | { k: 'node'; id: string; flow: number; task: TaskObject | null }
  | { k: 'param'; param: ParamObject }
  | { k: 'store'; index: number }
  | { k: 'result'; result: ResultInfo }
  | { k: 'flow'; index: number }
  /** `@task(...)`, `registry.serializers.register(...)`: a decorator waiting for its function. */
  | { k: 'decorator'; kind: 'task' | 'other'; args: ArgVal[] }
  /** `tags(...)` / `case(...)`: a context manager of a flow body. */
  | { k: 'context'; kind: 'tags'; tags: string[] }
  | { k: 'context'; kind: 'case'; cond: Val; value: Val; line: number }
  /** A list/tuple/set with items that are not all known Python values. */
  | { k: 'seq'; items: Val[]; kind: 'list' | 'tuple' | 'set' }
  /** A dict with string keys and values that are not all known Python values. */
  | { k: 'kwdict'; items: Map<string, Val> }
  /** Computed from task results at run time (Prefect adds GetItem / operator tasks). */
  | { k: 'derived'; from: Val[] }
  | { k: 'wrap'; how: 'unmapped' | 'flatten' | 'mapped'; inner: Val }
  | {
      k: 'unknown';
      reason: string;
      undefinedNames?: string[];
      /** Source text the value was computed from (a name's value keeps its right-hand side). */
      text?: string;
      /** Names it was read through, outermost last (for the storeExpressions setting). */
      aliases?: string[];
      fs?: FStringInfo;
    };

/** A call argument, evaluated. */
export interface ArgVal {
  name: string | null;
  star: '' | '*' | '**';
  val: Val;
  expr: Expr;
  env: Env;
}

export const py = (v: PyValue): Val => ({ k: 'py', v });
export const unknown = (reason: string, undefinedNames?: string[]): Val =>
  undefinedNames?.length ? { k: 'unknown', reason, undefinedNames } : { k: 'unknown', reason };

/** Whether a value carries a task result (so it makes data edges, and is known only at run time). */
export function hasTaskData(v: Val): boolean {
  switch (v.k) {
    case 'node':
    case 'task':
    case 'param':
      return true;
    case 'seq':
      return v.items.some(hasTaskData);
    case 'derived':
      return v.from.some(hasTaskData);
    case 'kwdict':
      return [...v.items.values()].some(hasTaskData);
    case 'wrap':
      return hasTaskData(v.inner);
    default:
      return false;
  }
}

/** The task object behind a task or a node. */
export function taskOf(v: Val): TaskObject | null {
  if (v.k === 'task') return v.obj;
  if (v.k === 'node') return v.task;
  return null;
}

/** How many results iterating a Task object gives (its `nout`); null: Prefect raises TypeError. */
export function taskNout(v: Val): number | null {
  return v.k === 'node' || v.k === 'task' ? (taskOf(v)?.nout ?? null) : null;
}

/** Items of a sequence value (a known list/tuple as known values), or null. */
export function itemsOf(v: Val): Val[] | null {
  if (v.k === 'seq') return v.items;
  if (v.k !== 'py') return null;
  if (Array.isArray(v.v)) return (v.v as PyValue[]).map(py);
  if (v.v instanceof PyTuple || v.v instanceof PySet) return v.v.items.map(py);
  return null;
}
