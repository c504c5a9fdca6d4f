// Navigating an HDF5 file: objects (groups and datasets), their links and attributes, in all the
// storage forms netCDF-C and h5py write (old-style symbol tables, compact and dense links and
// attributes), and attribute values decoded to JS.

import { UNDEFINED_ADDRESS } from './byteReader';
import type { H5File } from './h5File';
import { btree2Records, FractalHeap, GlobalHeap, localHeapData } from './heaps';
import {
  type Dataspace,
  type Filter,
  type H5Type,
  type Layout,
  type Link,
  parseAttribute,
  parseAttributeInfo,
  parseDataspace,
  parseDatatype,
  parseFillValue,
  parseFilterPipeline,
  parseLayout,
  parseLink,
  parseLinkInfo,
  parseSharedAddress,
  parseSymbolTable,
  type RawAttribute,
} from './messages';
import { type Message, MSG, readObjectHeader } from './objectHeader';

export interface H5Dataset {
  address: number;
  shape: number[];
  maxShape: number[] | null;
  type: H5Type;
  layout: Layout;
  filters: Filter[];
  fill: Uint8Array | null;
}

export interface AttributeValue {
  value: unknown;
  /** numpy type of numeric attributes. */
  numpyType: string | null;
}

export const numpyTypeOf = (t: H5Type): string | null => {
  if (t.kind === 'int' || t.kind === 'uint' || t.kind === 'float') return `${t.kind}${t.size * 8}`;
  if (t.kind === 'enum') return numpyTypeOf(t.base);
  return null;
};

const utf8 = new TextDecoder('utf-8');

export class H5Tree {
  readonly gheap: GlobalHeap;
  private readonly objects = new Map<number, Promise<Message[]>>();

  constructor(readonly file: H5File) {
    this.gheap = new GlobalHeap(file);
  }

  messages(addr: number): Promise<Message[]> {
    let m = this.objects.get(addr);
    if (!m) {
      m = readObjectHeader(this.file, addr);
      this.objects.set(addr, m);
    }
    return m;
  }

  async isDataset(addr: number): Promise<boolean> {
    return (await this.messages(addr)).some((m) => m.type === MSG.layout);
  }

  /** Groups carry link/group-info or symbol-table messages; committed datatypes carry neither. */
  async isGroup(addr: number): Promise<boolean> {
    return (await this.messages(addr)).some(
      (m) =>
        m.type === MSG.linkInfo ||
        m.type === MSG.symbolTable ||
        m.type === MSG.link ||
        m.type === MSG.groupInfo,
    );
  }

  async links(addr: number): Promise<Link[]> {
    const msgs = await this.messages(addr);
    const f = this.file;
    const out: Link[] = [];
    for (const m of msgs) if (m.type === MSG.link) out.push(parseLink(f.reader(m.data)));
    const info = msgs.find((m) => m.type === MSG.linkInfo);
    if (info) {
      const { heap, nameIndex } = parseLinkInfo(f.reader(info.data));
      if (heap !== UNDEFINED_ADDRESS && nameIndex !== UNDEFINED_ADDRESS) {
        const fh = await FractalHeap.open(f, heap);
        const dense: Link[] = [];
        for (const rec of await btree2Records(f, nameIndex)) {
          const obj = await fh.object(rec.subarray(4));
          dense.push(parseLink(f.reader(obj)));
        }
        // The name index is in hash order: show creation order when tracked, else names.
        dense.sort((a, b) =>
          a.order !== undefined && b.order !== undefined ? a.order - b.order : a.name < b.name ? -1 : 1,
        );
        out.push(...dense);
      }
    }
    const st = msgs.find((m) => m.type === MSG.symbolTable);
    if (st) out.push(...(await this.symbolTableLinks(st)));
    return out;
  }

  private async symbolTableLinks(m: Message): Promise<Link[]> {
    const f = this.file;
    const { btree, heap } = parseSymbolTable(f.reader(m.data));
    const names = await localHeapData(f, heap);
    const O = f.superblock.sizeOfOffsets;
    const L = f.superblock.sizeOfLengths;
    const out: Link[] = [];
    const seen = new Set<number>();
    const visit = async (addr: number, maxLevel = 64): Promise<void> => {
      if (seen.has(addr)) throw new Error('HDF5: group B-tree has a cycle');
      seen.add(addr);
      const head = await f.bytes(addr, 8 + 2 * O);
      const r = f.reader(head);
      r.signature('TREE');
      r.u8();
      const level = r.u8();
      if (level >= maxLevel) throw new Error('HDF5: group B-tree levels do not decrease');
      const entries = r.u16();
      const node = await f.bytes(addr, 8 + 2 * O + entries * (L + O) + L);
      const nr = f.reader(node, 8 + 2 * O);
      const children: number[] = [];
      for (let i = 0; i < entries; i++) {
        nr.length();
        children.push(nr.offset());
      }
      for (const c of children) {
        if (level > 0) await visit(c, level);
        else {
          const sh = await f.bytes(c, 8);
          const sr = f.reader(sh);
          sr.signature('SNOD');
          sr.skip(2);
          const n = sr.u16();
          const entrySize = 2 * O + 8 + 16;
          const body = await f.bytes(c + 8, n * entrySize);
          const br = f.reader(body);
          for (let i = 0; i < n; i++) {
            const nameOff = br.offset();
            const address = br.offset();
            br.skip(24);
            let end = names.indexOf(0, nameOff);
            if (end < 0) end = names.length;
            out.push({ name: utf8.decode(names.subarray(nameOff, end)), kind: 'hard', address });
          }
        }
      }
    };
    await visit(btree);
    return out;
  }

  async attributes(addr: number): Promise<RawAttribute[]> {
    const msgs = await this.messages(addr);
    const f = this.file;
    const out: RawAttribute[] = [];
    for (const m of msgs) if (m.type === MSG.attribute) out.push(parseAttribute(f.reader(m.data)));
    const info = msgs.find((m) => m.type === MSG.attributeInfo);
    if (info) {
      const { heap, nameIndex } = parseAttributeInfo(f.reader(info.data));
      if (heap !== UNDEFINED_ADDRESS && nameIndex !== UNDEFINED_ADDRESS) {
        const fh = await FractalHeap.open(f, heap);
        const dense: Array<[number, RawAttribute]> = [];
        for (const rec of await btree2Records(f, nameIndex)) {
          // record: heap id (8), flags (1), creation order (4), name hash (4)
          const order = rec.length >= 13 ? rec[9] | (rec[10] << 8) | (rec[11] << 16) | (rec[12] << 24) : 0;
          dense.push([order, parseAttribute(f.reader(await fh.object(rec.subarray(0, 8))))]);
        }
        dense.sort((a, b) => a[0] - b[0] || (a[1].name < b[1].name ? -1 : 1));
        out.push(...dense.map(([, a]) => a));
      }
    }
    return out;
  }

  async dataset(addr: number): Promise<H5Dataset> {
    const msgs = await this.messages(addr);
    const f = this.file;
    let space: Dataspace = { dims: [], maxDims: null };
    let type: H5Type = { kind: 'other', size: 0, name: 'unknown' };
    let layout: Layout = { kind: 'unsupported', reason: 'no layout message' };
    let filters: Filter[] = [];
    let fill: Uint8Array | null = null;
    for (const m of msgs) {
      const r = f.reader(m.data);
      if (m.type === MSG.dataspace) space = parseDataspace(r);
      else if (m.type === MSG.datatype)
        type = m.flags & 0x02 ? await this.committedType(r) : parseDatatype(r);
      else if (m.type === MSG.layout) layout = parseLayout(r);
      else if (m.type === MSG.filterPipeline) filters = parseFilterPipeline(r);
      else if (m.type === MSG.fillValue || (m.type === MSG.fillValueOld && !fill))
        fill = parseFillValue(r, m.type);
    }
    return { address: addr, shape: space.dims ?? [0], maxShape: space.maxDims, type, layout, filters, fill };
  }

  /** A datatype stored once in the file (netCDF-4 user types) and referenced by datasets. */
  private async committedType(r: ReturnType<H5File['reader']>): Promise<H5Type> {
    const addr = parseSharedAddress(r);
    if (addr === null) return { kind: 'other', size: 0, name: 'shared datatype in a message heap' };
    const m = (await this.messages(addr)).find((x) => x.type === MSG.datatype);
    return m
      ? parseDatatype(this.file.reader(m.data))
      : { kind: 'other', size: 0, name: 'committed datatype' };
  }

  /** Decodes an attribute's value: numbers, strings, references (addresses), vlen sequences. */
  async attributeValue(a: RawAttribute): Promise<AttributeValue> {
    const n = a.space.dims === null ? 0 : a.space.dims.reduce((x, y) => x * y, 1);
    const values = await this.decodeElements(a.type, a.data, n);
    const scalar = a.space.dims !== null && a.space.dims.length === 0;
    return { value: scalar ? values[0] : values, numpyType: numpyTypeOf(a.type) };
  }

  async decodeElements(t: H5Type, data: Uint8Array, n: number): Promise<unknown[]> {
    const f = this.file;
    if (t.kind === 'enum') return this.decodeElements(t.base, data, n);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const out: unknown[] = new Array(n);
    switch (t.kind) {
      case 'int':
      case 'uint':
      case 'float': {
        const le = !t.bigEndian;
        for (let i = 0; i < n; i++) {
          const o = i * t.size;
          if (t.kind === 'float')
            out[i] = t.size === 4 ? dv.getFloat32(o, le) : t.size === 8 ? dv.getFloat64(o, le) : Number.NaN;
          else if (t.size === 1) out[i] = t.kind === 'int' ? dv.getInt8(o) : dv.getUint8(o);
          else if (t.size === 2) out[i] = t.kind === 'int' ? dv.getInt16(o, le) : dv.getUint16(o, le);
          else if (t.size === 4) out[i] = t.kind === 'int' ? dv.getInt32(o, le) : dv.getUint32(o, le);
          else out[i] = Number(t.kind === 'int' ? dv.getBigInt64(o, le) : dv.getBigUint64(o, le));
        }
        return out;
      }
      case 'string':
        for (let i = 0; i < n; i++) out[i] = decodeFixedString(data.subarray(i * t.size, (i + 1) * t.size));
        return out;
      case 'reference': {
        const r = f.reader(data);
        for (let i = 0; i < n; i++) {
          const at = r.pos;
          out[i] = r.offset();
          r.pos = at + t.size;
        }
        return out;
      }
      case 'vlen-string':
      case 'vlen': {
        const r = f.reader(data);
        for (let i = 0; i < n; i++) {
          const len = r.u32();
          const coll = r.offset();
          const index = r.u32();
          const obj = len === 0 ? new Uint8Array(0) : await this.gheap.object(coll, index);
          if (t.kind === 'vlen-string') out[i] = utf8.decode(obj.subarray(0, len));
          else {
            const base = t.base;
            const size =
              base.kind === 'reference' ? f.superblock.sizeOfOffsets : (base as { size: number }).size;
            out[i] = await this.decodeElements(base, obj.subarray(0, len * size), len);
          }
        }
        return out;
      }
      default:
        return out.fill(null);
    }
  }
}

export function decodeFixedString(b: Uint8Array): string {
  let end = b.indexOf(0);
  if (end < 0) end = b.length;
  return utf8.decode(b.subarray(0, end));
}
