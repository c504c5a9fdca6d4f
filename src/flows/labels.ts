// The one-line texts code lenses show for a cache state:
//   cached · bar.zarr · 2.3 MB · 5 min ago
//   not cached · bar.zarr
//   depends on run time · 3 matches for *-sample_flow-foo_task.zarr
import { formatAge, formatBytes } from '../common/format';
import type { TaskCacheState } from './cacheState';
import { STATUS } from './status';

export function lensLabel(state: TaskCacheState, now: Date = new Date()): string {
  const key = state.key ?? state.pattern ?? '';
  const details = (extra: (string | null | undefined)[]) => extra.filter((x): x is string => !!x).join(' · ');
  const head = STATUS[state.status].label;
  const age = state.artifact?.createdAt ? formatAge(state.artifact.createdAt, now) : null;
  switch (state.status) {
    case 'cached':
      return details([
        head,
        key,
        state.artifact?.sizeBytes != null ? formatBytes(state.artifact.sizeBytes) : null,
        age,
      ]);
    case 'stale':
      return details([
        head,
        key,
        state.staleBecause?.length ? `upstream ${state.staleBecause.join(', ')} is newer` : null,
        age,
      ]);
    case 'runtime': {
      const n = state.matches.length;
      return `${head} · ${n} ${n === 1 ? 'match' : 'matches'} for ${key}`;
    }
    case 'error':
      return details([head, state.error]);
    case 'no-target':
      return head;
    case 'no-store':
    case 'store-unreadable':
      return details([head, key, state.reason]);
    default:
      return details([head, key]);
  }
}
