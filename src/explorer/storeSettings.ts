// The `xpersist.stores` setting: a path, or { path, name, readonly }. Paths may use `~`,
// `${env:VAR}` / `$VAR` / `${VAR}`, `${workspaceFolder}`, or be relative to the workspace.
import os from 'node:os';
import path from 'node:path';
import { isObjectUrl, parseObjectUrl } from '../core/remote/objectUrl';

export interface StoreSetting {
  path: string;
  name?: string;
  readonly?: boolean;
  /** For `s3://` / `az://` stores: fsspec storage options (no secrets: those go to SecretStorage). */
  storageOptions?: Record<string, unknown>;
}

export interface ResolveContext {
  env: Record<string, string | undefined>;
  home: string;
  /** First workspace folder, for relative paths and ${workspaceFolder}. */
  workspaceFolder: string | null;
}

export function defaultResolveContext(workspaceFolder: string | null): ResolveContext {
  return { env: process.env, home: os.homedir(), workspaceFolder };
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the raw setting value, ignoring malformed items (they are reported, not thrown). */
export function parseStoreSettings(raw: unknown): { stores: StoreSetting[]; errors: string[] } {
  const stores: StoreSetting[] = [];
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { stores, errors };
  if (!Array.isArray(raw)) return { stores, errors: ['xpersist.stores must be a list'] };
  raw.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') stores.push({ path: item });
    else if (item && typeof item === 'object' && typeof (item as StoreSetting).path === 'string') {
      const s = item as StoreSetting;
      stores.push({
        path: s.path,
        ...(typeof s.name === 'string' ? { name: s.name } : {}),
        ...(typeof s.readonly === 'boolean' ? { readonly: s.readonly } : {}),
        ...(isDict(s.storageOptions) ? { storageOptions: s.storageOptions } : {}),
      });
    } else errors.push(`xpersist.stores[${i}] is neither a path nor { "path": ... }`);
  });
  return { stores, errors };
}

/**
 * The variables a path setting may use (`xpersist.stores`, `xpersist.pythonPath`), expanded the
 * one way for every setting: ${workspaceFolder}, ${env:VAR}, ${VAR}, $VAR and a leading ~.
 */
export function expandSettingVariables(p: string, ctx: ResolveContext): string {
  let s = p.trim();
  s = s.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder ?? '');
  s = s.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, v: string) => ctx.env[v] ?? '');
  s = s.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a: string, b: string) => ctx.env[a ?? b] ?? '',
  );
  if (s === '~' || s.startsWith('~/') || s.startsWith(`~${path.sep}`)) s = path.join(ctx.home, s.slice(1));
  return s;
}

/**
 * A store path from the settings as the store's root: variables expanded, a relative path taken
 * from the workspace folder, a URL normalised as the core reports it. (The Python analysis has its
 * own `resolveStorePath`, for a `CacheStore(...)` expression in code.)
 */
export function resolveSettingPath(p: string, ctx: ResolveContext): string {
  const s = expandSettingVariables(p, ctx);
  // A store on object storage: its URL, normalised as the core reports its root.
  if (isObjectUrl(s)) return parseObjectUrl(s).root;
  const abs = path.isAbsolute(s) ? s : path.resolve(ctx.workspaceFolder ?? ctx.home, s);
  return path.normalize(abs).replace(/[\\/]+$/, '') || path.sep;
}

/** A short name for a store: its folder name, with the parent when that is ambiguous. */
export function storeDisplayName(root: string, taken: Set<string>): string {
  if (isObjectUrl(root)) {
    // `prefix (s3://bucket)`: the part that differs first in a narrow side bar.
    const loc = parseObjectUrl(root);
    const last = loc.prefix.split('/').pop() || loc.bucket;
    const name = loc.prefix
      ? `${last} (${loc.root.slice(0, loc.root.indexOf('://') + 3)}${loc.bucket})`
      : root;
    return taken.has(name) ? root : name;
  }
  const base = path.basename(root) || root;
  if (!taken.has(base)) return base;
  return `${path.basename(path.dirname(root))}/${base}`;
}
