// Seeded mutations of real fixture bytes: what a damaged disk, a half-written file or a hostile
// writer produce. Every mutator is deterministic for a given PRNG state, so a case is named by
// its seed and can be rebuilt exactly.

/** Small deterministic PRNG (mulberry32): the same seed gives the same cases on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}

export interface Rng {
  next(): number;
  /** 0 <= result < n */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

/** Values that make readers trust a declared size: int32/uint32 edges and their neighbours. */
const HUGE_U32 = [0x7fffffff, 0xffffffff, 0x80000000, 0x40000000, 0x10000000, 0xfffffffe];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A handful of bytes overwritten with random values. */
function flipBytes(r: Rng, data: Uint8Array): Uint8Array {
  const m = data.slice();
  const n = 1 + r.int(16);
  for (let i = 0; i < n && m.length > 0; i++) m[r.int(m.length)] = r.int(256);
  return m;
}

/** Single bits flipped: the smallest damage, the one checksums exist for. */
function flipBits(r: Rng, data: Uint8Array): Uint8Array {
  const m = data.slice();
  const n = 1 + r.int(8);
  for (let i = 0; i < n && m.length > 0; i++) m[r.int(m.length)] ^= 1 << r.int(8);
  return m;
}

/** A file cut short anywhere, including inside a header. */
function truncate(r: Rng, data: Uint8Array): Uint8Array {
  return data.slice(0, r.int(data.length + 1));
}

/** A slice of the file (or another one) pasted elsewhere: structures shifted or duplicated. */
function splice(r: Rng, data: Uint8Array, other: Uint8Array): Uint8Array {
  const src = r.next() < 0.5 ? data : other;
  const from = r.int(src.length + 1);
  const piece = src.slice(from, from + 1 + r.int(512));
  const at = r.int(data.length + 1);
  const cut = r.next() < 0.5 ? at : Math.min(data.length, at + r.int(64));
  return concat(data.slice(0, at), piece, data.slice(cut));
}

/** An aligned 4- or 8-byte field set to a huge size, in either byte order. */
function hugeField(r: Rng, data: Uint8Array): Uint8Array {
  const m = data.slice();
  if (m.length < 8) return m;
  const width = r.next() < 0.7 ? 4 : 8;
  const at = r.int(Math.floor((m.length - width) / 4) + 1) * 4;
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const little = r.next() < 0.5;
  const v = r.pick(HUGE_U32);
  if (width === 4) view.setUint32(at, v, little);
  else view.setBigUint64(at, BigInt(v) * BigInt(1 + r.int(0x7fffffff)), little);
  return m;
}

/** Every decimal number in a text replaced by a huge one (declared sizes in JSON or headers). */
function hugeNumbers(r: Rng, data: Uint8Array): Uint8Array {
  const s = new TextDecoder('latin1').decode(data);
  const big = ['2147483647', '4294967296', '1e308', '99999999999999999999', '-1', '1e400', '-2147483648'];
  let n = 0;
  const out = s.replace(/\d+/g, (d) => (r.next() < 0.3 && n++ < 8 ? r.pick(big) : d));
  return Uint8Array.from(out, (c) => c.charCodeAt(0) & 0xff);
}

/** Brackets nested thousands deep at a random place: recursive parsers must refuse, not overflow. */
function deepNesting(r: Rng, data: Uint8Array): Uint8Array {
  const depth = r.pick([500, 1000, 5000, 20000, 100000]);
  const [open, close] = r.pick([
    ['[', ']'],
    ['{"a":', '}'],
    ['(', ')'],
  ]);
  const at = r.int(data.length + 1);
  const tail = r.next() < 0.5 ? close.repeat(depth) : '';
  return concat(data.slice(0, at), text(open.repeat(depth) + tail), data.slice(at));
}

/** One slice repeated until the file is some MB: quadratic parsers show up here. */
function repeatSlice(r: Rng, data: Uint8Array): Uint8Array {
  if (data.length === 0) return data;
  const from = r.int(data.length);
  const piece = data.slice(from, from + 1 + r.int(64));
  const times = Math.floor((256 * 1024 + r.int(2 * 1024 * 1024)) / piece.length);
  const body = new Uint8Array(piece.length * times);
  for (let i = 0; i < times; i++) body.set(piece, i * piece.length);
  const at = r.int(data.length + 1);
  return concat(data.slice(0, at), body, data.slice(at));
}

type Mutator = (r: Rng, data: Uint8Array, other: Uint8Array) => Uint8Array;

export const MUTATORS: Record<string, Mutator> = {
  flipBytes,
  flipBits,
  truncate,
  splice,
  hugeField,
  hugeNumbers,
  deepNesting,
  repeatSlice,
};
export type MutatorName =
  | 'flipBytes'
  | 'flipBits'
  | 'truncate'
  | 'splice'
  | 'hugeField'
  | 'hugeNumbers'
  | 'deepNesting'
  | 'repeatSlice';

/** Binary formats: all mutators, weighted towards the header-level ones. */
export const BINARY: MutatorName[] = [
  'flipBytes',
  'flipBits',
  'truncate',
  'splice',
  'hugeField',
  'hugeField',
];
/** Text formats (JSON, CSV, Python): sizes as digits, nesting, repetition. */
export const TEXT: MutatorName[] = [
  'flipBytes',
  'truncate',
  'splice',
  'hugeNumbers',
  'hugeNumbers',
  'deepNesting',
  'repeatSlice',
];

/** One to three mutations of `data`, drawn from `names`; returns the bytes and what was done. */
export function mutate(
  r: Rng,
  data: Uint8Array,
  other: Uint8Array,
  names: readonly MutatorName[],
): { bytes: Uint8Array; how: string } {
  let bytes = data;
  const done: string[] = [];
  const n = 1 + (r.next() < 0.3 ? r.int(3) : 0);
  for (let i = 0; i < n; i++) {
    const name = r.pick(names);
    bytes = MUTATORS[name](r, bytes, other);
    done.push(name);
  }
  return { bytes, how: done.join('+') };
}
