// LZMA "alone" (.lzma) decoder, as joblib's `lzma` compressor writes it (liblzma FORMAT_ALONE:
// 5 property bytes, an 8-byte size that is all ones when unknown, an end marker then). Written
// after the LZMA specification's reference decoder (LzmaSpec.cpp), on typed arrays. Unlike the
// lzma-d package it stops at the output limit, refuses input that ends early (lzma-d reads -1 past
// the end and decodes garbage without end: a truncated file grew memory past 1 GB) and watches a
// deadline, so every input is answered in bounded time and memory.

export class LzmaError extends Error {}
/** The output would pass the caller's limit. */
export class LzmaLimitError extends LzmaError {}

const PROB_INIT = 1024;
const END_POS_MODEL = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN = 2;

class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  constructor(
    private readonly src: Uint8Array,
    public pos: number,
  ) {
    if (this.next() !== 0) throw new LzmaError('corrupt lzma stream (range coder start)');
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    if (this.code === this.range) throw new LzmaError('corrupt lzma stream (range coder start)');
  }
  private next(): number {
    if (this.pos >= this.src.length) throw new LzmaError('lzma stream ends early (truncated file)');
    return this.src[this.pos++];
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const v = probs[i];
    const bound = (this.range >>> 11) * v;
    let b: number;
    if (this.code < bound) {
      probs[i] = v + ((2048 - v) >>> 5);
      this.range = bound;
      b = 0;
    } else {
      probs[i] = v - (v >>> 5);
      this.code -= bound;
      this.range -= bound;
      b = 1;
    }
    this.normalize();
    return b;
  }
  direct(numBits: number): number {
    let res = 0;
    for (let i = 0; i < numBits; i++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      this.normalize();
      res = res * 2 + b;
    }
    return res;
  }
  tree(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) + this.bit(probs, offset + m);
    return m - (1 << numBits);
  }
  reverse(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < numBits; i++) {
      const b = this.bit(probs, offset + m);
      m = (m << 1) + b;
      sym |= b << i;
    }
    return sym;
  }
}

const probs = (n: number): Uint16Array => new Uint16Array(n).fill(PROB_INIT);

class LenDecoder {
  private readonly choice = probs(2);
  private readonly low = probs(16 << 3);
  private readonly mid = probs(16 << 3);
  private readonly high = probs(256);
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.choice, 0) === 0) return rc.tree(this.low, posState << 3, 3);
    if (rc.bit(this.choice, 1) === 0) return 8 + rc.tree(this.mid, posState << 3, 3);
    return 16 + rc.tree(this.high, 0, 8);
  }
}

/** The output, growing by doubling up to `limit` (past it: LzmaLimitError). */
class Output {
  buf: Uint8Array;
  pos = 0;
  constructor(
    initial: number,
    private readonly limit: number,
  ) {
    this.buf = new Uint8Array(Math.max(1, Math.min(initial, limit)));
  }
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos + n > this.limit) throw new LzmaLimitError('lzma output over the limit');
    const next = new Uint8Array(Math.min(this.limit, Math.max(this.pos + n, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

interface Props {
  lc: number;
  lp: number;
  pb: number;
  dictSize: number;
  /** Declared uncompressed size, or -1 when unknown (the end marker ends the stream). */
  size: number;
}

function readHeader(src: Uint8Array): Props {
  if (src.length < 13) throw new LzmaError('lzma stream ends early (truncated header)');
  let d = src[0];
  if (d >= 9 * 5 * 5) throw new LzmaError('corrupt lzma header (properties)');
  const lc = d % 9;
  d = Math.floor(d / 9);
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const lo = dv.getUint32(5, true);
  const hi = dv.getUint32(9, true);
  const size = lo === 0xffffffff && hi === 0xffffffff ? -1 : hi * 2 ** 32 + lo;
  return { lc, lp: d % 5, pb: Math.floor(d / 5), dictSize: Math.max(4096, dv.getUint32(1, true)), size };
}

/** Options: `limit` bytes of output at most; `deadline` a performance.now() instant. */
export interface LzmaOptions {
  limit: number;
  deadline?: number;
  onDeadline?: () => never;
}

/** Decodes a whole .lzma ("alone") stream. */
export function lzmaDecompress(src: Uint8Array, opts: LzmaOptions): Uint8Array {
  const p = readHeader(src);
  if (p.size > opts.limit) throw new LzmaLimitError('lzma declared size over the limit');
  const out = new Output(p.size >= 0 ? p.size : Math.min(src.length * 4, 1 << 24), opts.limit);
  new LzmaDecoder(p, new RangeDecoder(src, 13), out, opts).run();
  return out.buf.subarray(0, out.pos);
}

class LzmaDecoder {
  private readonly lit: Uint16Array;
  private readonly isMatch = probs(12 << 4);
  private readonly isRep = probs(12);
  private readonly isRepG0 = probs(12);
  private readonly isRepG1 = probs(12);
  private readonly isRepG2 = probs(12);
  private readonly isRep0Long = probs(12 << 4);
  private readonly posSlot = probs(4 << 6);
  private readonly posDec = probs(1 + FULL_DISTANCES - END_POS_MODEL);
  private readonly align = probs(1 << ALIGN_BITS);
  private readonly lenDec = new LenDecoder();
  private readonly repLenDec = new LenDecoder();
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  constructor(
    private readonly p: Props,
    private readonly rc: RangeDecoder,
    private readonly out: Output,
    private readonly opts: LzmaOptions,
  ) {
    this.lit = probs(0x300 << (p.lc + p.lp));
  }

  private literal(): void {
    const { out, rc, p } = this;
    const prev = out.pos > 0 ? out.buf[out.pos - 1] : 0;
    const litState = ((out.pos & ((1 << p.lp) - 1)) << p.lc) + (prev >>> (8 - p.lc));
    const base = 0x300 * litState;
    let sym = 1;
    if (this.state >= 7) {
      let match = out.buf[out.pos - this.rep0 - 1];
      while (sym < 0x100) {
        const mb = (match >>> 7) & 1;
        match <<= 1;
        const b = rc.bit(this.lit, base + ((1 + mb) << 8) + sym);
        sym = (sym << 1) | b;
        if (mb !== b) break;
      }
    }
    while (sym < 0x100) sym = (sym << 1) | rc.bit(this.lit, base + sym);
    out.reserve(1);
    out.buf[out.pos++] = sym - 0x100;
    this.state = this.state < 4 ? 0 : this.state < 10 ? this.state - 3 : this.state - 6;
  }

  private distance(len: number): number {
    const rc = this.rc;
    const slot = rc.tree(this.posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const nd = (slot >>> 1) - 1;
    const dist = (2 | (slot & 1)) * 2 ** nd;
    if (slot < END_POS_MODEL) return dist + rc.reverse(this.posDec, dist - slot - 1, nd);
    return dist + rc.direct(nd - ALIGN_BITS) * 16 + rc.reverse(this.align, 0, ALIGN_BITS);
  }

  /** One match or rep: its length (0 at the end marker). */
  private match(posState: number): number {
    const { rc, state } = this;
    if (rc.bit(this.isRep, state)) {
      if (this.out.pos === 0) throw new LzmaError('corrupt lzma stream (rep at start)');
      if (rc.bit(this.isRepG0, state) === 0) {
        if (rc.bit(this.isRep0Long, (state << 4) + posState) === 0) {
          this.state = state < 7 ? 9 : 11;
          return 1;
        }
      } else {
        let dist: number;
        if (rc.bit(this.isRepG1, state) === 0) dist = this.rep1;
        else {
          if (rc.bit(this.isRepG2, state) === 0) dist = this.rep2;
          else {
            dist = this.rep3;
            this.rep3 = this.rep2;
          }
          this.rep2 = this.rep1;
        }
        this.rep1 = this.rep0;
        this.rep0 = dist;
      }
      this.state = state < 7 ? 8 : 11;
      return this.repLenDec.decode(rc, posState) + MATCH_MIN;
    }
    this.rep3 = this.rep2;
    this.rep2 = this.rep1;
    this.rep1 = this.rep0;
    const len = this.lenDec.decode(rc, posState);
    this.state = state < 7 ? 7 : 10;
    this.rep0 = this.distance(len);
    if (this.rep0 === 0xffffffff) return 0;
    if (this.rep0 >= this.p.dictSize || this.rep0 >= this.out.pos)
      throw new LzmaError('corrupt lzma stream (match distance)');
    return len + MATCH_MIN;
  }

  private copy(len: number): void {
    const out = this.out;
    out.reserve(len);
    const buf = out.buf;
    const from = out.pos - this.rep0 - 1;
    for (let i = 0; i < len; i++) buf[out.pos + i] = buf[from + i];
    out.pos += len;
  }

  run(): void {
    const { rc, out, p, opts } = this;
    const pbMask = (1 << p.pb) - 1;
    for (let n = 0; ; n++) {
      if ((n & 0xffff) === 0 && opts.deadline !== undefined && performance.now() > opts.deadline)
        opts.onDeadline?.();
      const left = p.size < 0 ? Number.POSITIVE_INFINITY : p.size - out.pos;
      if (left === 0 && rc.code === 0) return;
      const posState = out.pos & pbMask;
      if (rc.bit(this.isMatch, (this.state << 4) + posState) === 0) {
        if (left === 0) throw new LzmaError('corrupt lzma stream (data past the declared size)');
        this.literal();
        continue;
      }
      const len = this.match(posState);
      if (len === 0) {
        if (rc.code !== 0) throw new LzmaError('corrupt lzma stream (end marker)');
        if (p.size >= 0 && left !== 0) throw new LzmaError('lzma stream ends before its declared size');
        return;
      }
      if (len > left) throw new LzmaError('corrupt lzma stream (data past the declared size)');
      this.copy(len);
    }
  }
}
