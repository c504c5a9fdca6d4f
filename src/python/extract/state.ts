// What the analysis accumulates while it walks a module: stores, tasks, flows, diagnostics, and
// the facts later checks need (imports order, checkpointing settings, registered serializers).
import type { Expr } from '../parse/ast';
import { evaluatePath } from '../storePath';
import type { AnalyzeOptions, Diagnostic, FlowInfo, StoreInfo, TaskInfo } from '../types';
import { evaluate } from './evaluate';
import { pathResolution, toPathExpr } from './paths';
import type { Item, Scope } from './scope';

export interface Env {
  scope: Scope;
  item: Item;
}

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

  lineOf(env: Env, e: { pos: number }): number {
    return env.item.lineAt(e.pos);
  }

  text(env: Env, e: { pos: number; end: number }): string {
    return env.item.text.slice(e.pos, e.end);
  }

  /** Registers a `CacheStore(...)` call; returns its index in `stores`. */
  registerStore(call: Extract<Expr, { k: 'call' }>, env: Env, variable: string | null): number {
    const pathArg =
      call.args.find((a) => a.name === 'path')?.value ?? call.args.find((a) => !a.name && !a.star)?.value;
    const pathExpr = pathArg ? toPathExpr(pathArg, env) : ({ k: 'tmpdir' } as const);
    const readonlyArg = call.args.find((a) => a.name === 'readonly')?.value;
    const readonly = readonlyArg ? evaluate(readonlyArg, env) === true : false;
    const resolution = pathResolution(pathExpr);
    const store: StoreInfo = {
      variable,
      line: this.lineOf(env, call),
      expression: pathArg ? this.text(env, pathArg) : 'tempfile.gettempdir()',
      resolution,
      path: resolution === 'dynamic' ? null : evaluatePath(pathExpr, this.options),
      pathExpr,
      readonly,
    };
    this.stores.push(store);
    return this.stores.length - 1;
  }
}
