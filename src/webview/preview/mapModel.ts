// The arithmetic of a 2-D slice drawn as a map, without the DOM (unit-tested): which way is up,
// where the ticks go and what they say, the cells' aspect, and the colour range xarray would pick
// (robust 2-98 %, diverging and centred on 0 when the data cross 0).
import type { Calendar } from '../../preview/cf/calendars';
import { isoToDays, timeTicks } from '../../preview/cf/calendarTime';
import type { Value, Variable } from '../../preview/model';
import { fmt } from '../common/dom';
import { percentiles } from './quantile';

export type GeoKind = 'lat' | 'lon' | null;

/** A latitude or longitude, by CF standard_name, units or a usual name. */
export function geoKind(name: string, v: Variable | undefined): GeoKind {
  const sn = String(v?.attrs.standard_name ?? '');
  const units = String(v?.attrs.units ?? v?.encoding.units ?? '').toLowerCase();
  if (sn === 'latitude' || /^degrees?_?n(orth)?$/.test(units) || /^(lat|latitude|nav_lat|y_lat)$/i.test(name))
    return 'lat';
  if (sn === 'longitude' || /^degrees?_?e(ast)?$/.test(units) || /^(lon|long|longitude|nav_lon)$/i.test(name))
    return 'lon';
  return null;
}

/** Coordinate values as numbers (times as days in their calendar), or null when they are not. */
export function numericCoord(values: Value[] | null, cal: Calendar | null): number[] | null {
  if (!values || values.length === 0) return null;
  const out = values.map((v) => (cal ? isoToDays(v, cal) : typeof v === 'number' ? v : null));
  return out.every((x) => x !== null && Number.isFinite(x)) ? (out as number[]) : null;
}

function monotonic(xs: number[]): 1 | -1 | 0 {
  if (xs.length < 2) return 1;
  const up = xs[1] > xs[0];
  for (let i = 1; i < xs.length; i++) if (up ? xs[i] <= xs[i - 1] : xs[i] >= xs[i - 1]) return 0;
  return up ? 1 : -1;
}

/**
 * Row 0 of the data is drawn at the bottom unless the row coordinate decreases (as xarray's plots
 * do: values grow upwards), so a latitude is north-up either way. The table uses the same order.
 */
export function rowsFlipped(rowCoord: number[] | null): boolean {
  return !(rowCoord && rowCoord.length > 1 && monotonic(rowCoord) === -1);
}

/** Nice round steps (1, 2, 2.5, 5 × 10^k) giving at most maxTicks ticks over [lo, hi]. */
export function niceTicks(lo: number, hi: number, maxTicks: number): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export interface AxisTick {
  /** Fractional index into the window's cells along the axis (0 = centre of the first cell). */
  index: number;
  label: string;
  /** The coordinate value the label stands for (a number; days for times). */
  value: number | null;
}

/** Fractional index at which a monotonic coordinate takes value v, or null outside it. */
function indexOf(xs: number[], v: number): number | null {
  const dir = monotonic(xs);
  for (let i = 0; i + 1 < xs.length; i++) {
    const a = xs[i];
    const b = xs[i + 1];
    if ((dir === 1 && v >= a && v <= b) || (dir === -1 && v <= a && v >= b)) return i + (v - a) / (b - a);
  }
  return xs.length === 1 && v === xs[0] ? 0 : null;
}

/**
 * Ticks along one axis of the window: at round coordinate values for a monotonic numeric
 * coordinate (calendar dates for times), else at evenly spaced cells labelled with their value.
 */
export function axisTicks(
  window: Value[] | null,
  n: number,
  start: number,
  cal: Calendar | null,
  maxTicks: number,
): AxisTick[] {
  const xs = numericCoord(window, cal);
  if (xs && monotonic(xs) !== 0 && n > 1) {
    const lo = Math.min(xs[0], xs[n - 1]);
    const hi = Math.max(xs[0], xs[n - 1]);
    const ticks = cal
      ? timeTicks(lo, hi, cal, maxTicks).map((t) => ({ value: t.value, label: t.label }))
      : niceTicks(lo, hi, maxTicks).map((v) => ({ value: v, label: fmt(v, 6) }));
    const out: AxisTick[] = [];
    for (const t of ticks) {
      const index = indexOf(xs, t.value);
      if (index !== null) out.push({ index, label: t.label, value: t.value });
    }
    if (out.length >= 2) return out;
  }
  const step = Math.max(1, Math.ceil(n / Math.max(1, maxTicks)));
  const out: AxisTick[] = [];
  for (let i = 0; i < n; i += step)
    out.push({ index: i, label: window ? fmt(window[i]) : String(start + i), value: xs ? xs[i] : null });
  return out;
}

/**
 * Height / width of one cell. Latitude against longitude (or two coordinates in the same units)
 * keep their true spacing, so a degree is as tall as it is wide; anything else gets square cells.
 */
export function cellAspect(
  rowCoord: number[] | null,
  colCoord: number[] | null,
  rowKind: GeoKind,
  colKind: GeoKind,
  sameUnits: boolean,
): number {
  const spacing = (xs: number[] | null) =>
    xs && xs.length > 1 ? Math.abs(xs[xs.length - 1] - xs[0]) / (xs.length - 1) : null;
  const geo = (rowKind === 'lat' && colKind === 'lon') || (rowKind === 'lon' && colKind === 'lat');
  if (!geo && !sameUnits) return 1;
  const dr = spacing(rowCoord);
  const dc = spacing(colCoord);
  if (!dr || !dc) return 1;
  return Math.min(20, Math.max(0.05, dr / dc));
}

export interface ColorRange {
  lo: number;
  hi: number;
  /** The data cross 0: a diverging map centred on 0 suits them. */
  diverging: boolean;
}

/** finite numbers of a slice */
function finite(values: ArrayLike<Value>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const x = typeof v === 'boolean' ? Number(v) : v;
    if (typeof x === 'number' && Number.isFinite(x)) out[n++] = x;
  }
  return out.subarray(0, n);
}

/**
 * The colour range xarray's plot picks: min/max, or the 2nd-98th percentiles with robust=True;
 * when the range crosses 0 it is made symmetric about 0 (vmax = max(|lo|, |hi|)). `dtype` is the
 * data's: float32 percentiles are computed as numpy computes them for xarray's plot, in float32.
 */
export function colorRange(values: ArrayLike<Value>, robust: boolean, dtype?: string): ColorRange | null {
  const xs = finite(values);
  if (xs.length === 0) return null;
  let [lo, hi] = robust ? percentiles(xs, [2, 98], dtype === 'float32') : extremes(xs);
  const diverging = lo < 0 && hi > 0;
  if (diverging) {
    const m = Math.max(-lo, hi);
    lo = -m;
    hi = m;
  }
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5, diverging };
  return { lo, hi, diverging };
}

function extremes(xs: Float64Array): [number, number] {
  let lo = xs[0];
  let hi = xs[0];
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  return [lo, hi];
}
