// The netCDF-4 source backed by our own HDF5 reader (../hdf5): no wasm to load, node's native
// zlib, and only the chunks a selection needs. Datasets it cannot read (exotic layouts or filters)
// are read through h5wasm instead, loaded then.

import type { RawData, Storage } from '../dataset/rawDataset';
import { H5File } from '../hdf5/h5File';
import { type H5Dataset, H5Tree } from '../hdf5/h5Tree';
import { H5Unsupported } from '../hdf5/h5Unsupported';
import type { H5Type, Link } from '../hdf5/messages';
import { readRawBytes } from '../hdf5/readData';
import type { Nc4Attr, Nc4Group, Nc4Source, Nc4Var } from './nc4Source';

export function storageOfH5(t: H5Type): Storage {
  switch (t.kind) {
    case 'int':
    case 'uint':
      return [1, 2, 4, 8].includes(t.size)
        ? { kind: t.kind, bytes: t.size as 1 | 2 | 4 | 8 }
        : { kind: 'other', name: `${t.kind}${t.size * 8}` };
    case 'float':
      return t.size === 4 || t.size === 8
        ? { kind: 'float', bytes: t.size }
        : { kind: 'other', name: `float${t.size * 8}` };
    case 'string':
      return t.size === 1 ? { kind: 'char' } : { kind: 'bytes', length: t.size };
    case 'vlen-string':
      return { kind: 'vlen' };
    case 'enum':
      return storageOfH5(t.base);
    default:
      return { kind: 'other', name: t.kind === 'other' ? t.name : t.kind };
  }
}

function toTyped(bytes: Uint8Array, t: H5Type): RawData {
  if (t.kind === 'enum') return toTyped(bytes, t.base);
  if (t.kind !== 'int' && t.kind !== 'uint' && t.kind !== 'float') return bytes;
  const size = t.size;
  if (t.bigEndian && size > 1)
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  const n = bytes.byteLength / size;
  // Typed arrays need aligned offsets: copy when the bytes are not.
  if (off % size !== 0) return toTyped(bytes.slice(), { ...t, bigEndian: false });
  if (t.kind === 'float') return size === 4 ? new Float32Array(buf, off, n) : new Float64Array(buf, off, n);
  const u = t.kind === 'uint';
  if (size === 1) return u ? new Uint8Array(buf, off, n) : new Int8Array(buf, off, n);
  if (size === 2) return u ? new Uint16Array(buf, off, n) : new Int16Array(buf, off, n);
  if (size === 4) return u ? new Uint32Array(buf, off, n) : new Int32Array(buf, off, n);
  return u ? new BigUint64Array(buf, off, n) : new BigInt64Array(buf, off, n);
}

/** Reads what the built-in reader cannot; `why` names the feature it lacks (for messages). */
export type FallbackReader = (
  path: string,
  ranges: Array<[number, number]>,
  why?: string,
) => Promise<RawData>;

export async function openNativeSource(file: string, fallback: FallbackReader): Promise<Nc4Source> {
  const f = await H5File.open(file);
  const tree = new H5Tree(f);
  const root = f.superblock.rootObjectHeader;

  const hardLinks = async (addr: number): Promise<Array<Link & { kind: 'hard' }>> =>
    (await tree.links(addr)).filter((l): l is Link & { kind: 'hard' } => l.kind === 'hard');

  const attrsOf = async (addr: number): Promise<Nc4Attr[]> => {
    const out: Nc4Attr[] = [];
    for (const a of await tree.attributes(addr)) {
      try {
        const { value, numpyType } = await tree.attributeValue(a);
        out.push({ name: a.name, value, numpyType });
      } catch {
        out.push({ name: a.name, value: null, numpyType: null });
      }
    }
    return out;
  };

  /** Object address of each dataset in the group path's ancestors (dimension scales live there). */
  const scalePaths = new Map<number, string>();
  const groupAddress = async (path: string): Promise<number> => {
    let addr = root;
    let prefix = '';
    for (const part of path.split('/').filter(Boolean)) {
      for (const l of await hardLinks(addr))
        if (!scalePaths.has(l.address)) scalePaths.set(l.address, `${prefix}/${l.name}`);
      const next = (await hardLinks(addr)).find((l) => l.name === part);
      if (!next || !(await tree.isGroup(next.address))) throw new Error(`no group '${path}' in this file`);
      addr = next.address;
      prefix = `${prefix}/${part}`;
    }
    for (const l of await hardLinks(addr))
      if (!scalePaths.has(l.address)) scalePaths.set(l.address, `${prefix}/${l.name}`);
    return addr;
  };

  const variableOf = async (name: string, path: string, addr: number): Promise<Nc4Var> => {
    const ds: H5Dataset = await tree.dataset(addr);
    const attrs = await attrsOf(addr);
    const dimList = attrs.find((a) => a.name === 'DIMENSION_LIST')?.value;
    const dimScales = ds.shape.map((_, i) => {
      const refs = Array.isArray(dimList) ? dimList[i] : null;
      const ref = Array.isArray(refs) ? refs[0] : null;
      return typeof ref === 'number' ? (scalePaths.get(ref) ?? null) : null;
    });
    const l = ds.layout;
    const chunks = l.kind.startsWith('chunked') ? (l as { chunk: number[] }).chunk : null;
    return {
      name,
      path,
      shape: ds.shape,
      maxShape: ds.maxShape,
      chunks,
      storage: storageOfH5(ds.type),
      attrs,
      dimScales,
      filters: ds.filters,
      contiguous: l.kind === 'contiguous' || l.kind === 'compact',
      enumMembers: ds.type.kind === 'enum' ? ds.type.members : undefined,
      async read(ranges) {
        try {
          const bytes = await readRawBytes(tree, ds, ranges);
          if (ds.type.kind === 'vlen-string') {
            const n = ranges.reduce((a, [x, y]) => a * (y - x), 1);
            return (await tree.decodeElements(ds.type, bytes, n)) as string[];
          }
          return toTyped(bytes, ds.type);
        } catch (err) {
          if (err instanceof H5Unsupported) return fallback(path, ranges, err.message);
          throw err;
        }
      },
    };
  };

  return {
    engine: 'native',
    stats: f.stats,
    async group(path: string): Promise<Nc4Group> {
      const norm = path.replace(/^\/+|\/+$/g, '');
      const addr = await groupAddress(norm);
      const variables: Nc4Var[] = [];
      for (const l of await hardLinks(addr)) {
        if (!(await tree.isDataset(l.address))) continue;
        variables.push(await variableOf(l.name, `${norm ? `/${norm}` : ''}/${l.name}`, l.address));
      }
      return { path: norm, attrs: await attrsOf(addr), variables };
    },
    async groups(): Promise<string[]> {
      const out: string[] = [];
      // Hard links may point back to an ancestor group: list each group object once.
      const seen = new Set<number>([root]);
      const walk = async (addr: number, prefix: string, depth: number): Promise<void> => {
        if (depth > 32) return;
        for (const l of await hardLinks(addr)) {
          if (seen.has(l.address)) continue;
          seen.add(l.address);
          if (!(await tree.isGroup(l.address))) continue;
          const p = prefix ? `${prefix}/${l.name}` : l.name;
          out.push(p);
          await walk(l.address, p, depth + 1);
        }
      };
      await walk(root, '', 0);
      return out.sort();
    },
    close: () => f.close(),
  };
}
