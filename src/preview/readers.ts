// Which reader handles a path for a serializer, and the cached handles each reader keeps open.
// Readers other than zarr's are imported on first use: a fresh process previewing a zarr store
// then neither runs nor initialises the netCDF, CSV and parquet code (hyparquet's compressors
// build their tables and compile wasm when loaded).

import { type DecodedDataset, decodeDataset } from './dataset/decodedDataset';
import { sniffPath } from './detect/sniff';
import { UnsupportedError } from './errors';
import { cachedHandle, peekHandle } from './handles/handleCache';
import type { ReadOptions } from './model';
import type { Nc4Engine } from './netcdf4/openNetcdf4';
import type { TableHandle } from './table/tableHandle';
import { openZarr } from './zarr/openZarr';

export type ReaderKind = 'zarr' | 'netcdf' | 'csv' | 'parquet' | 'pickle';

/** Serializers xpersist registers, mapped to our readers (xcollection writes a zarr group). */
const BY_SERIALIZER: Record<string, ReaderKind> = {
  'xarray.zarr': 'zarr',
  xcollection: 'zarr',
  'xarray.netcdf': 'netcdf',
  'pandas.csv': 'csv',
  'pandas.parquet': 'parquet',
  joblib: 'pickle',
};

export const readerFor = (serializer: string): ReaderKind | null => BY_SERIALIZER[serializer] ?? null;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function groupOption(options: ReadOptions = {}): string {
  return str(options.loadKwargs?.group) ?? str(options.dumpKwargs?.group) ?? '';
}

function nc4Engine(options: ReadOptions): Nc4Engine {
  return options.engine ?? 'auto';
}

export interface IoStats {
  reads: number;
  bytes: number;
  /** Chunks read (netCDF-4), or distinct chunk files read (zarr, listed in `files`). */
  chunks?: number;
  files?: string[];
}

export interface DatasetHandle {
  decoded: DecodedDataset;
  stats(): IoStats | null;
}

export function datasetKey(path: string, kind: ReaderKind, options: ReadOptions = {}): string {
  return `dataset:${kind}:${path}:${groupOption(options)}:${nc4Engine(options)}`;
}

export function openDataset(
  path: string,
  kind: ReaderKind,
  options: ReadOptions = {},
): Promise<DatasetHandle> {
  const group = groupOption(options);
  return cachedHandle<DatasetHandle>(
    datasetKey(path, kind, options),
    path,
    async () => {
      if (kind === 'zarr') {
        const raw = await openZarr(path, group);
        const st = raw.store.stats;
        return {
          decoded: await decodeDataset(raw),
          stats: () => ({
            reads: st.reads,
            bytes: st.bytes,
            files: [...st.files].sort(),
            chunks: st.files.size,
          }),
        };
      }
      const sniffed = await sniffPath(path);
      if (sniffed === 'netcdf3') {
        if (group) throw new UnsupportedError(`NETCDF3 files have no groups (asked for '${group}')`);
        const { openNetcdf3 } = await import('./netcdf3/openNetcdf3');
        const raw = await openNetcdf3(path);
        try {
          return { decoded: await decodeDataset(raw), stats: () => raw.stats };
        } catch (err) {
          await raw.close();
          throw err;
        }
      }
      if (sniffed === 'hdf5') {
        const { openNetcdf4 } = await import('./netcdf4/openNetcdf4');
        const raw = await openNetcdf4(path, group, nc4Engine(options));
        try {
          return { decoded: await decodeDataset(raw), stats: () => raw.stats };
        } catch (err) {
          await raw.close();
          throw err;
        }
      }
      throw new UnsupportedError(`not a netCDF file: no HDF5 or CDF signature at the start`);
    },
    (h) => h.decoded.raw.close(),
  );
}

export function peekDataset(
  path: string,
  kind: ReaderKind,
  options: ReadOptions = {},
): Promise<DatasetHandle> | null {
  return peekHandle<DatasetHandle>(datasetKey(path, kind, options));
}

function tableKey(path: string, kind: ReaderKind, options: ReadOptions): string {
  return `table:${kind}:${path}:${JSON.stringify(options.dumpKwargs ?? {})}:${JSON.stringify(options.loadKwargs ?? {})}`;
}

export function openTable(path: string, kind: ReaderKind, options: ReadOptions = {}): Promise<TableHandle> {
  return cachedHandle<TableHandle>(
    tableKey(path, kind, options),
    path,
    async () => {
      if (kind === 'csv')
        return (await import('./csv/openCsv')).openCsv(path, options.dumpKwargs, options.loadKwargs);
      return (await import('./parquet/openParquet')).openParquet(path);
    },
    (h) => h.close(),
  );
}
