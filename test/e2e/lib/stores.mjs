// Small xpersist stores written by a spec into its workspace before the workbench opens: sidecars
// in the layout xpersist 2021.12.17 writes (xpersist_metadata_store/<key>.artifact.json), joblib
// data files of a few bytes, and the damage a real store collects (data without a sidecar, a
// sidecar that is not JSON). Ages are relative to now, so age filters have a fixed answer.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DAY_MS = 86_400_000;

/** A naive local ISO time, as xpersist writes created_at (datetime.now().isoformat()). */
function naiveIso(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.000000`;
}

/**
 * Writes a store at `root`.
 * @param {string} root
 * @param {object} o
 * @param {{ key: string, ageDays: number, flow?: string, task?: string }[]} o.artifacts  joblib artifacts
 * @param {string[]} [o.orphans]       keys with a data file and no sidecar
 * @param {string[]} [o.invalidJson]   keys whose sidecar is not JSON (no data file)
 */
export function writeStore(root, { artifacts, orphans = [], invalidJson = [] }) {
  const meta = path.join(root, 'xpersist_metadata_store');
  const sidecar = (key) => path.join(meta, `${key}.artifact.json`);
  const data = (key) => path.join(root, key);
  const write = (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const a of artifacts) {
    write(data(a.key), `joblib bytes of ${a.key}\n`);
    write(
      sidecar(a.key),
      JSON.stringify(
        {
          key: a.key,
          serializer: 'joblib',
          load_kwargs: {},
          dump_kwargs: {},
          additional_metadata: { flow_name: a.flow ?? 'climate', task_name: a.task ?? 'regrid' },
          created_at: naiveIso(Date.now() - a.ageDays * DAY_MS),
        },
        null,
        2,
      ),
    );
  }
  for (const key of orphans) write(data(key), `joblib bytes of ${key}, its sidecar lost\n`);
  for (const key of invalidJson) write(sidecar(key), `{"key": "${key}", "serializer": `);
}
