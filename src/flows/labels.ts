// The one-line texts code lenses show for a cache state:
//   cached · bar.zarr · 2.3 MB · 5 min ago
//   not cached · bar.zarr
//   depends on run time · 3 matches for *-sample_flow-foo_task.zarr
import { formatAge, formatBytes } from '../explorer/format';
import type { TaskCacheState } from './cacheState';

export function lensLabel(state: TaskCacheState, now: Date = new Date()): string {
  const key = state.key ?? state.pattern ?? '';
  const details = (extra: (string | null)[]) => extra.filter((x): x is string => !!x).join(' · ');
  switch (state.status) {
    case 'cached':
      return details([
        'cached',
        key,
        state.artifact?.sizeBytes != null ? formatBytes(state.artifact.sizeBytes) : null,
        state.artifact?.createdAt ? formatAge(state.artifact.createdAt, now) : null,
      ]);
    case 'stale':
      return details([
        'stale',
        key,
        state.staleBecause?.length ? `upstream ${state.staleBecause.join(', ')} is newer` : null,
        state.artifact?.createdAt ? formatAge(state.artifact.createdAt, now) : null,
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
