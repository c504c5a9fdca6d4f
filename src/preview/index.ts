// Public API of the preview readers (see docs/ARCHITECTURE.md, "Public API of the preview readers").
// No vscode import: the panel host and tests call these directly.

import { isRemotePath, notRegular, statPath } from './boundedFs';
import { readDecoded } from './dataset/readSelection';
import { sliceStats } from './dataset/sliceStats';
import { type StatsStreamOptions, streamVariableStats, type VariableStats } from './dataset/variableStats';
import { describeSniffed, headText, pathInfo, serializerForPath, sniffPath } from './detect/sniff';
import { errorMessage, RequestError, UnsupportedError } from './errors';
import { closeAllHandles, openHandleCount } from './handles/handleCache';
import type {
  PreviewModel,
  ReadOptions,
  RowsResult,
  Selection,
  UnsupportedModel,
  ValuesResult,
} from './model';
import { type IoStats, openDataset, openTable, peekDataset, type ReaderKind, readerFor } from './readers';
import { clearRemoteBlocks, useStorageOptions, withRemoteScope } from './remote/objectFiles';
import { parallelVariableStats, statsThreads } from './stats/parallelStats';
import type { ColumnSummaries } from './table/tableHandle';

export type { DiffRow, DiffSection, DiffStatus } from './compare';
export { compareColumnStats, compareModels, compareStatistics } from './compare';
export type { SliceStats } from './dataset/sliceStats';
export type { StatsStreamOptions, VariableStats } from './dataset/variableStats';
export { PreviewError, RequestError, UnsupportedError } from './errors';
export { MAX_ROWS_PER_PAGE, MAX_SELECTION_VALUES } from './limits';
export type {
  DatasetModel,
  ObjectModel,
  ObjectNode,
  PreviewModel,
  ReadOptions,
  RowsResult,
  Selection,
  TableColumn,
  TableModel,
  UnsupportedModel,
  Value,
  ValuesResult,
  Variable,
} from './model';
export type { IoStats } from './readers';
export type { FetchStats } from './remote/objectFiles';
/** Requests and bytes the readers fetched from object storage (extension: tests, bench). */
export { remoteFetchStats, resetRemoteFetchStats } from './remote/objectFiles';
export type { ColumnSummaries, ColumnSummary } from './table/tableHandle';
export { serializerForPath, sliceStats };

const KNOWN = 'xarray.zarr, xarray.netcdf, pandas.csv, pandas.parquet, joblib, xcollection';

/** An object URL's storage options, for the readers below that see only paths. */
function useOptions(path: string, options: ReadOptions | undefined): void {
  // A malformed URL is reported by the reader that opens it (describe never throws).
  if (isRemotePath(path)) {
    try {
      useStorageOptions(path, options?.storageOptions);
    } catch {}
  }
}

async function resolveKind(path: string, serializer: string): Promise<ReaderKind> {
  let s = serializer;
  if (!s || s === 'auto') s = (await serializerForPath(path)) ?? '';
  const kind = readerFor(s);
  if (!kind) {
    const what = describeSniffed(await sniffPath(path));
    throw new UnsupportedError(
      s
        ? `serializer '${s}' is not one the preview can read (known: ${KNOWN}); the data looks like ${what}`
        : `no serializer given and the file is not one the preview recognises (it looks like ${what})`,
    );
  }
  return kind;
}

async function unsupported(path: string, reason: string): Promise<UnsupportedModel> {
  const info = await pathInfo(path).catch(() => null);
  if (!info?.exists) return { kind: 'unsupported', reason: `${reason}`, sizeBytes: null, head: null };
  return { kind: 'unsupported', reason, sizeBytes: info.sizeBytes, head: await headText(path, info.isDir) };
}

/**
 * What an artifact (or a plain .zarr/.nc/.csv/.parquet/.joblib path) holds, as xarray/pandas would
 * show it. Never throws: anything unreadable becomes `{ kind: 'unsupported', reason, ... }`.
 */
export async function describe(
  path: string,
  serializer: string,
  options: ReadOptions = {},
): Promise<PreviewModel> {
  // One request scope per call (every public call below has one): each object is looked at
  // once per call, and a rewritten one is seen by the next call (remote/objectFiles.ts).
  return withRemoteScope(async () => {
    useOptions(path, options);
    try {
      // One stat, not pathInfo: its size of a folder stats every chunk file of the store, which
      // a fresh preview of a big zarr store would wait for before reading anything.
      const st = await statPath(path);
      if (!st) return unsupported(path, `the data path does not exist: ${path}`);
      // Said before any reader or sniffing opens it (open() of a FIFO without a writer never returns).
      if (!st.isFile() && !st.isDirectory())
        return unsupported(path, notRegular(path, 'the data path').message);
      const kind = await resolveKind(path, serializer);
      if ((kind === 'zarr') !== st.isDirectory()) {
        return unsupported(
          path,
          kind === 'zarr'
            ? 'a zarr store is a folder, but this path is a file'
            : 'expected a file, but this path is a folder',
        );
      }
      if (kind === 'zarr' || kind === 'netcdf') return (await openDataset(path, kind, options)).decoded.model;
      if (kind === 'csv' || kind === 'parquet') return { ...(await openTable(path, kind, options)).model };
      // Imported on first use, like the readers in readers.ts.
      const { openPickle } = await import('./pickle/openPickle');
      return (await openPickle(path)).model;
    } catch (err) {
      return unsupported(path, errorMessage(err));
    }
  });
}

/**
 * Values of a dataset variable, flattened in C order, after CF decoding: NaN for missing numbers,
 * ISO 8601 text for times. `selection` works like xarray's isel (an integer drops its dimension;
 * [start, stop) keeps it); dimensions not named are read whole. Refuses selections over
 * MAX_SELECTION_VALUES values.
 */
export async function readValues(
  path: string,
  serializer: string,
  variable: string,
  selection?: Selection,
  options: ReadOptions = {},
): Promise<ValuesResult> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    if (kind !== 'zarr' && kind !== 'netcdf')
      throw new RequestError(`readValues needs a dataset (zarr or netCDF), not a ${kind} artifact`);
    const h = await openDataset(path, kind, options);
    return readDecoded(h.decoded, variable, selection);
  });
}

/** A page of rows of a table (CSV or parquet), all columns in `describe` order. */
export async function readRows(
  path: string,
  serializer: string,
  offset: number,
  limit: number,
  options: ReadOptions = {},
): Promise<RowsResult> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    if (kind !== 'csv' && kind !== 'parquet')
      throw new RequestError(`readRows needs a table (CSV or parquet), not a ${kind} artifact`);
    if (!Number.isFinite(offset) || !Number.isFinite(limit) || offset < 0 || limit < 0) {
      throw new RequestError(`offset and limit must be non-negative numbers (got ${offset}, ${limit})`);
    }
    return (await openTable(path, kind, options)).readRows(offset, limit);
  });
}

/**
 * Per-column min/max/null counts of a table: parquet from row-group statistics (exact, no data
 * read), CSV from a bounded sample of the first rows (`source` says which).
 */
export async function summarizeColumns(
  path: string,
  serializer: string,
  options: ReadOptions = {},
): Promise<ColumnSummaries> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    if (kind !== 'csv' && kind !== 'parquet')
      throw new RequestError(`summarizeColumns needs a table, not a ${kind} artifact`);
    return (await openTable(path, kind, options)).summarize();
  });
}

/** Exact number of rows of a table; for a big CSV this scans the file once (then cached). */
export async function countRows(
  path: string,
  serializer: string,
  options: ReadOptions = {},
): Promise<number> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    if (kind !== 'csv' && kind !== 'parquet')
      throw new RequestError(`countRows needs a table, not a ${kind} artifact`);
    return (await openTable(path, kind, options)).countRows();
  });
}

/**
 * Labels for a slider along `dim`: the values of its coordinate variable (decoded, times as ISO
 * text) when the dataset has one, else the indices 0..n-1.
 */
export async function coordinateValues(
  path: string,
  serializer: string,
  dim: string,
  range?: [start: number, stop: number],
  options: ReadOptions = {},
): Promise<ValuesResult & { fromCoordinate: boolean }> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    if (kind !== 'zarr' && kind !== 'netcdf') throw new RequestError('coordinateValues needs a dataset');
    const h = await openDataset(path, kind, options);
    const size = h.decoded.model.dims[dim];
    if (size === undefined)
      throw new RequestError(
        `no dimension '${dim}' (dimensions: ${Object.keys(h.decoded.model.dims).join(', ')})`,
      );
    const coord = h.decoded.model.coords[dim];
    const sel = range ? { [dim]: range } : undefined;
    if (coord && coord.dims.length === 1 && coord.dims[0] === dim)
      return { ...(await readDecoded(h.decoded, dim, sel)), fromCoordinate: true };
    const [a, b] = range ? [Math.max(0, range[0]), Math.min(size, range[1])] : [0, size];
    return {
      dims: [dim],
      shape: [Math.max(0, b - a)],
      values: Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i),
      fromCoordinate: false,
    };
  });
}

/**
 * min/max/mean/NaN count of a whole dataset variable, read block by block along its chunk grid
 * (memory flat), with `stream.onProgress` after every block and `stream.signal` to cancel.
 */
export async function variableStats(
  path: string,
  serializer: string,
  variable: string,
  options: ReadOptions = {},
  stream: StatsStreamOptions = {},
): Promise<VariableStats> {
  return withRemoteScope(async () => {
    const kind = await resolveKind(path, serializer);
    if (kind !== 'zarr' && kind !== 'netcdf') throw new RequestError('variableStats needs a dataset');
    const h = await openDataset(path, kind, options);
    const threads = statsThreads(path, h.decoded, variable, stream);
    if (threads > 1) return parallelVariableStats(path, kind, options, h.decoded, variable, threads, stream);
    return streamVariableStats(h.decoded, variable, stream);
  });
}

/**
 * What the open reader of a dataset has read from disk so far (null when not open): reads, bytes,
 * chunks; for zarr the chunk files themselves. Proves that a slice reads only what it needs.
 */
export async function ioStats(
  path: string,
  serializer: string,
  options: ReadOptions = {},
): Promise<IoStats | null> {
  return withRemoteScope(async () => {
    useOptions(path, options);
    const kind = await resolveKind(path, serializer);
    const h = peekDataset(path, kind, options);
    if (!h) return null;
    const s = (await h).stats();
    return s ? { ...s, files: s.files ? [...s.files] : undefined } : null;
  });
}

/** Closes every cached reader (files, wasm handles); later calls reopen as needed. */
export function closeAll(): Promise<void> {
  clearRemoteBlocks();
  return closeAllHandles();
}

export { openHandleCount };
