// What a path holds, from its first bytes: enough to refuse a wrong file with a clear reason and
// to show "what is known" (size, first bytes) when nothing can be previewed.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isRemotePath, joinPath, openRegular, readdirPath, statPath } from '../boundedFs';
import { remoteFolderSize, remoteHead } from '../remote/objectFiles';

export type Sniffed =
  | 'hdf5'
  | 'netcdf3'
  | 'zarr'
  | 'parquet'
  | 'pickle'
  | 'compressed'
  | 'npy'
  | 'text'
  | 'empty'
  | 'folder'
  | 'unknown';

export interface PathInfo {
  exists: boolean;
  isDir: boolean;
  /** File size, or the total of a folder's files (bounded walk); null when unknown. */
  sizeBytes: number | null;
  mtimeMs: number;
}

const MAX_WALK = 20_000;

export async function pathInfo(p: string): Promise<PathInfo> {
  if (isRemotePath(p)) return remotePathInfo(p);
  const st = await fsp.stat(p).catch(() => null);
  if (!st) return { exists: false, isDir: false, sizeBytes: null, mtimeMs: 0 };
  if (!st.isDirectory()) return { exists: true, isDir: false, sizeBytes: st.size, mtimeMs: st.mtimeMs };
  let total = 0;
  let seen = 0;
  const walk = async (dir: string): Promise<boolean> => {
    for (const e of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (++seen > MAX_WALK) return false;
      const q = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!(await walk(q))) return false;
      } else total += (await fsp.stat(q).catch(() => null))?.size ?? 0;
    }
    return true;
  };
  const complete = await walk(p);
  return { exists: true, isDir: true, sizeBytes: complete ? total : null, mtimeMs: st.mtimeMs };
}

/** An object (one HEAD) or a prefix (its listing, bounded as the local walk). */
async function remotePathInfo(p: string): Promise<PathInfo> {
  const st = await statPath(p);
  if (!st) return { exists: false, isDir: false, sizeBytes: null, mtimeMs: 0 };
  if (!st.isDirectory()) return { exists: true, isDir: false, sizeBytes: st.size, mtimeMs: st.mtimeMs };
  return { exists: true, isDir: true, sizeBytes: await remoteFolderSize(p), mtimeMs: st.mtimeMs };
}

export async function readHead(p: string, n = 64): Promise<Uint8Array | null> {
  try {
    // openRegular also for local files: open() of a FIFO without a writer never returns.
    const fh = await openRegular(p);
    try {
      const buf = new Uint8Array(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** A hex + ASCII dump, 16 bytes a line. */
export function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, i + 16);
    const hex = Array.from(row, (x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines.join('\n');
}

/** The `head` of an unsupported model: first bytes of a file, first entries of a folder. */
export async function headText(p: string, isDir: boolean): Promise<string | null> {
  if (isDir) {
    const entries = await readdirPath(p).catch(() => null);
    if (!entries) return null;
    const names = entries.slice(0, 20).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    return names.length
      ? `${names.join('\n')}${entries.length > 20 ? `\n… ${entries.length - 20} more` : ''}`
      : '(empty folder)';
  }
  const b = await readHead(p, 64);
  return b ? hexDump(b) : null;
}

export function sniffBytes(b: Uint8Array | null): Sniffed {
  if (!b) return 'unknown';
  if (b.length === 0) return 'empty';
  const ascii = (s: string) => s.split('').every((c, i) => b[i] === c.charCodeAt(0));
  if (b[0] === 0x89 && ascii('\x89HDF')) return 'hdf5';
  if (ascii('CDF') && [1, 2, 5].includes(b[3])) return 'netcdf3';
  if (ascii('PAR1')) return 'parquet';
  if (b[0] === 0x93 && ascii('\x93NUMPY')) return 'npy';
  if (b[0] === 0x80 && b[1] >= 2 && b[1] <= 5) return 'pickle';
  const hex = Buffer.from(b.subarray(0, 6)).toString('hex');
  if (
    (b[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(b[1])) ||
    hex.startsWith('1f8b') ||
    hex.startsWith('425a68') ||
    hex === 'fd377a585a00' ||
    hex.startsWith('04224d18')
  ) {
    return 'compressed';
  }
  const text = b.every(
    (x) => x === 0x09 || x === 0x0a || x === 0x0d || (x >= 0x20 && x !== 0x7f) || x >= 0x80,
  );
  return text ? 'text' : 'unknown';
}

export async function sniffPath(p: string): Promise<Sniffed> {
  const st = await statPath(p);
  if (!st) return 'unknown';
  if (st.isDirectory()) {
    for (const f of ['.zgroup', '.zarray', 'zarr.json', '.zmetadata']) {
      if (await (isRemotePath(p) ? remoteHead : statPath)(joinPath(p, f))) return 'zarr';
    }
    return 'folder';
  }
  return sniffBytes(await readHead(p, 16));
}

const DESCRIBE: Record<Sniffed, string> = {
  hdf5: 'an HDF5/netCDF-4 file',
  netcdf3: 'a NETCDF3 file',
  zarr: 'a zarr store',
  parquet: 'a parquet file',
  pickle: 'a pickle/joblib file',
  compressed: 'compressed data (zlib/gzip/bz2/xz/lz4)',
  npy: 'a NumPy .npy file',
  text: 'text',
  empty: 'an empty file',
  folder: 'a folder',
  unknown: 'unrecognised binary data',
};

export const describeSniffed = (s: Sniffed): string => DESCRIBE[s];

/** The serializer a plain file (not an artifact) would have, from its name or content. */
export async function serializerForPath(p: string): Promise<string | null> {
  const lower = p.toLowerCase().replace(/[\\/]+$/, '');
  if (lower.endsWith('.zarr')) return 'xarray.zarr';
  if (/\.(nc|nc4|h5|hdf5|hdf|he5|cdf|netcdf)$/.test(lower)) return 'xarray.netcdf';
  if (/\.(parquet|pq)$/.test(lower)) return 'pandas.parquet';
  if (/\.(csv|tsv)(\.(gz))?$/.test(lower)) return 'pandas.csv';
  if (/\.(joblib|pkl|pickle|jbl)$/.test(lower)) return 'joblib';
  switch (await sniffPath(p)) {
    case 'zarr':
      return 'xarray.zarr';
    case 'hdf5':
    case 'netcdf3':
      return 'xarray.netcdf';
    case 'parquet':
      return 'pandas.parquet';
    case 'pickle':
    case 'compressed':
      return 'joblib';
    default:
      return null;
  }
}
