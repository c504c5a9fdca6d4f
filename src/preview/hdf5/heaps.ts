// HDF5 heaps: local heaps (names in old-style groups), the global heap (variable-length strings
// and DIMENSION_LIST references) and fractal heaps (dense link and attribute storage).

import { limitEncSize, UNDEFINED_ADDRESS } from './byteReader';
import type { H5File } from './h5File';
import { H5Unsupported } from './h5Unsupported';

export async function localHeapData(f: H5File, addr: number): Promise<Uint8Array> {
  const head = await f.bytes(addr, 8 + 3 * f.superblock.sizeOfLengths);
  const r = f.reader(head);
  r.signature('HEAP');
  r.skip(4);
  const size = r.length();
  r.length(); // free list
  const data = r.offset();
  return f.bytes(data, size);
}

export class GlobalHeap {
  private readonly collections = new Map<number, Promise<Map<number, Uint8Array>>>();
  constructor(private readonly f: H5File) {}

  private load(addr: number): Promise<Map<number, Uint8Array>> {
    let c = this.collections.get(addr);
    if (!c) {
      c = (async () => {
        const head = await this.f.bytes(addr, 8 + this.f.superblock.sizeOfLengths);
        const hr = this.f.reader(head);
        hr.signature('GCOL');
        hr.skip(4);
        const size = hr.length();
        const all = await this.f.bytes(addr, size);
        const r = this.f.reader(all, 8 + this.f.superblock.sizeOfLengths);
        const objects = new Map<number, Uint8Array>();
        while (r.remaining >= 8 + this.f.superblock.sizeOfLengths) {
          const index = r.u16();
          r.skip(6);
          const len = r.length();
          if (index === 0) break;
          if (len > r.remaining) break;
          objects.set(index, r.bytes(len));
          r.align(8, 0);
        }
        return objects;
      })();
      this.collections.set(addr, c);
    }
    return c;
  }

  async object(addr: number, index: number): Promise<Uint8Array> {
    if (addr === 0 || addr === UNDEFINED_ADDRESS) return new Uint8Array(0);
    const obj = (await this.load(addr)).get(index);
    if (!obj) throw new Error(`HDF5: global heap object ${index} missing at ${addr}`);
    return obj;
  }
}

interface FractalHeapHeader {
  heapIdLength: number;
  hasFilters: boolean;
  checksumDirect: boolean;
  tableWidth: number;
  startBlockSize: number;
  maxDirectBlockSize: number;
  maxHeapSizeBits: number;
  rootAddress: number;
  rootRows: number;
  offsetSize: number;
  lengthSize: number;
  maxDirectRows: number;
}

/** Managed objects of a fractal heap, found by heap ID (tiny objects live in the ID itself). */
export class FractalHeap {
  private constructor(
    private readonly f: H5File,
    private readonly h: FractalHeapHeader,
  ) {}

  static async open(f: H5File, addr: number): Promise<FractalHeap> {
    const { sizeOfOffsets: O, sizeOfLengths: L } = f.superblock;
    const buf = await f.bytes(addr, 4 + 1 + 2 + 2 + 1 + 4 + 12 * L + 3 * O + 2 + 2 + 2 + 2 + 64);
    const r = f.reader(buf);
    r.signature('FRHP');
    r.u8();
    const heapIdLength = r.u16();
    const filtersLen = r.u16();
    const flags = r.u8();
    const maxManaged = r.u32();
    r.length(); // next huge id
    r.offset(); // huge btree
    r.length(); // free space
    r.offset(); // free space manager
    r.length(); // managed space
    r.length(); // allocated managed space
    r.length(); // direct block allocation iterator offset
    r.length(); // managed objects
    r.length(); // huge size
    r.length(); // huge count
    r.length(); // tiny size
    r.length(); // tiny count
    const tableWidth = r.u16();
    const startBlockSize = r.length();
    const maxDirectBlockSize = r.length();
    const maxHeapSizeBits = r.u16();
    r.u16(); // starting rows in root indirect block
    const rootAddress = r.offset();
    const rootRows = r.u16();
    const h: FractalHeapHeader = {
      heapIdLength,
      hasFilters: filtersLen > 0,
      checksumDirect: (flags & 0x02) !== 0,
      tableWidth,
      startBlockSize,
      maxDirectBlockSize,
      maxHeapSizeBits,
      rootAddress,
      rootRows,
      offsetSize: Math.ceil(maxHeapSizeBits / 8),
      lengthSize: limitEncSize(Math.min(maxDirectBlockSize, maxManaged)),
      maxDirectRows: Math.log2(maxDirectBlockSize) - Math.log2(startBlockSize) + 2,
    };
    if (h.hasFilters) throw new H5Unsupported('HDF5: filtered fractal heaps are not supported');
    return new FractalHeap(f, h);
  }

  private rowBlockSize(row: number): number {
    return row === 0 ? this.h.startBlockSize : this.h.startBlockSize * 2 ** (row - 1);
  }

  async object(id: Uint8Array): Promise<Uint8Array> {
    const type = (id[0] >> 4) & 0x3;
    if (type === 2) {
      const len = (id[0] & 0x0f) + 1;
      return id.subarray(1, 1 + len);
    }
    if (type !== 0) throw new H5Unsupported('HDF5: huge fractal heap objects are not supported');
    const r = this.f.reader(id, 1);
    const offset = r.uint(this.h.offsetSize);
    const length = r.uint(this.h.lengthSize);
    const [blockAddr, blockOffset] = await this.locate(offset);
    return this.f.bytes(blockAddr + (offset - blockOffset), length);
  }

  /** Address and heap offset of the direct block holding heap offset `off`. */
  private async locate(off: number): Promise<[number, number]> {
    if (this.h.rootRows === 0) return [this.h.rootAddress, 0];
    let iblock = this.h.rootAddress;
    let iblockOffset = 0;
    let nrows = this.h.rootRows;
    const O = this.f.superblock.sizeOfOffsets;
    for (let depth = 0; depth < 16; depth++) {
      const header = 4 + 1 + O + this.h.offsetSize;
      const entries = nrows * this.h.tableWidth;
      const buf = await this.f.bytes(iblock, header + entries * O);
      const r = this.f.reader(buf);
      r.signature('FHIB');
      r.skip(header - 4);
      let rowStart = iblockOffset;
      let descended = false;
      for (let row = 0; row < nrows && !descended; row++) {
        const bs = this.rowBlockSize(row);
        const rowEnd = rowStart + bs * this.h.tableWidth;
        if (off < rowEnd) {
          const k = Math.floor((off - rowStart) / bs);
          r.pos = header + (row * this.h.tableWidth + k) * O;
          const child = r.offset();
          const childOffset = rowStart + k * bs;
          if (row < this.h.maxDirectRows) return [child, childOffset];
          iblock = child;
          iblockOffset = childOffset;
          nrows = Math.log2(bs) - Math.log2(this.h.startBlockSize * this.h.tableWidth) + 1;
          descended = true;
        }
        rowStart = rowEnd;
      }
      if (!descended) break;
    }
    throw new Error(`HDF5: fractal heap offset ${off} not found`);
  }
}

/** All records of a version 2 B-tree (depth 0 or 1 - what link/attribute name indexes use). */
export async function btree2Records(f: H5File, addr: number): Promise<Uint8Array[]> {
  const O = f.superblock.sizeOfOffsets;
  const L = f.superblock.sizeOfLengths;
  const head = await f.bytes(addr, 4 + 2 + 4 + 2 + 2 + 2 + O + 2 + L + 4);
  const r = f.reader(head);
  r.signature('BTHD');
  r.u8();
  r.u8(); // type
  const nodeSize = r.u32();
  const recordSize = r.u16();
  const depth = r.u16();
  r.skip(2);
  const root = r.offset();
  const rootRecords = r.u16();
  if (root === UNDEFINED_ADDRESS || rootRecords === 0) return [];
  const maxLeaf = Math.floor((nodeSize - 10) / recordSize);
  const out: Uint8Array[] = [];
  const leaf = async (a: number, n: number) => {
    const b = await f.bytes(a, nodeSize);
    const lr = f.reader(b);
    lr.signature('BTLF');
    lr.skip(2);
    for (let i = 0; i < n; i++) out.push(lr.bytes(recordSize));
  };
  if (depth === 0) {
    await leaf(root, rootRecords);
    return out;
  }
  if (depth > 1) throw new H5Unsupported('HDF5: v2 B-trees deeper than 1 are not supported');
  const numSize = limitEncSize(maxLeaf);
  const b = await f.bytes(root, nodeSize);
  const ir = f.reader(b);
  ir.signature('BTIN');
  ir.skip(2);
  const records: Uint8Array[] = [];
  for (let i = 0; i < rootRecords; i++) records.push(ir.bytes(recordSize));
  for (let i = 0; i <= rootRecords; i++) {
    const child = ir.offset();
    const n = ir.uint(numSize);
    await leaf(child, n);
    if (i < rootRecords) out.push(records[i]);
  }
  return out;
}
