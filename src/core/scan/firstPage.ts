// The first page of a big store, reported before the whole store is proven: the keys a view lists
// first, in the view's own order. Each is stat'ed and read at that moment (nothing comes from an
// index), so what it shows is as current as a full scan; the full scan's report replaces it.
// A 100,000-artifact store then lists its first rows in milliseconds instead of seconds.

const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The first `size` keys in `compare` order, sorted (one pass, a bounded sorted buffer). */
export function firstKeys(
  keys: readonly string[],
  size: number,
  compare: (a: string, b: string) => number = codeUnitOrder,
): string[] {
  const out: string[] = [];
  if (size <= 0) return out;
  for (const k of keys) {
    if (out.length === size && compare(k, out[size - 1]) >= 0) continue;
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(out[mid], k) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, k);
    if (out.length > size) out.pop();
  }
  return out;
}
