// Which Prefect 1.x executor a flow run uses: the editor's choice (a setting, or a quick pick
// remembered per workspace) in the shape Prefect's constructors take, validated here, handed to
// python/xpersist_flow_runner.py as `--executor JSON`; and the executors a flow file sets itself,
// found in its source so the quick pick can show them.
import * as z from 'zod/mini';

/** `{ type, ...kwargs }`: the executor class and the keyword arguments Prefect 1.x takes. */
export type ExecutorChoice =
  | { type: 'file' }
  | { type: 'LocalExecutor' }
  | { type: 'LocalDaskExecutor'; scheduler?: 'threads' | 'processes' | 'synchronous'; num_workers?: number }
  | {
      type: 'DaskExecutor';
      address?: string;
      cluster_class?: string;
      cluster_kwargs?: Record<string, unknown>;
      adapt_kwargs?: Record<string, unknown>;
    };

const kwargs = z.record(z.string(), z.unknown());
const choiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file') }),
  z.object({ type: z.literal('LocalExecutor') }),
  z.object({
    type: z.literal('LocalDaskExecutor'),
    scheduler: z.optional(z.enum(['threads', 'processes', 'synchronous'])),
    num_workers: z.optional(z.number().check(z.int(), z.positive())),
  }),
  z.object({
    type: z.literal('DaskExecutor'),
    address: z.optional(z.string()),
    cluster_class: z.optional(z.string()),
    cluster_kwargs: z.optional(kwargs),
    adapt_kwargs: z.optional(kwargs),
  }),
]);

const SHORT_NAMES: Record<string, ExecutorChoice['type']> = {
  file: 'file',
  local: 'LocalExecutor',
  localexecutor: 'LocalExecutor',
  localdask: 'LocalDaskExecutor',
  localdaskexecutor: 'LocalDaskExecutor',
  dask: 'DaskExecutor',
  daskexecutor: 'DaskExecutor',
};

/** A dotted Python name such as `dask_jobqueue.SLURMCluster`. */
const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;
/** A Dask scheduler address: `tcp://host:port` (also tls/ws/wss/ucx/inproc). */
const ADDRESS = /^(tcp|tls|ws|wss|ucx|inproc):\/\/[^\s/]+$/;

export type ParsedChoice = { ok: true; choice: ExecutorChoice } | { ok: false; error: string };

/**
 * Reads the `xpersist.run.executor` setting: a class name ("LocalDaskExecutor") or
 * `{ "type": ..., ...kwargs }`; absent or empty means "as the file says".
 */
export function parseExecutorChoice(raw: unknown): ParsedChoice {
  if (raw === undefined || raw === null || raw === '') return { ok: true, choice: { type: 'file' } };
  const value = typeof raw === 'string' ? { type: raw } : raw;
  if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string') {
    const type = SHORT_NAMES[value.type.toLowerCase()] ?? value.type;
    const r = choiceSchema.safeParse({ ...value, type });
    if (!r.success)
      return { ok: false, error: `xpersist.run.executor: ${r.error.issues[0]?.message ?? 'invalid'}` };
    return checkDask(r.data as ExecutorChoice);
  }
  return {
    ok: false,
    error:
      'xpersist.run.executor must be "file", "LocalExecutor", "LocalDaskExecutor", "DaskExecutor" or an object with "type"',
  };
}

function checkDask(choice: ExecutorChoice): ParsedChoice {
  if (choice.type !== 'DaskExecutor') return { ok: true, choice };
  if (choice.address !== undefined && (choice.cluster_class !== undefined || choice.cluster_kwargs))
    // Prefect raises the same: an address means an existing cluster.
    return {
      ok: false,
      error: 'DaskExecutor takes either an address or a cluster_class/cluster_kwargs, not both',
    };
  if (choice.address !== undefined && !ADDRESS.test(choice.address))
    return { ok: false, error: `Not a Dask scheduler address: ${choice.address} (expected tcp://host:port)` };
  if (choice.cluster_class !== undefined && !DOTTED.test(choice.cluster_class))
    return {
      ok: false,
      error: `cluster_class must be a dotted Python name such as distributed.LocalCluster, not ${choice.cluster_class}`,
    };
  return { ok: true, choice };
}

/** The `--executor` argument for the runner; null when the file's own executor is used. */
export function runnerExecutorArg(choice: ExecutorChoice): string | null {
  return choice.type === 'file' ? null : JSON.stringify(choice);
}

/** The executor as Python would read it: `DaskExecutor(address="tcp://…")`. */
export function describeExecutor(choice: ExecutorChoice): string {
  if (choice.type === 'file') return 'as the file says';
  const { type, ...rest } = choice;
  const args = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${pythonLiteral(v)}`);
  return `${type}(${args.join(', ')})`;
}

function pythonLiteral(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`)
      .join(', ')}}`;
  return String(v);
}

export interface ExecutorInSource {
  /** 0-based line. */
  line: number;
  /** The class called, e.g. `DaskExecutor`. */
  className: string;
  /** The call as written, shortened to one line. */
  text: string;
}

/**
 * Executors the file sets on a flow: `Flow(..., executor=X(...))`, `flow.executor = X(...)` or
 * `flow.run(executor=X(...))`. A textual search: it shows the user what the file asks for; the
 * run itself reports the executor Prefect really used.
 */
export function executorsInSource(text: string): ExecutorInSource[] {
  const found: ExecutorInSource[] = [];
  const re = /\bexecutor\s*=\s*(?:[A-Za-z_][\w.]*\.)?([A-Za-z_]\w*Executor)\s*\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(text, open);
    const call = text
      .slice(m.index + m[0].indexOf(m[1] as string), close + 1)
      .replace(/\s+/g, ' ')
      .replace(/\(\s+/g, '(')
      .replace(/,?\s*\)$/, ')');
    found.push({
      line: text.slice(0, m.index).split('\n').length - 1,
      className: m[1] as string,
      text: call.length > 80 ? `${call.slice(0, 79)}…` : call,
    });
  }
  return found;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length - 1;
}

/** One line for the run's status item: `DaskExecutor · 4 workers`. */
export function liveExecutorLabel(e: { kind: string; scheduler?: string; workers?: number }): string {
  const parts = [e.kind];
  if (e.scheduler) parts[0] = `${e.kind} (${e.scheduler})`;
  if (e.workers !== undefined) parts.push(`${e.workers} worker${e.workers === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
