// The stores discovery found, one per root: a root named by several sources (a setting, the
// workspace walk, a CacheStore(...) in a Python file) is one store that lists them all.

/** A store as one source names it; `'setting'` is the xpersist.stores setting. */
export interface StoreCandidate {
  root: string;
  /** 'setting', 'workspace' or 'python' (the API's StoreSource). */
  source: string;
  name?: string;
  readonly?: boolean;
  /** fsspec storage options of a store on object storage (a setting's, or a literal in Python). */
  storageOptions?: Record<string, unknown>;
}

/**
 * One candidate per root, in first-seen order, with every source that named it (each once). A
 * setting's name, read-only mode and storage options win over discovery's, and make it the
 * store's source; otherwise the first storage options found stay.
 */
export function mergeCandidates<C extends StoreCandidate>(
  cands: readonly C[],
): Map<string, C & { sources: C['source'][] }> {
  const merged = new Map<string, C & { sources: C['source'][] }>();
  for (const c of cands) {
    const m = merged.get(c.root);
    if (!m) merged.set(c.root, { ...c, sources: [c.source] });
    else {
      if (!m.sources.includes(c.source)) m.sources.push(c.source);
      if (c.source === 'setting') {
        m.name = c.name ?? m.name;
        m.readonly = c.readonly ?? m.readonly;
        m.storageOptions = c.storageOptions ?? m.storageOptions;
        m.source = c.source;
      } else m.storageOptions ??= c.storageOptions;
    }
  }
  return merged;
}
