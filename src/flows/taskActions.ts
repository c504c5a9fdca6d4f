// Which destructive task actions (Invalidate, Rerun) are offered for a task's cache state, shared
// by the lenses and the flow graph: none is offered where it would be refused (an untrusted
// workspace, a read-only store), as the Caches view's `when` clauses do for its rows.
import type { TaskCacheState } from './cacheState';

/** What decides whether a store may be written: the workspace's trust and each store's mode. */
export interface WriteAccess {
  trusted: boolean;
  /** Why the store at `root` is read-only, or null when it may be written. */
  readonlyReason(root: string): string | null;
}

/** The sidecar(s) a state points at: what Invalidate deletes. */
export function invalidationKeys(s: TaskCacheState): string[] {
  if (
    s.status === 'cached' ||
    s.status === 'stale' ||
    s.status === 'sidecar-without-data' ||
    s.status === 'broken'
  ) {
    return s.key ? [s.key] : [];
  }
  if (s.status === 'runtime') return [...s.matches.map((a) => a.key), ...(s.brokenMatches ?? [])];
  return [];
}

/** Whether a delete in the store at `root` would be refused, and why (null: it would not). */
export function deleteRefusal(root: string, access: WriteAccess): string | null {
  if (!access.trusted) return 'the workspace is not trusted';
  const why = access.readonlyReason(root);
  return why === null ? null : `the store is read-only (${why})`;
}

/** Invalidate is offered when there is something to delete and the delete would be allowed. */
export function offersInvalidate(s: TaskCacheState, access: WriteAccess): boolean {
  return !!s.storeRoot && invalidationKeys(s).length > 0 && deleteRefusal(s.storeRoot, access) === null;
}

/**
 * Rerun runs the flow (only in a trusted workspace) after invalidating the target: not offered
 * where that delete would be refused; with nothing to delete it is a plain run.
 */
export function offersRerun(s: TaskCacheState, access: WriteAccess): boolean {
  if (!access.trusted) return false;
  return invalidationKeys(s).length === 0 || offersInvalidate(s, access);
}
