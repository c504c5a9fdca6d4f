// Artifacts written file by file, as xpersist lays them out, for scan tests that change a store
// behind the core's back.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const META = 'xpersist_metadata_store';

/** A joblib sidecar whose additional_metadata carries `note` (to tell versions apart). */
export function sidecar(key: string, note: string): string {
  return JSON.stringify(
    {
      key,
      serializer: 'joblib',
      load_kwargs: {},
      dump_kwargs: {},
      additional_metadata: { note },
      created_at: '2026-11-27T10:00:00',
    },
    null,
    2,
  );
}

/** The sidecar of `key`, and its data unless `data` is null. */
export function put(root: string, key: string, note: string, data: string | null = 'x'.repeat(10)): void {
  mkdirSync(path.dirname(path.join(root, META, key)), { recursive: true });
  writeFileSync(path.join(root, META, `${key}.artifact.json`), sidecar(key, note));
  if (data === null) return;
  mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
  writeFileSync(path.join(root, key), data);
}
