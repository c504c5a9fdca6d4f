// A store's keys indexed once for target lookups: a Map for exact keys, and sorted prefix and
// suffix arrays so a pattern (`*-sample_flow-foo_task.zarr`) only scans the keys that can match.
import type { ArtifactEntry, StoreReport } from '../core/types';

function lowerBound(arr: readonly string[], x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const reverse = (s: string) => {
  let out = '';
  for (let i = s.length - 1; i >= 0; i--) out += s[i];
  return out;
};

/** Whether `key` matches a pattern split on '*' (each '*' any run of characters, '/' included). */
export function matchSegments(key: string, segs: readonly string[]): boolean {
  if (segs.length === 1) return key === segs[0];
  const first = segs[0];
  const last = segs[segs.length - 1];
  if (key.length < first.length + last.length || !key.startsWith(first) || !key.endsWith(last)) return false;
  let pos = first.length;
  const end = key.length - last.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const at = key.indexOf(segs[i], pos);
    if (at < 0 || at + segs[i].length > end) return false;
    pos = at + segs[i].length;
  }
  return true;
}

export class KeyIndex {
  readonly byKey = new Map<string, ArtifactEntry>();
  readonly broken: Set<string>;
  private readonly sorted: string[];
  private readonly reversedSorted: string[];
  private readonly keyOfReversed = new Map<string, string>();

  constructor(readonly report: StoreReport) {
    for (const a of report.artifacts) this.byKey.set(a.key, a);
    this.broken = new Set(report.brokenKeys ?? []);
    this.sorted = [...this.byKey.keys()].sort();
    this.reversedSorted = this.sorted.map((k) => {
      const r = reverse(k);
      this.keyOfReversed.set(r, k);
      return r;
    });
    this.reversedSorted.sort();
  }

  private withPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (
      let i = lowerBound(this.sorted, prefix);
      i < this.sorted.length && this.sorted[i].startsWith(prefix);
      i++
    ) {
      out.push(this.sorted[i]);
    }
    return out;
  }

  private withSuffix(suffix: string): string[] {
    const r = reverse(suffix);
    const out: string[] = [];
    const arr = this.reversedSorted;
    for (let i = lowerBound(arr, r); i < arr.length && arr[i].startsWith(r); i++)
      out.push(this.keyOfReversed.get(arr[i])!);
    return out;
  }

  /** Artifacts whose key matches the pattern. */
  match(pattern: string): ArtifactEntry[] {
    const segs = pattern.split('*');
    if (segs.length === 1) {
      const a = this.byKey.get(pattern);
      return a ? [a] : [];
    }
    const prefix = segs[0];
    const suffix = segs[segs.length - 1];
    const candidates =
      prefix.length === 0 && suffix.length === 0
        ? this.sorted
        : prefix.length >= suffix.length
          ? this.withPrefix(prefix)
          : this.withSuffix(suffix);
    const out: ArtifactEntry[] = [];
    for (const k of candidates) if (matchSegments(k, segs)) out.push(this.byKey.get(k)!);
    return out;
  }

  /** Unreadable sidecars whose key matches the pattern. */
  brokenMatching(pattern: string): string[] {
    const segs = pattern.split('*');
    return [...this.broken].filter((k) => matchSegments(k, segs));
  }
}

const indexes = new WeakMap<StoreReport, KeyIndex>();

/** The index of a report, built on first use and kept as long as the report is. */
export function keyIndex(report: StoreReport): KeyIndex {
  let idx = indexes.get(report);
  if (!idx) {
    idx = new KeyIndex(report);
    indexes.set(report, idx);
  }
  return idx;
}
