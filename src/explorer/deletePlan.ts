// How a delete is confirmed and whether it can be undone (docs/ARCHITECTURE.md, "Deletes that can be undone").
// A local store of ordinary size: the keys move into the store's trash and an Undo is offered for
// UNDO_WINDOW_MS. A store on object storage (a move there is a copy of every object) or a large
// one: no trash, the user types what is deleted instead of pressing Enter.
import type { StoreReport } from '../core/types';
import { plural } from './format';

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
