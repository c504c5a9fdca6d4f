// A dataset's text repr laid out as xarray's `repr(ds)` lays it out (xarray.core.formatting):
// the size line, `Dimensions:`, coordinates with `*` on index coordinates, `Dimensions without
// coordinates:`, data variables with dtype, bytes and first … last values, attributes. Values are
// formatted more simply than numpy does, so only the structure is xarray's to the character.
import type { DatasetModel, Value, Variable } from '../../preview/model';
import { fmt } from '../common/dom';

export interface FirstLast {
  first: Value[];
  last: Value[];
  total: number;
}

const MAX_WIDTH = 80;

/** An index coordinate: 1-D and named as its dimension (xarray's default indexes). */
export const isIndexCoord = (name: string, v: Variable): boolean => v.dims.length === 1 && v.dims[0] === name;

/** Dimensions no coordinate variable is named after. */
export function dimsWithoutCoords(model: DatasetModel): string[] {
  return Object.keys(model.dims).filter((d) => !(d in model.coords));
}

/** numpy's item size of a dtype name (object arrays hold 8-byte pointers). */
export function itemSize(dtype: string): number {
  const u = /^[<>|]?U(\d+)$/.exec(dtype);
  if (u) return 4 * Number(u[1]);
  const b = /^[<>|]?S(\d+)$/.exec(dtype);
  if (b) return Number(b[1]);
  if (dtype === 'bool' || /^u?int8$/.test(dtype)) return 1;
  const bits = /(\d+)(\[\w+\])?$/.exec(dtype);
  if (bits && !dtype.startsWith('datetime') && !dtype.startsWith('timedelta')) return Number(bits[1]) / 8;
  return 8;
}

export const nbytes = (v: Variable): number => v.shape.reduce((a, b) => a * b, 1) * itemSize(v.dtype);

/** xarray's render_human_readable_nbytes: powers of 1000, no decimals. */
export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB'];
  let x = n;
  let i = 0;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x.toFixed(0)}${units[i]}`;
}

/** Python's `f"{x:.4}"` (xarray's format_item for floats): 4 significant digits, `244.0`, `1.234e+03`. */
export function pyFloat4(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, e] = x.toExponential(3).split('e');
  const exp = Number(e);
  const strip = (m: string) => (m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m);
  if (exp >= -4 && exp < 3) {
    const fixed = strip(x.toFixed(Math.max(0, 3 - exp)));
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  return `${strip(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** A value as the repr shows it: times as `2001-01-16 00:00:00`, floats as Python's `.4`. */
export function reprValue(v: Value, float = true): string {
  if (typeof v === 'string' && /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(v)) return v.replace('T', ' ');
  if (typeof v === 'number') return float ? pyFloat4(v) : String(v);
  if (v === null) return 'nan';
  return fmt(v);
}

/** First and last values in at most `width` characters: `a b c ... x y z`, as format_array_flat. */
export function firstLastText(fl: FirstLast | undefined, width: number, float = true): string {
  if (!fl) return '...';
  const rv = (v: Value) => reprValue(v, float);
  const all = fl.total <= fl.first.length + fl.last.length;
  const items = all ? [...fl.first, ...fl.last.slice(fl.first.length + fl.last.length - fl.total)] : null;
  if (items) {
    const text = items.map(rv).join(' ');
    if (text.length <= width) return text;
  }
  const first = fl.first.map(rv);
  const last = fl.last.map(rv);
  for (let k = Math.max(first.length, last.length); k >= 1; k--) {
    const text = `${first.slice(0, k).join(' ')} ... ${last.slice(-k).join(' ')}`;
    if (text.length <= width || k === 1)
      return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
  }
  return '...';
}

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));

function variableLine(name: string, v: Variable, index: boolean, colWidth: number, fl?: FirstLast): string {
  const first = pad(`  ${index ? '*' : ' '} ${name} `, colWidth);
  const dims = v.dims.length ? `(${v.dims.join(', ')}) ` : '';
  const front = `${first}${dims}${v.dtype} ${humanBytes(nbytes(v))} `;
  return front + firstLastText(fl, Math.max(10, MAX_WIDTH - front.length), v.dtype.startsWith('float'));
}

function attrText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The whole text repr; `values` holds first/last values by variable name (missing: `...`). */
export function datasetRepr(model: DatasetModel, values: Map<string, FirstLast>): string {
  const names = [...Object.keys(model.coords), ...Object.keys(model.dataVars)];
  const colWidth = Math.max(7, ...names.map((n) => n.length)) + 6;
  const all = [...Object.values(model.coords), ...Object.values(model.dataVars)];
  const lines = [`<xarray.Dataset> Size: ${humanBytes(all.reduce((a, v) => a + nbytes(v), 0))}`];
  const dims = Object.entries(model.dims).map(([d, n]) => `${d}: ${n}`);
  lines.push(`${pad('Dimensions:', colWidth)}(${dims.join(', ')})`);
  const coords = Object.entries(model.coords);
  if (coords.length) {
    lines.push('Coordinates:');
    for (const [n, v] of coords) lines.push(variableLine(n, v, isIndexCoord(n, v), colWidth, values.get(n)));
  }
  const bare = dimsWithoutCoords(model);
  if (bare.length) lines.push(`Dimensions without coordinates: ${bare.join(', ')}`);
  lines.push('Data variables:');
  const vars = Object.entries(model.dataVars);
  if (vars.length === 0) lines.push('    *empty*');
  for (const [n, v] of vars) lines.push(variableLine(n, v, false, colWidth, values.get(n)));
  const attrs = Object.entries(model.attrs);
  if (attrs.length) {
    lines.push('Attributes:');
    const aw = Math.max(7, ...attrs.map(([k]) => k.length)) + 6;
    for (const [k, v] of attrs) {
      const line = `${pad(`    ${k}:`, aw)} ${attrText(v)}`;
      lines.push(line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH - 3)}...` : line);
    }
  }
  return lines.join('\n');
}
