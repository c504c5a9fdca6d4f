// A RawDataset after CF decoding: the preview model xarray would show, plus the plans that decode
// each slice read later.

import { type DecodePlan, planVariable } from '../cf/decodePlan';
import { decodeValues } from '../cf/decodeValues';
import { MAX_VLEN_SCAN } from '../limits';
import type { DatasetModel, Variable } from '../model';
import { product, type RawDataset, type RawVariable } from './rawDataset';

export interface DecodedDataset {
  raw: RawDataset;
  model: DatasetModel;
  plans: Map<string, DecodePlan>;
}

function stackableFactory(vars: RawVariable[]): (dim: string) => boolean {
  const names = new Set(vars.map((v) => v.name));
  return (dim) => {
    if (names.has(dim)) return false;
    for (const v of vars) {
      if (!v.dims.includes(dim)) continue;
      if (v.storage.kind !== 'char' || v.dims[v.dims.length - 1] !== dim) return false;
    }
    return true;
  };
}

/** xarray decides a time variable's dtype from its first and last stored values. */
async function resolveTimeDtype(raw: RawDataset, plan: DecodePlan): Promise<void> {
  const time = plan.time;
  if (!time) return;
  const n = product(plan.raw.shape);
  if (n === 0) return;
  const samples: Array<number | bigint> = [];
  for (const flat of n === 1 ? [0] : [0, n - 1]) {
    const idx: Array<[number, number]> = [];
    let rest = flat;
    for (let d = plan.raw.shape.length - 1; d >= 0; d--) {
      const len = plan.raw.shape[d];
      const i = rest % len;
      rest = Math.floor(rest / len);
      idx.unshift([i, i + 1]);
    }
    const got = await raw.read(plan.raw, idx);
    // Decode without the time step to get what CFDatetimeCoder receives (masked/scaled numbers).
    const pre = decodeValues({ ...plan, time: null }, got)[0];
    const rawV = (got.data as ArrayLike<number | bigint>)[0];
    if (typeof rawV === 'bigint' && plan.scale === null && plan.offset === null) {
      samples.push(plan.fills.map(Number).includes(Number(rawV)) ? Number.NaN : rawV);
    } else samples.push(typeof pre === 'number' ? pre : Number.NaN);
  }
  plan.dtype = time.dtypeFor(samples);
}

/** xarray's ObjectVLenStringCoder: `str` variables become numpy `<U{longest}` (read whole, bounded). */
async function resolveStrDtype(raw: RawDataset, plan: DecodePlan): Promise<void> {
  if (plan.raw.storage.kind !== 'vlen' || plan.raw.encoding.dtype !== 'str' || plan.dtype !== 'object')
    return;
  const n = product(plan.raw.shape);
  if (n > MAX_VLEN_SCAN) return;
  let longest = n === 0 ? 1 : 0;
  if (n > 0) {
    const got = await raw.read(
      plan.raw,
      plan.raw.shape.map((s) => [0, s] as [number, number]),
    );
    for (const s of got.data as Array<string | null>) longest = Math.max(longest, s ? [...s].length : 0);
  }
  plan.dtype = `<U${Math.max(1, longest)}`;
}

function toVariable(p: DecodePlan): Variable {
  return {
    dims: p.dims,
    shape: p.shape,
    dtype: p.dtype,
    chunks: p.chunks,
    attrs: p.attrs,
    encoding: p.encoding,
    ...(p.time ? { calendar: p.time.calendar } : {}),
  };
}

/**
 * xarray's conventions._update_bounds_attributes: a time's bounds variable decodes with the time's
 * `units` and `calendar` when it has none of its own (netCDF files often leave them out).
 */
function boundsAttrs(vars: RawVariable[]): Map<string, Record<string, unknown>> {
  const byName = new Map(vars.map((v) => [v.name, v]));
  const inherited = new Map<string, Record<string, unknown>>();
  for (const v of vars) {
    const { units, bounds, calendar } = v.attrs;
    if (typeof units !== 'string' || !units.includes('since') || typeof bounds !== 'string') continue;
    if (!byName.has(bounds)) continue;
    inherited.set(bounds, calendar === undefined ? { units } : { units, calendar });
  }
  return inherited;
}

export async function decodeDataset(raw: RawDataset): Promise<DecodedDataset> {
  const stackable = stackableFactory(raw.variables);
  const plans = new Map<string, DecodePlan>();
  const inherited = boundsAttrs(raw.variables);
  for (const v of raw.variables) plans.set(v.name, planVariable(v, { stackable }, inherited.get(v.name)));
  for (const p of plans.values()) {
    await resolveTimeDtype(raw, p);
    await resolveStrDtype(raw, p);
  }

  // Coordinates: index variables, names listed in `coordinates` attributes (variable or global).
  const coordNames = new Set<string>();
  const attrs = { ...raw.attrs };
  if (typeof attrs.coordinates === 'string') {
    for (const c of attrs.coordinates.split(/\s+/)) if (c) coordNames.add(c);
    delete attrs.coordinates;
  }
  for (const p of plans.values()) {
    const name = p.raw.name;
    if (p.dims.length === 1 && p.dims[0] === name) coordNames.add(name);
    const c = p.attrs.coordinates;
    if (typeof c === 'string') {
      p.encoding.coordinates = c;
      delete p.attrs.coordinates;
      for (const n of c.split(/\s+/)) if (plans.has(n)) coordNames.add(n);
    }
  }
  const dims: Record<string, number> = {};
  const coords: Record<string, Variable> = {};
  const dataVars: Record<string, Variable> = {};
  for (const [name, p] of plans) {
    p.dims.forEach((d, i) => {
      if (!(d in dims)) dims[d] = p.shape[i];
    });
    if (coordNames.has(name)) coords[name] = toVariable(p);
    else dataVars[name] = toVariable(p);
  }
  const model: DatasetModel = {
    kind: 'dataset',
    dims,
    coords,
    dataVars,
    attrs,
    groups: raw.groups,
    group: raw.group,
  };
  return { raw, model, plans };
}
