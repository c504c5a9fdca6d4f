// Checks that prevent a first run's failures (docs/xpersist-format.md, "CacheStore API behaviour"):
// a nested target (`regrid/era5/t2m.zarr`) in a store without storage_options={"auto_mkdir": True}
// (xpersist 2021.12.17 does not create the key's folders: FileNotFoundError / PermissionError),
// and serializers the interpreter's xpersist does not register (RegistryError on put and get).
// They work on the analysis plus the file's text: the CacheStore(...) call is read here, at the
// edge, so the analysis itself needs no new field.
import { type Diagnostic, flowTargets, type PythonAnalysis, type ResultInfo } from '../python/index';
import { RELEASED_SERIALIZERS, SOURCE_ONLY_SERIALIZERS } from './serializers';

const posixDirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const posixJoin = (a: string, b: string) => `${a.replace(/\/+$/, '')}/${b}`;

export interface TextEdit {
  /** Offset in the file's text where `insert` goes. */
  offset: number;
  insert: string;
  title: string;
}

export interface PreRunDiagnostic extends Diagnostic {
  /** A quick fix, when one is safe to make. */
  fix?: TextEdit;
}

export interface CallSpan {
  /** Offsets of the call's "(" and ")". */
  open: number;
  close: number;
  args: string;
}

function lineOffset(source: string, line: number): number {
  let off = 0;
  for (let l = 1; l < line && off !== -1; l++) {
    off = source.indexOf('\n', off);
    if (off !== -1) off++;
  }
  return off === -1 ? source.length : off;
}

/** The span of the first `callee(...)` starting on `line` (1-based), skipping strings and comments. */
export function callAt(source: string, line: number, callee = 'CacheStore'): CallSpan | null {
  const from = lineOffset(source, line);
  const lineEnd = source.indexOf('\n', from);
  const re = new RegExp(`\\b${callee}\\s*\\(`, 'g');
  re.lastIndex = from;
  const m = re.exec(source);
  if (!m || (lineEnd !== -1 && m.index > lineEnd)) return null;
  const open = m.index + m[0].length - 1;
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      const nl = source.indexOf('\n', i);
      if (nl === -1) return null;
      i = nl;
    } else if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < source.length && !source.startsWith(quote, j)) j += source[j] === '\\' ? 2 : 1;
      i = j + quote.length - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return { open, close: i, args: source.slice(open + 1, i) };
    }
  }
  return null;
}

export type AutoMkdir = 'on' | 'off' | 'unknown';

/** Whether a CacheStore call's arguments turn on fsspec's auto_mkdir. */
export function autoMkdirOf(args: string): AutoMkdir {
  const opts = /\bstorage_options\s*=\s*(\S)/.exec(args);
  if (!opts) return 'off';
  if (/auto_mkdir['"]?\s*[:=]\s*True\b/.test(args)) return 'on';
  if (/auto_mkdir['"]?\s*[:=]\s*False\b/.test(args)) return 'off';
  // A literal dict without the option: off. A variable: we cannot know.
  return opts[1] === '{' || /\bstorage_options\s*=\s*dict\s*\(/.test(args) ? 'off' : 'unknown';
}

/** The edit that turns auto_mkdir on in a CacheStore call, or null when it cannot be made safely. */
export function autoMkdirEdit(source: string, span: CallSpan): TextEdit | null {
  const title = 'Add storage_options={"auto_mkdir": True} to the CacheStore';
  const opts = /\bstorage_options\s*=\s*/.exec(span.args);
  if (opts) {
    const at = span.open + 1 + opts.index + opts[0].length;
    if (source[at] !== '{') return null;
    const empty = /^\{\s*\}/.test(source.slice(at));
    return { offset: at + 1, insert: empty ? '"auto_mkdir": True' : '"auto_mkdir": True, ', title };
  }
  let end = span.close;
  while (end > span.open + 1 && /\s/.test(source[end - 1])) end--;
  const last = source[end - 1];
  const insert =
    end === span.open + 1
      ? 'storage_options={"auto_mkdir": True}'
      : last === ','
        ? ' storage_options={"auto_mkdir": True}'
        : ', storage_options={"auto_mkdir": True}';
  return { offset: end, insert, title };
}

export interface PreRunOptions {
  now: Date;
  /** Absolute store roots aligned with `analysis.stores` (null when unknown). */
  storeRoots: readonly (string | null)[];
  exists: (path: string) => boolean;
  /** Serializers the selected interpreter's xpersist registers; null when it did not answer. */
  serializers: readonly string[] | null;
}

const FOLDER_SERIALIZERS = new Set(['xarray.zarr', 'xcollection']);

/** Nested targets in stores that will not create the key's folders. */
function nestedKeyChecks(analysis: PythonAnalysis, source: string, o: PreRunOptions): PreRunDiagnostic[] {
  const out: PreRunDiagnostic[] = [];
  const seen = new Set<string>();
  analysis.flows.forEach((_f, fi) => {
    for (const t of flowTargets(analysis, fi, { now: o.now })) {
      const key = t.key ?? t.pattern;
      const storeIndex = t.storeIndex;
      if (!key?.includes('/') || t.result?.class !== 'XpersistResult') continue;
      if (storeIndex === null || storeIndex === undefined) continue;
      const task = t.taskIndex !== null && t.taskIndex !== undefined ? analysis.tasks[t.taskIndex] : null;
      const line = task ? (task.targetLine ?? task.line) : (t.line ?? 1);
      const store = analysis.stores[storeIndex];
      const span = store ? callAt(source, store.line) : null;
      const mkdir = span ? autoMkdirOf(span.args) : 'unknown';
      const root = o.storeRoots[storeIndex] ?? null;
      const dir = posixDirname(key);
      const dataDirExists = root !== null && !dir.includes('*') && o.exists(posixJoin(root, dir));
      const metaDirExists =
        root !== null && !dir.includes('*') && o.exists(posixJoin(root, `xpersist_metadata_store/${dir}`));
      const id = `${line}|${storeIndex}|${dir}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const serializer = t.result.serializer ?? 'auto';
      if (mkdir === 'off' && !(dataDirExists && metaDirExists)) {
        const fix = span ? autoMkdirEdit(source, span) : null;
        out.push({
          code: 'nested-key-without-auto-mkdir',
          line,
          severity: 'warning',
          message: `The target ${key} is nested (${dir}/), but its CacheStore${store?.variable ? ` \`${store.variable}\`` : ''} (line ${store?.line}) has no storage_options={"auto_mkdir": True}: xpersist 2021.12.17 does not create the key's folders, so writing the result fails with FileNotFoundError or PermissionError.${fix ? ' Quick fix: add the option.' : ''}`,
          ...(fix ? { fix } : {}),
        });
      } else if (mkdir === 'on' && !FOLDER_SERIALIZERS.has(serializer) && root !== null && !dataDirExists) {
        out.push({
          code: 'nested-key-data-folder-missing',
          line,
          severity: 'warning',
          message: `auto_mkdir creates the sidecar's folder, but the ${serializer} serializer writes ${key} as a file into ${posixJoin(root, dir)}, which does not exist: the first run fails (only zarr creates its own folders). Create the folder, or use a flat key.`,
        });
      }
    }
  });
  return out;
}

/** Every XpersistResult with its line: tasks' and flows' results. */
function results(analysis: PythonAnalysis): { r: ResultInfo; line: number }[] {
  const out: { r: ResultInfo; line: number }[] = [];
  for (const t of analysis.tasks) if (t.result) out.push({ r: t.result, line: t.result.line ?? t.line });
  for (const f of analysis.flows) if (f.result) out.push({ r: f.result, line: f.result.line ?? f.line });
  return out.filter((x) => x.r.class === 'XpersistResult');
}

/**
 * `unknown-serializer` against the interpreter's registry; without an answer, against the union of
 * the release's and the current source's serializers (so only names neither knows are flagged).
 */
export function serializerChecks(
  analysis: PythonAnalysis,
  serializers: readonly string[] | null,
): PreRunDiagnostic[] {
  const registered = analysis.registeredSerializers ?? [];
  const known = new Set<string>([
    'auto',
    ...registered,
    ...(serializers ?? [...RELEASED_SERIALIZERS, ...SOURCE_ONLY_SERIALIZERS]),
  ]);
  const out: PreRunDiagnostic[] = [];
  for (const { r, line } of results(analysis)) {
    if (r.serializer === null || known.has(r.serializer)) continue;
    if (out.some((d) => d.line === line)) continue;
    const list = serializers ? [...serializers].sort().join(', ') : [...RELEASED_SERIALIZERS].join(', ');
    out.push({
      code: 'unknown-serializer',
      line,
      severity: 'error',
      message: serializers
        ? `Serializer '${r.serializer}' is not registered in the selected interpreter's xpersist (it has ${list}, and auto): writing the result raises RegistryError ("Cant't find '${r.serializer}' in registry"). Use one of those, or register it with @xpersist.registry.serializers.register('${r.serializer}') before the flow runs.`
        : `Unknown serializer '${r.serializer}': neither xpersist 2021.12.17 (${list}) nor its current source (also ${SOURCE_ONLY_SERIALIZERS.join(', ')}) registers it. Register it with @xpersist.registry.serializers.register('${r.serializer}') or writing the result raises RegistryError.`,
    });
  }
  return out;
}

/**
 * The pre-run diagnostics of a file. The analysis' own `unknown-serializer` findings are replaced
 * by `serializerChecks` (which knows the interpreter), so callers drop them: see `mergeDiagnostics`.
 */
export function preRunDiagnostics(
  analysis: PythonAnalysis,
  source: string,
  o: PreRunOptions,
): PreRunDiagnostic[] {
  return [...nestedKeyChecks(analysis, source, o), ...serializerChecks(analysis, o.serializers)];
}

/** The analysis' diagnostics with the ones pre-run checks recompute replaced. */
export function mergeDiagnostics(
  analysis: readonly Diagnostic[],
  preRun: readonly PreRunDiagnostic[],
): PreRunDiagnostic[] {
  return [...analysis.filter((d) => d.code !== 'unknown-serializer'), ...preRun];
}
