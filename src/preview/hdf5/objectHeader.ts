// HDF5 object headers (version 1 and version 2 "OHDR"), with continuation blocks: the list of
// header messages of a group or dataset.

import type { ByteReader } from './byteReader';
import type { H5File } from './h5File';
import { H5Unsupported } from './h5Unsupported';

export interface Message {
  type: number;
  flags: number;
  data: Uint8Array;
}

export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValueOld: 0x04,
  fillValue: 0x05,
  link: 0x06,
  layout: 0x08,
  groupInfo: 0x0a,
  filterPipeline: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

/** Continuation blocks followed per header: a damaged file could chain them in a loop. */
const MAX_CONTINUATIONS = 4096;

export async function readObjectHeader(f: H5File, addr: number): Promise<Message[]> {
  const head = await f.bytes(addr, 16);
  const isV2 = head[0] === 0x4f && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x52; // "OHDR"
  const messages: Message[] = [];
  const continuations: Array<[number, number]> = [];
  if (!isV2) {
    if (head[0] !== 1)
      throw new H5Unsupported(`HDF5 object header version ${head[0]} at ${addr} is not supported`);
    const r = f.reader(head);
    r.skip(2);
    r.u16(); // number of messages
    r.u32(); // reference count
    const size = r.u32();
    const block = await f.bytes(addr + 16, size);
    parseV1Messages(f, block, messages, continuations);
    for (let i = 0; i < continuations.length; i++) {
      if (i >= MAX_CONTINUATIONS) throw new Error('HDF5: too many object header continuations');
      const [a, len] = continuations[i];
      parseV1Messages(f, await f.bytes(a, len), messages, continuations);
    }
    return messages;
  }
  const flags = head[5];
  let prefix = 6;
  if (flags & 0x20) prefix += 16;
  if (flags & 0x10) prefix += 4;
  const sizeBytes = 1 << (flags & 0x3);
  const pre = await f.bytes(addr, prefix + sizeBytes);
  const r = f.reader(pre, prefix);
  const chunk0 = r.uint(sizeBytes);
  const block = await f.bytes(addr + prefix + sizeBytes, chunk0);
  parseV2Messages(f, block, flags, messages, continuations);
  for (let i = 0; i < continuations.length; i++) {
    if (i >= MAX_CONTINUATIONS) throw new Error('HDF5: too many object header continuations');
    const [a, len] = continuations[i];
    const c = await f.bytes(a, len);
    if (String.fromCharCode(c[0], c[1], c[2], c[3]) !== 'OCHK')
      throw new Error('HDF5: bad continuation block');
    parseV2Messages(f, c.subarray(4, c.length - 4), flags, messages, continuations);
  }
  return messages;
}

function parseV1Messages(f: H5File, block: Uint8Array, out: Message[], cont: Array<[number, number]>): void {
  const r = f.reader(block);
  while (r.remaining >= 8) {
    const type = r.u16();
    const size = r.u16();
    const flags = r.u8();
    r.skip(3);
    if (!takeMessage(f, r, type, size, flags, out, cont)) break;
  }
}

function parseV2Messages(
  f: H5File,
  block: Uint8Array,
  ohFlags: number,
  out: Message[],
  cont: Array<[number, number]>,
): void {
  const r = f.reader(block);
  const headerSize = ohFlags & 0x4 ? 6 : 4;
  while (r.remaining >= headerSize) {
    const type = r.u8();
    const size = r.u16();
    const flags = r.u8();
    if (ohFlags & 0x4) r.u16();
    if (!takeMessage(f, r, type, size, flags, out, cont)) break;
  }
}

/**
 * A message's body, after its header: a continuation's block is queued, a NIL message (type 0)
 * dropped. false when the body runs past the block (the rest of it is not read).
 */
function takeMessage(
  f: H5File,
  r: ByteReader,
  type: number,
  size: number,
  flags: number,
  out: Message[],
  cont: Array<[number, number]>,
): boolean {
  if (size > r.remaining) return false;
  const data = r.bytes(size);
  if (type === MSG.continuation) {
    const c = f.reader(data);
    cont.push([c.offset(), c.length()]);
  } else if (type !== 0) out.push({ type, flags, data });
  return true;
}
