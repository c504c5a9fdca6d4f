// The Caches view's model of one store: artifacts filtered, sorted and grouped, built once per
// scan and sliced into pages by the tree provider.

import { formatLocal } from '../common/format';
import type { ArtifactEntry, StoreReport } from '../core/types';
import { type ArtifactFilter, isEmptyFilter, matchesFilter } from './filter';

export type GroupBy = 'flat' | 'folder' | 'flowTask' | 'serializer' | 'date';
export type SortBy = 'key' | 'age' | 'size';

export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  flat: 'Flat list',
  folder: 'Key folder',
  flowTask: 'Flow / task',
  serializer: 'Serializer',
  date: 'Created date',
};
export const SORT_BY_LABELS: Record<SortBy, string> = {
  key: 'Key',
  age: 'Age (newest first)',
  size: 'Size (largest first)',
};

export interface GroupModel {
  /** Unique within the store: the path of labels from the store down. */
  id: string;
  label: string;
  kind: 'root' | 'folder' | 'flow' | 'task' | 'serializer' | 'date';
  groups: GroupModel[];
  artifacts: ArtifactEntry[];
  /** Artifacts in this group and below. */
  count: number;
  bytes: number;
}

export interface ModelOptions {
  groupBy: GroupBy;
  sortBy: SortBy;
  filter: ArtifactFilter | null;
  now?: Date;
}

export interface StoreModel {
  root: GroupModel;
  /** Artifacts that passed the filter. */
  shown: number;
  total: number;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order (`r1i1p1f1` before `r10i1p1f1`, `run2` before `run10`), code points on ties. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function comparator(sortBy: SortBy): (a: ArtifactEntry, b: ArtifactEntry) => number {
  const byKey = (a: ArtifactEntry, b: ArtifactEntry) => naturalCompare(a.key, b.key);
  if (sortBy === 'age') {
    return (a, b) =>
      (b.createdAt?.getTime() ?? -Infinity) - (a.createdAt?.getTime() ?? -Infinity) || byKey(a, b);
  }
  if (sortBy === 'size') return (a, b) => (b.sizeBytes ?? -1) - (a.sizeBytes ?? -1) || byKey(a, b);
  return byKey;
}

function group(id: string, label: string, kind: GroupModel['kind']): GroupModel {
  return { id, label, kind, groups: [], artifacts: [], count: 0, bytes: 0 };
}

function child(
  parent: GroupModel,
  label: string,
  kind: GroupModel['kind'],
  index: Map<string, GroupModel>,
): GroupModel {
  const id = `${parent.id}/${kind}:${label}`;
  let g = index.get(id);
  if (!g) {
    g = group(id, label, kind);
    index.set(id, g);
    parent.groups.push(g);
  }
  return g;
}

const NO_FLOW = '(no flow recorded)';
const NO_TASK = '(no task recorded)';

function metaLabel(a: ArtifactEntry, field: string, fallback: string): string {
  const v = a.additionalMetadata?.[field];
  return typeof v === 'string' && v !== '' ? v : fallback;
}

function dayLabel(date: Date | null, now: Date): string {
  if (!date) return 'Unknown date';
  const day = formatLocal(date).slice(0, 10);
  const today = formatLocal(now).slice(0, 10);
  const yesterday = formatLocal(new Date(now.getTime() - 86_400_000)).slice(0, 10);
  if (day === today) return `Today (${day})`;
  if (day === yesterday) return `Yesterday (${day})`;
  return day;
}

/** The path of groups an artifact belongs to, outermost first. */
function placeOf(a: ArtifactEntry, by: GroupBy, now: Date): [string, GroupModel['kind']][] {
  switch (by) {
    case 'folder': {
      const parts = a.key.split('/');
      return parts.slice(0, -1).map((p) => [p, 'folder']);
    }
    case 'flowTask':
      return [
        [metaLabel(a, 'flow_name', NO_FLOW), 'flow'],
        [metaLabel(a, 'task_name', NO_TASK), 'task'],
      ];
    case 'serializer':
      return [[a.serializer, 'serializer']];
    case 'date':
      return [[dayLabel(a.createdAt, now), 'date']];
    default:
      return [];
  }
}

function finish(g: GroupModel, cmp: (a: ArtifactEntry, b: ArtifactEntry) => number, by: GroupBy): void {
  g.artifacts.sort(cmp);
  for (const c of g.groups) finish(c, cmp, by);
  if (by === 'date') {
    // Newest day first; "Unknown date" last.
    g.groups.sort((a, b) =>
      a.label === 'Unknown date' ? 1 : b.label === 'Unknown date' ? -1 : a.label < b.label ? 1 : -1,
    );
  } else {
    g.groups.sort(
      (a, b) =>
        (a.label.startsWith('(') ? 1 : 0) - (b.label.startsWith('(') ? 1 : 0) ||
        naturalCompare(a.label, b.label),
    );
  }
  g.count = g.artifacts.length + g.groups.reduce((s, c) => s + c.count, 0);
  g.bytes =
    g.artifacts.reduce((s, a) => s + (a.sizeBytes ?? 0), 0) + g.groups.reduce((s, c) => s + c.bytes, 0);
}

export function buildStoreModel(report: StoreReport, options: ModelOptions): StoreModel {
  const now = options.now ?? new Date();
  const root = group('', '', 'root');
  const index = new Map<string, GroupModel>();
  const filter = isEmptyFilter(options.filter) ? null : options.filter;
  const nowMs = now.getTime();
  let shown = 0;
  for (const a of report.artifacts) {
    if (filter && !matchesFilter(filter, a, nowMs)) continue;
    shown++;
    let g = root;
    for (const [label, kind] of placeOf(a, options.groupBy, now)) g = child(g, label, kind, index);
    g.artifacts.push(a);
  }
  finish(root, comparator(options.sortBy), options.groupBy);
  return { root, shown, total: report.artifacts.length };
}

/** The label an artifact shows under its group: the last key segment when grouped by folder. */
export function artifactLabel(a: ArtifactEntry, groupBy: GroupBy): string {
  return groupBy === 'folder' ? a.key.slice(a.key.lastIndexOf('/') + 1) : a.key;
}

/**
 * A label that keeps what tells keys apart in a narrow side bar (~30 characters at 300 px): VS Code
 * cuts a label's end, where keys usually differ (`cmip6/…/r10i1p1f1/pr/1999.csv`), so long keys
 * lose their middle instead, keeping the first segment and as much of the tail as fits.
 */
export function shortLabel(label: string, max = 30): string {
  if (label.length <= max) return label;
  const slash = label.indexOf('/');
  const head =
    slash > 0 && slash <= max / 3 ? label.slice(0, slash + 1) : label.slice(0, Math.floor(max / 4));
  const room = max - head.length - 1;
  let tail = label.slice(label.length - room);
  // Start the tail at a segment boundary when only a scrap of a segment precedes it.
  const cut = tail.indexOf('/');
  if (cut > 0 && cut <= 3) tail = tail.slice(cut);
  return `${head}…${tail}`;
}

/**
 * The folder prefix every artifact of a group shares (`cmip6/CMIP/…/Amon/`), which its labels need
 * not repeat ('' when they share none, or when the group holds one artifact).
 */
export function commonFolder(g: GroupModel): string {
  if (g.artifacts.length < 2) return '';
  let prefix = g.artifacts[0].key.slice(0, g.artifacts[0].key.lastIndexOf('/') + 1);
  for (const a of g.artifacts) {
    while (prefix && !a.key.startsWith(prefix))
      prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
    if (!prefix) return '';
  }
  return prefix;
}

/** An artifact's label in a group whose artifacts share `common`: the rest, marked with "…". */
export function labelInGroup(a: ArtifactEntry, groupBy: GroupBy, common: string): string {
  const label = artifactLabel(a, groupBy);
  return shortLabel(common && label.startsWith(common) ? `…${label.slice(common.length)}` : label);
}

/** Finds the group holding an artifact (to reveal it). */
export function findArtifactGroup(model: StoreModel, key: string): GroupModel[] | null {
  const walk = (g: GroupModel, trail: GroupModel[]): GroupModel[] | null => {
    if (g.artifacts.some((a) => a.key === key)) return trail;
    for (const c of g.groups) {
      const r = walk(c, [...trail, c]);
      if (r) return r;
    }
    return null;
  };
  return walk(model.root, []);
}
