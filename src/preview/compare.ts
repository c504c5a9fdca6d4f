// Two artifacts side by side: what differs in their structure (dims, coordinates, variables,
// dtypes, shapes, attributes, encodings) for datasets, and columns, dtypes and row counts for
// tables. Pure: built from two preview models, so it costs no reads.
import type { DatasetModel, PreviewModel, TableModel, Variable } from './model';

export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

export interface DiffRow {
  /** What the row is about: `dims.time`, `coords.lat.dtype`, `data_vars.tas.attrs.units`, `attrs.history`. */
  path: string;
  left: string | null;
  right: string | null;
  status: DiffStatus;
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
