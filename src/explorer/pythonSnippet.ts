// "Copy as Python": the lines that load an artifact with xpersist, the store constructed as the
// user's code would (root and storage options), secrets left out so nothing leaks to a clipboard
// or a notebook; s3fs/adlfs then find credentials where they always do (environment, profiles).
import { SECRET_OPTIONS } from './storeCredentials';

/** A Python literal for a JSON value (str, int/float, bool, None, list, dict). */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
    return String(v);
  }
  // JSON's escapes (\\, \", \n, \uXXXX) mean the same in a Python string literal.
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`)
      .join(', ')}}`;
  return JSON.stringify(String(v));
}

/** Whether a storage option holds a credential (the access key id goes with its secret). */
const isSecret = (name: string): boolean =>
  SECRET_OPTIONS.includes(name) || name === 'key' || name === 'aws_access_key_id';

/** Storage options without credentials, nested dicts included; and which names were left out. */
export function withoutSecrets(options: Record<string, unknown>): {
  kept: Record<string, unknown>;
  dropped: string[];
} {
  const kept: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (isSecret(k)) dropped.push(k);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = withoutSecrets(v as Record<string, unknown>);
      kept[k] = inner.kept;
      dropped.push(...inner.dropped.map((d) => `${k}.${d}`));
    } else kept[k] = v;
  }
  return { kept, dropped };
}

export interface SnippetInput {
  root: string;
  key: string;
  serializer?: string;
  storageOptions?: Record<string, unknown> | null;
}

/** The name the loaded value gets: what pandas/xarray users call such objects. */
function valueName(serializer: string | undefined): string {
  if (serializer?.startsWith('xarray.')) return 'ds';
  if (serializer?.startsWith('pandas.')) return 'df';
  if (serializer?.startsWith('numpy.')) return 'arr';
  return 'value';
}

/** `store = CacheStore(...)` and `<name> = store.get("key")`, with the import before them. */
export function pythonSnippet(input: SnippetInput): { code: string; name: string } {
  const { kept, dropped } = withoutSecrets(input.storageOptions ?? {});
  const args = [pyLiteral(input.root)];
  if (Object.keys(kept).length > 0) args.push(`storage_options=${pyLiteral(kept)}`);
  const name = valueName(input.serializer);
  const lines = ['from xpersist import CacheStore', ''];
  if (dropped.length > 0)
    lines.push(
      `# ${dropped.join(', ')} left out: set them in the environment or a profile, as fsspec finds them.`,
    );
  lines.push(`store = CacheStore(${args.join(', ')})`, `${name} = store.get(${pyLiteral(input.key)})`);
  return { code: `${lines.join('\n')}\n`, name };
}

/** The cell of a notebook or the Interactive Window: the snippet, then the value to display it. */
export function notebookCell(input: SnippetInput): string {
  const { code, name } = pythonSnippet(input);
  return `${code}${name}\n`;
}
