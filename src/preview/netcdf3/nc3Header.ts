// NETCDF3 header (classic CDF-1, 64-bit offset CDF-2, and CDF-5), parsed from a file prefix.
// Own parser rather than netcdfjs's: it keeps each attribute's type (a float32 scale_factor gives
// float32 data in xarray), reads NC_BYTE as signed, and throws NeedMoreBytes when the prefix is
// too short so the caller can retry with a longer one.

export class NeedMoreBytes extends Error {
  /** Prefix length that would hold what the parser asked for. */
  constructor(readonly want = 0) {
    super('NETCDF3 header needs more bytes');
  }
}

export type Nc3Type =
  | 'byte'
  | 'char'
  | 'short'
  | 'int'
  | 'float'
  | 'double'
  | 'ubyte'
  | 'ushort'
  | 'uint'
  | 'int64'
  | 'uint64';

const TYPES: Record<number, [Nc3Type, number]> = {
  1: ['byte', 1],
  2: ['char', 1],
  3: ['short', 2],
  4: ['int', 4],
  5: ['float', 4],
  6: ['double', 8],
  7: ['ubyte', 1],
  8: ['ushort', 2],
  9: ['uint', 4],
  10: ['int64', 8],
  11: ['uint64', 8],
};

export const typeSize = (t: Nc3Type): number => Object.values(TYPES).find(([n]) => n === t)![1];

export const NUMPY_OF: Record<Nc3Type, string> = {
  byte: 'int8',
  char: '|S1',
  short: 'int16',
  int: 'int32',
  float: 'float32',
  double: 'float64',
  ubyte: 'uint8',
  ushort: 'uint16',
  uint: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
};

export interface Nc3Attribute {
  name: string;
  type: Nc3Type;
  value: string | number | number[];
}

export interface Nc3Variable {
  name: string;
  dimIds: number[];
  attributes: Nc3Attribute[];
  type: Nc3Type;
  vsize: number;
  begin: number;
  record: boolean;
}

export interface Nc3Header {
  version: 1 | 2 | 5;
  numrecs: number;
  dims: Array<{ name: string; size: number; unlimited: boolean }>;
  attributes: Nc3Attribute[];
  variables: Nc3Variable[];
  /** Bytes per record (all record variables), as the NUG defines it. */
  recordSize: number;
  headerBytes: number;
}

class Cursor {
  pos = 0;
  private readonly dv: DataView;
  constructor(
    private readonly b: Uint8Array,
    private readonly fileSize = Number.POSITIVE_INFINITY,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  need(n: number): void {
    // A length past the end of the file is corrupt: say so rather than ask for a longer prefix.
    if (this.pos + n > this.fileSize)
      throw new Error(
        `corrupt NETCDF3 header: ${n} bytes declared at offset ${this.pos}, past the end of the file`,
      );
    if (this.pos + n > this.b.length) throw new NeedMoreBytes(this.pos + n);
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.dv.getBigUint64(this.pos, false);
    this.pos += 8;
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  pad4(): void {
    const r = this.pos % 4;
    if (r) this.bytes(4 - r);
  }
  value(type: Nc3Type, i: number, base: number): number {
    switch (type) {
      case 'byte':
        return this.dv.getInt8(base + i);
      case 'ubyte':
        return this.dv.getUint8(base + i);
      case 'short':
        return this.dv.getInt16(base + 2 * i, false);
      case 'ushort':
        return this.dv.getUint16(base + 2 * i, false);
      case 'int':
        return this.dv.getInt32(base + 4 * i, false);
      case 'uint':
        return this.dv.getUint32(base + 4 * i, false);
      case 'float':
        return this.dv.getFloat32(base + 4 * i, false);
      case 'double':
        return this.dv.getFloat64(base + 8 * i, false);
      case 'int64':
        return Number(this.dv.getBigInt64(base + 8 * i, false));
      case 'uint64':
        return Number(this.dv.getBigUint64(base + 8 * i, false));
      default:
        return this.b[base + i];
    }
  }
}

const utf8 = new TextDecoder('utf-8');

export function parseNc3Header(prefix: Uint8Array, fileSize: number): Nc3Header {
  if (prefix.length < 4 || prefix[0] !== 0x43 || prefix[1] !== 0x44 || prefix[2] !== 0x46) {
    throw new Error('not a NETCDF3 file (no CDF magic)');
  }
  const version = prefix[3];
  if (version !== 1 && version !== 2 && version !== 5) throw new Error(`unknown NETCDF3 version ${version}`);
  const c = new Cursor(prefix, fileSize);
  c.pos = 4;
  const big = version === 5;
  const count = () => (big ? c.u64() : c.u32());
  const name = () => {
    const n = count();
    const s = utf8.decode(c.bytes(n));
    c.pad4();
    return s;
  };
  const numrecsRaw = big ? c.u64() : c.u32();
  const listTag = (tag: number): number => {
    const t = c.u32();
    const n = count();
    if (t === 0 && n === 0) return 0;
    if (t !== tag) throw new Error(`corrupt NETCDF3 header: tag ${t}, expected ${tag}`);
    return n;
  };
  const attrs = (): Nc3Attribute[] => {
    const n = listTag(0x0c);
    const out: Nc3Attribute[] = [];
    for (let i = 0; i < n; i++) {
      const an = name();
      const code = c.u32();
      const t = TYPES[code];
      if (!t) throw new Error(`corrupt NETCDF3 header: attribute type ${code}`);
      const len = count();
      const base = c.pos;
      const raw = c.bytes(len * t[1]);
      c.pad4();
      let value: Nc3Attribute['value'];
      if (t[0] === 'char') value = utf8.decode(raw).replace(/\0+$/, '');
      else {
        const vals = Array.from({ length: len }, (_, k) => c.value(t[0], k, base));
        value = vals.length === 1 ? vals[0] : vals;
      }
      out.push({ name: an, type: t[0], value });
    }
    return out;
  };
  const ndims = listTag(0x0a);
  const dims: Nc3Header['dims'] = [];
  for (let i = 0; i < ndims; i++) {
    const dn = name();
    const size = count();
    dims.push({ name: dn, size, unlimited: size === 0 });
  }
  const attributes = attrs();
  const nvars = listTag(0x0b);
  const variables: Nc3Variable[] = [];
  for (let i = 0; i < nvars; i++) {
    const vn = name();
    const nd = count();
    const dimIds: number[] = [];
    for (let k = 0; k < nd; k++) dimIds.push(count());
    const vattrs = attrs();
    const code = c.u32();
    const t = TYPES[code];
    if (!t) throw new Error(`corrupt NETCDF3 header: variable type ${code}`);
    const vsize = big ? c.u64() : c.u32();
    const begin = version === 1 ? c.u32() : c.u64();
    variables.push({
      name: vn,
      dimIds,
      attributes: vattrs,
      type: t[0],
      vsize,
      begin,
      record: nd > 0 && dims[dimIds[0]]?.unlimited === true,
    });
  }
  const recVars = variables.filter((v) => v.record);
  let recordSize = recVars.reduce((a, v) => a + v.vsize, 0);
  if (recVars.length === 1) {
    // A single record variable is not padded (NUG, "classic format").
    const v = recVars[0];
    recordSize = v.dimIds.slice(1).reduce((a, d) => a * dims[d].size, typeSize(v.type));
  }
  let numrecs = numrecsRaw;
  if (numrecsRaw === 0xffffffff || (big && numrecsRaw >= 2 ** 53)) {
    const first = Math.min(...recVars.map((v) => v.begin));
    numrecs = recordSize > 0 && recVars.length ? Math.floor((fileSize - first) / recordSize) : 0;
  }
  for (const d of dims) if (d.unlimited) d.size = numrecs;
  return {
    version: version as 1 | 2 | 5,
    numrecs,
    dims,
    attributes,
    variables,
    recordSize,
    headerBytes: c.pos,
  };
}
