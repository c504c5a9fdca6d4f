// The opcodes of pickle protocols 0-5, one handler each, grouped by family: framing, stack and
// memo, numbers, strings and bytes, containers, and the names and calls that only get recorded
// (GLOBAL gives a name, REDUCE/NEWOBJ/INST/OBJ/BUILD an inert PyObj). STOP is the machine's own.

import { latin1, MARK, PickleError, rawUnicode, unquote, utf8, type Vm } from './pickleVm';
import {
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

/** The opcodes by name (pickletools). */
export const OP = {
  MARK: 0x28,
  EMPTY_TUPLE: 0x29,
  STOP: 0x2e,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  FLOAT: 0x46,
  BINFLOAT: 0x47,
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  LONG: 0x4c,
  BININT2: 0x4d,
  NONE: 0x4e,
  PERSID: 0x50,
  BINPERSID: 0x51,
  REDUCE: 0x52,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  UNICODE: 0x56,
  BINUNICODE: 0x58,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  BUILD: 0x62,
  GLOBAL: 0x63,
  DICT: 0x64,
  APPENDS: 0x65,
  GET: 0x67,
  BINGET: 0x68,
  INST: 0x69,
  LONG_BINGET: 0x6a,
  LIST: 0x6c,
  OBJ: 0x6f,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  SETITEM: 0x73,
  TUPLE: 0x74,
  SETITEMS: 0x75,
  EMPTY_DICT: 0x7d,
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

export type OpHandler = (vm: Vm, op: number) => void;
type Family = Record<number, OpHandler>;

const FRAMING: Family = {
  [OP.PROTO]: (vm) => void vm.src.byte(),
  [OP.FRAME]: (vm) => void vm.src.bytes(8),
  [OP.NEXT_BUFFER]: () => {
    throw new PickleError('the pickle uses out-of-band buffers (protocol 5) that are not in the file');
  },
  [OP.READONLY_BUFFER]: () => {},
};

function memoGet(vm: Vm, op: number): void {
  const k = op === OP.GET ? Number(vm.readLine()) : op === OP.BINGET ? vm.src.byte() : vm.u32();
  if (!vm.memo.has(k)) throw new PickleError(`memo key ${k} missing`);
  vm.push(vm.memo.get(k) as Py);
}

const STACK_AND_MEMO: Family = {
  [OP.MARK]: (vm) => void vm.stack.push(MARK),
  [OP.POP]: (vm) => void vm.stack.pop(),
  [OP.POP_MARK]: (vm) => void vm.popMark(),
  [OP.DUP]: (vm) => vm.push(vm.top()),
  [OP.PUT]: (vm) => void vm.memo.set(Number(vm.readLine()), vm.top()),
  [OP.BINPUT]: (vm) => void vm.memo.set(vm.src.byte(), vm.top()),
  [OP.LONG_BINPUT]: (vm) => void vm.memo.set(vm.u32(), vm.top()),
  [OP.MEMOIZE]: (vm) => void vm.memo.set(vm.memo.size, vm.top()),
  [OP.GET]: memoGet,
  [OP.BINGET]: memoGet,
  [OP.LONG_BINGET]: memoGet,
};

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

const NUMBERS: Family = {
  [OP.FLOAT]: (vm) => vm.push(new PyFloat(Number.parseFloat(vm.readLine()))),
  [OP.BINFLOAT]: (vm) => {
    const b = vm.src.bytes(8);
    vm.push(new PyFloat(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false)));
  },
  [OP.INT]: (vm) => {
    const t = vm.readLine();
    vm.push(t === '00' ? false : t === '01' ? true : intOf(t));
  },
  [OP.BININT]: (vm) => {
    const b = vm.src.bytes(4);
    vm.push(new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true));
  },
  [OP.BININT1]: (vm) => vm.push(vm.src.byte()),
  [OP.BININT2]: (vm) => {
    const b = vm.src.bytes(2);
    vm.push(b[0] | (b[1] << 8));
  },
  [OP.LONG]: (vm) => vm.push(intOf(vm.readLine())),
  [OP.LONG1]: (vm) => vm.push(littleSigned(vm.src.bytes(vm.src.byte()))),
  [OP.LONG4]: (vm) => vm.push(littleSigned(vm.src.bytes(vm.u32()))),
  [OP.NONE]: (vm) => vm.push(null),
  [OP.NEWTRUE]: (vm) => vm.push(true),
  [OP.NEWFALSE]: (vm) => vm.push(false),
};

const STRINGS: Family = {
  [OP.STRING]: (vm) => vm.push(unquote(vm.readLine())),
  [OP.BINSTRING]: (vm) => vm.push(latin1.decode(vm.src.bytes(vm.u32()))),
  [OP.SHORT_BINSTRING]: (vm) => vm.push(latin1.decode(vm.src.bytes(vm.src.byte()))),
  [OP.UNICODE]: (vm) => vm.push(rawUnicode(vm.readLine())),
  [OP.BINUNICODE]: (vm) => vm.push(utf8.decode(vm.src.bytes(vm.u32()))),
  [OP.SHORT_BINUNICODE]: (vm) => vm.push(utf8.decode(vm.src.bytes(vm.src.byte()))),
  [OP.BINUNICODE8]: (vm) => vm.push(utf8.decode(vm.src.bytes(vm.u64()))),
  [OP.BINBYTES]: (vm) => vm.push(new PyBytes(vm.src.lazy(vm.u32()))),
  [OP.SHORT_BINBYTES]: (vm) => vm.push(new PyBytes(vm.src.lazy(vm.src.byte()))),
  [OP.BINBYTES8]: (vm) => vm.push(new PyBytes(vm.src.lazy(vm.u64()))),
  [OP.BYTEARRAY8]: (vm) => vm.push(new PyBytes(vm.src.lazy(vm.u64()), true)),
};

function addList(target: Py, items: Py[]): void {
  if (target instanceof PyList) target.items.push(...items);
  else if (target instanceof PyObj) target.listItems.push(...items);
  else throw new PickleError('APPEND to a non-list');
}

function addDict(target: Py, pairs: Array<[Py, Py]>): void {
  if (target instanceof PyDict) target.entries.push(...pairs);
  else if (target instanceof PyObj) target.dictItems.push(...pairs);
  else throw new PickleError('SETITEM on a non-dict');
}

/** Key-value pairs of a MARK's items (an odd last one is dropped), pushed onto `out`. */
function pairsOf(items: Py[], out: Array<[Py, Py]> = []): Array<[Py, Py]> {
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

const TUPLES_AND_LISTS: Family = {
  [OP.EMPTY_TUPLE]: (vm) => vm.push(new PyTuple()),
  [OP.TUPLE]: (vm) => vm.push(new PyTuple(vm.popMark())),
  [OP.TUPLE1]: (vm) => vm.push(new PyTuple([vm.pop()])),
  [OP.TUPLE2]: (vm) => {
    const b = vm.pop();
    vm.push(new PyTuple([vm.pop(), b]));
  },
  [OP.TUPLE3]: (vm) => {
    const c = vm.pop();
    const b = vm.pop();
    vm.push(new PyTuple([vm.pop(), b, c]));
  },
  [OP.EMPTY_LIST]: (vm) => vm.push(new PyList()),
  [OP.LIST]: (vm) => vm.push(new PyList(vm.popMark())),
  [OP.APPEND]: (vm) => {
    const v = vm.pop();
    addList(vm.top(), [v]);
  },
  [OP.APPENDS]: (vm) => {
    const items = vm.popMark();
    addList(vm.top(), items);
  },
};

const DICTS_AND_SETS: Family = {
  [OP.EMPTY_DICT]: (vm) => vm.push(new PyDict()),
  [OP.DICT]: (vm) => {
    const d = new PyDict();
    pairsOf(vm.popMark(), d.entries);
    vm.push(d);
  },
  [OP.SETITEM]: (vm) => {
    const v = vm.pop();
    const k = vm.pop();
    addDict(vm.top(), [[k, v]]);
  },
  [OP.SETITEMS]: (vm) => {
    const pairs = pairsOf(vm.popMark());
    addDict(vm.top(), pairs);
  },
  [OP.EMPTY_SET]: (vm) => vm.push(new PySet()),
  [OP.ADDITEMS]: (vm) => {
    const items = vm.popMark();
    const s = vm.top();
    if (s instanceof PySet) s.items.push(...items);
    else if (s instanceof PyObj) s.listItems.push(...items);
  },
  [OP.FROZENSET]: (vm) => vm.push(new PySet(vm.popMark(), true)),
};

/** Python 2 module names that Python 3's unpickler maps (fix_imports), for protocols 0-2. */
const PY2_MODULES: Record<string, string> = {
  copy_reg: 'copyreg',
  __builtin__: 'builtins',
  exceptions: 'builtins',
};
const global = (module: string, name: string): PyGlobal => new PyGlobal(PY2_MODULES[module] ?? module, name);

const argsOf = (args: Py): Py[] => (args instanceof PyTuple ? args.items : [args]);

/** Names and calls, recorded and never resolved or made. */
const NAMES_AND_CALLS: Family = {
  [OP.GLOBAL]: (vm) => {
    const module = vm.readLine();
    vm.push(global(module, vm.readLine()));
  },
  [OP.STACK_GLOBAL]: (vm) => {
    const name = vm.pop();
    const module = vm.pop();
    vm.push(global(String(module), String(name)));
  },
  [OP.REDUCE]: (vm) => {
    const args = vm.pop();
    const fn = vm.pop();
    vm.push(new PyObj(fn, argsOf(args), 'reduce'));
  },
  [OP.NEWOBJ]: (vm) => {
    const args = vm.pop();
    const cls = vm.pop();
    vm.push(new PyObj(cls, argsOf(args), 'newobj'));
  },
  [OP.NEWOBJ_EX]: (vm) => {
    const kwargs = vm.pop();
    const args = vm.pop();
    const cls = vm.pop();
    vm.push(new PyObj(cls, argsOf(args), 'newobj', kwargs instanceof PyDict ? kwargs : null));
  },
  [OP.INST]: (vm) => {
    const module = vm.readLine();
    const name = vm.readLine();
    vm.push(new PyObj(global(module, name), vm.popMark(), 'inst'));
  },
  [OP.OBJ]: (vm) => {
    const items = vm.popMark();
    vm.push(new PyObj(items[0] ?? null, items.slice(1), 'obj'));
  },
  [OP.BUILD]: (vm) => {
    const state = vm.pop();
    const obj = vm.top();
    if (obj instanceof PyObj) {
      obj.state = state;
      if (vm.onBuild) obj.payload = vm.onBuild(obj, vm.src, vm.nested);
    } else if (obj instanceof PyDict && state instanceof PyDict) obj.entries.push(...state.entries);
  },
};

/** What has no Python object in a lone file: persistent ids and the copyreg extension registry. */
const EXTERNAL: Family = {
  [OP.PERSID]: (vm) => vm.push(new PyOpaque(`persistent id ${vm.readLine()}`)),
  [OP.BINPERSID]: (vm) => {
    vm.pop();
    vm.push(new PyOpaque('persistent id'));
  },
  [OP.EXT1]: (vm) => vm.push(new PyOpaque(`extension code ${vm.src.byte()}`)),
  [OP.EXT2]: (vm) => {
    vm.src.bytes(2);
    vm.push(new PyOpaque('extension code'));
  },
  [OP.EXT4]: (vm) => {
    vm.src.bytes(4);
    vm.push(new PyOpaque('extension code'));
  },
};

/** Opcode byte -> handler; undefined for an unknown opcode (and STOP, which the machine handles). */
export const OPS: ReadonlyArray<OpHandler | undefined> = (() => {
  const table = new Array<OpHandler | undefined>(256).fill(undefined);
  const families = [FRAMING, STACK_AND_MEMO, NUMBERS, STRINGS, TUPLES_AND_LISTS, DICTS_AND_SETS];
  for (const family of [...families, NAMES_AND_CALLS, EXTERNAL])
    for (const [op, handler] of Object.entries(family)) table[Number(op)] = handler;
  return table;
})();
