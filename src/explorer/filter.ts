// The Caches view filter: one line of text, e.g.
//   *.zarr serializer:xarray.zarr flow:my-flow task:get_data age:<7d
// Bare words match the key; every term matches anywhere in its value, as a substring does, also
// when it is a glob (* ? [ ]): `r3i1p1f1/pr/*.csv` finds `cmip6/r3i1p1f1/pr/1999.csv`. All terms
// must match.
import type { ArtifactEntry } from '../core/types';

export interface ArtifactFilter {
  text: string;
  key: Matcher[];
  serializer: Matcher[];
  flow: Matcher[];
  task: Matcher[];
  /** Created at most / at least this long ago. */
  maxAgeMs: number | null;
  minAgeMs: number | null;
}

export type Matcher = (value: string) => boolean;

const AGE_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  mo: 30.44 * 86_400_000,
  y: 365.25 * 86_400_000,
};

export class FilterSyntaxError extends Error {}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  // Unanchored: one semantics with plain substrings.
  return new RegExp(re, 'i');
}

export function matcherFor(pattern: string): Matcher {
  if (/[*?[]/.test(pattern)) {
    const re = globToRegExp(pattern);
    return (v) => re.test(v);
  }
  const needle = pattern.toLowerCase();
  return (v) => v.toLowerCase().includes(needle);
}

function parseAge(value: string): { max?: number; min?: number } {
  const m = /^([<>]=?)?\s*(\d+(?:\.\d+)?)\s*(s|min|mo|m|h|d|w|y)$/i.exec(value);
  if (!m) throw new FilterSyntaxError(`age must look like <7d, >2h, <30min, >3mo or >1y, not "${value}"`);
  const ms = Number(m[2]) * AGE_UNITS[m[3].toLowerCase()];
  return m[1]?.startsWith('>') ? { min: ms } : { max: ms };
}

/** Splits on spaces, keeping "quoted values" (also after a field:). */
function tokens(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ''));
}

export function parseFilter(text: string): ArtifactFilter {
  const f: ArtifactFilter = {
    text: text.trim(),
    key: [],
    serializer: [],
    flow: [],
    task: [],
    maxAgeMs: null,
    minAgeMs: null,
  };
  for (const tok of tokens(text)) {
    const m = /^(key|serializer|flow|task|age):(.*)$/i.exec(tok);
    if (!m) {
      f.key.push(matcherFor(tok));
      continue;
    }
    const field = m[1].toLowerCase();
    const value = m[2];
    if (value === '') throw new FilterSyntaxError(`"${field}:" needs a value`);
    if (field === 'age') {
      const age = parseAge(value);
      if (age.max !== undefined) f.maxAgeMs = age.max;
      if (age.min !== undefined) f.minAgeMs = age.min;
    } else f[field as 'key' | 'serializer' | 'flow' | 'task'].push(matcherFor(value));
  }
  return f;
}

export function isEmptyFilter(f: ArtifactFilter | null | undefined): boolean {
  return !f || f.text === '';
}

const metaString = (a: ArtifactEntry, field: string): string => {
  const v = a.additionalMetadata?.[field];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
};

export function matchesFilter(f: ArtifactFilter, a: ArtifactEntry, now: number = Date.now()): boolean {
  if (!f.key.every((m) => m(a.key))) return false;
  if (!f.serializer.every((m) => m(a.serializer))) return false;
  if (!f.flow.every((m) => m(metaString(a, 'flow_name')))) return false;
  if (!f.task.every((m) => m(metaString(a, 'task_name')))) return false;
  if (f.maxAgeMs !== null || f.minAgeMs !== null) {
    if (!a.createdAt) return false;
    const age = now - a.createdAt.getTime();
    if (f.maxAgeMs !== null && age > f.maxAgeMs) return false;
    if (f.minAgeMs !== null && age < f.minAgeMs) return false;
  }
  return true;
}

/**
 * Whether a store problem passes the filter: its key (or, without one, its path inside the store)
 * against the key terms. Problems have no serializer, flow or age, so a filter made only of such
 * terms hides them.
 */
export function problemMatchesFilter(
  f: ArtifactFilter,
  p: { key?: string; path: string },
  root: string,
): boolean {
  const onlyFields =
    f.key.length === 0 &&
    (f.serializer.length > 0 ||
      f.flow.length > 0 ||
      f.task.length > 0 ||
      f.maxAgeMs !== null ||
      f.minAgeMs !== null);
  if (onlyFields) return false;
  const subject = p.key ?? (p.path.startsWith(`${root}/`) ? p.path.slice(root.length + 1) : p.path);
  return f.key.every((m) => m(subject));
}
