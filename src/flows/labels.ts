// The one-line texts code lenses show for a cache state:
//   cached · bar.zarr · 2.3 MB · 5 min ago
//   not cached · bar.zarr
//   depends on run time · 3 matches for *-sample_flow-foo_task.zarr
import type { TaskCacheState } from './cacheState';

/** Bytes as VS Code shows them (1024-based, one decimal above a kilobyte). */
export function formatBytes(n: number | null): string | null {
  if (n === null || !Number.isFinite(n)) return null;
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[u]}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (or "in the future" for clock skew). */
export function formatAge(then: Date | null, now: Date): string | null {
  if (!then) return null;
  const s = Math.round((now.getTime() - then.getTime()) / 1000);
  if (s < -60) return 'in the future';
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

export function lensLabel(state: TaskCacheState, now: Date = new Date()): string {
  const key = state.key ?? state.pattern ?? '';
  const details = (extra: (string | null)[]) => extra.filter((x): x is string => !!x).join(' · ');
  switch (state.status) {
    case 'cached':
      return details([
        'cached',
        key,
        formatBytes(state.artifact?.sizeBytes ?? null),
        formatAge(state.artifact?.createdAt ?? null, now),
      ]);
    case 'stale':
      return details([
        'stale',
        key,
        state.staleBecause?.length ? `upstream ${state.staleBecause.join(', ')} is newer` : null,
        formatAge(state.artifact?.createdAt ?? null, now),
      ]);
    case 'not-cached':
      return `not cached · ${key}`;
    case 'runtime': {
      const n = state.matches.length;
      return `depends on run time · ${n} ${n === 1 ? 'match' : 'matches'} for ${key}`;
    }
    case 'sidecar-without-data':
      return `sidecar without data · ${key}`;
    case 'broken':
      return `broken · ${key}`;
    case 'error':
      return `target error · ${state.error ?? ''}`;
    case 'no-target':
      return 'no target';
    case 'no-store':
      return `store unknown · ${key}`;
    case 'store-not-scanned':
      return `store not scanned · ${key}`;
  }
}
