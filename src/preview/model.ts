// The preview model: what the readers hand to the panel host. JSON-serialisable except for NaN in
// numeric values (the host converts NaN to null before posting to the webview).

export interface ReadOptions {
  /** The artifact's dump_kwargs: the readers undo them (`sep`, `encoding`, `group`, `index`). */
  dumpKwargs?: Record<string, unknown>;
  /** The artifact's load_kwargs; they win over dumpKwargs (e.g. `group`). */
  loadKwargs?: Record<string, unknown>;
  /**
   * Extension: which HDF5 reader netCDF-4 files use. 'auto' (default) is the built-in reader with
   * h5wasm for what it cannot read; 'h5wasm' forces the wasm library (comparisons, diagnostics).
   */
  engine?: 'auto' | 'native' | 'h5wasm';
  /**
   * For an object URL as `path` (s3://, az://, abfs://): fsspec-named storage options, as the
   * store's (credentials not given are found as s3fs/adlfs find them). Only the byte ranges a
   * preview needs are fetched.
   */
  storageOptions?: Record<string, unknown>;
}

export interface Variable {
  dims: string[];
  shape: number[];
  /** numpy's name of the decoded type, as xarray.open_dataset shows it. */
  dtype: string;
  chunks: number[] | null;
  attrs: Record<string, unknown>;
  encoding: Record<string, unknown>;
  /**
   * Extension: the CF calendar of decoded times as cftime names it (`noleap`, `360_day`,
   * `standard`...). With dtype `object` the values are cftime dates: shown as `cftime (noleap)`.
   */
  calendar?: string;
}

export interface DatasetModel {
  kind: 'dataset';
  dims: Record<string, number>;
  coords: Record<string, Variable>;
  dataVars: Record<string, Variable>;
  attrs: Record<string, unknown>;
  /** Extension: sub-groups below the one shown ("forecast", "forecast/members"), and the one shown. */
  groups?: string[];
  group?: string;
}

export interface TableColumn {
  name: string;
  dtype: string;
  /** Extension: the calendar of a column of cftime dates (dtype `object`). */
  calendar?: string;
}

export interface TableModel {
  kind: 'table';
  columns: TableColumn[];
  rowCount: number | null;
  index: string[];
  /** Extension: true when dtypes come from a bounded sample of rows (CSV) rather than the schema. */
  dtypesFromSample?: boolean;
}

/**
 * One node of a pickled object's type tree. Nothing in a pickle is executed: classes and callables
 * are only named (`inert: true` marks an object built by calling something).
 */
export interface ObjectNode {
  /** Python type: `dict`, `list`, `int`, `numpy.ndarray`, `pandas.DataFrame`, `os.system` ... */
  type: string;
  /** Key in the parent (dict key, list index, attribute name). */
  label?: string;
  /** One line for the tree: a repr for scalars, `float64 (128, 8)` for arrays, sizes for containers. */
  summary?: string;
  children?: ObjectNode[];
  /** Some children (or values) were left out: depth or item bound reached. */
  truncated?: boolean;
  /** Containers: their full length. */
  length?: number;
  /** numpy arrays / pandas columns. */
  dtype?: string;
  shape?: number[];
  /**
   * First values in C order (NaN for missing numbers, ISO strings for times): 20 for 1-D arrays,
   * up to 20,000 for 2-D and higher ones (shown as a table); `truncated` when some are left out.
   */
  values?: Array<number | string | boolean | null>;
  /** Calendar of cftime values (object arrays, Series). */
  calendar?: string;
  /** DataFrame: columns and their dtypes, the index, and its rows (up to 1,000). */
  columns?: TableColumn[];
  index?: { type: string; name: string | null; values?: Array<number | string | boolean | null> };
  rows?: Array<Array<number | string | boolean | null>>;
  /** Built by a callable (REDUCE / NEWOBJ / BUILD) that the preview never runs. */
  inert?: boolean;
}

export interface ObjectModel {
  kind: 'object';
  tree: ObjectNode;
}

export interface UnsupportedModel {
  kind: 'unsupported';
  reason: string;
  sizeBytes: number | null;
  /** The first bytes as a hex + ASCII dump (a listing for folders), or null when unreadable. */
  head: string | null;
}

export type PreviewModel = DatasetModel | TableModel | ObjectModel | UnsupportedModel;

export type Value = number | string | boolean | null;

export type Selection = Record<string, number | [start: number, stop: number]>;

export interface ValuesResult {
  dims: string[];
  shape: number[];
  values: Value[];
}

export interface RowsResult {
  columns: string[];
  rows: unknown[][];
}
