// The state of the recording pickle machine (pickleMachine.ts): its stack with MARKs, its memo,
// and the readers of opcode arguments. The opcode handlers (pickleOps.ts) work on this.

import { unescapePython } from '../../common/pyEscapes';
import type { PickleSource } from './pickleSource';
import type { ArrayPayload, Py, PyObj } from './pyObjects';

export const MARK = Symbol('mark');
type Slot = Py | typeof MARK;

export class PickleError extends Error {}

/** Called after BUILD on an object: joblib reads array bytes that follow in the raw stream. */
export type BuildHook = (obj: PyObj, src: PickleSource, nested: () => Py) => ArrayPayload | null;

export const latin1 = new TextDecoder('latin1');
export const utf8 = new TextDecoder('utf-8');

export class Vm {
  readonly stack: Slot[] = [];
  readonly memo = new Map<number, Py>();

  constructor(
    readonly src: PickleSource,
    readonly onBuild: BuildHook | undefined,
    /** Runs a pickle embedded at the read position (joblib's array wrappers), with the same hook. */
    readonly nested: () => Py,
  ) {}

  push(v: Py): void {
    this.stack.push(v);
  }

  pop(): Py {
    const v = this.stack.pop();
    if (v === undefined) throw new PickleError('stack underflow');
    if (v === MARK) throw new PickleError('unexpected MARK');
    return v;
  }

  top(): Py {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('empty stack');
    return v;
  }

  /** The items above the last MARK, which goes too. */
  popMark(): Py[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError('MARK not found');
    const items = this.stack.splice(i) as Slot[];
    return items.slice(1) as Py[];
  }

  u32(): number {
    const b = this.src.bytes(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
  }

  u64(): number {
    const b = this.src.bytes(8);
    let v = 0;
    for (let i = 7; i >= 0; i--) v = v * 256 + b[i];
    return v;
  }

  /** The argument line of a text opcode (protocol 0), without its line break. */
  readLine(): string {
    const bytes: number[] = [];
    for (;;) {
      const b = this.src.byte();
      if (b === 0x0a) break;
      bytes.push(b);
      if (bytes.length > 1 << 20) throw new PickleError('text opcode line too long');
    }
    if (bytes[bytes.length - 1] === 0x0d) bytes.pop();
    return latin1.decode(Uint8Array.from(bytes));
  }
}

/** Python 2 `repr(str)` text of STRING opcodes. */
export function unquote(text: string): string {
  const q = text[0];
  if ((q !== "'" && q !== '"') || text[text.length - 1] !== q)
    throw new PickleError('bad STRING opcode argument');
  return unescapePython(text.slice(1, -1), { bytes: true, continuation: false });
}

/** raw-unicode-escape (protocol 0 UNICODE). */
export function rawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string, b: string) =>
    String.fromCodePoint(Number.parseInt(a ?? b, 16)),
  );
}
