// How a delete is confirmed and whether it can be undone (docs/ARCHITECTURE.md, "Deletes that can be undone").
// A local store of ordinary size: the keys move into the store's trash and an Undo is offered for
// UNDO_WINDOW_MS. A store on object storage (a move there is a copy of every object) or a large
// one: no trash, the user types what is deleted instead of pressing Enter.

import { plural } from '../common/format';
import type { StoreReport } from '../core/types';

/** How long an Undo is offered; trash entries older than this are purged. */
export const UNDO_WINDOW_MS = 60_000;
/**
 * Above either figure a store is "large": its trash would hold gigabytes a user deleting to free
 * space expects back, and each of its scans (the tree after an undo) takes seconds.
 */
export const LARGE_STORE_ARTIFACTS = 20_000;
export const LARGE_STORE_BYTES = 50 * 1024 ** 3;

export type DeleteMode =
  | { kind: 'trash' }
  | {
      kind: 'typed';
      /** Why there is no undo, said in the prompt. */
      reason: string;
    };

export interface StoreFacts {
  root: string;
  report: Pick<StoreReport, 'artifacts'> | null;
}

const isRemoteRoot = (root: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(root);

/** Trash and Undo, or a typed confirmation, for a delete in this store. */
export function deleteMode(store: StoreFacts): DeleteMode {
  if (isRemoteRoot(store.root))
    return { kind: 'typed', reason: 'the store is on object storage, where a delete cannot be undone' };
  const artifacts = store.report?.artifacts ?? [];
  if (artifacts.length > LARGE_STORE_ARTIFACTS)
    return {
      kind: 'typed',
      reason: `the store holds ${plural(artifacts.length, 'artifact')} (over ${LARGE_STORE_ARTIFACTS.toLocaleString('en-US')}), too large for a trash`,
    };
  const bytes = artifacts.reduce((n, a) => n + (a.sizeBytes ?? 0), 0);
  if (bytes > LARGE_STORE_BYTES)
    return {
      kind: 'typed',
      reason: `the store holds over ${LARGE_STORE_BYTES / 1024 ** 3} GiB, too large for a trash`,
    };
  return { kind: 'trash' };
}

/** The text a user types to confirm deleting `keys` without undo: the key, or "delete N". */
export function typedConfirmation(keys: string[]): { expected: string; prompt: string } {
  const expected = keys.length === 1 ? keys[0] : `delete ${keys.length}`;
  const what = keys.length === 1 ? 'the key' : `"delete ${keys.length}"`;
  return { expected, prompt: `Type ${what} to delete ${plural(keys.length, 'artifact')} for good.` };
}

/** The input box's complaint about `typed`, or null when it confirms. */
export function typedMismatch(typed: string, expected: string): string | null {
  if (typed.trim() === expected) return null;
  return `Type exactly: ${expected}`;
}

/**
 * What the confirmation says about getting the data back. `forGood`: the reasons of the stores
 * without a trash. `rerun`: a run follows the delete, which rewrites the keys, so no Undo is
 * offered at once; the old data waits in the trash until the run ends and is offered back if the
 * run fails or is cancelled (a slip of Rerun must not cost a cached result).
 */
export function recoveryText(trashDir: string, forGood: string[], rerun: boolean): string {
  if (forGood.length > 0) return `The deleted data cannot be restored: ${[...new Set(forGood)].join('; ')}.`;
  if (rerun)
    return `The old data moves to the store's trash (${trashDir}/) while the flow runs: if the run fails or is cancelled, you can restore it.`;
  return `The data moves to the store's trash (${trashDir}/) and can be restored for ${UNDO_WINDOW_MS / 1000} s.`;
}

/** How a rerun's run ended when it did not complete. */
export type RerunOutcome = 'failed' | 'cancelled' | 'not-run';
const RUN_ENDED: Record<RerunOutcome, string> = {
  failed: 'The run failed',
  cancelled: 'The run was cancelled',
  'not-run': 'The flow did not run',
};

/**
 * The notification after a rerun that did not complete, for the deleted keys the run did not
 * write again (`back`); null when there is nothing to offer.
 */
export function restoreAfterRunMessage(
  back: { key: string; store: string }[],
  outcome: RerunOutcome,
): string | null {
  if (back.length === 0) return null;
  const stores = [...new Set(back.map((t) => t.store))].join(', ');
  const one = back.length === 1;
  const which = one ? JSON.stringify(back[0].key) : plural(back.length, 'target');
  return `${RUN_ENDED[outcome]}: ${which} deleted for the rerun ${one ? 'is' : 'are'} in the trash of ${stores}. Restore puts ${one ? 'it' : 'them'} back (offered for ${UNDO_WINDOW_MS / 1000} s).`;
}
