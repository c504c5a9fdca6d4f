// A pickle "virtual machine" that only records: it runs every opcode of protocols 0-5 on a stack
// and memo, but GLOBAL/STACK_GLOBAL give names, and REDUCE/NEWOBJ/INST/OBJ/BUILD give inert records
// (PyObj). Nothing is imported, called or evaluated, whatever the stream asks for.

import type { PickleSource } from './pickleSource';
import {
  type ArrayPayload,
  type Py,
  PyBytes,
  PyDict,
  PyFloat,
  PyGlobal,
  PyList,
  PyObj,
  PyOpaque,
  PySet,
  PyTuple,
} from './pyObjects';

const MARK = Symbol('mark');
type Slot = Py | typeof MARK;

export class PickleError extends Error {}

/** Called after BUILD on an object: joblib reads array bytes that follow in the raw stream. */
export type BuildHook = (obj: PyObj, src: PickleSource, nested: () => Py) => ArrayPayload | null;

const MAX_OPS = 50_000_000;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function readLine(src: PickleSource): string {
  const bytes: number[] = [];
  for (;;) {
    const b = src.byte();
    if (b === 0x0a) break;
    bytes.push(b);
    if (bytes.length > 1 << 20) throw new PickleError('text opcode line too long');
  }
  if (bytes[bytes.length - 1] === 0x0d) bytes.pop();
  return latin1.decode(Uint8Array.from(bytes));
}

// Python 3.11 refuses int <-> str over 4300 digits (sys.int_info.str_digits_check_threshold); a
// preview shows no more. 1785 bytes is 4300 digits. Beyond: the size only, in linear time.
const MAX_INT_DIGITS = 4300;
const MAX_INT_BYTES = 1785;

function hugeInt(bits: number): PyOpaque {
  return new PyOpaque(
    `int of ${bits.toLocaleString('en-US')} bits (over ${MAX_INT_DIGITS} digits, not shown)`,
  );
}

function intOf(text: string): number | bigint | PyOpaque {
  const t = text.replace(/L$/, '').trim();
  if (t.length > MAX_INT_DIGITS + 1) return hugeInt(Math.round(t.length * Math.log2(10)));
  const b = BigInt(t);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function littleSigned(bytes: Uint8Array): number | bigint | PyOpaque {
  if (bytes.length === 0) return 0;
  if (bytes.length > MAX_INT_BYTES) return hugeInt(bytes.length * 8);
  // One hex parse (linear): a shift-or per byte was quadratic (256 KB took 53 s).
  let v = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Python 2 `repr(str)` text of STRING opcodes. */
function unquote(text: string): string {
  const q = text[0];
  if ((q !== "'" && q !== '"') || text[text.length - 1] !== q)
    throw new PickleError('bad STRING opcode argument');
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return (
      (
        {
          n: '\n',
          r: '\r',
          t: '\t',
          '\\': '\\',
          "'": "'",
          '"': '"',
          a: '\x07',
          b: '\b',
          f: '\f',
          v: '\v',
        } as Record<string, string>
      )[e] ?? `\\${e}`
    );
  });
}

/** raw-unicode-escape (protocol 0 UNICODE). */
function rawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string, b: string) =>
    String.fromCodePoint(Number.parseInt(a ?? b, 16)),
  );
}

/** Python 2 module names that Python 3's unpickler maps (fix_imports), for protocols 0-2. */
const PY2_MODULES: Record<string, string> = {
  copy_reg: 'copyreg',
  __builtin__: 'builtins',
  exceptions: 'builtins',
};
const global = (module: string, name: string): PyGlobal => new PyGlobal(PY2_MODULES[module] ?? module, name);

export function runPickle(src: PickleSource, onBuild?: BuildHook): Py {
  const stack: Slot[] = [];
  const memo = new Map<number, Py>();
  let ops = 0;
  const pop = (): Py => {
    const v = stack.pop();
    if (v === undefined) throw new PickleError('stack underflow');
    if (v === MARK) throw new PickleError('unexpected MARK');
    return v;
  };
  const top = (): Py => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('empty stack');
    return v;
  };
  const popMark = (): Py[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError('MARK not found');
    const items = stack.splice(i) as Slot[];
    return items.slice(1) as Py[];
  };
  const u32 = () => {
    const b = src.bytes(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
  };
  const u64 = () => {
    const b = src.bytes(8);
    let v = 0;
    for (let i = 7; i >= 0; i--) v = v * 256 + b[i];
    return v;
  };
  const str = (b: Uint8Array) => utf8.decode(b);
  const addList = (target: Py, items: Py[]) => {
    if (target instanceof PyList) target.items.push(...items);
    else if (target instanceof PyObj) target.listItems.push(...items);
    else throw new PickleError('APPEND to a non-list');
  };
  const addDict = (target: Py, pairs: Array<[Py, Py]>) => {
    if (target instanceof PyDict) target.entries.push(...pairs);
    else if (target instanceof PyObj) target.dictItems.push(...pairs);
    else throw new PickleError('SETITEM on a non-dict');
  };
  const nested = () => runPickle(src, onBuild);

  for (;;) {
    if (++ops > MAX_OPS) throw new PickleError(`more than ${MAX_OPS} opcodes: too large to preview`);
    const at = src.pos;
    const op = src.byte();
    switch (op) {
      case 0x80: // PROTO
        src.byte();
        break;
      case 0x95: // FRAME
        src.bytes(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        stack.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x46: // FLOAT
        stack.push(new PyFloat(Number.parseFloat(readLine(src))));
        break;
      case 0x47: {
        // BINFLOAT
        const b = src.bytes(8);
        stack.push(new PyFloat(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false)));
        break;
      }
      case 0x49: {
        // INT
        const t = readLine(src);
        stack.push(t === '00' ? false : t === '01' ? true : intOf(t));
        break;
      }
      case 0x4a: {
        // BININT
        const b = src.bytes(4);
        stack.push(new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true));
        break;
      }
      case 0x4b: // BININT1
        stack.push(src.byte());
        break;
      case 0x4d: {
        // BININT2
        const b = src.bytes(2);
        stack.push(b[0] | (b[1] << 8));
        break;
      }
      case 0x4c: // LONG
        stack.push(intOf(readLine(src)));
        break;
      case 0x8a: // LONG1
        stack.push(littleSigned(src.bytes(src.byte())));
        break;
      case 0x8b: {
        // LONG4
        const n = u32();
        stack.push(littleSigned(src.bytes(n)));
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x53: // STRING
        stack.push(unquote(readLine(src)));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(src.bytes(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(src.bytes(src.byte())));
        break;
      case 0x56: // UNICODE
        stack.push(rawUnicode(readLine(src)));
        break;
      case 0x58: // BINUNICODE
        stack.push(str(src.bytes(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(str(src.bytes(src.byte())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(str(src.bytes(u64())));
        break;
      case 0x42: // BINBYTES
        stack.push(new PyBytes(src.lazy(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new PyBytes(src.lazy(src.byte())));
        break;
      case 0x8e: // BINBYTES8
        stack.push(new PyBytes(src.lazy(u64())));
        break;
      case 0x96: // BYTEARRAY8
        stack.push(new PyBytes(src.lazy(u64()), true));
        break;
      case 0x97: // NEXT_BUFFER
        throw new PickleError('the pickle uses out-of-band buffers (protocol 5) that are not in the file');
      case 0x98: // READONLY_BUFFER
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple());
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: // LIST
        stack.push(new PyList(popMark()));
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        addList(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        addList(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) d.entries.push([items[i], items[i + 1]]);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        addDict(top(), [[k, v]]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const pairs: Array<[Py, Py]> = [];
        for (let i = 0; i + 1 < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
        addDict(top(), pairs);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (s instanceof PySet) s.items.push(...items);
        else if (s instanceof PyObj) s.listItems.push(...items);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new PySet(popMark(), true));
        break;
      case 0x63: {
        // GLOBAL
        const module = readLine(src);
        stack.push(global(module, readLine(src)));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        stack.push(global(String(module), String(name)));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(new PyObj(fn, args instanceof PyTuple ? args.items : [args], 'reduce'));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(new PyObj(cls, args instanceof PyTuple ? args.items : [args], 'newobj'));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        stack.push(
          new PyObj(
            cls,
            args instanceof PyTuple ? args.items : [args],
            'newobj',
            kwargs instanceof PyDict ? kwargs : null,
          ),
        );
        break;
      }
      case 0x69: {
        // INST
        const module = readLine(src);
        const name = readLine(src);
        stack.push(new PyObj(global(module, name), popMark(), 'inst'));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        stack.push(new PyObj(items[0] ?? null, items.slice(1), 'obj'));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof PyObj) {
          obj.state = state;
          if (onBuild) obj.payload = onBuild(obj, src, nested);
        } else if (obj instanceof PyDict && state instanceof PyDict) obj.entries.push(...state.entries);
        break;
      }
      case 0x70: // PUT
        memo.set(Number(readLine(src)), top());
        break;
      case 0x71: // BINPUT
        memo.set(src.byte(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const k = op === 0x67 ? Number(readLine(src)) : op === 0x68 ? src.byte() : u32();
        if (!memo.has(k)) throw new PickleError(`memo key ${k} missing`);
        stack.push(memo.get(k) as Py);
        break;
      }
      case 0x50: // PERSID
        stack.push(new PyOpaque(`persistent id ${readLine(src)}`));
        break;
      case 0x51: // BINPERSID
        pop();
        stack.push(new PyOpaque('persistent id'));
        break;
      case 0x82:
        stack.push(new PyOpaque(`extension code ${src.byte()}`));
        break;
      case 0x83:
        src.bytes(2);
        stack.push(new PyOpaque('extension code'));
        break;
      case 0x84:
        src.bytes(4);
        stack.push(new PyOpaque('extension code'));
        break;
      default:
        throw new PickleError(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }
}
