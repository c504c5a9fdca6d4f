// A bounded type tree (ObjectNode) of what a pickle describes: containers and scalars as Python
// shows them, numpy arrays with dtype/shape/first values, pandas DataFrames and Series with columns,
// index and first rows, and everything else as the inert record of a call that was never made.

import { plural } from '../../common/format';
import { pyFloatRepr } from '../../core/json/pythonJson';
import { type Calendar, civilDate, dayNumber, normalizeCalendar } from '../cf/calendars';
import { isoDateTime, isoDuration } from '../cf/isoFormat';
import {
  TREE_MAX_CHILDREN,
  TREE_MAX_DEPTH,
  TREE_MAX_FRAME_ROWS,
  TREE_MAX_NODES,
  TREE_MAX_TABLE_VALUES,
  TREE_MAX_VALUES,
} from '../limits';
import type { ObjectNode, Value } from '../model';
import {
  dtypeOf,
  elementAt,
  firstValues,
  type NdArray,
  ndarrayOf,
  numpyScalarOf,
  storedIndex,
} from './numpyArrays';
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
import { pyBytesRepr, pyStrRepr } from './pyRepr';

const ROWS = TREE_MAX_FRAME_ROWS;

interface Ctx {
  nodes: number;
  path: Set<object>;
}

/** A short Python-like repr, used for summaries and object-array values. */
export function shortRepr(py: Py, depth = 0): string {
  if (py === null) return 'None';
  if (py === true) return 'True';
  if (py === false) return 'False';
  if (typeof py === 'number' || typeof py === 'bigint') return String(py);
  if (typeof py === 'string') return pyStrRepr(py, 60);
  if (py instanceof PyFloat) return pyFloatRepr(py.value);
  if (py instanceof PyBytes) return pyBytesRepr(py.head(24), py.length, 24);
  if (py instanceof PyGlobal) return py.qualname;
  if (depth > 2) return '…';
  const items = (xs: Py[]) =>
    xs
      .slice(0, 4)
      .map((x) => shortRepr(x, depth + 1))
      .join(', ') + (xs.length > 4 ? ', …' : '');
  if (py instanceof PyList) return `[${items(py.items)}]`;
  if (py instanceof PyTuple) return `(${items(py.items)}${py.items.length === 1 ? ',' : ''})`;
  if (py instanceof PySet) return py.items.length ? `{${items(py.items)}}` : 'set()';
  if (py instanceof PyDict) {
    const e = py.entries
      .slice(0, 3)
      .map(([k, v]) => `${shortRepr(k, depth + 1)}: ${shortRepr(v, depth + 1)}`);
    return `{${e.join(', ')}${py.entries.length > 3 ? ', …' : ''}}`;
  }
  if (py instanceof PyObj) {
    const special = stdlibValue(py);
    if (special) return special.summary ?? special.type;
    return `${py.qualname}(${items(py.args)})`;
  }
  return py instanceof PyOpaque ? `<${py.what}>` : '?';
}

/** Value of an object-array element. */
function objectValue(py: Py): Value {
  if (py === null) return null;
  if (typeof py === 'string' || typeof py === 'boolean') return py;
  if (typeof py === 'number') return py;
  if (typeof py === 'bigint') return Number(py);
  if (py instanceof PyFloat) return py.value;
  const std = py instanceof PyObj ? stdlibValue(py) : null;
  if (std && std.value !== undefined) return std.value;
  return shortRepr(py);
}

function bytesFromPy(py: Py): Uint8Array | null {
  if (py instanceof PyBytes) return py.head(64);
  if (typeof py === 'string') return Uint8Array.from(py, (c) => c.charCodeAt(0) & 0xff);
  if (py instanceof PyObj && py.qualname === '_codecs.encode' && typeof py.args[0] === 'string')
    return bytesFromPy(py.args[0]);
  return null;
}

/** cftime's date classes and the calendar each one is in. */
const CFTIME_CLASSES: Record<string, Calendar> = {
  DatetimeNoLeap: 'noleap',
  DatetimeAllLeap: 'all_leap',
  Datetime360Day: '360_day',
  DatetimeJulian: 'julian',
  DatetimeGregorian: 'standard',
  DatetimeProlepticGregorian: 'proleptic_gregorian',
};

const intOf = (py: Py | undefined): number => (typeof py === 'bigint' ? Number(py) : Number(py ?? 0));

/**
 * A cftime date: `cftime._cftime._create_datetime(cls, (y, m, d), {hour, ..., calendar})` as
 * cftime >= 1.5 pickles it, or the older `cls(y, m, d, h, mi, s, us, ...)`. Never called, only read.
 */
function cftimeValue(o: PyObj): { type: string; calendar: Calendar; value: string } | null {
  let cls: string | null = null;
  let parts: Py[] = [];
  let kw: PyDict | null = null;
  if (o.qualname === 'cftime._cftime._create_datetime' && o.args[0] instanceof PyGlobal) {
    cls = o.args[0].name;
    parts = o.args[1] instanceof PyTuple ? o.args[1].items : [];
    kw = o.args[2] instanceof PyDict ? o.args[2] : null;
  } else if (/^cftime\._cftime\.\w+$/.test(o.qualname)) {
    cls = o.qualname.slice('cftime._cftime.'.length);
    parts = o.args;
  }
  if (cls === null || parts.length < 3) return null;
  const calName = kw?.get('calendar');
  const calendar =
    (typeof calName === 'string' ? normalizeCalendar(calName) : null) ?? CFTIME_CLASSES[cls] ?? null;
  if (!calendar) return null;
  const f = (k: string, i: number) => intOf(kw ? kw.get(k) : parts[i]);
  const [year, month, day] = parts.slice(0, 3).map(intOf);
  const ns = ((f('hour', 3) * 60 + f('minute', 4)) * 60 + f('second', 5)) * 1e9 + f('microsecond', 6) * 1000;
  return { type: `cftime.${cls}`, calendar, value: isoDateTime({ year, month, day }, ns) };
}

/** The calendar of the first cftime date among some objects, or null. */
export function cftimeCalendar(objects: readonly Py[]): Calendar | null {
  for (const o of objects.slice(0, 50)) {
    if (o === null) continue;
    return o instanceof PyObj ? (cftimeValue(o)?.calendar ?? null) : null;
  }
  return null;
}

/** datetime, date, timedelta, Decimal, complex, paths, cftime: shown as values, not as calls. */
function stdlibValue(o: PyObj): { type: string; summary?: string; value?: Value } | null {
  const q = o.qualname;
  const a = o.args;
  const cf = q.startsWith('cftime.') ? cftimeValue(o) : null;
  if (cf) return { type: cf.type, summary: `${cf.value} (${cf.calendar})`, value: cf.value };
  if (q === 'datetime.datetime' || q === 'datetime.date') {
    const b = bytesFromPy(a[0] ?? null);
    if (!b || b.length < 4) return null;
    const year = b[0] * 256 + b[1];
    const date = { year, month: b[2], day: b[3] };
    if (q === 'datetime.date') {
      const v = isoDateTime(date, 0).slice(0, 10);
      return { type: 'datetime.date', summary: v, value: v };
    }
    const us = b.length >= 10 ? (b[7] << 16) | (b[8] << 8) | b[9] : 0;
    const ns = ((b[4] * 3600 + b[5] * 60 + b[6]) * 1e6 + us) * 1000;
    const v = isoDateTime(
      civilDate('proleptic_gregorian', dayNumber('proleptic_gregorian', date.year, date.month, date.day)),
      ns,
    );
    return { type: 'datetime.datetime', summary: a[1] ? `${v} (with tzinfo)` : v, value: v };
  }
  if (q === 'datetime.timedelta') {
    const [d, s, us] = a.map((x) => Number(typeof x === 'bigint' ? x : (x ?? 0)));
    const v = isoDuration(
      BigInt(d || 0) * 86_400_000_000_000n + BigInt(s || 0) * 1_000_000_000n + BigInt(us || 0) * 1000n,
    );
    return { type: 'datetime.timedelta', summary: v, value: v };
  }
  if (q === 'decimal.Decimal' && typeof a[0] === 'string')
    return { type: 'decimal.Decimal', summary: `Decimal('${a[0]}')`, value: a[0] };
  if (q === 'builtins.complex' && a.length === 2) {
    const re = a[0] instanceof PyFloat ? a[0].value : Number(a[0]);
    const im = a[1] instanceof PyFloat ? a[1].value : Number(a[1]);
    const v = `(${re}${im < 0 ? '-' : '+'}${Math.abs(im)}j)`;
    return { type: 'complex', summary: v, value: v };
  }
  if (/^pathlib\.(Posix|Windows|Pure\w*)?Path$/.test(q) && a.every((x) => typeof x === 'string')) {
    const v = (a as string[]).join('/');
    return { type: q, summary: v, value: v };
  }
  if (q === '_codecs.encode') {
    const b = bytesFromPy(o);
    return b ? { type: 'bytes', summary: pyBytesRepr(b, b.length) } : null;
  }
  return null;
}

function arrayNode(a: NdArray): ObjectNode {
  const n = a.shape.reduce((x, y) => x * y, 1);
  // A 2-D or higher array is shown as a table, so it keeps enough values to fill one.
  const keep = a.shape.length >= 2 ? TREE_MAX_TABLE_VALUES : TREE_MAX_VALUES;
  const calendar = a.objects ? cftimeCalendar(a.objects) : null;
  return {
    type: 'numpy.ndarray',
    dtype: a.dtype.name,
    shape: a.shape,
    ...(calendar ? { calendar } : {}),
    values: firstValues(a, keep, objectValue),
    truncated: n > keep || undefined,
    summary: `${a.dtype.name} (${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`,
  };
}

// ---------------------------------------------------------------------------------- pandas

interface IndexInfo {
  type: string;
  name: string | null;
  length: number;
  value(i: number): Value;
}

function pandasIndex(py: Py): IndexInfo | null {
  if (!(py instanceof PyObj) || !/^pandas\.core\.indexes\.\w+\._new_\w*Index$/.test(py.qualname)) return null;
  const cls = py.args[0] instanceof PyGlobal ? py.args[0].name : 'Index';
  const d = py.args[1];
  if (!(d instanceof PyDict)) return null;
  const nameRaw = d.get('name');
  const name = nameRaw === null || nameRaw === undefined ? null : String(objectValue(nameRaw));
  if (cls === 'RangeIndex') {
    const start = Number(d.get('start') ?? 0);
    const stop = Number(d.get('stop') ?? 0);
    const step = Number(d.get('step') ?? 1);
    return {
      type: 'RangeIndex',
      name,
      // A declared length only: nothing is allocated by it (2**31-1 columns cost nothing).
      length:
        step === 0 || !Number.isFinite(start + stop + step)
          ? 0
          : Math.max(0, Math.ceil((stop - start) / step)),
      value: (i) => start + i * step,
    };
  }
  const col = pandasColumn(d.get('data') ?? null);
  if (!col) return null;
  return { type: cls, name, length: col.length, value: (i) => col.value(0, i) };
}

interface ColumnData {
  dtype: string;
  /** The calendar of a column of cftime dates (an object block holds several columns). */
  calendar?: (col: number) => Calendar | null;
  /** columns in this block */
  count: number;
  length: number;
  value(col: number, row: number): Value;
}

/** Values of a block: an ndarray (k, n) or a pandas extension array (datetimes, categoricals). */
function pandasColumn(py: Py): ColumnData | null {
  const arr = ndarrayOf(py);
  if (arr) {
    const two = arr.shape.length === 2;
    const k = two ? arr.shape[0] : 1;
    const n = two ? arr.shape[1] : (arr.shape[0] ?? 1);
    const objects = arr.objects;
    return {
      dtype: arr.dtype.name,
      calendar: (c) =>
        objects
          ? cftimeCalendar(
              Array.from({ length: Math.min(n, 50) }, (_, r) => objects[storedIndex(arr, c * n + r)] ?? null),
            )
          : null,
      count: k,
      length: n,
      value: (c, r) => elementAt(arr, c * n + r, objectValue),
    };
  }
  if (
    py instanceof PyObj &&
    py.qualname === 'pandas._libs.arrays.__pyx_unpickle_NDArrayBacked' &&
    py.state instanceof PyTuple
  ) {
    const cls = py.args[0] instanceof PyGlobal ? py.args[0].name : '';
    const [dt, values] = py.state.items;
    const inner = pandasColumn(values ?? null);
    if (!inner) return null;
    if (cls === 'Categorical' && dt instanceof PyObj && dt.state instanceof PyDict) {
      const cats = pandasIndex(dt.state.get('categories') ?? null);
      return {
        dtype: 'category',
        count: inner.count,
        length: inner.length,
        value: (c, r) => {
          const code = inner.value(c, r);
          return typeof code === 'number' && code >= 0 && cats ? cats.value(code) : null;
        },
      };
    }
    const npd = dtypeOf(dt ?? null);
    const tz = dt instanceof PyObj && dt.state instanceof PyDict ? dt.state.get('tz') : undefined;
    return { ...inner, dtype: npd ? npd.name + (tz ? ' (tz-aware)' : '') : inner.dtype };
  }
  return null;
}

/** Columns of one block whose places are read (a block may declare 10**9 of them). */
const MAX_PLACED = 100_000;

function placement(py: Py, count: number): number[] {
  if (py instanceof PyObj && py.qualname === 'builtins.slice') {
    const [start, , step] = py.args.map((x) => (x === null ? null : Number(x)));
    return Array.from({ length: count }, (_, i) => (start ?? 0) + i * (step ?? 1));
  }
  const arr = ndarrayOf(py);
  if (arr) return firstValues(arr, count, objectValue).map(Number);
  if (py instanceof PyList || py instanceof PyTuple) return py.items.map(Number);
  return Array.from({ length: count }, (_, i) => i);
}

interface Manager {
  blocks: Array<{ values: Py; locs: Py }>;
  axes: Py[];
}

function managerOf(py: Py): Manager | null {
  if (!(py instanceof PyObj)) return null;
  // pandas 2.x: BlockManager((blocks...), [axes]) with _unpickle_block(values, placement, ndim)
  if (py.how === 'reduce' && py.args[0] instanceof PyTuple && py.args[1] instanceof PyList) {
    const blocks = py.args[0].items.map((b) =>
      b instanceof PyObj
        ? { values: b.args[0] ?? null, locs: b.args[1] ?? null }
        : { values: null, locs: null },
    );
    return { blocks, axes: py.args[1].items };
  }
  // __getstate__ form (SingleBlockManager, pandas 1.x): (..., {'0.14.1': {'axes', 'blocks'}})
  if (py.state instanceof PyTuple) {
    const last = py.state.items[py.state.items.length - 1];
    const v = last instanceof PyDict ? last.get('0.14.1') : null;
    if (v instanceof PyDict) {
      const axes = v.get('axes');
      const blocks = v.get('blocks');
      if (
        (axes instanceof PyList || axes instanceof PyTuple) &&
        (blocks instanceof PyList || blocks instanceof PyTuple)
      ) {
        return {
          axes: axes.items,
          blocks: blocks.items.map((b) =>
            b instanceof PyDict
              ? { values: b.get('values') ?? null, locs: b.get('mgr_locs') ?? null }
              : { values: null, locs: null },
          ),
        };
      }
    }
  }
  return null;
}

function dataFrameNode(o: PyObj): ObjectNode | null {
  if (!(o.state instanceof PyDict)) return null;
  const mgr = managerOf(o.state.get('_mgr') ?? null);
  if (!mgr) return null;
  const colsIndex = pandasIndex(mgr.axes[0] ?? null);
  const rowIndex = pandasIndex(mgr.axes[1] ?? null);
  if (!colsIndex) return null;
  const ncols = colsIndex.length;
  // Only the columns shown are materialised: the lengths above are what the file declares.
  const shownCols = Math.min(ncols, TREE_MAX_CHILDREN);
  const cols: Array<{ dtype: string; calendar?: Calendar; get: (r: number) => Value } | null> = new Array(
    shownCols,
  ).fill(null);
  let nrows = rowIndex?.length ?? 0;
  for (const b of mgr.blocks) {
    const data = pandasColumn(b.values);
    if (!data) continue;
    nrows = Math.max(nrows, data.length);
    placement(b.locs, Math.min(data.count, MAX_PLACED)).forEach((pos, k) => {
      if (pos >= 0 && pos < shownCols)
        cols[pos] = {
          dtype: data.dtype,
          calendar: data.calendar?.(k) ?? undefined,
          get: (r) => data.value(k, r),
        };
    });
  }
  const shown = Math.min(nrows, ROWS);
  const names = Array.from({ length: shownCols }, (_, i) => String(colsIndex.value(i)));
  return {
    type: 'pandas.DataFrame',
    shape: [nrows, ncols],
    summary: `DataFrame ${nrows.toLocaleString('en-US')} rows × ${ncols} columns`,
    columns: names.map((name, i) => {
      const c = cols[i];
      return { name, dtype: c?.dtype ?? 'unknown', ...(c?.calendar ? { calendar: c.calendar } : {}) };
    }),
    index: rowIndex
      ? {
          type: rowIndex.type,
          name: rowIndex.name,
          values: Array.from({ length: shown }, (_, i) => rowIndex.value(i)),
        }
      : undefined,
    rows: Array.from({ length: shown }, (_, r) => names.map((_, c) => cols[c]?.get(r) ?? null)),
    truncated: nrows > ROWS || ncols > TREE_MAX_CHILDREN || undefined,
  };
}

function seriesNode(o: PyObj): ObjectNode | null {
  if (!(o.state instanceof PyDict)) return null;
  const mgr = managerOf(o.state.get('_mgr') ?? null);
  if (!mgr || mgr.blocks.length === 0) return null;
  const data = pandasColumn(mgr.blocks[0].values);
  const index = pandasIndex(mgr.axes[0] ?? null);
  if (!data) return null;
  const name = o.state.get('_name');
  const n = data.length;
  return {
    type: 'pandas.Series',
    dtype: data.dtype,
    shape: [n],
    length: n,
    label: undefined,
    summary: `Series ${name === null || name === undefined ? '' : `${shortRepr(name)} `}(${n.toLocaleString('en-US')} values, ${data.dtype})`,
    values: Array.from({ length: Math.min(n, TREE_MAX_VALUES) }, (_, i) => data.value(0, i)),
    index: index
      ? {
          type: index.type,
          name: index.name,
          values: Array.from({ length: Math.min(index.length, TREE_MAX_VALUES) }, (_, i) => index.value(i)),
        }
      : undefined,
    truncated: n > TREE_MAX_VALUES || undefined,
  };
}

// ---------------------------------------------------------------------------------- tree

function container(
  type: string,
  items: Array<[string, Py]>,
  total: number,
  depth: number,
  ctx: Ctx,
  summary: string,
): ObjectNode {
  const node: ObjectNode = { type, length: total, summary };
  if (depth >= TREE_MAX_DEPTH) {
    node.truncated = total > 0 || undefined;
    return node;
  }
  node.children = items
    .slice(0, TREE_MAX_CHILDREN)
    .map(([label, v]) => ({ ...toNode(v, depth + 1, ctx), label }));
  if (total > TREE_MAX_CHILDREN) node.truncated = true;
  return node;
}

function keyLabel(k: Py): string {
  return typeof k === 'string' ? k : shortRepr(k);
}

/** The class an object is an instance of: NEWOBJ's class, or copyreg._reconstructor's first argument. */
function classOf(o: PyObj): string {
  if (
    (o.qualname === 'copyreg._reconstructor' || o.qualname === 'copyreg.__newobj__') &&
    o.args[0] instanceof PyGlobal
  )
    return o.args[0].qualname;
  return o.qualname;
}

function callNode(o: PyObj, depth: number, ctx: Ctx): ObjectNode {
  const cls = classOf(o);
  const isInstance =
    o.how !== 'reduce' || o.qualname === 'copyreg._reconstructor' || o.qualname === 'copyreg.__newobj__';
  const children: Array<[string, Py]> = [];
  if (!isInstance) for (const [i, a] of o.args.entries()) children.push([`arg ${i}`, a]);
  if (o.kwargs) for (const [k, v] of o.kwargs.entries) children.push([keyLabel(k), v]);
  if (o.state instanceof PyDict) for (const [k, v] of o.state.entries) children.push([keyLabel(k), v]);
  else if (o.state !== undefined && o.state !== null) children.push(['state', o.state]);
  for (const [i, v] of o.listItems.entries()) children.push([`[${i}]`, v]);
  for (const [k, v] of o.dictItems) children.push([keyLabel(k), v]);
  const summary = isInstance
    ? `${cls} instance, not constructed`
    : `${cls}(${o.args.map((a) => shortRepr(a)).join(', ')}): a call the preview does not run`;
  const node = container(cls, children, children.length, depth, ctx, summary);
  node.inert = true;
  return node;
}

type Leaf = Exclude<Py, PyList | PyTuple | PySet | PyDict | PyObj>;

function isLeaf(py: Py): py is Leaf {
  return !(
    py instanceof PyList ||
    py instanceof PyTuple ||
    py instanceof PySet ||
    py instanceof PyDict ||
    py instanceof PyObj
  );
}

/** Scalars, bytes, names and the opaque: nothing below them. */
function leafNode(py: Leaf): ObjectNode {
  if (py === null) return { type: 'NoneType', summary: 'None' };
  if (typeof py === 'boolean') return { type: 'bool', summary: py ? 'True' : 'False' };
  if (typeof py === 'number' || typeof py === 'bigint') return { type: 'int', summary: String(py) };
  if (typeof py === 'string') return { type: 'str', summary: pyStrRepr(py), length: py.length };
  if (py instanceof PyFloat) return { type: 'float', summary: pyFloatRepr(py.value) };
  if (py instanceof PyBytes) {
    return {
      type: py.bytearray ? 'bytearray' : 'bytes',
      length: py.length,
      summary: `${pyBytesRepr(py.head(40), py.length)} (${plural(py.length, 'byte')})`,
    };
  }
  if (py instanceof PyGlobal)
    return { type: 'global', summary: `${py.qualname} (a name, not imported)`, inert: true };
  return { type: 'unknown', summary: py.what };
}

/** A list, tuple or set: children labelled `[i]`. */
function itemsNode(type: string, items: Py[], depth: number, ctx: Ctx): ObjectNode {
  return container(
    type,
    items.map((v, i) => [`[${i}]`, v]),
    items.length,
    depth,
    ctx,
    plural(items.length, 'item'),
  );
}

/** A dict: children labelled by their keys. */
function pairsNode(type: string, pairs: Array<[Py, Py]>, depth: number, ctx: Ctx): ObjectNode {
  return container(
    type,
    pairs.map(([k, v]) => [keyLabel(k), v]),
    pairs.length,
    depth,
    ctx,
    plural(pairs.length, 'key'),
  );
}

/** numpy arrays, scalars and dtypes, stdlib values, pandas frames, series and indexes; or null. */
function knownObjectNode(py: PyObj): ObjectNode | null {
  const arr = ndarrayOf(py);
  if (arr) return arrayNode(arr);
  const scalar = numpyScalarOf(py);
  if (scalar)
    return {
      type: `numpy.${scalar.dtype.name}`,
      summary: String(scalar.value),
      dtype: scalar.dtype.name,
      values: [scalar.value],
    };
  const dt = dtypeOf(py);
  if (dt) return { type: 'numpy.dtype', summary: `dtype('${dt.name}')` };
  const std = stdlibValue(py);
  if (std) return { type: std.type, summary: std.summary };
  const cls = classOf(py);
  const pandas =
    cls === 'pandas.core.frame.DataFrame'
      ? dataFrameNode(py)
      : cls === 'pandas.core.series.Series'
        ? seriesNode(py)
        : null;
  if (pandas) return pandas;
  const idx = pandasIndex(py);
  if (idx) {
    return {
      type: `pandas.${idx.type}`,
      length: idx.length,
      summary: `${idx.type} (${plural(idx.length, 'entry', 'entries')})`,
      values: Array.from({ length: Math.min(idx.length, TREE_MAX_VALUES) }, (_, i) => idx.value(i)),
    };
  }
  return null;
}

/** A recorded object: a known kind, a set or OrderedDict rebuilt by a call, or the call itself. */
function objectNode(py: PyObj, depth: number, ctx: Ctx): ObjectNode {
  const known = knownObjectNode(py);
  if (known) return known;
  if (
    (py.qualname === 'builtins.set' || py.qualname === 'builtins.frozenset') &&
    py.args[0] instanceof PyList
  )
    return itemsNode(py.qualname.slice(9), py.args[0].items, depth, ctx);
  if (py.qualname === 'collections.OrderedDict')
    return pairsNode('collections.OrderedDict', py.dictItems, depth, ctx);
  return callNode(py, depth, ctx);
}

export function toNode(py: Py, depth: number, ctx: Ctx): ObjectNode {
  if (++ctx.nodes > TREE_MAX_NODES) return { type: '…', summary: 'node limit reached', truncated: true };
  if (isLeaf(py)) return leafNode(py);
  if (ctx.path.has(py)) return { type: '…', summary: 'recursive reference' };
  ctx.path.add(py);
  try {
    if (py instanceof PyList) return itemsNode('list', py.items, depth, ctx);
    if (py instanceof PyTuple) return itemsNode('tuple', py.items, depth, ctx);
    if (py instanceof PySet) return itemsNode(py.frozen ? 'frozenset' : 'set', py.items, depth, ctx);
    if (py instanceof PyDict) return pairsNode('dict', py.entries, depth, ctx);
    return objectNode(py, depth, ctx);
  } finally {
    ctx.path.delete(py);
  }
}

export function objectTree(py: Py): ObjectNode {
  return toNode(py, 0, { nodes: 0, path: new Set() });
}
