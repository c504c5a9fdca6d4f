// Name resolution: what a name means at a point of the module (imports, assignments, defs), and
// the qualified names of the Prefect / xpersist / stdlib objects the analysis recognises.
import type { Expr, Stmt } from '../parse/ast';
import type { PyValue } from '../template/values';
import type { ResultInfo } from '../types';

/** A top-level statement with what is needed to turn its relative positions into lines/text. */
export interface Item {
  text: string;
  /** 1-based line of the statement's first character. */
  line: number;
  /** Line of a position relative to the statement. */
  lineAt(pos: number): number;
}

export type Binding =
  | { k: 'module'; qname: string }
  | { k: 'expr'; expr: Expr; item: Item; scope: Scope }
  | { k: 'def'; stmt: Extract<Stmt, { k: 'def' }>; item: Item; scope: Scope }
  | { k: 'class'; stmt: Extract<Stmt, { k: 'class' }>; item: Item; scope: Scope; taskClass: TaskClass | null }
  | { k: 'task'; index: number }
  | { k: 'store'; index: number }
  | { k: 'result'; result: ResultInfo }
  | { k: 'flow'; index: number }
  | { k: 'param'; param: ParamObject }
  | { k: 'unknown' };

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

/** A `class X(Task)`: its run() parameters and what its `__init__` passes to Task. */
export interface TaskClass {
  name: string;
  line: number;
  params: string[];
  varKeywords: boolean;
  /** Keyword arguments given to `super().__init__(...)` in the class's `__init__`. */
  initKwargs: Map<string, KwArg>;
}

/** An argument expression with the environment it is evaluated in. */
export interface KwArg {
  expr: Expr;
  env: { scope: Scope; item: Item };
}

export class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(readonly parent: Scope | null = null) {}

  get(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.get(name);
  }

  set(name: string, b: Binding): void {
    this.names.set(name, b);
  }

  /** True when the name is bound here or in an enclosing scope. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Objects recognised by their qualified names (and their re-exports). */
const KNOWN: Record<string, string> = {
  'xpersist.CacheStore': 'CacheStore',
  'xpersist.cache.CacheStore': 'CacheStore',
  'xpersist.XpersistResult': 'XpersistResult',
  'xpersist.prefect.XpersistResult': 'XpersistResult',
  'xpersist.prefect.result.XpersistResult': 'XpersistResult',
  'xpersist.registry.serializers.register': 'register-serializer',
  'xpersist.registry.registry.serializers.register': 'register-serializer',
  'prefect.task': 'task',
  'prefect.utilities.tasks.task': 'task',
  'prefect.Task': 'Task',
  'prefect.core.Task': 'Task',
  'prefect.core.task.Task': 'Task',
  'prefect.Flow': 'Flow',
  'prefect.core.Flow': 'Flow',
  'prefect.core.flow.Flow': 'Flow',
  'prefect.Parameter': 'Parameter',
  'prefect.core.Parameter': 'Parameter',
  'prefect.core.parameter.Parameter': 'Parameter',
  'prefect.tags': 'tags',
  'prefect.utilities.tasks.tags': 'tags',
  'prefect.unmapped': 'unmapped',
  'prefect.utilities.edges.unmapped': 'unmapped',
  'prefect.flatten': 'flatten',
  'prefect.utilities.edges.flatten': 'flatten',
  'prefect.mapped': 'mapped',
  'prefect.utilities.edges.mapped': 'mapped',
  'prefect.case': 'case',
  'prefect.tasks.control_flow.case': 'case',
  'prefect.flow': 'prefect2-flow',
  'prefect.config': 'prefect-config',
  'tempfile.gettempdir': 'gettempdir',
  'os.getcwd': 'getcwd',
  'os.path.join': 'path.join',
  'os.path.expanduser': 'path.expanduser',
  'os.path.abspath': 'path.abspath',
  'os.path.realpath': 'path.abspath',
  'os.path.normpath': 'path.normpath',
  'os.path.dirname': 'path.dirname',
  'os.environ': 'environ',
  'os.environ.get': 'getenv',
  'os.getenv': 'getenv',
  'os.environ.setdefault': 'environ.setdefault',
  'os.environ.update': 'environ.update',
  'os.putenv': 'putenv',
  'os.fspath': 'str',
  'pathlib.Path': 'Path',
  'pathlib.PurePath': 'Path',
  'pathlib.PosixPath': 'Path',
  'pathlib.PurePosixPath': 'Path',
  'pathlib.Path.home': 'Path.home',
  'pathlib.Path.cwd': 'Path.cwd',
};

/** Bare names accepted when nothing in the file binds them (a notebook cell without imports). */
const FALLBACK: Record<string, string> = {
  CacheStore: 'CacheStore',
  XpersistResult: 'XpersistResult',
  task: 'task',
  Task: 'Task',
  Flow: 'Flow',
  Parameter: 'Parameter',
  unmapped: 'unmapped',
  str: 'str',
};

/** The dotted qualified name of an expression (`R` → `xpersist.prefect.result.XpersistResult`). */
export function qualify(e: Expr, scope: Scope): string | null {
  if (e.k === 'name') {
    const b = scope.get(e.id);
    if (!b) return e.id;
    if (b.k === 'module') return b.qname;
    return null;
  }
  if (e.k === 'attr') {
    const base = qualify(e.obj, scope);
    return base === null ? null : `${base}.${e.name}`;
  }
  return null;
}

/** What a callee is, among the objects the analysis knows ('' when none). */
export function knownKind(e: Expr, scope: Scope): string {
  const q = qualify(e, scope);
  if (q === null) return '';
  if (q in KNOWN) return KNOWN[q];
  if (e.k === 'name' && !scope.has(e.id) && e.id in FALLBACK) return FALLBACK[e.id];
  // `Path("x").home()` style chains and `registry.serializers.register` from `from xpersist import registry`
  if (q.endsWith('.serializers.register') && q.startsWith('xpersist')) return 'register-serializer';
  return '';
}

/** Result classes of Prefect 1 (anything else called `...Result` counts as a result too). */
export function resultClassName(e: Expr, scope: Scope): string | null {
  const kind = knownKind(e, scope);
  if (kind === 'XpersistResult') return 'XpersistResult';
  const q = qualify(e, scope);
  if (q === null) return null;
  const last = q.split('.').pop() ?? q;
  return /Result$/.test(last) ? last : null;
}
