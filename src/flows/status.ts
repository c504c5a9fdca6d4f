// One vocabulary for cache states and run states, shared by the tree, the code lenses and the flow
// graph: the short name each shows, its codicon, and its tone (the graph's colour class). Cache
// states are facts about the store; run states are what the last run did, and never share a name
// with a cache state ("loaded from cache" is a run state, "cached" a cache state).
import type { CacheStatus } from './cacheState';
import type { LiveState } from './runEvents';

/**
 * 'unloadable': the artifact is in the store but the installed xpersist has no serializer to read
 * it back (the tree's mark; src/explorer/integrity.ts says why).
 */
export type Status = CacheStatus | 'parameter' | 'unloadable';
export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'muted';

export interface StatusInfo {
  /** What lenses, nodes and the legend say. */
  label: string;
  /** Codicon name (lenses as `$(name)`, tree items as ThemeIcon). */
  icon: string;
  tone: Tone;
}

export const STATUS: Record<Status, StatusInfo> = {
  cached: { label: 'cached', icon: 'pass-filled', tone: 'ok' },
  stale: { label: 'stale', icon: 'history', tone: 'warn' },
  'not-cached': { label: 'not cached', icon: 'circle-large-outline', tone: 'muted' },
  runtime: { label: 'depends on run time', icon: 'question', tone: 'info' },
  'sidecar-without-data': { label: 'sidecar without data', icon: 'warning', tone: 'error' },
  broken: { label: 'broken sidecar', icon: 'error', tone: 'error' },
  error: { label: 'target fails', icon: 'error', tone: 'error' },
  'no-target': { label: 'no target', icon: 'dash', tone: 'muted' },
  'no-store': { label: 'no xpersist store', icon: 'circle-slash', tone: 'muted' },
  'store-not-scanned': { label: 'checking cache…', icon: 'sync~spin', tone: 'muted' },
  'store-unreadable': { label: 'store unreadable', icon: 'error', tone: 'error' },
  parameter: { label: 'parameter', icon: 'symbol-parameter', tone: 'muted' },
  unloadable: { label: 'not loadable', icon: 'plug', tone: 'warn' },
};

export interface RunStateInfo {
  label: string;
  /** A glyph drawn in the graph's run mark (text, so it survives SVG export). */
  glyph: string;
  tone: Tone | 'running';
}

export const RUN_STATE: Record<LiveState, RunStateInfo> = {
  Pending: { label: 'pending', glyph: '…', tone: 'muted' },
  Running: { label: 'running', glyph: '▶', tone: 'running' },
  Success: { label: 'ran', glyph: '✓', tone: 'ok' },
  Cached: { label: 'loaded from cache', glyph: '↺', tone: 'info' },
  Failed: { label: 'failed', glyph: '✗', tone: 'error' },
  Skipped: { label: 'skipped', glyph: '–', tone: 'muted' },
  Other: { label: 'other', glyph: '?', tone: 'muted' },
};

/** The order statuses are listed in the graph's legend (a graph node is never 'unloadable'). */
export const LEGEND_ORDER: Exclude<Status, 'unloadable'>[] = [
  'cached',
  'stale',
  'not-cached',
  'runtime',
  'sidecar-without-data',
  'broken',
  'error',
  'store-unreadable',
  'no-store',
  'no-target',
  'parameter',
];

/** "2.1 s", "340 ms", "3 min 5 s": a task's run duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
