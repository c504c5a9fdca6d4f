// numpy arrays and dtypes inside a pickle: from plain pickles (_reconstruct + BUILD state,
// _frombuffer), from joblib (NumpyArrayWrapper + raw bytes after it) and numpy scalars. Values are
// decoded from the stored bytes; nothing numpy-specific is executed.

import { formatDatetime64, parseNumpyUnit } from '../cf/decodeTimes';
import { isoDuration } from '../cf/isoFormat';
import type { Value } from '../model';
import type { LazyBytes } from './pickleSource';
import { type Py, PyBytes, PyDict, PyFloat, PyGlobal, PyList, PyObj, PyTuple } from './pyObjects';

export interface NpDtype {
  kind: string;
  itemsize: number;
  order: '<' | '>' | '|';
  unit: string | null;
  /** What numpy's str(dtype) prints. */
  name: string;
}

export interface NdArray {
  dtype: NpDtype;
  shape: number[];
  fortran: boolean;
  bytes: LazyBytes | null;
  objects: Py[] | null;
}

const NUMPY_MODULES = new Set([
  'numpy',
  'numpy.core.multiarray',
  'numpy._core.multiarray',
  'numpy.core.numeric',
  'numpy._core.numeric',
]);
const isCall = (py: Py, names: string[]): py is PyObj =>
  py instanceof PyObj &&
  py.callable instanceof PyGlobal &&
  names.includes(py.callable.name) &&
  NUMPY_MODULES.has(py.callable.module);

const KIND_NAMES: Record<string, string> = { b: 'bool', i: 'int', u: 'uint', f: 'float', c: 'complex' };

export function dtypeOf(py: Py): NpDtype | null {
  if (!isCall(py, ['dtype'])) return null;
  const spec = String(py.args[0] ?? '');
  const m = /^([<>|=]?)([a-zA-Z])(\d*)/.exec(spec);
  if (!m) return null;
  const kind = m[2];
  const st = py.state instanceof PyTuple ? py.state.items : [];
  const rawOrder = typeof st[1] === 'string' ? st[1] : m[1] || '<';
  const order: NpDtype['order'] = rawOrder === '>' ? '>' : rawOrder === '|' ? '|' : '<';
  let itemsize = typeof st[5] === 'number' && st[5] > 0 ? st[5] : Number(m[3] || 0);
  if (kind === 'O') itemsize = 8;
  let unit: string | null = null;
  if (kind === 'M' || kind === 'm') {
    itemsize = 8;
    const meta = st[8];
    const first = meta instanceof PyTuple ? meta.items[0] : null;
    const u = first instanceof PyTuple ? first.items[0] : null;
    unit = u instanceof PyBytes ? new TextDecoder().decode(u.head(8)) : typeof u === 'string' ? u : 'ns';
  }
  const big = order === '>';
  let name: string;
  if (kind in KIND_NAMES)
    name =
      big && itemsize > 1 ? `>${kind}${itemsize}` : `${KIND_NAMES[kind]}${kind === 'b' ? '' : itemsize * 8}`;
  else if (kind === 'U') name = `${big ? '>' : '<'}U${itemsize / 4}`;
  else if (kind === 'S') name = `|S${itemsize}`;
  else if (kind === 'O') name = 'object';
  else if (kind === 'M') name = `datetime64[${unit}]`;
  else if (kind === 'm') name = `timedelta64[${unit}]`;
  else name = spec;
  if (st[3] instanceof PyTuple) name = 'structured';
  return { kind, itemsize, order, unit, name };
}

function shapeOf(py: Py): number[] {
  if (py instanceof PyTuple || py instanceof PyList) return py.items.map((x) => Number(x));
  if (typeof py === 'number') return [py];
  return [];
}

function bytesOf(py: Py): LazyBytes | null {
  if (py instanceof PyBytes) return py.data;
  // Protocol 2 bytes: _codecs.encode(text, 'latin1')
  if (py instanceof PyObj && py.qualname === '_codecs.encode' && typeof py.args[0] === 'string') {
    const text = py.args[0];
    const buf = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    return { offset: 0, length: buf.length, read: (o, l) => buf.subarray(o, o + l) };
  }
  return null;
}

/** An ndarray described by a pickle, or null when `py` is not one. */
export function ndarrayOf(py: Py): NdArray | null {
  if (!(py instanceof PyObj)) return null;
  if (py.qualname === 'joblib.numpy_pickle.NumpyArrayWrapper' && py.state instanceof PyDict) {
    const st = py.state;
    if (py.payload?.kind === 'objects') return ndarrayOf(py.payload.value);
    const dtype = dtypeOf(st.get('dtype') ?? null);
    if (!dtype) return null;
    return {
      dtype,
      shape: shapeOf(st.get('shape') ?? null),
      fortran: st.get('order') === 'F',
      bytes: py.payload?.kind === 'bytes' ? py.payload.data : null,
      objects: null,
    };
  }
  if (isCall(py, ['_reconstruct']) && py.state instanceof PyTuple) {
    const [, shape, dt, fortran, raw] = py.state.items;
    const dtype = dtypeOf(dt ?? null);
    if (!dtype) return null;
    return {
      dtype,
      shape: shapeOf(shape ?? null),
      fortran: fortran === true,
      bytes: dtype.kind === 'O' ? null : bytesOf(raw ?? null),
      objects: raw instanceof PyList ? raw.items : null,
    };
  }
  if (isCall(py, ['_frombuffer'])) {
    const [buf, dt, shape, order] = py.args;
    const dtype = dtypeOf(dt ?? null);
    if (!dtype) return null;
    return {
      dtype,
      shape: shapeOf(shape ?? null),
      fortran: order === 'F',
      bytes: bytesOf(buf ?? null),
      objects: null,
    };
  }
  return null;
}

/** numpy.core.multiarray.scalar(dtype, bytes): a numpy scalar. */
export function numpyScalarOf(py: Py): { dtype: NpDtype; value: Value } | null {
  if (!isCall(py, ['scalar'])) return null;
  const dtype = dtypeOf(py.args[0] ?? null);
  const raw = bytesOf(py.args[1] ?? null);
  if (!dtype || !raw) return null;
  return { dtype, value: decodeElement(dtype, raw.read(0, dtype.itemsize)) };
}

const utf32 = (b: Uint8Array, big: boolean): string => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = '';
  for (let i = 0; i + 4 <= b.length; i += 4) {
    const cp = dv.getUint32(i, !big);
    if (cp === 0) break;
    s += String.fromCodePoint(cp);
  }
  return s;
};

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export function decodeElement(t: NpDtype, b: Uint8Array): Value {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = t.order !== '>';
  switch (t.kind) {
    case 'b':
      return b[0] !== 0;
    case 'i':
    case 'u': {
      const s = t.kind === 'i';
      if (t.itemsize === 1) return s ? dv.getInt8(0) : dv.getUint8(0);
      if (t.itemsize === 2) return s ? dv.getInt16(0, le) : dv.getUint16(0, le);
      if (t.itemsize === 4) return s ? dv.getInt32(0, le) : dv.getUint32(0, le);
      return Number(s ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le));
    }
    case 'f':
      return t.itemsize === 4
        ? dv.getFloat32(0, le)
        : t.itemsize === 8
          ? dv.getFloat64(0, le)
          : half(dv.getUint16(0, le));
    case 'c': {
      const h = t.itemsize / 2;
      const re = h === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
      const im = h === 4 ? dv.getFloat32(h, le) : dv.getFloat64(h, le);
      return `(${re}${im < 0 || Object.is(im, -0) ? '-' : '+'}${Math.abs(im)}j)`;
    }
    case 'U':
      return utf32(b, t.order === '>');
    case 'S': {
      let end = b.indexOf(0);
      if (end < 0) end = b.length;
      return new TextDecoder().decode(b.subarray(0, end));
    }
    case 'M':
      return formatDatetime64(dv.getBigInt64(0, le), t.unit ?? 'ns');
    case 'm': {
      const v = dv.getBigInt64(0, le);
      const u = parseNumpyUnit(t.unit ?? 'ns');
      return v === -9_223_372_036_854_775_808n || u === null ? null : isoDuration(v * u);
    }
    default:
      return null;
  }
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Storage position of C-order element `i` (arrays may be stored in Fortran order). */
export function storedIndex(a: NdArray, i: number): number {
  if (!a.fortran || a.shape.length < 2) return i;
  let rest = i;
  let pos = 0;
  let stride = 1;
  const idx = new Array(a.shape.length);
  for (let d = a.shape.length - 1; d >= 0; d--) {
    idx[d] = rest % a.shape[d];
    rest = Math.floor(rest / a.shape[d]);
  }
  for (let d = 0; d < a.shape.length; d++) {
    pos += idx[d] * stride;
    stride *= a.shape[d];
  }
  return pos;
}

/** Element `i` (C order) as a preview value. */
export function elementAt(a: NdArray, i: number, objectValue: (py: Py) => Value): Value {
  const j = storedIndex(a, i);
  if (a.objects) return j < a.objects.length ? objectValue(a.objects[j] ?? null) : null;
  if (!a.bytes) return null;
  const b = a.bytes.read(j * a.dtype.itemsize, a.dtype.itemsize);
  return b.length === a.dtype.itemsize ? decodeElement(a.dtype, b) : null;
}

export function firstValues(a: NdArray, n: number, objectValue: (py: Py) => Value): Value[] {
  const count = Math.min(n, size(a.shape));
  if (!a.fortran && a.bytes && a.dtype.kind !== 'O') {
    // One read for the prefix (C order).
    const bytes = a.bytes.read(0, count * a.dtype.itemsize);
    const out: Value[] = [];
    for (let i = 0; i < count && (i + 1) * a.dtype.itemsize <= bytes.length; i++) {
      out.push(decodeElement(a.dtype, bytes.subarray(i * a.dtype.itemsize, (i + 1) * a.dtype.itemsize)));
    }
    return out;
  }
  return Array.from({ length: count }, (_, i) => elementAt(a, i, objectValue));
}

export const pyFloatValue = (py: Py): number | null =>
  py instanceof PyFloat ? py.value : typeof py === 'number' ? py : null;
