// Name resolution: what a name means at a point of the module (imports, assignments, defs), and
// the qualified names of the Prefect / xpersist / stdlib objects the analysis recognises.
import type { Val } from './values';

/** A top-level statement with what is needed to turn its relative positions into lines/text. */
export interface Item {
  text: string;
  /** 1-based line of the statement's first character. */
  line: number;
  /** Line of a position relative to the statement. */
  lineAt(pos: number): number;
}

export class Scope {
  private readonly names = new Map<string, Val>();
  constructor(readonly parent: Scope | null = null) {}

  get(name: string): Val | undefined {
    return this.names.get(name) ?? this.parent?.get(name);
  }

  set(name: string, b: Val): void {
    this.names.set(name, b);
  }

  /** The names bound in this scope itself (a class body's become the class's attributes). */
  own(): Map<string, Val> {
    return this.names;
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
  'prefect.tasks.control_flow.case.case': 'case',
  'prefect.tasks.control_flow.merge': 'merge',
  'prefect.tasks.control_flow.conditional.merge': 'merge',
  'prefect.tasks.control_flow.ifelse': 'ifelse',
  'prefect.tasks.control_flow.conditional.ifelse': 'ifelse',
  'prefect.tasks.control_flow.switch': 'switch',
  'prefect.tasks.control_flow.conditional.switch': 'switch',
  'prefect.apply_map': 'apply_map',
  'prefect.utilities.tasks.apply_map': 'apply_map',
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
  dict: 'dict',
  range: 'range',
};

/** What an object known by its qualified name is, among those the analysis knows ('' when none). */
export function knownKind(qname: string): string {
  if (qname in KNOWN) return KNOWN[qname];
  if (qname in FALLBACK) return FALLBACK[qname];
  if (qname.endsWith('.serializers.register') && qname.startsWith('xpersist')) return 'register-serializer';
  return '';
}

/** A bare name nothing binds that still means something (builtins, a cell's missing imports). */
export const isFallbackName = (name: string): boolean => name in FALLBACK;

/** Result classes of Prefect 1 (anything else called `...Result` counts as a result too). */
export function resultClassName(qname: string): string | null {
  if (knownKind(qname) === 'XpersistResult') return 'XpersistResult';
  const last = qname.split('.').pop() ?? qname;
  return /Result$/.test(last) ? last : null;
}
