// NETCDF3 (CDF-1/2/5) as a RawDataset: the header from a file prefix, then each read fetches only
// the byte runs of the selected hyper-rectangle (big-endian, decoded with DataView).

import { openRegular, type ReadHandle, readRange } from '../boundedFs';
import type { RawArray, RawData, RawDataset, RawVariable, Storage } from '../dataset/rawDataset';
import { UnsupportedError } from '../errors';
import { MAX_NC3_HEADER_BYTES } from '../limits';
import {
  type Nc3Header,
  type Nc3Type,
  type Nc3Variable,
  NeedMoreBytes,
  NUMPY_OF,
  parseNc3Header,
  typeSize,
} from './nc3Header';

const PREFIX = 64 * 1024;
/** Runs closer than this are read with one call. */
const GAP = 64 * 1024;

function storageOf(t: Nc3Type): Storage {
  switch (t) {
    case 'byte':
      return { kind: 'int', bytes: 1 };
    case 'ubyte':
      return { kind: 'uint', bytes: 1 };
    case 'char':
      return { kind: 'char' };
    case 'short':
      return { kind: 'int', bytes: 2 };
    case 'ushort':
      return { kind: 'uint', bytes: 2 };
    case 'int':
      return { kind: 'int', bytes: 4 };
    case 'uint':
      return { kind: 'uint', bytes: 4 };
    case 'float':
      return { kind: 'float', bytes: 4 };
    case 'double':
      return { kind: 'float', bytes: 8 };
    case 'int64':
      return { kind: 'int', bytes: 8 };
    case 'uint64':
      return { kind: 'uint', bytes: 8 };
  }
}

export async function readNc3Header(fh: ReadHandle, size: number): Promise<Nc3Header> {
  let len = Math.min(size, PREFIX);
  for (;;) {
    const buf = await readRange(fh, 0, len, 'NETCDF3 header');
    try {
      return parseNc3Header(buf, size);
    } catch (err) {
      if (!(err instanceof NeedMoreBytes))
        throw new UnsupportedError(`NETCDF3 header: ${(err as Error).message}`);
      if (len >= size || buf.length < len) throw new UnsupportedError('NETCDF3 header is truncated');
      // Headers are names and attributes: one larger than this is not something to preview.
      if (len >= MAX_NC3_HEADER_BYTES || err.want > MAX_NC3_HEADER_BYTES)
        throw new UnsupportedError(
          `NETCDF3 header needs ${err.want} bytes, more than the ${MAX_NC3_HEADER_BYTES} a preview reads`,
        );
      len = Math.min(size, MAX_NC3_HEADER_BYTES, Math.max(len * 4, err.want));
    }
  }
}

function decodeBigEndian(bytes: Uint8Array, t: Nc3Type, n: number): RawData {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (t) {
    case 'byte':
      return new Int8Array(bytes.buffer, bytes.byteOffset, n);
    case 'ubyte':
    case 'char':
      return new Uint8Array(bytes.buffer, bytes.byteOffset, n);
    case 'short': {
      const o = new Int16Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getInt16(2 * i, false);
      return o;
    }
    case 'ushort': {
      const o = new Uint16Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getUint16(2 * i, false);
      return o;
    }
    case 'int': {
      const o = new Int32Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getInt32(4 * i, false);
      return o;
    }
    case 'uint': {
      const o = new Uint32Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getUint32(4 * i, false);
      return o;
    }
    case 'float': {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getFloat32(4 * i, false);
      return o;
    }
    case 'double': {
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getFloat64(8 * i, false);
      return o;
    }
    case 'int64': {
      const o = new BigInt64Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getBigInt64(8 * i, false);
      return o;
    }
    case 'uint64': {
      const o = new BigUint64Array(n);
      for (let i = 0; i < n; i++) o[i] = dv.getBigUint64(8 * i, false);
      return o;
    }
  }
}

interface Run {
  file: number;
  out: number;
  len: number;
}

/** Byte runs of a C-ordered block at `begin`: runs merge along fully selected trailing dims. */
function contiguousRuns(
  begin: number,
  outBase: number,
  size: number,
  shape: number[],
  ranges: Array<[number, number]>,
  runs: Run[],
): void {
  const nd = shape.length;
  if (nd === 0) {
    runs.push({ file: begin, out: outBase, len: size });
    return;
  }
  const strides = new Array(nd).fill(1);
  for (let d = nd - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const outStrides = new Array(nd).fill(1);
  for (let d = nd - 2; d >= 0; d--) outStrides[d] = outStrides[d + 1] * (ranges[d + 1][1] - ranges[d + 1][0]);
  let k = nd - 1;
  let runElems = ranges[k][1] - ranges[k][0];
  while (k > 0 && ranges[k][0] === 0 && ranges[k][1] === shape[k]) {
    k--;
    runElems = (ranges[k][1] - ranges[k][0]) * strides[k];
  }
  const idx = ranges.map(([a]) => a);
  for (;;) {
    let file = begin;
    let out = 0;
    for (let d = 0; d <= k; d++) {
      file += idx[d] * strides[d] * size;
      out += (idx[d] - ranges[d][0]) * outStrides[d];
    }
    runs.push({ file, out: outBase + out * size, len: runElems * size });
    let d = k - 1;
    while (d >= 0) {
      if (++idx[d] < ranges[d][1]) break;
      idx[d] = ranges[d][0];
      d--;
    }
    if (d < 0) break;
  }
}

/** Byte runs of the selection; a record variable has one slab per record, recordSize apart. */
function runsOf(h: Nc3Header, v: Nc3Variable, shape: number[], ranges: Array<[number, number]>): Run[] {
  const size = typeSize(v.type);
  const runs: Run[] = [];
  if (!v.record) {
    contiguousRuns(v.begin, 0, size, shape, ranges, runs);
    return runs;
  }
  const inner = ranges.slice(1).reduce((a, [x, y]) => a * (y - x), 1) * size;
  for (let r = ranges[0][0]; r < ranges[0][1]; r++) {
    contiguousRuns(
      v.begin + r * h.recordSize,
      (r - ranges[0][0]) * inner,
      size,
      shape.slice(1),
      ranges.slice(1),
      runs,
    );
  }
  return runs;
}

export async function openNetcdf3(
  file: string,
): Promise<RawDataset & { stats: { reads: number; bytes: number } }> {
  const fh = await openRegular(file, 'netCDF3 file');
  const stats = { reads: 0, bytes: 0 };
  try {
    const { size } = await fh.stat();
    const h = await readNc3Header(fh, size);
    const dimName = (i: number) => h.dims[i]?.name ?? `dim_${i}`;
    const attrsOf = (list: typeof h.attributes) => {
      const attrs: Record<string, unknown> = {};
      const types: Record<string, string> = {};
      for (const a of list) {
        attrs[a.name] = a.value;
        if (a.type !== 'char') types[a.name] = NUMPY_OF[a.type];
      }
      return { attrs, types };
    };
    const byVar = new Map<RawVariable, Nc3Variable>();
    const variables: RawVariable[] = h.variables.map((v) => {
      const { attrs, types } = attrsOf(v.attributes);
      const rv: RawVariable = {
        name: v.name,
        dims: v.dimIds.map(dimName),
        shape: v.dimIds.map((d) => h.dims[d]?.size ?? 0),
        chunks: null,
        storage: storageOf(v.type),
        attrs,
        attrTypes: types,
        encoding: {},
      };
      byVar.set(rv, v);
      return rv;
    });
    const g = attrsOf(h.attributes);
    return {
      format:
        h.version === 1 ? 'NETCDF3_CLASSIC' : h.version === 2 ? 'NETCDF3_64BIT_OFFSET' : 'NETCDF3_64BIT_DATA',
      attrs: g.attrs,
      attrTypes: g.types,
      variables,
      group: '',
      groups: [],
      stats,
      async read(rv: RawVariable, ranges: Array<[number, number]>): Promise<RawArray> {
        const v = byVar.get(rv)!;
        const shape = ranges.map(([a, b]) => b - a);
        const n = shape.reduce((a, b) => a * b, 1);
        const size = typeSize(v.type);
        const out = new Uint8Array(n * size);
        if (n > 0) {
          const runs = runsOf(h, v, rv.shape, ranges);
          let i = 0;
          while (i < runs.length) {
            let k = i;
            while (
              k + 1 < runs.length &&
              runs[k + 1].file - (runs[k].file + runs[k].len) < GAP &&
              runs[k + 1].file >= runs[k].file
            )
              k++;
            const start = runs[i].file;
            const end = runs[k].file + runs[k].len;
            const buf = await readRange(fh, start, end - start, `'${rv.name}'`);
            stats.reads++;
            stats.bytes += buf.length;
            if (buf.length < end - start)
              throw new UnsupportedError(`'${rv.name}': the file is shorter than its header says`);
            for (let j = i; j <= k; j++)
              out.set(buf.subarray(runs[j].file - start, runs[j].file - start + runs[j].len), runs[j].out);
            i = k + 1;
          }
        }
        return { data: decodeBigEndian(out, v.type, n), shape };
      },
      async close() {
        await fh.close();
      },
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
