// The public shapes of the Python analysis (docs/ARCHITECTURE.md, "Public API of the Python
// analysis"), with the extra fields the editor integration needs. Everything is plain data:
// JSON-serialisable, so an analysis can cross to a webview or a worker.
import type { PyValue } from './template/values';

/** How a store path is computed: evaluated by `resolveStorePath` with the host's environment. */
export type PathExpr =
  | { k: 'str'; value: string }
  /** f-string or `+` concatenation. */
  | { k: 'concat'; parts: PathExpr[] }
  /** `tempfile.gettempdir()`: TMPDIR, TEMP, TMP, then /tmp, as Python does. */
  | { k: 'tmpdir' }
  /** `Path.home()` / the `~` of expanduser. */
  | { k: 'home' }
  /** `os.getcwd()` / `Path.cwd()`. */
  | { k: 'cwd' }
  /** `__file__`. */
  | { k: 'file' }
  /** `os.environ["X"]` (no default: KeyError when unset), `os.getenv("X", d)`, `os.environ.get("X", d)`. */
  | { k: 'env'; name: string; default?: PathExpr; raises?: boolean }
  /** `os.path.join(...)`. */
  | { k: 'join'; parts: PathExpr[] }
  /** `pathlib.Path(...)` and its `/` operator: joined, then normalised as pathlib does. */
  | { k: 'path'; parts: PathExpr[] }
  | { k: 'expanduser'; arg: PathExpr }
  | { k: 'abspath'; arg: PathExpr }
  | { k: 'dirname'; arg: PathExpr }
  /** Not computable statically: resolved through the `xpersist.storeExpressions` setting. */
  | { k: 'dynamic'; expression: string; aliases?: string[] };

export interface StoreInfo {
  variable: string | null;
  line: number;
  /** Source text of the path argument (`f'{tempfile.gettempdir()}/my-cache'`), or `CacheStore()`. */
  expression: string;
  resolution: 'literal' | 'folded' | 'dynamic';
  /**
   * The path as Python computes it in the analysis' environment (`analyzePython` options; by
   * default no env vars, /tmp, `~` unexpanded, an unset variable without default as `$NAME`).
   * Relative paths stay relative. null when dynamic.
   */
  path: string | null;
  /** The recipe for `resolveStorePath`. */
  pathExpr: PathExpr;
  /** `readonly=True` given literally. */
  readonly: boolean;
  /**
   * `storage_options={...}` when its value is known statically (a dict of literals, e.g.
   * `{"anon": True, "client_kwargs": {"endpoint_url": "http://..."}}`): what fsspec gets, so the
   * extension can open a store on object storage as the code does. Values it cannot know are left out.
   */
  storageOptions?: Record<string, unknown>;
}

export type TaskTarget =
  | {
      kind: 'template';
      template: string | null;
      fstring?: boolean;
      /**
       * For an f-string with parts that cannot be evaluated statically: the template with those
       * parts as U+E000 (each a '*' in the resolved pattern).
       */
      partial?: string;
    }
  | {
      kind: 'callable';
      name: string;
      /**
       * When the callable just returns a string built from its keyword arguments: a str.format
       * template computing that string (its output is formatted again, as Prefect does).
       */
      recipe?: string;
    };

export interface ResultInfo {
  /** `XpersistResult`, `LocalResult`, ... or the expression text when unknown. */
  class: string;
  /** Source text of the cache store argument. */
  store: string | null;
  /** 'auto' when not given, null when not a literal. */
  serializer: string | null;
  dumpKwargs: Record<string, unknown> | null;
  /** Index into `stores` of the CacheStore this result writes to. */
  storeIndex?: number | null;
  /** Line of the result's constructor call. */
  line?: number;
}

export interface TaskInfo {
  name: string;
  functionName: string | null;
  variable: string | null;
  line: number;
  target: TaskTarget | null;
  result: ResultInfo | null;
  checkpoint: boolean | null;
  /** Names of the run function's parameters (inputs by position map onto these). */
  params?: string[];
  /** The run function takes `**kwargs` (any keyword input is accepted). */
  varKeywords?: boolean;
  /** `tags=` given literally. */
  tags?: string[];
  /** Line of the target argument. */
  targetLine?: number;
  /** `name=` is not a literal: the real name is only known at run time. */
  nameDynamic?: boolean;
  /**
   * Prefect's `nout`: how many results unpacking the task's result gives (`nout=` or a
   * `-> Tuple[a, b]` run annotation); absent when Prefect cannot iterate it.
   */
  nout?: number;
}

/** What a task's input is bound to in a flow. */
export type InputValue =
  | { kind: 'const'; value: PyValue }
  | { kind: 'node'; id: string; mapped: boolean }
  /** Known only at run time; `mapped`: each mapped child gets its own element. */
  | { kind: 'runtime'; mapped?: boolean };

export interface FlowNode {
  id: string;
  task: string;
  line: number;
  mapped: boolean;
  kind?: 'task' | 'parameter';
  /** Added by Prefect itself (`case(...)`, `Merge`, `as_bool`, `CompareValue: ...`): no task of the file. */
  internal?: boolean;
  /** Index into `tasks`, null for parameters and tasks defined elsewhere. */
  taskIndex?: number | null;
  tags?: string[];
  inputs?: Record<string, InputValue>;
}

export interface FlowEdge {
  from: string;
  to: string;
  kind: 'data' | 'upstream';
  mapped: boolean;
  /** The input name of a data edge. */
  key?: string | null;
  /** `flatten(x)`: the mapped input is the concatenation of x's (mapped) results. */
  flattened?: boolean;
}

export interface FlowParameter {
  name: string;
  default?: unknown;
  required: boolean;
}

export interface FlowInfo {
  name: string | null;
  variable: string | null;
  line: number;
  parameters: FlowParameter[];
  nodes: FlowNode[];
  edges: FlowEdge[];
  /**
   * A flow made in a loop or a factory function whose name is not one constant
   * (`Flow(f"regional-{region}")`): its name with `*` for what only run time knows.
   */
  namePattern?: string;
  /** `Flow(..., result=...)`: the result of tasks that have none. */
  result?: ResultInfo | null;
}

export interface Diagnostic {
  code: string;
  line: number;
  message: string;
  severity: 'error' | 'warning' | 'information';
}

export interface PythonAnalysis {
  prefect: 1 | 2 | null;
  syntaxErrors: { line: number; message: string }[];
  stores: StoreInfo[];
  tasks: TaskInfo[];
  flows: FlowInfo[];
  diagnostics: Diagnostic[];
  /** Serializer names registered in this file (`@registry.serializers.register('x')`). */
  registeredSerializers?: string[];
}

export interface FlowTarget {
  node: string;
  task: string;
  template: string | null;
  key?: string;
  pattern?: string;
  error?: string;
  /** Index into `analysis.tasks`. */
  taskIndex?: number | null;
  /** Line of the call that adds the node to the flow. */
  line?: number;
  mapped?: boolean;
  /** The result the target is checked in (the task's, else the flow's). */
  result?: ResultInfo | null;
  /** The store of that result, when it is an XpersistResult over a known CacheStore. */
  storeIndex?: number | null;
  /** `checkpoint=False`: Prefect checks the target but never writes it. */
  checkpoint?: boolean | null;
  /** Template fields only known at run time (the '*'s of the pattern). */
  runtimeFields?: string[];
  /**
   * A callable target whose return value contains `{…}`: Prefect checks the formatted `key` but
   * writes the result under the string as returned (Result.format does not format it again).
   */
  writeKey?: string;
  writePattern?: string;
}

/** The environment a store path is resolved in (all optional: Python's defaults otherwise). */
export interface PathContext {
  env?: Record<string, string | undefined>;
  /** Fallback temp dir when TMPDIR/TEMP/TMP are unset (Python: /tmp on POSIX). */
  tmpdir?: string;
  home?: string;
  /** Directory relative paths resolve against (where the flow runs). */
  cwd?: string;
  /** Directory of the analysed file: the fallback for `cwd`. */
  fileDir?: string;
  /** The analysed file's path: `__file__`. */
  filePath?: string;
  /** The `xpersist.storeExpressions` setting: expression text or variable name → path. */
  expressions?: Record<string, string>;
  /**
   * Show what the context lacks instead of giving up: an unknown home as `~`, an unset
   * variable without a default as `$NAME` (the analysis' own `path`, for display).
   */
  placeholders?: boolean;
}

export interface AnalyzeOptions extends PathContext {
  uri?: string;
}
