// What the analysis accumulates while it walks a module: stores, tasks, flows, diagnostics, and
// the facts later checks need (imports order, checkpointing settings, registered serializers).
// The interpreter (interpreter.ts) fills it; diagnostics.ts reads it.
import type { Expr } from '../parse/ast';
import { evaluatePath } from '../storePath';
import type { AnalyzeOptions, Diagnostic, FlowInfo, StoreInfo, TaskInfo } from '../types';
import { toPath } from './calls';
import { pathResolution } from './paths';
import type { ArgVal, Env } from './values';

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
    });
    return this.stores.length - 1;
  }
}
