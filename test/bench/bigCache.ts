// A 100,000-artifact cache for the scale bench, made once from the 10,000 artifacts the real
// xpersist wrote: each sidecar and data file copied `times` times under a new key (prefix
// `rN-`), the sidecar's "key" field rewritten to match. Same bytes per artifact as xpersist's.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const META = 'xpersist_metadata_store';
const SUFFIX = '.artifact.json';

export function makeBigCache(source: string, target: string, times: number): string {
  // Beside the store, not in it (it would be orphan data).
  const done = `${target}.complete`;
  if (existsSync(done)) return target;
  console.error(`[bench core] copying ${source} ${times}x into ${target}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, META), { recursive: true });
  for (const name of readdirSync(path.join(source, META))) {
    if (!name.endsWith(SUFFIX)) continue;
    const key = name.slice(0, -SUFFIX.length);
    const text = readFileSync(path.join(source, META, name), 'utf8');
    for (let r = 0; r < times; r++) {
      const k = `r${r}-${key}`;
      writeFileSync(
        path.join(target, META, `${k}${SUFFIX}`),
        text.replace(`"key": ${JSON.stringify(key)}`, `"key": ${JSON.stringify(k)}`),
      );
      copyFileSync(path.join(source, key), path.join(target, k));
    }
  }
  writeFileSync(done, '');
  return target;
}

/**
 * A store of `times` zarr artifacts for the folder-size bench: the zarr folder and sidecar the
 * real xpersist wrote (a fixture) copied under new keys (`zN-<key>`), the sidecar's "key" field
 * rewritten to match. A scan sums every one of its folders.
 */
export function makeZarrCache(fixtureStore: string, key: string, target: string, times: number): string {
  const done = `${target}.complete`;
  if (existsSync(done)) return target;
  console.error(`[bench core] copying ${key} ${times}x into ${target}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.join(target, META), { recursive: true });
  const text = readFileSync(path.join(fixtureStore, META, `${key}${SUFFIX}`), 'utf8');
  for (let r = 0; r < times; r++) {
    const k = `z${r}-${key}`;
    writeFileSync(
      path.join(target, META, `${k}${SUFFIX}`),
      text.replace(`"key": ${JSON.stringify(key)}`, `"key": ${JSON.stringify(k)}`),
    );
    cpSync(path.join(fixtureStore, key), path.join(target, k), { recursive: true });
  }
  writeFileSync(done, '');
  return target;
}
