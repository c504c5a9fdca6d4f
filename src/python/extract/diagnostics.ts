// The checks that need the whole module: task settings that cannot work, serializers the released
// xpersist does not know, mapped targets that collide, checkpointing switched off.
import { isObjectUrl } from '../../core/remote/objectUrl';
import type { Diagnostic, FlowNode, ResultInfo, TaskInfo } from '../types';
import { dumpKwargsUnknown } from './calls';
import type { AnalysisState } from './state';

/** xpersist 2021.12.17's registry (xpersist/serializers.py), plus 'auto'. */
export const RELEASED_SERIALIZERS = ['xarray.zarr', 'xarray.netcdf', 'xcollection', 'joblib'];
/** Registered only by the unreleased xpersist after 2021.12.17. */
const UNRELEASED_SERIALIZERS = ['pandas.csv', 'pandas.parquet'];

/**
 * Released serializers that cannot write to object storage: xpersist hands them the bare URL
 * (without the store's storage_options), joblib.dump opens it as a local path and netCDF4 refuses
 * it ("Unknown file format"). Only xarray.zarr and xcollection write through fsspec there.
 */
const LOCAL_ONLY_SERIALIZERS: Record<string, string> = {
  joblib: 'joblib.dump opens the URL as a local path',
  'xarray.netcdf': 'to_netcdf cannot write to a URL (netCDF4: "Unknown file format")',
};

/** Template fields that differ between the children of a mapped task. */
const PER_CHILD_FIELDS = /\{(map_index|task_full_name|task_run_id|task_run_name)\b/;

function templateText(t: TaskInfo): string | null {
  const target = t.target;
  if (!target) return null;
  if (target.kind === 'template') return target.template ?? target.partial ?? null;
  return target.recipe ?? null;
}

/** Whether a template names an input that differs between mapped children (a mapped input). */
function usesMappedInput(template: string, node: FlowNode): boolean {
  for (const m of template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const input = node.inputs?.[m[1]];
    if (input && input.kind !== 'const' && input.mapped) return true;
  }
  return false;
}

type Add = (d: Diagnostic) => void;

/** Where a task is called in a flow: the mapped-target check needs the node's inputs. */
interface TaskUse {
  flow: number;
  line: number;
  mapped: boolean;
  node: FlowNode;
}

/** What every check of one analysis shares. */
interface Checks {
  state: AnalysisState;
  /** Serializer names that xpersist 2021.12.17 or the file itself registers. */
  known: Set<string>;
  add: Add;
}

export function finalDiagnostics(state: AnalysisState): void {
  const out: Diagnostic[] = [];
  const add = (d: Diagnostic) => {
    if (!out.some((x) => x.code === d.code && x.line === d.line)) out.push(d);
  };
  if (state.prefect2Line !== null) {
    add({
      code: 'prefect2-file',
      line: state.prefect2Line,
      severity: 'information',
      message:
        'This is a Prefect 2 flow (@flow): targets and XpersistResult are Prefect 1.x features, so no cache state is shown for its tasks.',
    });
  }
  const checks: Checks = {
    state,
    known: new Set([...RELEASED_SERIALIZERS, 'auto', ...state.registeredSerializers]),
    add,
  };
  for (const f of state.flows) resultDiagnostics(checks, f.result ?? null, f.result?.line ?? f.line);
  const usedIn = taskUses(state);
  state.tasks.forEach((t, i) => {
    const uses = usedIn.get(i) ?? [];
    targetSettingDiagnostics(checks, t, i, uses);
    resultDiagnostics(checks, t.result, state.taskNotes[i].resultLine ?? t.line);
    mappedTargetDiagnostics(checks, t, uses);
  });
  checkpointing(state, add);
  state.diagnostics.push(...out);
}

/** The flow nodes that call each task, by task index. */
function taskUses(state: AnalysisState): Map<number, TaskUse[]> {
  const usedIn = new Map<number, TaskUse[]>();
  state.flows.forEach((f, fi) => {
    for (const n of f.nodes) {
      if (n.taskIndex === null || n.taskIndex === undefined) continue;
      const list = usedIn.get(n.taskIndex) ?? [];
      list.push({ flow: fi, line: n.line, mapped: n.mapped, node: n });
      usedIn.set(n.taskIndex, list);
    }
  });
  return usedIn;
}

/** An XpersistResult (of a task or a flow) whose serializer cannot write what it is given. */
function resultDiagnostics({ state, known, add }: Checks, r: ResultInfo | null, line: number): void {
  if (r?.class !== 'XpersistResult') return;
  if (r.serializer !== null && !known.has(r.serializer)) {
    const unreleased = UNRELEASED_SERIALIZERS.includes(r.serializer);
    add({
      code: 'unknown-serializer',
      line,
      severity: 'error',
      message: unreleased
        ? `Serializer '${r.serializer}' exists only in unreleased xpersist (after 2021.12.17): the released xpersist raises a RegistryError when the result is written. Known: ${RELEASED_SERIALIZERS.join(', ')}, auto.`
        : `Unknown serializer '${r.serializer}': xpersist 2021.12.17 knows ${RELEASED_SERIALIZERS.join(', ')} and auto (or register it with @xpersist.registry.serializers.register). Writing the result raises a RegistryError.`,
    });
  }
  const store = r.storeIndex != null ? state.stores[r.storeIndex] : undefined;
  const why = r.serializer !== null ? LOCAL_ONLY_SERIALIZERS[r.serializer] : undefined;
  // A serializer the file registers itself (an fsspec-aware one under the same name) is fine.
  if (why && store?.path && isObjectUrl(store.path) && !state.registeredSerializers.has(r.serializer ?? '')) {
    add({
      code: 'serializer-fails-on-object-storage',
      line,
      severity: 'error',
      message: `Serializer '${r.serializer}' cannot write to a store on object storage (${store.path}) with xpersist 2021.12.17: ${why}, so the task run fails when the result is written. Use serializer="xarray.zarr" (or xcollection) for datasets, or register an fsspec-aware serializer (write to a temporary file, then fs.put_file).`,
    });
  }
  if (r.serializer === 'xarray.zarr' && !dumpKwargsUnknown(r)) {
    const mode = r.dumpKwargs?.mode;
    if (mode === undefined || mode === 'w-') {
      add({
        code: 'zarr-without-mode-w',
        line,
        severity: 'warning',
        message:
          "xarray.zarr without serializer_dump_kwargs={'mode': 'w'}: to_zarr's default mode 'w-' refuses to overwrite, so writing this key again (after its sidecar was deleted, or when the cache is invalidated but the data left behind) raises ContainsGroupError.",
      });
    }
  }
}

/**
 * A task's target combined with settings that keep it from ever being cached. Reported at the
 * task's line (its decorator, task(...) call or instantiation): where a user looks for what is
 * wrong with the task, whichever argument it is.
 */
function targetSettingDiagnostics({ state, add }: Checks, t: TaskInfo, i: number, uses: TaskUse[]): void {
  if (t.target?.kind === 'template' && t.target.fstring)
    fstringTargetDiagnostic(state, t.line, t.target.template, i, add);
  if (t.target?.kind === 'callable' && t.target.recipe && /\{\{|\}\}/.test(t.target.recipe)) {
    add({
      code: 'callable-target-unformatted',
      line: t.line,
      severity: 'warning',
      message: `The target function returns a string with {…}: Prefect formats it when it looks for a cached result, but writes the result under the string as returned, so task '${t.name}' never hits the cache. Return the final key (format it yourself).`,
    });
  }
  if (t.target && !t.result) {
    const withoutFlowResult = uses.filter((u) => !state.flows[u.flow].result);
    if (uses.length === 0 || withoutFlowResult.length > 0) {
      add({
        code: 'target-without-result',
        line: t.line,
        severity: uses.length ? 'error' : 'warning',
        message: `Task '${t.name}' has a target but no result: Prefect checks the target with the base Result class and the task fails with ResultNotImplementedError. Pass result=XpersistResult(store, serializer=...) to the task${uses.length ? '' : ' (or to the Flow that runs it)'}.`,
      });
    }
  }
  if (t.target && t.checkpoint === false) {
    add({
      code: 'checkpoint-false-with-target',
      line: t.line,
      severity: 'warning',
      message: `checkpoint=False: Prefect looks for the target on every run but never writes it, so task '${t.name}' is never cached. Remove checkpoint=False or the target.`,
    });
  }
}

/** An f-string target: its fields are filled once, at definition, and may not even be defined then. */
function fstringTargetDiagnostic(
  state: AnalysisState,
  line: number,
  template: string | null,
  i: number,
  add: Add,
): void {
  const notes = state.taskNotes[i];
  const undefinedNames = notes.fstringUndefined;
  const unknown = notes.fstringUnknown.filter((u) => !undefinedNames.includes(u));
  add({
    code: 'fstring-target',
    line,
    severity: undefinedNames.length ? 'error' : unknown.length ? 'warning' : 'information',
    message: undefinedNames.length
      ? `The target is an f-string: Python fills it once, when the task is defined, and ${undefinedNames.join(', ')} ${undefinedNames.length > 1 ? 'are' : 'is'} not defined then (NameError). Use a plain string such as "{date:%A}-{task_name}.zarr": Prefect formats it with its context on every run.`
      : unknown.length
        ? `The target is an f-string: ${unknown.map((u) => `{${u}}`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} filled once, when the task is defined, not on each run. Use a plain string for what Prefect should fill (date, flow_name, task_name, parameters, inputs).`
        : `The target is an f-string, filled once when the task is defined: ${JSON.stringify(template)}. Only its doubled braces are left for Prefect to fill on each run.`,
  });
}

/** A mapped call whose target gives every child the same key (no per-child field, no mapped input). */
function mappedTargetDiagnostics({ state, add }: Checks, t: TaskInfo, uses: TaskUse[]): void {
  const template = templateText(t);
  if (template === null || PER_CHILD_FIELDS.test(template)) return;
  for (const u of uses) {
    if (!u.mapped || usesMappedInput(template, u.node)) continue;
    const flowName = state.flows[u.flow].name;
    add({
      code: 'mapped-target-without-map-index',
      line: t.line,
      severity: 'warning',
      message: `Task '${t.name}' is mapped${flowName ? ` in flow '${flowName}'` : ''} (line ${u.line}) but no field of its target differs between mapped children (no {map_index}, no mapped input): every mapped child gets the same key, so the first child's result is reused for all of them.`,
    });
  }
}

function checkpointing(state: AnalysisState, add: (d: Diagnostic) => void): void {
  const hasTargets = state.tasks.some((t) => t.target !== null);
  const load = state.prefectLoadLine;
  const enables = (v: string | null) => v !== null && v.trim().toLowerCase() === 'true';
  for (const s of state.checkpointEnv) {
    if (s.byXpersist || s.value === null || enables(s.value)) continue;
    const before = load === null || s.line < load;
    const reset =
      state.xpersistImportLine !== null &&
      state.xpersistImportLine > s.line &&
      (load === null || state.xpersistImportLine <= load);
    if (before && !reset) {
      add({
        code: 'checkpointing-disabled',
        line: s.line,
        severity: 'warning',
        message: `PREFECT__FLOWS__CHECKPOINTING=${JSON.stringify(s.value)} turns checkpointing off: Prefect never writes task results, so targets are checked but never cached.`,
      });
    } else if (before) {
      add({
        code: 'checkpointing-disabled',
        line: s.line,
        severity: 'information',
        message: `Setting PREFECT__FLOWS__CHECKPOINTING=${JSON.stringify(s.value)} has no effect: importing xpersist (line ${state.xpersistImportLine}) sets it back to 'True' before Prefect reads it.`,
      });
    } else {
      add({
        code: 'checkpointing-disabled',
        line: s.line,
        severity: 'information',
        message: `Setting PREFECT__FLOWS__CHECKPOINTING=${JSON.stringify(s.value)} after Prefect is imported (line ${load}) does not change this process: Prefect read its configuration at import. It still applies to processes started from here.`,
      });
    }
  }
  for (const c of state.checkpointConfig) {
    if (c.value === false) {
      add({
        code: 'checkpointing-disabled',
        line: c.line,
        severity: 'warning',
        message:
          'prefect.config.flows.checkpointing = False: Prefect never writes task results, so targets are never cached.',
      });
    }
  }
  if (hasTargets && load !== null && !state.prefectLoadedByXpersist) {
    // An explicit setting before the import decides (a false one is reported above).
    const explicit = state.checkpointEnv.some((s) => !s.byXpersist && s.line < load);
    if (!explicit) {
      add({
        code: 'checkpointing-disabled',
        line: load,
        severity: 'warning',
        message:
          state.xpersistImportLine !== null
            ? `Prefect is imported before xpersist (line ${state.xpersistImportLine}), so xpersist's PREFECT__FLOWS__CHECKPOINTING=True comes too late: a local flow.run() keeps Prefect's default (checkpointing off) and never writes targets, unless your environment or ~/.prefect/config.toml turns it on. Import xpersist first, or set os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "True" before importing prefect.`
            : 'Checkpointing is off by default in Prefect 1: a local flow.run() never writes targets unless PREFECT__FLOWS__CHECKPOINTING is "True" when prefect is imported (importing xpersist first sets it).',
      });
    }
  }
}
