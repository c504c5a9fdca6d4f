// What the analysis accumulates while it walks a module: stores, tasks, flows, diagnostics, and
// the facts later checks need (imports order, checkpointing settings, registered serializers).
// The interpreter (interpreter.ts) fills it; diagnostics.ts reads it.
import type { Expr } from '../parse/ast';
import { evaluatePath } from '../storePath';
import { PyFloat, type PyValue } from '../template/values';
import type { AnalyzeOptions, Diagnostic, FlowInfo, StoreInfo, TaskInfo } from '../types';
import { toPath } from './calls';
import { pathResolution } from './paths';
import type { ArgVal, Env, Val } from './values';

/** Facts about a task that only its diagnostics need. */
export interface TaskNotes {
  fstringUnknown: string[];
  fstringUndefined: string[];
  /** serializer_dump_kwargs was given but is not a literal. */
  dumpKwargsUnknown: boolean;
  resultLine: number | null;
}

export interface EnvSetting {
  value: string | null;
  line: number;
  /** Set by importing xpersist (which forces 'True'). */
  byXpersist?: boolean;
}

export class AnalysisState {
  readonly stores: StoreInfo[] = [];
  readonly tasks: TaskInfo[] = [];
  readonly taskNotes: TaskNotes[] = [];
  readonly flows: FlowInfo[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly registeredSerializers = new Set<string>();
  prefect1 = false;
  prefect2Line: number | null = null;
  /** Line of the first import that loads prefect (directly, or through xpersist). */
  prefectLoadLine: number | null = null;
  prefectLoadedByXpersist = false;
  xpersistImportLine: number | null = null;
  /** PREFECT__FLOWS__CHECKPOINTING assignments, in order. */
  readonly checkpointEnv: EnvSetting[] = [];
  /** `prefect.config.flows.checkpointing = ...` assignments. */
  readonly checkpointConfig: { value: boolean | null; line: number }[] = [];

  constructor(readonly options: AnalyzeOptions) {}

  /** Adds a diagnostic found while interpreting, once (a loop or a function called twice repeats it). */
  noteOnce(d: Diagnostic): void {
    if (!this.diagnostics.some((x) => x.code === d.code && x.line === d.line)) this.diagnostics.push(d);
  }

  /** Registers a `CacheStore(...)` call (its arguments evaluated); returns its index in `stores`. */
  registerStore(
    call: Extract<Expr, { k: 'call' }>,
    args: ArgVal[],
    env: Env,
    variable: string | null,
  ): number {
    const pathArg = args.find((a) => a.name === 'path') ?? args.find((a) => !a.name && !a.star);
    const pathExpr = pathArg ? toPath(pathArg.val, pathArg.expr, env) : ({ k: 'tmpdir' } as const);
    const readonlyArg = args.find((a) => a.name === 'readonly')?.val;
    // A string computed from literals (a subscript, a class attribute) is folded, not literal.
    const direct = !pathArg || pathArg.expr.k === 'str' || pathArg.expr.k === 'name';
    const resolution = !direct && pathExpr.k === 'str' ? 'folded' : pathResolution(pathExpr);
    this.stores.push({
      variable,
      line: env.item.lineAt(call.pos),
      expression: pathArg ? env.item.text.slice(pathArg.expr.pos, pathArg.expr.end) : 'tempfile.gettempdir()',
      resolution,
      path: resolution === 'dynamic' ? null : evaluatePath(pathExpr, { ...this.options, placeholders: true }),
      pathExpr,
      readonly: readonlyArg?.k === 'py' && readonlyArg.v === true,
      ...storageOptionsOf(args.find((a) => a.name === 'storage_options')?.val),
    });
    return this.stores.length - 1;
  }
}

/** A JSON-like copy of a literal value (dicts with str keys, lists, str/int/float/bool/None). */
function jsonLike(v: PyValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v.value : undefined;
  if (Array.isArray(v)) return v.map(jsonLike).filter((x) => x !== undefined);
  if (typeof v === 'object' && v !== undefined && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, PyValue>)) {
      const j = jsonLike(x);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return undefined;
}

/** `storage_options` as StoreInfo holds it: only a dict known statically. */
function storageOptionsOf(val: Val | undefined): { storageOptions?: Record<string, unknown> } {
  if (val?.k !== 'py') return {};
  const j = jsonLike(val.v);
  return j && typeof j === 'object' && !Array.isArray(j)
    ? { storageOptions: j as Record<string, unknown> }
    : {};
}
