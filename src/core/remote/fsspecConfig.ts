// fsspec's own configuration, read as fsspec reads it, so a store configured for Python works
// here unchanged: JSON files in FSSPEC_CONFIG_DIR (default ~/.config/fsspec), then the
// environment: FSSPEC_<PROTOCOL> holding a JSON dict, and FSSPEC_<PROTOCOL>_<KWARG> values.
// Options given to the store itself win over all of these (fsspec applies conf as defaults).
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Options = Record<string, unknown>;

function isDict(v: unknown): v is Options {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** fsspec's JSON config files: `{ "<protocol>": { kwargs } }`, merged in file-name order. */
function fromConfigDir(dir: string, protocol: string): Options {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return {};
  }
  const out: Options = {};
  for (const name of names) {
    try {
      const conf = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown;
      if (isDict(conf) && isDict(conf[protocol])) Object.assign(out, conf[protocol]);
    } catch {
      // fsspec skips a file it cannot read; so do we.
    }
  }
  return out;
}

/** FSSPEC_S3='{"anon": true}' and FSSPEC_S3_ANON=true, as fsspec.config.set_conf_env does. */
function fromEnv(env: NodeJS.ProcessEnv, protocol: string): Options {
  const out: Options = {};
  const base = `FSSPEC_${protocol.toUpperCase()}`;
  const whole = env[base];
  if (whole) {
    try {
      const conf = JSON.parse(whole) as unknown;
      if (isDict(conf)) Object.assign(out, conf);
    } catch {
      // fsspec warns and ignores an invalid value.
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(`${base}_`) || value === undefined) continue;
    const kwarg = name.slice(base.length + 1).toLowerCase();
    if (kwarg) out[kwarg] = value;
  }
  return out;
}

/** The storage options fsspec would use for `protocol` (e.g. 's3', 'az', 'abfs'). */
export function fsspecOptions(
  protocols: string[],
  explicit: Options = {},
  env: NodeJS.ProcessEnv = process.env,
): Options {
  const dir = env.FSSPEC_CONFIG_DIR || path.join(os.homedir(), '.config', 'fsspec');
  const out: Options = {};
  for (const p of protocols) Object.assign(out, fromConfigDir(dir, p), fromEnv(env, p));
  return { ...out, ...explicit };
}

/** A non-empty string option, else undefined (fsspec treats "" as not given). */
export const strOption = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** A boolean option as Python code or an FSSPEC_<PROTO>_<KWARG> variable spells it. */
export const trueOption = (v: unknown): boolean => v === true || v === 'true' || v === 'True' || v === '1';
