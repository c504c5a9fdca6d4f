// Damaged files never crash or hang a reader, and each damaged copy gets the outcome it gets
// today, exactly: truncated files and files with bytes overwritten (deterministic, seeded) are
// either read (the model's kind, its variables or columns, what reading their values gives) or
// refused with a reason. A reader that starts accepting a damaged file, refuses one it read, or
// says something else about it fails here: look at the new outcome, and update the table only
// when the change is meant.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-corrupt-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutations(data: Uint8Array, seed: number): Uint8Array[] {
  const r = rng(seed);
  const out: Uint8Array[] = [];
  for (const frac of [0.1, 0.5, 0.9, 0.99]) out.push(data.slice(0, Math.floor(data.length * frac)));
  for (let k = 0; k < 8; k++) {
    const m = data.slice();
    const n = 1 + Math.floor(r() * 24);
    for (let i = 0; i < n; i++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
    out.push(m);
  }
  const z = data.slice();
  z.fill(0xff, Math.floor(data.length / 3), Math.floor(data.length / 3) + 64);
  out.push(z);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);
}

const CASES: Array<[string, string, Record<string, unknown>?]> = [
  ['netcdf/cf4.nc', 'xarray.netcdf'],
  ['netcdf/nc3_classic.nc', 'xarray.netcdf'],
  // Its root group is empty: the variables (compact, contiguous, chunked gzip) are in /data.
  ['hdf5/earliest.h5', 'xarray.netcdf', { group: 'data' }],
  ['parquet/snappy.parquet', 'pandas.parquet'],
  ['pickle/plain.joblib', 'joblib'],
  ['pickle/arrays_zlib.joblib', 'joblib'],
  ['pickle/dataframe.joblib', 'joblib'],
  ['csv/default_index.csv', 'pandas.csv'],
];

/** What one damaged copy gives: its kind, and for a refusal or a failed read, the reason. */
async function outcome(
  p: string,
  serializer: string,
  dumpKwargs: Record<string, unknown> | undefined,
  what: string,
): Promise<string> {
  // netCDF-4 damage goes to the built-in reader only: h5wasm's C code may abort on it.
  const o = { engine: 'native' as const, dumpKwargs };
  const m = await withTimeout(api.describe(p, serializer, o), 20_000, what);
  const text = (s: string) => s.replaceAll(dir, '<tmp>');
  const failure = (err: unknown) => {
    // A rejection is an Error; its class is part of the outcome (a reader's own RequestError,
    // or zlib's Error for a damaged chunk).
    assert.ok(err instanceof Error, `${what}: rejected with a non-Error: ${String(err)}`);
    return `${err.name}: ${text(err.message)}`;
  };
  if (m.kind === 'unsupported') return `refused: ${text(m.reason)}`;
  if (m.kind === 'object') return `object ${m.tree.type}`;
  if (m.kind === 'table') {
    const rows = await withTimeout(
      api.readRows(p, serializer, 0, 50).then((r) => `${r.rows.length} rows`, failure),
      20_000,
      `${what} rows`,
    );
    return `table ${m.columns.map((c) => `${c.name}:${c.dtype}`).join(',')}; ${rows}`;
  }
  // Every variable is read (its last dimension whole): the count of values read checks the
  // shapes, a variable that cannot be read is named with its error.
  const vars = Object.entries({ ...m.coords, ...m.dataVars });
  let values = 0;
  const failed: string[] = [];
  for (const [name, v] of vars) {
    const sel = Object.fromEntries(v.dims.slice(0, Math.max(0, v.dims.length - 1)).map((d) => [d, 0]));
    await withTimeout(
      api.readValues(p, serializer, name, sel, o).then(
        (r) => {
          values += r.values.length;
        },
        (err) => failed.push(`${name} ${failure(err)}`),
      ),
      20_000,
      `${what} ${name}`,
    );
  }
  return [`dataset ${vars.length} variables, ${values} values`, ...failed].join('; ');
}

/**
 * The outcome of each damaged copy, in the order `mutations` makes them: cut to 10 %, 50 %, 90 %
 * and 99 % of the file (0-3), 1 to 24 random bytes overwritten (4-11), 64 bytes of 0xff at a
 * third of the file (12). Recorded from the readers, then read through: a refusal names the
 * damage (the stream ends early, a header field points past the end, a zlib check fails); a few
 * reasons are the message of a JavaScript error a reader ran into (Invalid typed array length,
 * Cannot read properties of undefined): still a refusal, not a crash, but not the reader's own
 * words. CSV has no structure to check: every damaged copy reads, with other dtypes and rows.
 */
const EXPECTED: Record<string, string[]> = {
  'netcdf/cf4.nc': [
    'refused: netCDF-4/HDF5 file could not be read: HDF5: bad continuation block',
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (0+1 > 0)',
    'refused: netCDF-4/HDF5 file could not be read: Invalid typed array length: -2537',
    'refused: netCDF-4/HDF5 file could not be read: HDF5: bad continuation block',
    "dataset 18 variables, 70 values; big_endian RequestError: selection of 'big_endian' has 236,223,201,285 values, over the preview limit of 4,000,000; pick an index or a smaller range along some of: lon=236223201285",
    'dataset 18 variables, 75 values',
    'refused: netCDF-4/HDF5 file could not be read: HDF5: fractal heap offset 3657433408 not found',
    'dataset 18 variables, 75 values',
    'dataset 18 variables, 75 values',
    'dataset 18 variables, 75 values',
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (9+119 > 28)',
    'refused: netCDF-4/HDF5 file could not be read: Invalid typed array length: -194613558087676',
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (33+8 > 39)',
  ],
  'netcdf/nc3_classic.nc': [
    'refused: NETCDF3 header: corrupt NETCDF3 header: 4 bytes declared at offset 252, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 6 bytes declared at offset 1276, past the end of the file',
    "refused: 'time': the file is shorter than its header says",
    "refused: 'time': the file is shorter than its header says",
    'refused: NETCDF3 header: corrupt NETCDF3 header: attribute type 61186',
    'dataset 12 variables, 48 values',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 4043309067 bytes declared at offset 368, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 1701015396 bytes declared at offset 136, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 4 bytes declared at offset 2556, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 4 bytes declared at offset 2556, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: 1817600364 bytes declared at offset 284, past the end of the file',
    'refused: NETCDF3 header: corrupt NETCDF3 header: tag 22796, expected 12',
    'refused: NETCDF3 header: corrupt NETCDF3 header: tag 4294967295, expected 12',
  ],
  'hdf5/earliest.h5': [
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (0+4 > 0)',
    'refused: netCDF-4/HDF5 file could not be read: Invalid typed array length: -685',
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (0+4 > 0)',
    'dataset 8 variables, 71 values',
    'refused: netCDF-4/HDF5 file could not be read: HDF5 structure runs past its buffer (8072+8 > 8072)',
    'dataset 8 variables, 71 values',
    'dataset 8 variables, 31 values; chunked Error: incorrect data check',
    'refused: netCDF-4/HDF5 file could not be read: Invalid typed array length: -6479992',
    'dataset 8 variables, 71 values',
    'dataset 8 variables, 31 values; chunked Error: incorrect data check',
    'refused: Invalid typed array length: -844433520165753',
    "refused: netCDF-4/HDF5 file could not be read: no group 'data' in this file",
    'dataset 8 variables, 31 values; chunked Error: invalid distance too far back',
  ],
  'parquet/snappy.parquet': [
    'refused: not a readable parquet file: parquet file invalid (footer != PAR1)',
    'refused: not a readable parquet file: parquet file invalid (footer != PAR1)',
    'refused: not a readable parquet file: parquet file invalid (footer != PAR1)',
    'refused: not a readable parquet file: parquet file invalid (footer != PAR1)',
    'refused: not a readable parquet file: thrift unhandled type: 10',
    'table id:int64,value:float64,name:object,flag:bool,when:datetime64[ns],when_utc:datetime64[ns, UTC],cat:category,nullable:Int64,small:int16; 50 rows',
    'refused: not a readable parquet file: thrift binary length 1407261 exceeds remaining 6314 bytes',
    'table id:int64,value:float64,name:object,flag:bool,when:datetime64[ns],when_utc:datetime64[ns, UTC],cat:category,nullable:Int6\uFFFD,small:int16; 50 rows',
    "refused: not a readable parquet file: Cannot read properties of undefined (reading 'map')",
    'refused: not a readable parquet file: thrift unhandled type: 14',
    'refused: not a readable parquet file: thrift unhandled type: 14',
    'table id:int64,value:float64,name:object,flag:bool,when:datetime64[ns],when_utc:datetime64[ns, UTC],cat:category,nullable:Int64,small:int16; 50 rows',
    'table id:int64,value:float64,name:object,flag:bool,when:datetime64[ns],when_utc:datetime64[ns, UTC],cat:category,nullable:Int64,small:int16; 50 rows',
  ],
  'pickle/plain.joblib': [
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a readable pickle: unknown pickle opcode 0x9e at byte 285',
    'refused: not a readable pickle: unknown pickle opcode 0xda at byte 123',
    'refused: not a readable pickle: unknown pickle opcode 0x9c at byte 2208',
    'refused: not a readable pickle: unknown pickle opcode 0x38 at byte 105',
    'refused: not a readable pickle: unknown pickle opcode 0x01 at byte 965',
    'refused: not a readable pickle: unknown pickle opcode 0xce at byte 9918',
    'refused: not a readable pickle: unknown pickle opcode 0xda at byte 2046',
    'refused: not a readable pickle: unknown pickle opcode 0xf9 at byte 3374',
    'refused: not a readable pickle: unknown pickle opcode 0xff at byte 5165',
  ],
  'pickle/arrays_zlib.joblib': [
    'refused: zlib-compressed file could not be decompressed: unexpected end of file',
    'refused: zlib-compressed file could not be decompressed: unexpected end of file',
    'refused: zlib-compressed file could not be decompressed: unexpected end of file',
    'refused: zlib-compressed file could not be decompressed: unexpected end of file',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: invalid distance too far back',
    'refused: zlib-compressed file could not be decompressed: incorrect data check',
  ],
  'pickle/dataframe.joblib': [
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a complete pickle: the pickle stream ends early (truncated file?)',
    'refused: not a readable pickle: unknown pickle opcode 0x02 at byte 365',
    'refused: not a readable pickle: unknown pickle opcode 0xc0 at byte 317',
    'refused: not a readable pickle: unknown pickle opcode 0xab at byte 363',
    'refused: not a readable pickle: unknown pickle opcode 0x02 at byte 365',
    'refused: not a readable pickle: joblib array with an unreadable dtype',
    'refused: not a readable pickle: unknown pickle opcode 0x0c at byte 134',
    'refused: not a readable pickle: joblib array with an unreadable dtype',
    'refused: not a readable pickle: unknown pickle opcode 0xd4 at byte 201',
    'refused: not a readable pickle: unknown pickle opcode 0xff at byte 945',
  ],
  'csv/default_index.csv': [
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:int64,qc_flag:bool,category:object; 3 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:float64,qc_flag:object,category:object; 20 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:int64,qc_flag:object,category:object; 36 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:float64,qc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:int64,qc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:int64,qc_flag:bool,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:object,station_name:object,observed_at:object,temperature_c:object,count:object,qc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:object,\uFFFDtation_name:object,observed_at:object,temperature_c:object,count:object,qc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:object,station_name:object,observed_at:object,temperature_c:float64,count:object,Mc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:object,station_name:object,observed_at:object,temperature_c:object,count:object,qc_flag:object,category:object,Unnamed: 8:float64,Unnamed: 9:object,Unnamed: 10:object,Unnamed: 11:float64,Unnamed: 12:float64,Unnamed: 13:object,Unnamed: 14:object; 39 rows',
    'table Unnamed: 0:int64,stati\uFFFDn_id:int64,statio\uFFFD_name:object,observed_at:object,te\uFFFDperature_c:float64,count:object,qc_flag:object,category:object; 38 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:object,qc_flag:object,category:object; 40 rows',
    'table Unnamed: 0:int64,station_id:int64,station_name:object,observed_at:object,temperature_c:float64,count:int64,qc_flag:bool,category:object; 39 rows',
  ],
};

for (const [rel, serializer, dumpKwargs] of CASES) {
  test(`damaged copies of ${rel}`, async () => {
    const data = new Uint8Array(readFileSync(previewDir(rel)));
    const got: string[] = [];
    for (const [i, bytes] of mutations(data, rel.length * 7919).entries()) {
      const p = path.join(dir, `${i}-${path.basename(rel)}`);
      writeFileSync(p, bytes);
      got.push(await outcome(p, serializer, dumpKwargs, `${rel} #${i}`));
    }
    assert.deepEqual(got, EXPECTED[rel]);
  });
}
