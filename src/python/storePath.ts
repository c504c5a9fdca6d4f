// Store paths for the host: a StoreInfo's recipe evaluated in the host's environment (env vars,
// temp dir, home, working directory, the `xpersist.storeExpressions` setting), with Python's
// posixpath / pathlib / tempfile semantics. Relative paths resolve against `cwd` (where the flow
// runs), falling back to `fileDir` (the analysed file's folder).
import type { Diagnostic, PathContext, PathExpr, PythonAnalysis, StoreInfo } from './types';

/** posixpath.join */
export function posixJoin(a: string, ...rest: string[]): string {
  let path = a;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (path === '' || path.endsWith('/')) path += b;
    else path += `/${b}`;
  }
  return path;
}

/** posixpath.normpath */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  let initial = path.startsWith('/') ? 1 : 0;
  if (initial && path.startsWith('//') && !path.startsWith('///')) initial = 2;
  const out: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) {
      out.push(comp);
    } else if (out.length > 0) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined || '.';
}

/** posixpath.dirname */
export function posixDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

/** str(pathlib.PurePosixPath(*parts)) */
export function pathlibStr(parts: string[]): string {
  let joined = '';
  for (const p of parts) {
    if (p === '') continue;
    joined = p.startsWith('/') || joined === '' ? p : `${joined}/${p}`;
  }
  if (joined === '') return '.';
  let root = '';
  if (joined.startsWith('//') && !joined.startsWith('///')) root = '//';
  else if (joined.startsWith('/')) root = '/';
  const comps = joined.split('/').filter((c) => c !== '' && c !== '.');
  const s = root + comps.join('/');
  return s === '' ? '.' : s;
}

function expanduser(p: string, home: string | undefined): string | null {
  if (!p.startsWith('~')) return p;
  let i = p.indexOf('/', 1);
  if (i < 0) i = p.length;
  if (i !== 1) return p; // ~user: another user's home, left alone
  if (home === undefined) return null;
  const h = home.replace(/\/+$/, '');
  return h + p.slice(i) || '/';
}

function lookupExpression(p: Extract<PathExpr, { k: 'dynamic' }>, ctx: PathContext): string | null {
  const map = ctx.expressions ?? {};
  const squash = (s: string) => s.replace(/\s+/g, '');
  for (const candidate of [p.expression, ...(p.aliases ?? [])]) {
    if (candidate in map) return map[candidate];
    const hit = Object.keys(map).find((k) => squash(k) === squash(candidate));
    if (hit) return map[hit];
  }
  return null;
}

/** Evaluates a path recipe; null when it needs something the context lacks. */
export function evaluatePath(p: PathExpr, ctx: PathContext): string | null {
  const env = ctx.env ?? {};
  const cwd = ctx.cwd ?? ctx.fileDir;
  const ev = (x: PathExpr) => evaluatePath(x, ctx);
  const all = (xs: PathExpr[]): string[] | null => {
    const out: string[] = [];
    for (const x of xs) {
      const v = ev(x);
      if (v === null) return null;
      out.push(v);
    }
    return out;
  };
  switch (p.k) {
    case 'str':
      return p.value;
    case 'concat':
      return all(p.parts)?.join('') ?? null;
    case 'tmpdir': {
      const dir = env.TMPDIR || env.TEMP || env.TMP || ctx.tmpdir || '/tmp';
      if (dir.startsWith('/')) return posixNormpath(dir);
      return cwd ? posixNormpath(posixJoin(cwd, dir)) : posixNormpath(dir);
    }
    case 'home':
      return ctx.home ?? env.HOME ?? (ctx.placeholders ? '~' : null);
    case 'cwd':
      return cwd ?? null;
    case 'file':
      return ctx.filePath ?? null;
    case 'env': {
      const v = env[p.name];
      if (v !== undefined) return v;
      if (p.default) return ev(p.default);
      return ctx.placeholders ? `$${p.name}` : null;
    }
    case 'join': {
      const parts = all(p.parts);
      return parts ? posixJoin(parts[0], ...parts.slice(1)) : null;
    }
    case 'path': {
      const parts = all(p.parts);
      return parts ? pathlibStr(parts) : null;
    }
    case 'expanduser': {
      const v = ev(p.arg);
      return v === null ? null : expanduser(v, ctx.home ?? env.HOME ?? (ctx.placeholders ? '~' : undefined));
    }
    case 'abspath': {
      const v = ev(p.arg);
      if (v === null) return null;
      if (v.startsWith('/')) return posixNormpath(v);
      return cwd ? posixNormpath(posixJoin(cwd, v)) : null;
    }
    case 'dirname': {
      const v = ev(p.arg);
      return v === null ? null : posixDirname(v);
    }
    case 'dynamic': {
      const mapped = lookupExpression(p, ctx);
      return mapped === null ? null : (expanduser(mapped, ctx.home ?? env.HOME) ?? mapped);
    }
  }
}

const isUrl = (p: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(p);

/**
 * The absolute path of a store in the host's environment, or null when it cannot be known (a
 * dynamic expression the settings do not map, an unset environment variable). The store's
 * variable name is also looked up in `expressions`.
 */
export function resolveStorePath(store: StoreInfo, ctx: PathContext = {}): string | null {
  let raw = evaluatePath(store.pathExpr, ctx);
  if (raw === null && store.variable && ctx.expressions && store.variable in ctx.expressions) {
    raw = ctx.expressions[store.variable];
  }
  if (raw === null) return null;
  if (isUrl(raw) || raw.startsWith('/')) return raw;
  const base = ctx.cwd ?? ctx.fileDir;
  return base ? posixNormpath(posixJoin(base, raw)) : raw;
}

/**
 * Diagnostics that need the file system: `store-path-missing` for stores whose folder does not
 * exist (xpersist creates it on first use, so nothing is cached there yet) and
 * `store-path-dynamic` for stores the analysis cannot locate.
 */
export function storeDiagnostics(
  analysis: PythonAnalysis,
  ctx: PathContext,
  exists: (path: string) => boolean,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const store of analysis.stores) {
    const path = resolveStorePath(store, ctx);
    if (path === null) {
      out.push({
        code: 'store-path-dynamic',
        line: store.line,
        severity: 'information',
        message:
          store.resolution === 'dynamic'
            ? `The cache store path \`${store.expression}\` is only known when the code runs: map it to a folder in the xpersist.storeExpressions setting to see its cache state.`
            : `The cache store path \`${store.expression}\` depends on an environment variable that is not set here.`,
      });
      continue;
    }
    if (isUrl(path)) continue;
    if (!exists(path)) {
      out.push({
        code: 'store-path-missing',
        line: store.line,
        severity: 'information',
        message: `The cache store folder ${path} does not exist yet: CacheStore creates it on first use, so nothing is cached there.`,
      });
    }
  }
  return out;
}
