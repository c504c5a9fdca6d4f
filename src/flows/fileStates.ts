// Everything a file's lenses need in one call: every flow's targets resolved for a day and looked
// up in the scanned stores.
import type { StoreReport } from '../core/types';
import { resolveStorePath } from '../python/storePath';
import { flowTargets } from '../python/targets';
import type { PathContext, PythonAnalysis } from '../python/types';
import { computeCacheStates, type TaskCacheState } from './cacheState';
import { buildFlowGraph, type FlowGraph } from './graph';

export interface FileStatesOptions {
  /** The day targets are evaluated for ("Evaluate targets as of..."); now by default. */
  now?: Date;
  /**
   * `now` is an instant a run could start at (the present, or a date and time typed in "Evaluate
   * targets as of..."): time-of-day fields (`{date:%H%M}`) are exact, not `*` (flowTargets' exactTime).
   */
  exactTime?: boolean;
  /** Parameter values per flow name, or name pattern (defaults otherwise). */
  parameters?: Record<string, Record<string, unknown>>;
  /** Where store paths resolve (env, home, cwd, storeExpressions setting). */
  pathContext?: PathContext;
  /** Store roots already resolved by the caller, aligned with `analysis.stores`. */
  storeRoots?: readonly (string | null)[];
  reports: readonly StoreReport[];
  /** See `CacheStateInput.storeProblem`. */
  storeProblem?: (root: string) => 'missing' | string | null;
}

export interface FlowStates {
  flow: number;
  name: string | null;
  /** A flow made in a loop or a factory: the pattern of its names (what `--flow` runs). */
  namePattern?: string;
  graph: FlowGraph;
  states: TaskCacheState[];
}

export function fileCacheStates(analysis: PythonAnalysis, options: FileStatesOptions): FlowStates[] {
  const now = options.now ?? new Date();
  const storeRoots =
    options.storeRoots ?? analysis.stores.map((s) => resolveStorePath(s, options.pathContext ?? {}));
  return analysis.flows.map((flow, i) => {
    const graph = buildFlowGraph(flow);
    const targets = flowTargets(analysis, i, {
      now,
      exactTime: options.exactTime === true,
      // A flow made in a loop or a factory has its pattern (`regional-*`) for a name.
      parameters: options.parameters?.[flow.name ?? flow.namePattern ?? ''],
    });
    return {
      flow: i,
      name: flow.name,
      ...(flow.name === null && flow.namePattern !== undefined ? { namePattern: flow.namePattern } : {}),
      graph,
      states: computeCacheStates({
        targets,
        storeRoots,
        reports: options.reports,
        flow,
        graph,
        storeProblem: options.storeProblem,
      }),
    };
  });
}

/**
 * What "Evaluate targets as of..." was given: null for now (empty or `now`); a day (`YYYY-MM-DD`)
 * is evaluated at its noon UTC with only the day known, a date and time (`YYYY-MM-DDTHH:MM`, UTC
 * unless it has an offset) as that exact instant. undefined: not a date.
 */
export function parseAsOf(text: string): { at: Date; exact: boolean } | null | undefined {
  const t = text.trim();
  if (t === '' || t === 'now') return null;
  const exact = /T/.test(t);
  const at = new Date(exact ? (/[zZ]|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`) : `${t}T12:00:00Z`);
  return Number.isNaN(at.getTime()) ? undefined : { at, exact };
}
