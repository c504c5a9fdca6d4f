// Parsers for the HDF5 header messages a netCDF-4 file uses: dataspace, datatype, layout, filter
// pipeline, fill value, attribute, link, link info, attribute info and symbol table.

import type { ByteReader } from './byteReader';
import { UNDEFINED_ADDRESS } from './byteReader';

export type H5Type =
  | { kind: 'int' | 'uint'; size: number; bigEndian: boolean }
  | { kind: 'float'; size: number; bigEndian: boolean }
  | { kind: 'string'; size: number; padding: number; utf8: boolean }
  | { kind: 'vlen-string'; utf8: boolean }
  | { kind: 'vlen'; base: H5Type }
  | { kind: 'reference'; size: number; region: boolean }
  /** netCDF-4 enum types: stored as their base integers, with named values. */
  | { kind: 'enum'; base: H5Type; members: Record<string, number> }
  | { kind: 'other'; size: number; name: string };

const CLASS_NAMES = [
  'integer',
  'float',
  'time',
  'string',
  'bitfield',
  'opaque',
  'compound',
  'reference',
  'enum',
  'vlen',
  'array',
];

export function parseDatatype(r: ByteReader): H5Type {
  const b0 = r.u8();
  const cls = b0 & 0x0f;
  const f0 = r.u8();
  r.u8();
  r.u8();
  const size = r.u32();
  switch (cls) {
    case 0: {
      r.skip(4);
      return { kind: f0 & 0x08 ? 'int' : 'uint', size, bigEndian: (f0 & 0x01) === 1 };
    }
    case 1: {
      r.skip(12);
      return { kind: 'float', size, bigEndian: (f0 & 0x01) === 1 };
    }
    case 3:
      return { kind: 'string', size, padding: f0 & 0x0f, utf8: f0 >> 4 === 1 };
    case 7:
      return { kind: 'reference', size, region: (f0 & 0x0f) === 1 };
    case 8: {
      const n = f0 | (r.buf[r.pos - 6] << 8);
      const version = b0 >> 4;
      const base = parseDatatype(r);
      const baseSize = (base as { size?: number }).size ?? 1;
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        const start = r.pos;
        let end = start;
        while (r.buf[end] !== 0) end++;
        names.push(new TextDecoder().decode(r.buf.subarray(start, end)));
        // Names are NUL-terminated and, before version 3, padded to a multiple of 8 bytes.
        r.pos = version >= 3 ? end + 1 : start + Math.ceil((end + 1 - start) / 8) * 8;
      }
      const members: Record<string, number> = {};
      const dv = new DataView(r.buf.buffer, r.buf.byteOffset, r.buf.byteLength);
      const little = !(base as { bigEndian?: boolean }).bigEndian;
      for (const name of names) {
        const o = r.pos;
        const signed = base.kind === 'int';
        members[name] =
          baseSize === 1
            ? signed
              ? dv.getInt8(o)
              : dv.getUint8(o)
            : baseSize === 2
              ? signed
                ? dv.getInt16(o, little)
                : dv.getUint16(o, little)
              : baseSize === 4
                ? signed
                  ? dv.getInt32(o, little)
                  : dv.getUint32(o, little)
                : Number(signed ? dv.getBigInt64(o, little) : dv.getBigUint64(o, little));
        r.pos += baseSize;
      }
      return { kind: 'enum', base, members };
    }
    case 9: {
      const isString = (f0 & 0x03) === 1;
      const utf8 = ((f0 >> 4) & 0x0f) === 1;
      const base = parseDatatype(r);
      return isString ? { kind: 'vlen-string', utf8 } : { kind: 'vlen', base };
    }
    default:
      return { kind: 'other', size, name: CLASS_NAMES[cls] ?? `class ${cls}` };
  }
}

/** A shared message: where the committed (named) datatype's object header is. */
export function parseSharedAddress(r: ByteReader): number | null {
  const version = r.u8();
  const type = r.u8();
  if (version === 1) {
    r.skip(6);
    return r.offset();
  }
  if (version === 2 || (version === 3 && type === 2)) return r.offset();
  return null;
}

export interface Dataspace {
  /** null for a null dataspace (no elements); [] for a scalar. */
  dims: number[] | null;
  maxDims: number[] | null;
}

export function parseDataspace(r: ByteReader): Dataspace {
  const version = r.u8();
  const rank = r.u8();
  const flags = r.u8();
  let type = 1;
  if (version === 1) {
    r.skip(5);
    if (rank === 0) type = 0;
  } else type = r.u8();
  if (type === 2) return { dims: null, maxDims: null };
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(r.length());
  let maxDims: number[] | null = null;
  if (flags & 1) {
    maxDims = [];
    for (let i = 0; i < rank; i++) maxDims.push(r.length());
  }
  return { dims: type === 0 ? [] : dims, maxDims };
}

export type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'chunked-btree1'; address: number; chunk: number[]; elementSize: number }
  | {
      kind: 'chunked-single';
      address: number;
      chunk: number[];
      filteredSize: number | null;
      filterMask: number;
    }
  | { kind: 'chunked-implicit'; address: number; chunk: number[] }
  | { kind: 'unsupported'; reason: string };

export function parseLayout(r: ByteReader): Layout {
  const version = r.u8();
  if (version === 1 || version === 2) {
    const rank = r.u8();
    const cls = r.u8();
    r.skip(5);
    const address = cls !== 0 ? r.offset() : UNDEFINED_ADDRESS;
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(r.u32());
    if (cls === 1) return { kind: 'contiguous', address, size: dims.reduce((a, b) => a * b, 1) };
    if (cls === 2) {
      const elementSize = r.u32();
      return { kind: 'chunked-btree1', address, chunk: dims.slice(0, -1), elementSize };
    }
    const size = r.u32();
    return { kind: 'compact', data: r.bytes(size) };
  }
  const cls = r.u8();
  if (cls === 0) {
    const size = r.u16();
    return { kind: 'compact', data: r.bytes(size) };
  }
  if (cls === 1) return { kind: 'contiguous', address: r.offset(), size: r.length() };
  if (cls !== 2) return { kind: 'unsupported', reason: `layout class ${cls} (virtual dataset)` };
  if (version === 3) {
    const rank = r.u8();
    const address = r.offset();
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(r.u32());
    return { kind: 'chunked-btree1', address, chunk: dims.slice(0, -1), elementSize: dims[dims.length - 1] };
  }
  const flags = r.u8();
  const rank = r.u8();
  const enc = r.u8();
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(r.uint(enc));
  const index = r.u8();
  const chunk = dims.slice(0, -1);
  if (index === 1) {
    let filteredSize: number | null = null;
    let filterMask = 0;
    if (flags & 0x02) {
      filteredSize = r.length();
      filterMask = r.u32();
    }
    return { kind: 'chunked-single', address: r.offset(), chunk, filteredSize, filterMask };
  }
  if (index === 2) return { kind: 'chunked-implicit', address: r.offset(), chunk };
  return { kind: 'unsupported', reason: `chunk index type ${index} (HDF5 1.10 layout)` };
}

export interface Filter {
  id: number;
  name: string;
  optional: boolean;
  values: number[];
}

export function parseFilterPipeline(r: ByteReader): Filter[] {
  const version = r.u8();
  const n = r.u8();
  if (version === 1) r.skip(6);
  const out: Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.u16();
    const nameLen = version === 1 || id >= 256 ? r.u16() : 0;
    const flags = r.u16();
    const nvals = r.u16();
    let name = '';
    if (nameLen) {
      name = r.cstring(nameLen);
      if (version === 1) r.align(8, 0);
    }
    const values: number[] = [];
    for (let k = 0; k < nvals; k++) values.push(r.u32());
    if (version === 1 && nvals % 2 === 1) r.skip(4);
    out.push({ id, name, optional: (flags & 1) === 1, values });
  }
  return out;
}

/** The fill value bytes (null when undefined: the library default, zeros). */
export function parseFillValue(r: ByteReader, type: number): Uint8Array | null {
  if (type === 0x04) {
    const size = r.u32();
    return size ? r.bytes(size) : null;
  }
  const version = r.u8();
  if (version === 1 || version === 2) {
    r.u8(); // allocation time
    r.u8(); // write time
    const defined = r.u8();
    if (version === 2 && !defined) return null;
    const size = r.u32();
    return size ? r.bytes(size) : null;
  }
  const flags = r.u8();
  if (flags & 0x20) {
    const size = r.u32();
    return size ? r.bytes(size) : null;
  }
  return null;
}

export interface RawAttribute {
  name: string;
  type: H5Type;
  space: Dataspace;
  data: Uint8Array;
  shared: boolean;
}

export function parseAttribute(r: ByteReader): RawAttribute {
  const version = r.u8();
  // Version 1 has a reserved byte where later versions keep flags.
  const flagsByte = r.u8();
  const flags = version === 1 ? 0 : flagsByte;
  const nameSize = r.u16();
  const typeSize = r.u16();
  const spaceSize = r.u16();
  if (version === 3) r.u8(); // name encoding
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameStart = r.pos;
  const name = r.cstring(nameSize);
  r.pos = nameStart + pad(nameSize);
  const typeStart = r.pos;
  const shared = (flags & 0x1) !== 0;
  const type: H5Type = shared ? { kind: 'other', size: 0, name: 'shared datatype' } : parseDatatype(r);
  r.pos = typeStart + pad(typeSize);
  const spaceStart = r.pos;
  const space = parseDataspace(r);
  r.pos = spaceStart + pad(spaceSize);
  return { name, type, space, data: r.bytes(r.remaining), shared };
}

export type Link = (
  | { name: string; kind: 'hard'; address: number }
  | { name: string; kind: 'soft' | 'external' }
) & {
  /** Creation order, when the group tracks it (netCDF-C does): the order netCDF shows. */
  order?: number;
};

export function parseLink(r: ByteReader): Link {
  r.u8(); // version
  const flags = r.u8();
  const type = flags & 0x08 ? r.u8() : 0;
  const order = flags & 0x04 ? r.uint(8) : undefined;
  if (flags & 0x10) r.u8();
  const len = r.uint(1 << (flags & 0x3));
  const name = new TextDecoder().decode(r.bytes(len));
  if (type === 0) return { name, kind: 'hard', address: r.offset(), order };
  return { name, kind: type === 1 ? 'soft' : 'external', order };
}

export interface DenseIndex {
  heap: number;
  nameIndex: number;
}

export function parseLinkInfo(r: ByteReader): DenseIndex {
  r.u8();
  const flags = r.u8();
  if (flags & 1) r.skip(8);
  return { heap: r.offset(), nameIndex: r.offset() };
}

export function parseAttributeInfo(r: ByteReader): DenseIndex {
  r.u8();
  const flags = r.u8();
  if (flags & 1) r.skip(2);
  return { heap: r.offset(), nameIndex: r.offset() };
}

export function parseSymbolTable(r: ByteReader): { btree: number; heap: number } {
  return { btree: r.offset(), heap: r.offset() };
}
