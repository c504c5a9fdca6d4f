// netCDF-4 semantics over an HDF5 reader (our own, or h5wasm): which datasets are variables,
// their dimensions (dimension scales), the attributes netCDF hides, and what xarray's netCDF4
// backend puts in `.encoding`.

import type { RawArray, RawData, RawDataset, RawVariable, Storage } from '../dataset/rawDataset';

export interface Nc4Attr {
  name: string;
  value: unknown;
  numpyType: string | null;
}

export interface Nc4Var {
  name: string;
  path: string;
  shape: number[];
  maxShape: number[] | null;
  chunks: number[] | null;
  storage: Storage;
  attrs: Nc4Attr[];
  /** Per dimension: the dimension scale's dataset path (from DIMENSION_LIST), or null. */
  dimScales: Array<string | null>;
  filters: Array<{ id: number; name: string; values: number[] }>;
  contiguous: boolean;
  /** netCDF-4 enum type: name -> value (xarray keeps it in encoding['dtype'] metadata). */
  enumMembers?: Record<string, number>;
  read(ranges: Array<[number, number]>): Promise<RawData>;
}

export interface Nc4Group {
  path: string;
  attrs: Nc4Attr[];
  variables: Nc4Var[];
}

export interface Nc4Source {
  engine: 'native' | 'h5wasm';
  group(path: string): Promise<Nc4Group>;
  /** All groups below the root, as paths without a leading slash. */
  groups(): Promise<string[]>;
  close(): void | Promise<void>;
  stats?: { reads: number; bytes: number; chunks?: number };
}

/** Attributes netCDF-C uses internally and netCDF4-python does not show. */
const HIDDEN = new Set([
  'CLASS',
  'NAME',
  'DIMENSION_LIST',
  'REFERENCE_LIST',
  'DIMENSION_LABELS',
  '_Netcdf4Dimid',
  '_Netcdf4Coordinates',
  '_nc3_strict',
  '_NCProperties',
  '_IsNetcdf4',
  '_SuperblockVersion',
]);

const DIM_ONLY = 'This is a netCDF dimension but not a netCDF variable';

/** netCDF4-python: a one-element attribute is a scalar. */
export function normalizeAttr(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    v = Array.from(v as unknown as ArrayLike<number | bigint>);
  if (Array.isArray(v)) {
    const arr = v.map((x) => (typeof x === 'bigint' ? Number(x) : x));
    return arr.length === 1 ? arr[0] : arr;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

function attrMap(list: Nc4Attr[]): { attrs: Record<string, unknown>; types: Record<string, string> } {
  const attrs: Record<string, unknown> = {};
  const types: Record<string, string> = {};
  for (const a of list) {
    if (HIDDEN.has(a.name)) continue;
    attrs[a.name] = normalizeAttr(a.value);
    if (a.numpyType) types[a.name] = a.numpyType;
  }
  return { attrs, types };
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export function isDimensionOnly(v: Nc4Var): boolean {
  const name = v.attrs.find((a) => a.name === 'NAME')?.value;
  return typeof name === 'string' && name.startsWith(DIM_ONLY);
}

function isDimensionScale(v: Nc4Var): boolean {
  return v.attrs.find((a) => a.name === 'CLASS')?.value === 'DIMENSION_SCALE';
}

function dimsOf(v: Nc4Var): string[] {
  if (isDimensionScale(v) && v.shape.length === 1) return [v.name];
  return v.shape.map((_, i) => {
    const s = v.dimScales[i];
    return s ? basename(s) : `phony_dim_${i}`;
  });
}

function encodingOf(v: Nc4Var, file: string): Record<string, unknown> {
  const deflate = v.filters.find((f) => f.id === 1);
  const enc: Record<string, unknown> = {
    zlib: Boolean(deflate),
    szip: v.filters.some((f) => f.id === 4),
    zstd: v.filters.some((f) => f.id === 32015),
    bzip2: v.filters.some((f) => f.id === 307),
    blosc: v.filters.some((f) => f.id === 32001),
    shuffle: v.filters.some((f) => f.id === 2),
    complevel: deflate ? (deflate.values[0] ?? 0) : 0,
    fletcher32: v.filters.some((f) => f.id === 3),
    contiguous: v.contiguous,
    source: file,
    original_shape: v.shape,
  };
  if (v.chunks) enc.chunksizes = v.chunks;
  // netCDF4-python reads NC_STRING as Python str: xarray then converts the variable to numpy `<U{n}`.
  if (v.storage.kind === 'vlen') enc.dtype = 'str';
  if (v.enumMembers) enc.enum = v.enumMembers;
  return enc;
}

export function nc4RawDataset(source: Nc4Source, g: Nc4Group, groups: string[], file: string): RawDataset {
  const byVar = new Map<RawVariable, Nc4Var>();
  const variables: RawVariable[] = [];
  for (const v of g.variables) {
    if (isDimensionOnly(v)) continue;
    const { attrs, types } = attrMap(v.attrs);
    const rv: RawVariable = {
      name: v.name,
      dims: dimsOf(v),
      shape: v.shape,
      chunks: v.chunks,
      storage: v.storage,
      attrs,
      attrTypes: types,
      encoding: encodingOf(v, file),
    };
    byVar.set(rv, v);
    variables.push(rv);
  }
  const ga = attrMap(g.attrs);
  return {
    format: `netCDF4 (${source.engine === 'native' ? 'HDF5 read natively' : 'h5wasm'})`,
    attrs: ga.attrs,
    attrTypes: ga.types,
    variables,
    group: g.path,
    groups,
    async read(rv: RawVariable, ranges: Array<[number, number]>): Promise<RawArray> {
      const v = byVar.get(rv)!;
      return { data: await v.read(ranges), shape: ranges.map(([a, b]) => b - a) };
    },
    close: () => source.close(),
  };
}
