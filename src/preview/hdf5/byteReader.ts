// Little-endian cursor over a metadata buffer, with HDF5's variable-size offsets and lengths.

export const UNDEFINED_ADDRESS = -1;

export class ByteReader {
  pos: number;
  private readonly dv: DataView;

  constructor(
    readonly buf: Uint8Array,
    readonly sizeOfOffsets = 8,
    readonly sizeOfLengths = 8,
    start = 0,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new RangeError(`HDF5 structure runs past its buffer (${this.pos}+${n} > ${this.buf.length})`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v === 0xffffffffffffffffn ? UNDEFINED_ADDRESS : Number(v);
  }
  /** Unsigned little-endian integer of n bytes (n <= 8). */
  uint(n: number): number {
    this.need(n);
    let v = 0;
    let all = true;
    for (let i = 0; i < n; i++) {
      const b = this.buf[this.pos + i];
      if (b !== 0xff) all = false;
      v += b * 2 ** (8 * i);
    }
    this.pos += n;
    return all && n >= 4 ? UNDEFINED_ADDRESS : v;
  }
  offset(): number {
    return this.uint(this.sizeOfOffsets);
  }
  length(): number {
    return this.uint(this.sizeOfLengths);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  align(n: number, from = 0): void {
    const r = (this.pos - from) % n;
    if (r) this.pos += n - r;
  }
  signature(expected: string): void {
    const got = String.fromCharCode(...this.bytes(4));
    if (got !== expected) throw new Error(`HDF5: expected ${expected}, found ${JSON.stringify(got)}`);
  }
  cstring(n: number): string {
    const b = this.bytes(n);
    let end = b.indexOf(0);
    if (end < 0) end = b.length;
    return new TextDecoder().decode(b.subarray(0, end));
  }
}

/** H5VM_limit_enc_size: bytes HDF5 uses to encode numbers up to `limit`. */
export const limitEncSize = (limit: number): number => Math.floor(Math.log2(Math.max(1, limit)) / 8) + 1;
