// A .zarr folder (Zarr v2 from zarr 2.x, or v3 from zarr 3) as a RawDataset for one of its groups.
// Metadata comes from consolidated metadata when present (one read) or from walking the groups;
// chunks are read by zarrita only for the requested hyper-rectangle.

import path from 'node:path';
import * as zarr from 'zarrita';
import { parsePythonJson } from '../../core/json/tolerantJson';
import { joinPath, readdirPath, readWhole, statPath } from '../boundedFs';
import { limitedQueue } from '../dataset/limitedQueue';
import type { RawArray, RawData, RawDataset, RawVariable, Storage } from '../dataset/rawDataset';
import { UnsupportedError } from '../errors';
import { installBoundedCodecs } from './boundedCodecs';
import { toCOrder } from './cOrder';
import { type FastArray, fastArrayFor, readFast } from './fastChunks';
import {
  type Json,
  jsonAttrTypes,
  patchArrayMetadata,
  v2FillValue,
  v2Storage,
  v3Storage,
} from './zarrMetadata';
import { isInside, isSafeKey, ZarrFsStore } from './zarrStore';

interface ZNode {
  kind: 'group' | 'array';
  meta: Json;
  attrs: Json;
}

export interface ZarrDataset extends RawDataset {
  store: ZarrFsStore;
  version: 2 | 3;
  consolidated: boolean;
}

async function readJson(file: string): Promise<Json | undefined> {
  try {
    const text = Buffer.from(await readWhole(file, 'zarr metadata')).toString('utf8');
    // Python's json writes NaN/Infinity attributes as bare tokens.
    return parsePythonJson(text) as Json;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    if (err instanceof SyntaxError)
      throw new UnsupportedError(`invalid zarr metadata in ${file}: ${err.message}`);
    throw err;
  }
}

async function listV2(root: string, nodes: Map<string, ZNode>, useConsolidated = true): Promise<boolean> {
  const zmeta = useConsolidated ? await readJson(joinPath(root, '.zmetadata')) : undefined;
  const docs = zmeta?.metadata as Record<string, Json> | undefined;
  if (docs && typeof docs === 'object') {
    for (const [key, doc] of Object.entries(docs)) {
      const m = /^(?:(.*)\/)?(\.zarray|\.zgroup)$/.exec(key);
      // A key with `..` would point the chunk reads outside the zarr folder: not a node of it.
      if (!m || !isSafeKey(key)) continue;
      const p = m[1] ?? '';
      nodes.set(p, {
        kind: m[2] === '.zarray' ? 'array' : 'group',
        meta: doc,
        attrs: docs[p ? `${p}/.zattrs` : '.zattrs'] ?? {},
      });
    }
    return true;
  }
  const walk = async (rel: string): Promise<void> => {
    const dir = joinPath(root, rel);
    const zarray = await readJson(joinPath(dir, '.zarray'));
    const attrs = (await readJson(joinPath(dir, '.zattrs'))) ?? {};
    if (zarray) {
      nodes.set(rel, { kind: 'array', meta: zarray, attrs });
      return;
    }
    const zgroup = await readJson(joinPath(dir, '.zgroup'));
    if (!zgroup) return;
    nodes.set(rel, { kind: 'group', meta: zgroup, attrs });
    const entries = await readdirPath(dir);
    for (const e of entries) if (e.isDirectory()) await walk(rel ? `${rel}/${e.name}` : e.name);
  };
  await walk('');
  return false;
}

async function listV3(root: string, rootMeta: Json, nodes: Map<string, ZNode>): Promise<boolean> {
  const cons = rootMeta.consolidated_metadata as { metadata?: Record<string, Json> } | undefined;
  nodes.set('', {
    kind: rootMeta.node_type === 'array' ? 'array' : 'group',
    meta: rootMeta,
    attrs: (rootMeta.attributes as Json) ?? {},
  });
  if (cons?.metadata && typeof cons.metadata === 'object') {
    for (const [p, doc] of Object.entries(cons.metadata)) {
      if (!isSafeKey(p) || !doc || typeof doc !== 'object') continue;
      nodes.set(p, {
        kind: doc.node_type === 'array' ? 'array' : 'group',
        meta: doc,
        attrs: (doc.attributes as Json) ?? {},
      });
    }
    return true;
  }
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdirPath(joinPath(root, rel));
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      const doc = await readJson(joinPath(root, child, 'zarr.json'));
      if (!doc) continue;
      const kind = doc.node_type === 'array' ? 'array' : 'group';
      nodes.set(child, { kind, meta: doc, attrs: (doc.attributes as Json) ?? {} });
      if (kind === 'group') await walk(child);
    }
  };
  if (rootMeta.node_type !== 'array') await walk('');
  return false;
}

/** xarray.backends.zarr.FillValueCoder.decode for v3 `_FillValue` attributes. */
function v3AttrFill(v: unknown, storage: Storage): unknown {
  if (storage.kind === 'float' && typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    const b = Buffer.from(v, 'base64');
    if (b.length === 8) return b.readDoubleLE(0);
  }
  if (storage.kind === 'bool') return Boolean(v);
  return v;
}

function variableOf(name: string, node: ZNode, version: 2 | 3): RawVariable {
  const meta = node.meta;
  const attrs: Json = { ...node.attrs };
  let dims: string[];
  let storage: Storage;
  let chunks: number[];
  const encoding: Json = {};
  const shape = (meta.shape as number[]) ?? [];
  if (version === 2) {
    storage = v2Storage(meta.dtype, meta.filters);
    dims = Array.isArray(attrs._ARRAY_DIMENSIONS)
      ? (attrs._ARRAY_DIMENSIONS as string[])
      : shape.map((_, i) => `dim_${i}`);
    delete attrs._ARRAY_DIMENSIONS;
    for (const k of Object.keys(attrs)) if (k.toLowerCase().startsWith('_nc')) delete attrs[k];
    delete attrs.filters;
    chunks = (meta.chunks as number[]) ?? shape;
    encoding.compressor = meta.compressor ?? null;
    encoding.filters = meta.filters ?? null;
    if (meta.order === 'F') encoding.order = 'F';
    // xarray uses zarr v2's fill_value as _FillValue (use_zarr_fill_value_as_mask).
    const fill = v2FillValue(meta.fill_value, storage);
    if (fill !== null && storage.kind !== 'datetime64' && storage.kind !== 'timedelta64')
      attrs._FillValue = fill;
    else if (fill !== null) attrs._FillValue = meta.fill_value;
  } else {
    storage = v3Storage(meta.data_type, meta.codecs);
    const names = meta.dimension_names as Array<string | null> | undefined;
    dims = shape.map((_, i) => names?.[i] ?? `dim_${i}`);
    const grid = (meta.chunk_grid as Json | undefined)?.configuration as Json | undefined;
    chunks = (grid?.chunk_shape as number[]) ?? shape;
    const codecs = (meta.codecs as Json[]) ?? [];
    const shard = codecs.find((c) => c?.name === 'sharding_indexed');
    if (shard) chunks = ((shard.configuration as Json).chunk_shape as number[]) ?? chunks;
    encoding.codecs = codecs;
    if ('_FillValue' in attrs) attrs._FillValue = v3AttrFill(attrs._FillValue, storage);
  }
  encoding.chunks = chunks;
  const ints = (xs: unknown) => Array.isArray(xs) && xs.every((x) => Number.isInteger(x) && x >= 0);
  if (
    !ints(shape) ||
    !ints(chunks) ||
    chunks.length !== shape.length ||
    chunks.some((c) => c === 0 && shape.length > 0)
  ) {
    storage = {
      kind: 'other',
      name: `invalid shape/chunks ${JSON.stringify(shape)}/${JSON.stringify(chunks)}`,
    };
  }
  if (dims.length !== shape.length) dims = shape.map((_, i) => dims[i] ?? `dim_${i}`);
  return { name, dims, shape, chunks, storage, attrs, attrTypes: jsonAttrTypes(attrs), encoding };
}

function normGroup(group: unknown): string {
  if (typeof group !== 'string') return '';
  const g = group.replace(/^\/+|\/+$/g, '');
  if (!isSafeKey(g)) throw new UnsupportedError(`group '${group}' leaves the zarr store: not read`);
  return g;
}

export async function openZarr(root: string, groupOption?: unknown): Promise<ZarrDataset> {
  installBoundedCodecs();
  const st = await statPath(root);
  if (!st?.isDirectory()) throw new UnsupportedError(`${root} is not a folder, so not a zarr store`);
  const nodes = new Map<string, ZNode>();
  let version: 2 | 3;
  let consolidated: boolean;
  const v3root = await readJson(joinPath(root, 'zarr.json'));
  if (v3root && v3root.zarr_format === 3) {
    version = 3;
    consolidated = await listV3(root, v3root, nodes);
  } else if ((await readJson(joinPath(root, '.zgroup'))) || (await readJson(joinPath(root, '.zarray')))) {
    version = 2;
    consolidated = await listV2(root, nodes);
  } else {
    throw new UnsupportedError('no .zgroup, .zarray or zarr.json at the top of the folder: not a zarr store');
  }
  const group = normGroup(groupOption);
  if (consolidated && !nodes.has(group)) {
    // Consolidated metadata can be stale (a group added later with consolidated=False): walk.
    nodes.clear();
    consolidated =
      version === 2
        ? await listV2(root, nodes, false)
        : await listV3(root, { ...v3root, consolidated_metadata: undefined } as Json, nodes);
  }
  const groupNode = nodes.get(group);
  if (!groupNode) {
    const known = [...nodes.entries()].filter(([p, n]) => p && n.kind === 'group').map(([p]) => p);
    throw new UnsupportedError(
      `no group '${group}' in this zarr store${known.length ? ` (groups: ${known.join(', ')})` : ''}`,
    );
  }
  const store = new ZarrFsStore(root);
  const enc = new TextEncoder();
  const arrays: Array<[string, ZNode]> = [];
  if (groupNode.kind === 'array') {
    arrays.push([group || path.basename(root).replace(/\.zarr$/, ''), groupNode]);
  } else {
    for (const [p, n] of nodes) {
      if (n.kind !== 'array') continue;
      const parent = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
      if (parent === group) arrays.push([p, n]);
    }
  }
  for (const [p, n] of arrays) {
    const key = groupNode.kind === 'array' ? group : p;
    const prefix = key ? `/${key}/` : '/';
    if (version === 2) {
      store.meta.set(`${prefix}.zarray`, enc.encode(JSON.stringify(patchArrayMetadata(n.meta))));
      store.meta.set(`${prefix}.zattrs`, enc.encode(JSON.stringify(n.attrs)));
    } else {
      store.meta.set(
        `${prefix}zarr.json`,
        enc.encode(JSON.stringify(patchArrayMetadata({ ...n.meta, attributes: {} }))),
      );
    }
  }
  const variables: RawVariable[] = [];
  const keyOf = new Map<RawVariable, string>();
  const fast = new Map<RawVariable, FastArray>();
  for (const [p, n] of arrays) {
    const name = groupNode.kind === 'array' ? p : p.slice(p.lastIndexOf('/') + 1);
    const v = variableOf(name, n, version);
    variables.push(v);
    const key = groupNode.kind === 'array' ? group : p;
    keyOf.set(v, key);
    if (!isInside(root, joinPath(root, key)))
      throw new UnsupportedError(`zarr key outside the store: ${key}`);
    const fa = fastArrayFor(joinPath(root, key), n.meta, v.storage);
    if (fa) fast.set(v, fa);
  }
  const opened = new Map<string, Promise<zarr.Array<zarr.DataType, ZarrFsStore>>>();
  const openArray = (key: string) => {
    let a = opened.get(key);
    if (!a) {
      const loc = zarr.root(store).resolve(key || '/');
      a = (
        version === 2
          ? zarr.open.v2(loc, { kind: 'array', attrs: false })
          : zarr.open.v3(loc, { kind: 'array' })
      ).then((arr) => refuseShortChunks(arr, key));
      opened.set(key, a);
    }
    return a;
  };
  const attrs: Json = { ...(groupNode.kind === 'group' ? groupNode.attrs : {}) };
  const groups = [...nodes.entries()]
    .filter(([p, n]) => p && n.kind === 'group')
    .map(([p]) => p)
    .sort();
  return {
    format: `zarr v${version}${consolidated ? ' (consolidated)' : ''}`,
    attrs,
    attrTypes: jsonAttrTypes(attrs),
    variables,
    group,
    groups,
    store,
    version,
    consolidated,
    async read(v: RawVariable, ranges: Array<[number, number]>): Promise<RawArray> {
      if (v.storage.kind === 'other')
        throw new UnsupportedError(`'${v.name}' has a data type the preview cannot read (${v.storage.name})`);
      const fa = fast.get(v);
      if (fa) return { data: await readFast(fa, ranges, store.stats), shape: ranges.map(([a, b]) => b - a) };
      const arr = await openArray(keyOf.get(v) ?? v.name);
      const sel = ranges.map(([a, b]) => zarr.slice(a, b));
      // zarrita wraps a codec's error in one that names only the codec: the bounded codecs' reason
      // (boundedCodecs.ts) is passed on instead.
      const got: unknown = await zarr
        .get(arr, sel, { createQueue: () => limitedQueue() })
        .catch((err: unknown) => {
          const cause = (err as { cause?: unknown }).cause;
          throw cause instanceof UnsupportedError ? cause : err;
        });
      const shape = ranges.map(([a, b]) => b - a);
      if (!got || typeof got !== 'object' || !('data' in got))
        return { data: scalarData(got, v.storage), shape };
      const chunk = got as { data: unknown; stride: number[] };
      return {
        data: toCOrder(rawDataOf(chunk.data, v.storage), shape, chunk.stride, elementWidth(v.storage)),
        shape,
      };
    },
    close() {
      opened.clear();
    },
  };
}

/**
 * zarrita views a stored chunk shorter than its shape as a shorter array and fills the rest of
 * the selection with zeros: such a chunk (a truncated file) is an error naming it, as on the fast
 * path (fastChunks.ts), not values that were never written.
 */
function refuseShortChunks<A extends zarr.Array<zarr.DataType, ZarrFsStore>>(arr: A, key: string): A {
  const getChunk = arr.getChunk.bind(arr);
  const want = arr.chunks.reduce((a, b) => a * b, 1);
  arr.getChunk = (async (...args: Parameters<typeof getChunk>) => {
    const chunk = await getChunk(...args);
    const got = (chunk.data as { length: number }).length;
    if (got < want)
      throw new UnsupportedError(
        `zarr chunk ${key} [${args[0].join(', ')}] is truncated: ${got} values, its shape needs ${want}`,
      );
    return chunk;
  }) as typeof arr.getChunk;
  return arr;
}

function elementWidth(s: Storage): number {
  return s.kind === 'bytes' ? s.length : 1;
}

/** zarrita's array-likes (BoolArray, ByteStringArray, UnicodeStringArray) as plain RawData. */
function rawDataOf(data: unknown, s: Storage): RawData {
  if (data instanceof zarr.BoolArray) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (data instanceof zarr.ByteStringArray)
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof zarr.UnicodeStringArray) {
    const out: string[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data.get(i);
    return out;
  }
  if (Array.isArray(data))
    return data.map((x) => (x === null || x === undefined ? null : typeof x === 'string' ? x : String(x)));
  if (s.kind === 'float' && s.bytes === 2 && data instanceof Uint16Array) return halfToFloat(data);
  if (ArrayBuffer.isView(data)) return data as RawData;
  throw new UnsupportedError(`zarr returned data of an unexpected kind for a ${s.kind} variable`);
}

/** float16 bits (read as uint16: zarrita has no float16) to float32. */
function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * 2 ** -14 * (frac / 1024);
    else if (exp === 31) out[i] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

/** zarrita returns a bare scalar for 0-d arrays. */
function scalarData(v: unknown, s: Storage): RawData {
  if (typeof v === 'bigint') return s.kind === 'uint' ? BigUint64Array.of(v) : BigInt64Array.of(v);
  if (typeof v === 'boolean') return Uint8Array.of(v ? 1 : 0);
  if (typeof v === 'number') {
    if (s.kind === 'float' && s.bytes === 2) return halfToFloat(Uint16Array.of(v));
    return s.kind === 'float' && s.bytes === 4 ? Float32Array.of(v) : Float64Array.of(v);
  }
  if (typeof v === 'string')
    return s.kind === 'bytes' || s.kind === 'char' ? new TextEncoder().encode(v) : [v];
  return [v === null || v === undefined ? null : String(v)];
}
