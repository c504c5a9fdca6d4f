// The integrity report: every problem of the checked stores, each with what fixes it (an automatic
// fix the report offers as a lens, or the step a user takes by hand), and the artifacts whose
// serializer the installed xpersist cannot load. Pure: the extension renders it as a document and
// wires the fixes (src/extension/explorer/integrityReport.ts).

import { plural } from '../common/format';
import type { ArtifactEntry, Problem, ProblemKind, StoreReport } from '../core/types';
import { fixLabel, PROBLEM_LABELS, storeSummary } from './describe';

/** What a user does about a problem that has no automatic fix (or what the fix means). */
export const PROBLEM_ADVICE: Record<ProblemKind, string> = {
  'invalid-json':
    "xpersist's exists() is True but reading raises: deleting the sidecar makes the key a cache miss, so the task runs again.",
  'invalid-sidecar':
    'pydantic refuses this sidecar, so store.get() raises: deleting it makes the key a cache miss, so the task runs again.',
  'unreadable-sidecar':
    'Not read here (too large, not a regular file, or nested too deeply); xpersist may still read it. Look at the file by hand.',
  'unreadable-folder':
    'This folder cannot be listed (no permission, or its path is over the system limit), so its keys are not shown here; xpersist cannot list it either. Fix its permissions or shorten the path by hand.',
  'data-missing':
    'Prefect sees the target as cached and then fails to load it: deleting the sidecar makes it a cache miss.',
  'orphan-data': 'No sidecar points at this data, so xpersist never reads it: it only takes space.',
  'stray-file': 'xpersist lists every file in the metadata store as a key: this one is not a sidecar.',
  'key-mismatch':
    "xpersist finds the artifact by the sidecar's file name, not its key field: rewrite the key field by hand, or delete the sidecar.",
  'unsafe-key':
    'A key that leaves the store (.. or an absolute path): xpersist would read or write outside it.',
  'not-a-store':
    'Create the store with CacheStore(path) (it makes xpersist_metadata_store/), or remove it from xpersist.stores.',
};

/**
 * Why the installed xpersist cannot load artifacts of a serializer, or null (the flows layer knows
 * the registries: unloadableReason in src/flows/serializers.ts).
 */
export type UnloadableReason = (serializer: string) => string | null;

export type IntegrityItemKind = ProblemKind | 'unloadable-serializer';

export interface IntegrityItem {
  kind: IntegrityItemKind;
  /** The heading: the problem kind's label, or the serializer. */
  title: string;
  /** The key, or the path relative to the store, the item is about. */
  subject: string;
  message: string;
  /** The automatic fix's button label, or null when the advice is all there is. */
  fix: string | null;
  advice: string;
  /** The core's problem, for fixProblem (null for an unloadable serializer). */
  problem: Problem | null;
  /** Keys the item is about (unloadable serializer: the artifacts, at most a few shown). */
  keys: string[];
}

export interface IntegrityStoreInput {
  name: string;
  root: string;
  report: StoreReport | null;
  scanError: string | null;
  /** Why nothing may be changed in this store (read-only, untrusted), or null. */
  refusal: string | null;
}

export interface IntegritySection {
  name: string;
  root: string;
  summary: string;
  refusal: string | null;
  items: IntegrityItem[];
}

const relative = (root: string, p: string): string =>
  p.startsWith(`${root}/`) || p.startsWith(`${root}\\`) ? p.slice(root.length + 1) : p;

function problemItem(root: string, p: Problem, canFix: boolean): IntegrityItem {
  return {
    kind: p.kind,
    title: PROBLEM_LABELS[p.kind],
    subject: p.key ?? relative(root, p.path),
    message: p.message,
    fix: canFix ? fixLabel(p) : null,
    advice: PROBLEM_ADVICE[p.kind],
    problem: p,
    keys: p.key ? [p.key] : [],
  };
}

/** One item per serializer that cannot be loaded, naming how many artifacts use it. */
function serializerItems(artifacts: ArtifactEntry[], unloadableReason: UnloadableReason): IntegrityItem[] {
  const bySerializer = new Map<string, string[]>();
  for (const a of artifacts) {
    const keys = bySerializer.get(a.serializer) ?? [];
    keys.push(a.key);
    bySerializer.set(a.serializer, keys);
  }
  const out: IntegrityItem[] = [];
  for (const [serializer, keys] of [...bySerializer].sort(([a], [b]) => a.localeCompare(b))) {
    const reason = unloadableReason(serializer);
    if (!reason) continue;
    out.push({
      kind: 'unloadable-serializer',
      title: `Serializer not loadable: ${serializer}`,
      subject: plural(keys.length, 'artifact'),
      message: reason,
      fix: null,
      advice: 'Nothing in the store is wrong: the interpreter cannot read these artifacts back.',
      problem: null,
      keys,
    });
  }
  return out;
}

/** The report's sections, one per store, problems in the core's (path) order, serializers last. */
export function buildIntegrityReport(
  stores: readonly IntegrityStoreInput[],
  unloadableReason: UnloadableReason,
): IntegritySection[] {
  return stores.map((s) => {
    const r = s.report;
    const summary = r ? storeSummary(r) : `scan failed: ${s.scanError ?? 'no report'}`;
    const items = r
      ? [
          ...r.problems.map((p) => problemItem(s.root, p, s.refusal === null)),
          ...(r.isStore ? serializerItems(r.artifacts, unloadableReason) : []),
        ]
      : [];
    return { name: s.name, root: s.root, summary, refusal: s.refusal, items };
  });
}

/** Where an item's heading is in the rendered text (for its lenses). */
export interface ItemAnchor {
  line: number;
  section: number;
  item: number;
}

const MAX_KEYS_LISTED = 5;

/** A store section's lines; the anchors point at each item's heading line. */
function renderSection(s: IntegritySection, si: number, lines: string[], anchors: ItemAnchor[]): void {
  lines.push(`## ${s.name}`, '', `${s.root}`, '', `${s.summary}`, '');
  if (s.refusal) lines.push(`No fixes offered: ${s.refusal}`, '');
  if (s.items.length === 0) lines.push('No problems.', '');
  s.items.forEach((it, ii) => {
    anchors.push({ line: lines.length, section: si, item: ii });
    lines.push(`### ${ii + 1}. ${it.title} — ${it.subject}`, '', it.message, '');
    if (it.kind === 'unloadable-serializer') {
      const more = it.keys.length > MAX_KEYS_LISTED ? `, … (${it.keys.length - MAX_KEYS_LISTED} more)` : '';
      lines.push(`Artifacts: ${it.keys.slice(0, MAX_KEYS_LISTED).join(', ')}${more}`, '');
    }
    lines.push(`${it.fix ? `Fix: ${it.fix}.` : 'Fix by hand:'} ${it.advice}`, '');
  });
}

/**
 * What a check found, told apart: problems of the stores (their fault, fixable there) and the
 * serializers the interpreter lacks (a note about the installed xpersist: the store is fine), with
 * how many artifacts those serializers hold.
 */
export interface IntegrityTally {
  problems: number;
  serializers: number;
  unloadableArtifacts: number;
}

export function integrityTally(sections: readonly IntegritySection[]): IntegrityTally {
  const items = sections.flatMap((s) => s.items);
  const notes = items.filter((i) => i.kind === 'unloadable-serializer');
  return {
    problems: items.length - notes.length,
    serializers: notes.length,
    unloadableArtifacts: notes.reduce((n, i) => n + i.keys.length, 0),
  };
}

const problemsText = (n: number): string => (n === 0 ? 'no problems' : plural(n, 'problem'));

/** "18 problems, 2 serializers not loadable" (the serializers part only when there are some). */
function tallyText(t: IntegrityTally): string {
  const problems = problemsText(t.problems);
  return t.serializers ? `${problems}, ${plural(t.serializers, 'serializer')} not loadable` : problems;
}

/**
 * The status bar's message after a check: the problem count is the stores' alone; unloadable
 * serializers follow as a note with their artifacts (e.g. "Integrity check: 18 problems in 2
 * stores · 2 serializers not loadable (11 artifacts)").
 */
export function integrityStatusText(sections: readonly IntegritySection[]): string {
  const t = integrityTally(sections);
  const note = t.serializers
    ? ` · ${plural(t.serializers, 'serializer')} not loadable (${plural(t.unloadableArtifacts, 'artifact')})`
    : '';
  return `Integrity check: ${problemsText(t.problems)} in ${plural(sections.length, 'store')}${note}`;
}

/** The report as a markdown document (plain text: keys and messages are shown as written). */
export function renderIntegrityReport(
  sections: readonly IntegritySection[],
  checkedAt: Date,
): { text: string; anchors: ItemAnchor[] } {
  // Problems of the store and serializers the interpreter lacks are told apart: only the first
  // are the store's fault (the store line below counts those alone).
  const lines = [
    '# xpersist integrity report',
    '',
    `Checked ${plural(sections.length, 'store')} at ${checkedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC: ${tallyText(integrityTally(sections))}.`,
    '',
  ];
  const anchors: ItemAnchor[] = [];
  for (const [si, s] of sections.entries()) renderSection(s, si, lines, anchors);
  return { text: lines.join('\n'), anchors };
}
