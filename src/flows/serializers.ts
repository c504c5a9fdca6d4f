// The serializer names xpersist knows: the release's, the current source's, and what the selected
// interpreter answers (src/extension/flows/interpreterSerializers.ts). No dependencies: activation
// loads it.

/** xpersist 2021.12.17's registry (xpersist/serializers.py). */
export const RELEASED_SERIALIZERS = ['xarray.zarr', 'xarray.netcdf', 'xcollection', 'joblib'] as const;
/** Registered by xpersist's current source (after the release): known when no interpreter answers. */
export const SOURCE_ONLY_SERIALIZERS = ['pandas.csv', 'pandas.parquet'] as const;

/** What the interpreter runs (`python -c`): importing xpersist registers its serializers. */
export const SERIALIZER_QUERY =
  'import json, xpersist\nprint("XPERSIST_SERIALIZERS=" + json.dumps(sorted(xpersist.registry.serializers.get_all())))';

/** The serializer names in the interpreter query's output, or null when it gave none. */
export function parseSerializerList(stdout: string): string[] | null {
  const m = /^XPERSIST_SERIALIZERS=(.*)$/m.exec(stdout);
  if (!m) return null;
  try {
    const v: unknown = JSON.parse(m[1]);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

/** Whether an artifact's serializer can be loaded by that registry (null: not known, say nothing). */
export function loadableBy(serializer: string, serializers: readonly string[] | null): boolean | null {
  if (!serializers) return null;
  return serializers.includes(serializer);
}

/**
 * Why `store.get(key)` cannot load an artifact of this serializer, or null when it can (or when
 * nothing is known). `serializers` is what the selected interpreter's xpersist registers; without
 * that answer the release's and the current source's serializers count as known (issue 14: warn
 * about nothing else), so only a name neither registers is flagged.
 */
export function unloadableReason(serializer: string, serializers: readonly string[] | null): string | null {
  if (serializers) {
    if (serializers.includes(serializer)) return null;
    const source = (SOURCE_ONLY_SERIALIZERS as readonly string[]).includes(serializer)
      ? ` xpersist's current source registers it: install xpersist from source, or register it with @xpersist.registry.serializers.register('${serializer}').`
      : ` Register it with @xpersist.registry.serializers.register('${serializer}') before store.get().`;
    return `The selected interpreter's xpersist registers only ${[...serializers].sort().join(', ')}: store.get() raises "Cant't find '${serializer}' in registry".${source}`;
  }
  const known: readonly string[] = [...RELEASED_SERIALIZERS, ...SOURCE_ONLY_SERIALIZERS];
  if (known.includes(serializer)) return null;
  return `Neither xpersist 2021.12.17 (${RELEASED_SERIALIZERS.join(', ')}) nor its current source (also ${SOURCE_ONLY_SERIALIZERS.join(', ')}) registers '${serializer}': store.get() raises unless your code registers it with @xpersist.registry.serializers.register('${serializer}').`;
}
