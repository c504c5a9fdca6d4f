// Opens a netCDF-4/HDF5 file for one group. The native HDF5 reader handles what netCDF-C, h5netcdf
// and h5py write by default; when it meets something it does not know (HDF5 1.10 chunk indexes,
// filter plugins, committed types), h5wasm is loaded and takes over.

import type { RawData, RawDataset } from '../dataset/rawDataset';
import { UnsupportedError } from '../errors';
import { H5Unsupported } from '../hdf5/h5Unsupported';
import { openH5wasmSource } from './h5wasmSource';
import { openNativeSource } from './nativeSource';
import { type Nc4Source, nc4RawDataset } from './nc4Source';

export type Nc4Engine = 'auto' | 'native' | 'h5wasm';

export interface Netcdf4Dataset extends RawDataset {
  engine: 'native' | 'h5wasm';
  stats: { reads: number; bytes: number; chunks?: number } | null;
}

export async function openNetcdf4(
  file: string,
  group: string,
  engine: Nc4Engine = 'auto',
): Promise<Netcdf4Dataset> {
  let wasm: Awaited<ReturnType<typeof openH5wasmSource>> | null = null;
  const getWasm = async (why?: string) => {
    wasm ??= await openH5wasmSource(file, why);
    return wasm;
  };
  const fallback = async (path: string, ranges: Array<[number, number]>, why?: string): Promise<RawData> =>
    (await getWasm(why)).readPath(path, ranges);
  let source: Nc4Source | null = null;
  let nativeError: unknown = null;
  if (engine !== 'h5wasm') {
    try {
      source = await openNativeSource(file, fallback);
      const g = await source.group(group);
      const groups = await source.groups();
      return finish(source, nc4RawDataset(source, g, groups, file));
    } catch (err) {
      nativeError = err;
      await source?.close();
      // A feature we lack, or a structure our reader gets wrong, goes to h5wasm (which survives
      // its own aborts on damaged files: both reasons are reported if it fails too). A missing
      // group or a file that is not HDF5 at all would fail there just the same.
      const msg = String((err as Error)?.message);
      if (engine === 'native' || (!(err instanceof H5Unsupported) && /no group|not an HDF5 file/.test(msg))) {
        throw new UnsupportedError(`netCDF-4/HDF5 file could not be read: ${msg}`);
      }
    }
  }
  try {
    const w = await getWasm(nativeError instanceof H5Unsupported ? nativeError.message : undefined);
    const g = await w.group(group);
    return finish(w, nc4RawDataset(w, g, await w.groups(), file));
  } catch (err) {
    const why = nativeError ? ` (native reader: ${(nativeError as Error).message})` : '';
    throw new UnsupportedError(`netCDF-4/HDF5 file could not be read: ${(err as Error).message}${why}`);
  }

  function finish(src: Nc4Source, ds: RawDataset): Netcdf4Dataset {
    return {
      ...ds,
      engine: src.engine,
      stats: src.stats ?? null,
      async close() {
        await src.close();
        if (wasm && wasm !== src) await wasm.close();
      },
    };
  }
}
