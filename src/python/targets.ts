// flowTargets: each task node's target resolved as Prefect 1's TaskRunner formats it —
// `{**parameters, **prefect.context, **task_inputs}` (engine/task_runner.py, check_target and
// the checkpointing write) — over the context FlowRunner builds for a local `flow.run()`.
import { PyDateTime } from './template/datetime';
import { type Kwargs, pyFormat } from './template/format';
import { toPyValue, wildcardsToPattern } from './template/resolve';
import { strftime } from './template/strftime';
import { PyError, PyRuntime, PySet, type PyValue, WILDCARD } from './template/values';
import type { FlowInfo, FlowNode, FlowTarget, PythonAnalysis, TaskInfo } from './types';

export interface TargetContext {
  /** The day targets are evaluated for (its UTC date: Prefect uses pendulum.now("utc")). */
  now: Date;
  /** Parameter values for the run (defaults otherwise). */
  parameters?: Record<string, unknown>;
  /**
   * `now` is the run's own instant (a run starting now, or one being replayed): time-of-day
   * fields (`{date:%H%M}`, `{date}`) are exact. Otherwise only the day is known and they are `*`.
   */
  exactTime?: boolean;
}

/** Context keys of a local run that exist but only take a value when the flow runs. */
const RUNTIME_KEYS = [
  'flow_run_id',
  'flow_run_name',
  'task_run_id',
  'task_run_count',
  'checkpointing',
  'caches',
  'config',
  'logger',
];

/** A kwargs map that remembers which run-time values a template used. */
class TrackingKwargs extends Map<string, PyValue> {
  readonly runtimeUsed = new Set<string>();
  constructor(
    entries: Iterable<[string, PyValue]>,
    /** Inputs could not all be named: unknown fields may be inputs, so they are run-time. */
    private readonly lenient: boolean,
  ) {
    super(entries);
  }
  override has(key: string): boolean {
    return this.lenient || super.has(key);
  }
  override get(key: string): PyValue {
    if (!super.has(key)) {
      this.runtimeUsed.add(key);
      return new PyRuntime(key);
    }
    const v = super.get(key) as PyValue;
    if (v instanceof PyRuntime) this.runtimeUsed.add(key);
    return v;
  }
}

/**
 * A flow by index or by name. A flow made in a loop or a factory (`name: null`, `namePattern:
 * "regional-*"`) is found by its pattern itself or by any name the pattern matches
 * (`regional-eu`); an exact name wins over a pattern.
 */
export function findFlow(analysis: PythonAnalysis, flow: string | number): FlowInfo | undefined {
  if (typeof flow === 'number') return analysis.flows[flow];
  return (
    analysis.flows.find((f) => f.name === flow) ??
    analysis.flows.find((f) => f.name === null && f.namePattern === flow) ??
    analysis.flows.find(
      (f) => f.name === null && f.namePattern !== undefined && globMatch(f.namePattern, flow),
    )
  );
}

/** Whether `name` is one of the names a `*` pattern stands for. */
export function globMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last))
    return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const i = name.indexOf(part, at);
    if (i < 0 || i + part.length > end) return false;
    at = i + part.length;
  }
  return true;
}

function parameterValues(f: FlowInfo, given: Record<string, unknown> | undefined): Map<string, PyValue> {
  const out = new Map<string, PyValue>();
  for (const p of f.parameters) {
    if (given && p.name in given) out.set(p.name, toPyValue(given[p.name]));
    else if (!p.required && 'default' in p) out.set(p.name, toPyValue(p.default));
    else out.set(p.name, new PyRuntime(`parameter ${p.name}`));
  }
  return out;
}

function flowContext(
  flowName: PyValue,
  now: Date,
  exactTime: boolean,
  params: Map<string, PyValue>,
): Map<string, PyValue> {
  const date = PyDateTime.fromDate(now, exactTime);
  const ctx = new Map<string, PyValue>();
  const ymd = (d: PyDateTime) => strftime(d, '%Y-%m-%d');
  const compact = (d: PyDateTime) => strftime(d, '%Y%m%d');
  ctx.set('date', date);
  ctx.set('scheduled_start_time', date);
  ctx.set('today', ymd(date));
  ctx.set('yesterday', ymd(date.addDays(-1)));
  ctx.set('tomorrow', ymd(date.addDays(1)));
  ctx.set('today_nodash', compact(date));
  ctx.set('yesterday_nodash', compact(date.addDays(-1)));
  ctx.set('tomorrow_nodash', compact(date.addDays(1)));
  ctx.set('flow_name', flowName);
  ctx.set('flow_id', flowName);
  ctx.set('parameters', Object.fromEntries(params));
  for (const k of RUNTIME_KEYS) ctx.set(k, new PyRuntime(k));
  return ctx;
}

function nodeKwargs(
  f: FlowInfo,
  node: FlowNode,
  task: TaskInfo | null,
  base: Map<string, PyValue>,
  params: Map<string, PyValue>,
): TrackingKwargs {
  // Prefect: {**parameters, **context, **inputs}; later keys win.
  const entries = new Map<string, PyValue>(params);
  for (const [k, v] of base) entries.set(k, v);
  const name: PyValue = task?.nameDynamic ? new PyRuntime('task name') : node.task;
  entries.set('task_name', name);
  // A mapped child's full name is `name[i]` (TaskRunner: f"{task.name}[{map_index}]").
  entries.set(
    'task_full_name',
    node.mapped && typeof name === 'string'
      ? `${name}[${WILDCARD}]`
      : node.mapped
        ? new PyRuntime('task_full_name')
        : name,
  );
  entries.set('map_index', node.mapped ? new PyRuntime('map_index') : null);
  entries.set('task_slug', node.id);
  entries.set('task_id', node.id);
  const tags = node.tags ?? [];
  entries.set('task_tags', tags.length > 1 ? new PyRuntime('task_tags') : new PySet(tags));
  let lenient = task === null || !task.params;
  for (const [key, input] of Object.entries(node.inputs ?? {})) {
    if (key.startsWith('#')) {
      lenient = true;
      continue;
    }
    if (input.kind === 'const') entries.set(key, toPyValue(input.value));
    else if (input.kind === 'node' && !input.mapped && f.parameters.some((p) => p.name === input.id)) {
      entries.set(key, params.get(input.id) ?? new PyRuntime(key));
    } else entries.set(key, new PyRuntime(key));
  }
  entries.delete('self');
  return new TrackingKwargs(entries, lenient);
}

type Outcome = { key: string } | { pattern: string } | { error: string };

function explain(e: PyError): string {
  const base = `${e.type}: ${e.message}`;
  if (e.type === 'KeyError') {
    return `${base} (not a Prefect context key, flow parameter or input of this task: Prefect raises KeyError)`;
  }
  return base;
}

function format(template: string, kwargs: Kwargs): string | { error: string } {
  try {
    return pyFormat(template, kwargs);
  } catch (e) {
    if (e instanceof PyError) return { error: explain(e) };
    throw e;
  }
}

function outcome(s: string): Outcome {
  return s.includes(WILDCARD) ? { pattern: wildcardsToPattern(s) } : { key: s };
}

interface Resolved {
  out: Outcome | null;
  template: string | null;
  /** Where a callable target's result is written, when it differs from the key checked. */
  written?: Outcome;
}

function resolveNode(task: TaskInfo | null, kwargs: TrackingKwargs): Resolved {
  const target = task?.target ?? null;
  if (!target) return { out: null, template: null };
  if (target.kind === 'template') {
    const template = target.template ?? target.partial ?? null;
    if (template === null) {
      kwargs.runtimeUsed.add('target');
      return { out: { pattern: '*' }, template: null };
    }
    const s = format(template, kwargs);
    return { out: typeof s === 'string' ? outcome(s) : s, template: target.template };
  }
  // A callable target: Prefect calls it with the formatting kwargs. check_target formats what it
  // returns again (XpersistResult.exists / read), but Result.format writes it as returned.
  if (!target.recipe) {
    kwargs.runtimeUsed.add('target');
    return { out: { pattern: '*' }, template: null };
  }
  const location = format(target.recipe, kwargs);
  if (typeof location !== 'string') return { out: location, template: null };
  const s = format(location, kwargs);
  const resolved: Resolved = { out: typeof s === 'string' ? outcome(s) : s, template: null };
  if (typeof s !== 'string' || s !== location) resolved.written = outcome(location);
  return resolved;
}

export function flowTargets(
  analysis: PythonAnalysis,
  flow: string | number,
  context: TargetContext,
): FlowTarget[] {
  const f = findFlow(analysis, flow);
  if (!f) return [];
  const params = parameterValues(f, context.parameters);
  // Asked for one of the names a pattern flow takes (`regional-eu` of `regional-*`): that run's name.
  const named = typeof flow === 'string' && f.name === null && flow !== f.namePattern ? flow : null;
  const flowName = f.name ?? named ?? new PyRuntime('flow name');
  const base = flowContext(flowName, context.now, context.exactTime === true, params);
  const out: FlowTarget[] = [];
  for (const node of f.nodes) {
    if (node.kind === 'parameter') continue;
    const taskIndex = node.taskIndex ?? null;
    const task = taskIndex !== null ? (analysis.tasks[taskIndex] ?? null) : null;
    const kwargs = nodeKwargs(f, node, task, base, params);
    let resolved: Resolved;
    try {
      resolved = resolveNode(task, kwargs);
    } catch (e) {
      resolved = { out: { error: `cannot evaluate the target: ${(e as Error).message}` }, template: null };
    }
    const { out: res, template, written } = resolved;
    const result = task?.result ?? f.result ?? null;
    const ft: FlowTarget = {
      node: node.id,
      task: node.task,
      template,
      taskIndex,
      line: node.line,
      mapped: node.mapped,
      result,
      storeIndex: result?.class === 'XpersistResult' ? (result.storeIndex ?? null) : null,
      checkpoint: task?.checkpoint ?? null,
    };
    if (task?.target && !result) {
      // Prefect checks the target through the base Result class, which raises.
      ft.error =
        'ResultNotImplementedError: the task has a target but neither it nor its flow has a result (pass result=XpersistResult(store, serializer=...))';
    } else if (res) Object.assign(ft, res);
    if (written && 'key' in written) ft.writeKey = written.key;
    if (written && 'pattern' in written) ft.writePattern = written.pattern;
    if ('pattern' in ft) ft.runtimeFields = [...kwargs.runtimeUsed];
    out.push(ft);
  }
  return out;
}
