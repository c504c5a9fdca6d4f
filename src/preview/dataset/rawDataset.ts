// What each file-format backend (zarr, HDF5/netCDF4, NETCDF3) provides: variables as stored, before
// CF decoding, and a reader for hyper-rectangles of them. The CF layer (../cf) turns this into
// what xarray shows.

/** How a variable's elements are stored on disk (after byte-order handling, which backends do). */
export type Storage =
  | { kind: 'int' | 'uint'; bytes: 1 | 2 | 4 | 8; bigEndian?: boolean }
  | { kind: 'float'; bytes: 2 | 4 | 8; bigEndian?: boolean }
  | { kind: 'bool' }
  /** NC_CHAR / numpy `S1`: one byte per element, stacked along the last dimension by xarray. */
  | { kind: 'char' }
  /** numpy `|S{n}`: fixed-width bytes. */
  | { kind: 'bytes'; length: number }
  /** numpy `<U{n}`: fixed-width unicode. */
  | { kind: 'unicode'; length: number }
  /** variable-length strings (numpy object, vlen-utf8, HDF5 vlen str, zarr v3 `string`). */
  | { kind: 'vlen' }
  /** numpy datetime64/timedelta64 stored as int64 counts of `unit`. */
  | { kind: 'datetime64' | 'timedelta64'; unit: string }
  /** Anything else (compound, enum, opaque, complex): listed, not readable. */
  | { kind: 'other'; name: string };

/**
 * Raw values of a selection, flattened in C order. Numbers come as typed arrays (int64 as
 * BigInt64Array), chars/bytes as Uint8Array (`length` bytes per element), bools as Uint8Array,
 * strings as arrays (null where a vlen string is missing).
 */
export type RawData =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | Array<string | null>;

export interface RawArray {
  data: RawData;
  shape: number[];
}

export interface RawVariable {
  name: string;
  dims: string[];
  shape: number[];
  chunks: number[] | null;
  storage: Storage;
  /** Attributes as a user of the format sees them (format internals removed), CF keys included. */
  attrs: Record<string, unknown>;
  /** numpy type of numeric attributes (`scale_factor: 'float32'`), which decides decoded dtypes. */
  attrTypes: Record<string, string>;
  /** Storage details xarray puts in `.encoding` (compressor, filters, zlib, chunksizes...). */
  encoding: Record<string, unknown>;
}

export interface RawDataset {
  /** e.g. `zarr v2 (consolidated)`, `netCDF4`, `NETCDF3_CLASSIC`. */
  format: string;
  attrs: Record<string, unknown>;
  attrTypes: Record<string, string>;
  variables: RawVariable[];
  /** The group shown ('' for the root) and the groups below the root, as paths. */
  group: string;
  groups: string[];
  /** Reads [start, stop) along every dimension of the stored variable. */
  read(variable: RawVariable, ranges: Array<[number, number]>): Promise<RawArray>;
  close(): void | Promise<void>;
}

export function storageDtype(s: Storage): string {
  switch (s.kind) {
    case 'int':
    case 'uint':
    case 'float': {
      const base = `${s.kind}${s.bytes * 8}`;
      if (!s.bigEndian || s.bytes === 1) return base;
      return `>${s.kind === 'float' ? 'f' : s.kind === 'int' ? 'i' : 'u'}${s.bytes}`;
    }
    case 'bool':
      return 'bool';
    case 'char':
      return '|S1';
    case 'bytes':
      return `|S${s.length}`;
    case 'unicode':
      return `<U${s.length}`;
    case 'vlen':
      return 'object';
    case 'datetime64':
    case 'timedelta64':
      return `${s.kind}[${s.unit}]`;
    case 'other':
      return s.name;
  }
}

export const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
