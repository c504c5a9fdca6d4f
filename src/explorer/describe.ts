// What the tree shows about an artifact, a store and a problem: descriptions, metadata rows
// and markdown tooltips. Every string from a cache is escaped: keys and metadata are data.

import { formatAge, formatBytes, formatLocal, formatUtc, plural } from '../common/format';
import type { ArtifactEntry, Problem, ProblemKind, StoreReport } from '../core/types';

/** Escapes text for a MarkdownString (no HTML, no links, no emphasis from data). */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&').replace(/\n/g, ' ');
}

/**
 * Inline code: markdown shows a code span's content literally, so it is not escaped (a backslash
 * would show); the fence is longer than any backtick run inside, as CommonMark allows.
 */
export function mdCodeSpan(text: string): string {
  const flat = text.replace(/\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence cannot be closed by the content. */
export function mdCode(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

export function artifactDescription(
  a: ArtifactEntry,
  now: Date = new Date(),
  mark: string | null = null,
): string {
  const size = a.dataExists ? formatBytes(a.sizeBytes) : 'data missing';
  // A mark comes first: a 300 px side bar cuts the end of a description.
  return `${mark ? `${mark} · ` : ''}${size} · ${formatAge(a.createdAt, now)}`;
}

export function jsonInline(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
}

export interface MetadataRow {
  label: string;
  value: string;
  /** The full value when the row shows a shortened one. */
  tooltip?: string;
}

function flatten(prefix: string, v: unknown, out: MetadataRow[]): void {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
    return;
  }
  const text = typeof v === 'string' ? v : jsonInline(v);
  out.push({
    label: prefix,
    value: text === '' ? '""' : text,
    ...(text.length > 80 ? { tooltip: text } : {}),
  });
}

/** The children of an artifact node: every sidecar field, additional_metadata flattened. */
export function metadataRows(a: ArtifactEntry): MetadataRow[] {
  const rows: MetadataRow[] = [{ label: 'serializer', value: a.serializer }];
  if (a.createdAt) {
    rows.push({
      label: 'created_at',
      value: `${formatLocal(a.createdAt)} local · ${formatUtc(a.createdAt)}`,
      tooltip: a.createdAtText ?? undefined,
    });
  } else rows.push({ label: 'created_at', value: 'unknown (not recorded in the sidecar)' });
  rows.push({ label: 'dump_kwargs', value: jsonInline(a.dumpKwargs) });
  rows.push({ label: 'load_kwargs', value: jsonInline(a.loadKwargs) });
  const meta: MetadataRow[] = [];
  flatten('', a.additionalMetadata, meta);
  if (Object.keys(a.additionalMetadata).length === 0)
    rows.push({ label: 'additional_metadata', value: '{}' });
  else for (const r of meta) rows.push({ ...r, label: `additional_metadata.${r.label}` });
  rows.push({
    label: 'data',
    value: a.dataExists
      ? `${a.dataPath} (${a.dataKind}, ${formatBytes(a.sizeBytes)})`
      : `${a.dataPath} (missing)`,
  });
  if (a.keyField !== undefined) rows.push({ label: 'key field', value: a.keyField });
  return rows;
}

/** A status the tree marks an artifact with (src/flows/status.ts names it), and why. */
export interface ArtifactMark {
  icon: string;
  label: string;
  reason: string;
}

/** `mark`, when given, comes first: it is why the row stands out. */
export function artifactTooltip(
  a: ArtifactEntry,
  now: Date = new Date(),
  mark: ArtifactMark | null = null,
): string {
  const lines = [`**${mdEscape(a.key)}**`, ''];
  if (mark) lines.push(`$(${mark.icon}) **${mdEscape(mark.label)}**: ${mdEscape(mark.reason)}`, '');
  lines.push(`serializer: ${mdCodeSpan(a.serializer)}  `);
  if (a.createdAt) {
    lines.push(
      `created: ${mdEscape(formatLocal(a.createdAt))} local, ${mdEscape(formatUtc(a.createdAt))} (${formatAge(a.createdAt, now)})  `,
    );
  } else lines.push('created: unknown  ');
  lines.push(`data: ${a.dataExists ? `${formatBytes(a.sizeBytes)} ${a.dataKind}` : '**missing**'}  `);
  lines.push(`path: ${mdEscape(a.dataPath)}`);
  for (const p of a.problems) lines.push('', `$(warning) ${mdEscape(p.message)}`);
  lines.push(
    '',
    mdCode(
      JSON.stringify(
        { dump_kwargs: a.dumpKwargs, load_kwargs: a.loadKwargs, additional_metadata: a.additionalMetadata },
        (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x),
        2,
      ),
      'json',
    ),
  );
  return lines.join('\n');
}

export const PROBLEM_LABELS: Record<ProblemKind, string> = {
  'invalid-json': 'Invalid JSON sidecar',
  'invalid-sidecar': 'Invalid sidecar',
  'unreadable-sidecar': 'Sidecar not read',
  'unreadable-folder': 'Metadata folder not readable',
  'data-missing': 'Sidecar without data',
  'orphan-data': 'Data without sidecar',
  'stray-file': 'Stray file in metadata store',
  'key-mismatch': 'Sidecar key mismatch',
  'unsafe-key': 'Unsafe key',
  'not-a-store': 'Not an xpersist cache',
};

/** What fixing a problem does, for its button and confirmation. */
export function fixLabel(p: Problem): string | null {
  if (!p.fixable) return null;
  switch (p.kind) {
    case 'orphan-data':
      return 'Delete orphan data';
    case 'data-missing':
      return 'Delete the sidecar (the target becomes a cache miss)';
    case 'invalid-json':
    case 'invalid-sidecar':
      return 'Delete the broken sidecar';
    case 'stray-file':
      return 'Remove stray file';
    case 'unsafe-key':
      return 'Delete the sidecar';
    default:
      return 'Delete';
  }
}

/** A kind's words after a count, [one, many]: "1 invalid JSON sidecar", "2 sidecars without data". */
const PROBLEM_COUNT_WORDS: Record<ProblemKind, [string, string]> = {
  'invalid-json': ['invalid JSON sidecar', 'invalid JSON sidecars'],
  'invalid-sidecar': ['invalid sidecar', 'invalid sidecars'],
  'unreadable-sidecar': ['sidecar not read', 'sidecars not read'],
  'unreadable-folder': ['metadata folder not readable', 'metadata folders not readable'],
  'data-missing': ['sidecar without data', 'sidecars without data'],
  'orphan-data': ['data entry without sidecar', 'data entries without sidecar'],
  'stray-file': ['stray file in metadata store', 'stray files in metadata store'],
  'key-mismatch': ['sidecar key mismatch', 'sidecar key mismatches'],
  'unsafe-key': ['unsafe key', 'unsafe keys'],
  'not-a-store': ['folder not an xpersist cache', 'folders not xpersist caches'],
};

/** "2 sidecars without data, 1 invalid JSON sidecar": each kind counted, in first-seen order. */
export function problemCounts(problems: Problem[]): string {
  const counts = new Map<ProblemKind, number>();
  for (const p of problems) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${PROBLEM_COUNT_WORDS[k][n === 1 ? 0 : 1]}`).join(', ');
}

export function storeSummary(r: StoreReport): string {
  if (!r.isStore) return r.problems[0]?.message ?? 'not an xpersist cache';
  const parts = [`${plural(r.artifacts.length, 'artifact')}`, formatBytes(r.totalBytes)];
  if (r.problems.length) parts.push(`${plural(r.problems.length, 'problem')} (${problemCounts(r.problems)})`);
  return parts.join(', ');
}
