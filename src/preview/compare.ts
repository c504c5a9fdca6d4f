// Two artifacts side by side: what differs in their structure (dims, coordinates, variables,
// dtypes, shapes, attributes, encodings) for datasets, and columns, dtypes and row counts for
// tables. Pure: built from two preview models, so it costs no reads.
import type { VariableStats } from './dataset/variableStats';
import type { DatasetModel, PreviewModel, TableModel, Variable } from './model';
import type { ColumnSummaries } from './table/tableHandle';

export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

export interface DiffRow {
  /** What the row is about: `dims.time`, `coords.lat.dtype`, `data_vars.tas.attrs.units`, `attrs.history`. */
  path: string;
  left: string | null;
  right: string | null;
  status: DiffStatus;
  /** Extension: a statistic still being read on one side (its status is not final yet). */
  pending?: boolean;
}

export interface DiffSection {
  title: string;
  rows: DiffRow[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function row(path: string, left: unknown, right: unknown): DiffRow {
  const l = left === undefined ? null : text(left);
  const r = right === undefined ? null : text(right);
  const status: DiffStatus = l === null ? 'added' : r === null ? 'removed' : l === r ? 'same' : 'changed';
  return { path, left: l, right: r, status };
}

function mapRows(prefix: string, a: Record<string, unknown>, b: Record<string, unknown>): DiffRow[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.map((k) => row(`${prefix}${k}`, a[k], b[k]));
}

function variableRows(prefix: string, a: Record<string, Variable>, b: Record<string, Variable>): DiffRow[] {
  const out: DiffRow[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const va = a[name];
    const vb = b[name];
    const p = `${prefix}${name}`;
    if (!va || !vb) {
      const v = va ?? vb;
      const summary = `(${v.dims.join(', ')}) ${v.dtype} ${JSON.stringify(v.shape)}`;
      out.push(row(p, va ? summary : undefined, vb ? summary : undefined));
      continue;
    }
    out.push(row(`${p}.dims`, va.dims, vb.dims), row(`${p}.dtype`, va.dtype, vb.dtype));
    out.push(row(`${p}.shape`, va.shape, vb.shape), row(`${p}.chunks`, va.chunks, vb.chunks));
    if (va.calendar || vb.calendar) out.push(row(`${p}.calendar`, va.calendar, vb.calendar));
    out.push(
      ...mapRows(`${p}.attrs.`, va.attrs, vb.attrs),
      ...mapRows(`${p}.encoding.`, va.encoding, vb.encoding),
    );
  }
  return out;
}

export function compareDatasets(a: DatasetModel, b: DatasetModel): DiffSection[] {
  return [
    { title: 'Dimensions', rows: mapRows('dims.', a.dims, b.dims) },
    { title: 'Coordinates', rows: variableRows('coords.', a.coords, b.coords) },
    { title: 'Data variables', rows: variableRows('data_vars.', a.dataVars, b.dataVars) },
    { title: 'Attributes', rows: mapRows('attrs.', a.attrs, b.attrs) },
  ];
}

export function compareTables(a: TableModel, b: TableModel): DiffSection[] {
  const dtypes = (m: TableModel) => Object.fromEntries(m.columns.map((c) => [c.name, c.dtype]));
  return [
    { title: 'Rows', rows: [row('row_count', a.rowCount, b.rowCount), row('index', a.index, b.index)] },
    { title: 'Columns', rows: mapRows('columns.', dtypes(a), dtypes(b)) },
  ];
}

/** The sections for two models of the same kind, or a reason they cannot be compared. */
export function compareModels(a: PreviewModel, b: PreviewModel): DiffSection[] | { reason: string } {
  if (a.kind === 'dataset' && b.kind === 'dataset') return compareDatasets(a, b);
  if (a.kind === 'table' && b.kind === 'table') return compareTables(a, b);
  return { reason: `Cannot compare a ${a.kind} with a ${b.kind}: pick two datasets or two tables.` };
}

/** Statistics as text: min/max exactly, means to 8 significant digits (float sums differ below). */
function statText(v: number | string | null | undefined, mean = false): string | null {
  if (v === undefined) return null;
  // No mean (strings, times) is not a missing value: a dash, as pandas' describe leaves it blank.
  if (v === null) return mean ? '—' : 'NaN';
  if (typeof v === 'number' && mean) return String(Number(v.toPrecision(8)));
  return String(v);
}

/**
 * Rows `stats.<variable>.{min,max,mean,nan_count}` for whole-variable statistics that may still be
 * streaming: a row is `pending` (and not marked changed) until both sides are done.
 */
export function compareStatistics(
  left: Record<string, VariableStats | undefined>,
  right: Record<string, VariableStats | undefined>,
  names: { left: string[]; right: string[] },
): DiffSection {
  const rows: DiffRow[] = [];
  const inLeft = new Set(names.left);
  const inRight = new Set(names.right);
  for (const name of [...new Set([...names.left, ...names.right])]) {
    const a = left[name];
    const b = right[name];
    const pending = (inLeft.has(name) && !a?.done) || (inRight.has(name) && !b?.done);
    const fields: Array<[string, (s: VariableStats) => string | null]> = [
      ['min', (s) => statText(s.min)],
      ['max', (s) => statText(s.max)],
      ['mean', (s) => statText(s.mean, true)],
      ['nan_count', (s) => String(s.nanCount)],
    ];
    for (const [field, get] of fields) {
      const l = inLeft.has(name) ? (a ? get(a) : '') : null;
      const r = inRight.has(name) ? (b ? get(b) : '') : null;
      const status: DiffStatus =
        l === null ? 'added' : r === null ? 'removed' : pending || l === r ? 'same' : 'changed';
      rows.push({
        path: `stats.${name}.${field}`,
        left: l,
        right: r,
        status,
        ...(pending ? { pending } : {}),
      });
    }
  }
  return { title: 'Statistics', rows };
}

/** Rows `stats.<column>.{min,max,nulls}` of two tables' column summaries. */
export function compareColumnStats(a: ColumnSummaries, b: ColumnSummaries): DiffSection {
  const byName = (s: ColumnSummaries) => new Map(s.columns.map((c) => [c.name, c]));
  const la = byName(a);
  const lb = byName(b);
  const rows: DiffRow[] = [];
  for (const name of [...new Set([...la.keys(), ...lb.keys()])]) {
    const ca = la.get(name);
    const cb = lb.get(name);
    for (const field of ['min', 'max', 'nulls'] as const) {
      rows.push(row(`stats.${name}.${field}`, ca ? ca[field] : undefined, cb ? cb[field] : undefined));
    }
  }
  return { title: 'Statistics', rows };
}
