// LZ4 frame format decoder (joblib's `lz4` compressor), over the block decoder of lz4Block.ts.
// Our own decoder rather than a package: the lz4js package we used before trusted each block's
// declared size, so a damaged frame declaring a 2 GiB block looped over bytes past the end of the
// input for many seconds. Here every block must lie inside the input and within the frame's block
// maximum, and the output stops at the caller's limit.
import { lz4DecodeBlock } from './lz4Block';

export class Lz4Error extends Error {}
/** The output would pass the caller's limit. */
export class Lz4LimitError extends Lz4Error {}

const MAGIC = 0x184d2204;
const BLOCK_MAX: Record<number, number> = { 4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22 };

interface FrameHeader {
  blockMax: number;
  /** Blocks may reference the 64 KiB before them (lz4.frame's default, block_linked=True). */
  linked: boolean;
  blockChecksum: boolean;
  contentChecksum: boolean;
  /** Declared content size, or -1. */
  size: number;
  /** Offset of the first block. */
  start: number;
}

function readHeader(src: Uint8Array): FrameHeader {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (src.length < 7 || dv.getUint32(0, true) !== MAGIC) throw new Lz4Error('not an lz4 frame');
  const flg = src[4];
  if (flg >>> 6 !== 1) throw new Lz4Error(`lz4 frame version ${flg >>> 6} is not supported`);
  if (flg & 0x01) throw new Lz4Error('lz4 frames with a dictionary are not supported');
  const blockMax = BLOCK_MAX[(src[5] >>> 4) & 7];
  if (blockMax === undefined) throw new Lz4Error('lz4 frame: invalid block size');
  let start = 6;
  let size = -1;
  if (flg & 0x08) {
    if (src.length < 15) throw new Lz4Error('lz4 frame ends early (header)');
    size = dv.getUint32(10, true) * 2 ** 32 + dv.getUint32(6, true);
    start += 8;
  }
  start += 1; // header checksum
  return {
    blockMax,
    linked: (flg & 0x20) === 0,
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    size,
    start,
  };
}

/** Decodes a whole LZ4 frame (the first frame of `src`), with at most `limit` bytes of output. */
export function lz4DecompressFrame(src: Uint8Array, limit: number): Uint8Array {
  const h = readHeader(src);
  if (h.size > limit) throw new Lz4LimitError('lz4 declared content size over the limit');
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let out = new Uint8Array(Math.min(limit, h.size >= 0 ? h.size : h.blockMax));
  let d = 0;
  let s = h.start;
  for (;;) {
    if (s + 4 > src.length) throw new Lz4Error('lz4 frame ends early (no end mark)');
    const word = dv.getUint32(s, true);
    s += 4;
    if (word === 0) break;
    const raw = (word & 0x80000000) !== 0;
    const n = word & 0x7fffffff;
    if (n > h.blockMax || s + n > src.length)
      throw new Lz4Error(`lz4 frame: a block of ${n} bytes does not fit (damaged frame)`);
    if (d + h.blockMax > out.length) {
      if (d >= limit) throw new Lz4LimitError('lz4 output over the limit');
      // Room for a whole block past the limit, so the decoder never writes out of bounds.
      const next = new Uint8Array(Math.max(d + h.blockMax, Math.min(limit, out.length * 2)));
      next.set(out.subarray(0, d));
      out = next;
    }
    if (raw) {
      out.set(src.subarray(s, s + n), d);
      d += n;
    } else {
      const history = h.linked ? Math.min(d, 1 << 16) : 0;
      const w = lz4DecodeBlock(src, s, s + n, out, d, Number.POSITIVE_INFINITY, history);
      if (w > h.blockMax) throw new Lz4Error('lz4 frame: a block decodes past the block size');
      d += w;
    }
    if (d > limit) throw new Lz4LimitError('lz4 output over the limit');
    s += n + (h.blockChecksum ? 4 : 0);
  }
  if (h.contentChecksum && s + 4 > src.length) throw new Lz4Error('lz4 frame ends early (checksum)');
  if (h.size >= 0 && d !== h.size)
    throw new Lz4Error('lz4 frame: content size differs from the declared one');
  return out.subarray(0, d);
}
