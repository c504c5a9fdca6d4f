// The netCDF-4 source backed by h5wasm (HDF5 compiled to wasm, reading the file lazily through
// NODERAWFS). Loaded with a dynamic import on first use: esbuild turns it into the sibling bundle
// h5wasm.js (see esbuild.mjs), 5.5 MB that the extension host does not pay for until then.

import { isRemotePath } from '../boundedFs';
import type { RawData, Storage } from '../dataset/rawDataset';
import type { Nc4Attr, Nc4Group, Nc4Source, Nc4Var } from './nc4Source';

type H5wasmModule = typeof import('h5wasm/node');
type H5Dataset = InstanceType<H5wasmModule['Dataset']>;
type H5Group = InstanceType<H5wasmModule['Group']>;
type Metadata = H5Dataset['metadata'];

let loading: Promise<H5wasmModule['default']> | null = null;

/** Loads h5wasm once per process (first netCDF-4 file that needs it). */
export function loadH5wasm(): Promise<H5wasmModule['default']> {
  if (!loading) {
    loading = (async () => {
      const mod = await import('h5wasm/node');
      const h5wasm =
        (mod as unknown as { default: H5wasmModule['default'] }).default ??
        (mod as unknown as H5wasmModule['default']);
      await h5wasm.ready;
      return h5wasm;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

export const h5wasmLoaded = (): boolean => loading !== null;

// H5T classes in h5wasm metadata.
const INTEGER = 0;
const FLOAT = 1;
const STRING = 3;
const ENUM = 8;

function storageOf(m: Metadata): Storage {
  if ((m.type === INTEGER || m.type === ENUM) && [1, 2, 4, 8].includes(m.size))
    return { kind: m.signed ? 'int' : 'uint', bytes: m.size as 1 | 2 | 4 | 8 };
  if (m.type === FLOAT && (m.size === 4 || m.size === 8)) return { kind: 'float', bytes: m.size };
  if (m.type === STRING) {
    if (m.vlen) return { kind: 'vlen' };
    return m.size === 1 ? { kind: 'char' } : { kind: 'bytes', length: m.size };
  }
  return { kind: 'other', name: `HDF5 type class ${m.type}` };
}

function numpyType(m: Metadata): string | null {
  if (m.type === INTEGER || m.type === ENUM) return `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
  if (m.type === FLOAT) return `float${m.size * 8}`;
  return null;
}

function attrsOf(obj: H5Dataset | H5Group): Nc4Attr[] {
  const out: Nc4Attr[] = [];
  for (const [name, a] of Object.entries(obj.attrs)) {
    let value: unknown = null;
    try {
      // json_value turns NaN into null; value keeps typed arrays (fill values may be NaN).
      value = name === 'DIMENSION_LIST' || name === 'REFERENCE_LIST' ? null : a.value;
    } catch {
      value = null;
    }
    out.push({ name, value, numpyType: numpyType(a.metadata) });
  }
  return out;
}

function toRaw(v: unknown, storage: Storage): RawData {
  if (storage.kind === 'char' || storage.kind === 'bytes') {
    const width = storage.kind === 'char' ? 1 : storage.length;
    const arr = Array.isArray(v) ? v : [v];
    const out = new Uint8Array(arr.length * width);
    const enc = new TextEncoder();
    arr.forEach((s, i) => {
      if (typeof s === 'string') out.set(enc.encode(s).subarray(0, width), i * width);
      else if (s instanceof Uint8Array) out.set(s.subarray(0, width), i * width);
    });
    return out;
  }
  if (storage.kind === 'vlen') {
    const arr = Array.isArray(v) ? v : [v];
    return arr.map((s) => (typeof s === 'string' ? s : s === null || s === undefined ? null : String(s)));
  }
  if (ArrayBuffer.isView(v)) return v as unknown as RawData;
  // Scalars come back as plain numbers/bigints.
  if (typeof v === 'bigint') return storage.kind === 'uint' ? BigUint64Array.of(v) : BigInt64Array.of(v);
  if (typeof v === 'number') {
    if (storage.kind === 'float') return storage.bytes === 4 ? Float32Array.of(v) : Float64Array.of(v);
    return Float64Array.of(v);
  }
  throw new Error(`h5wasm returned ${typeof v} for a ${storage.kind} variable`);
}

export async function openH5wasmSource(
  file: string,
  why?: string,
): Promise<Nc4Source & { readPath(path: string, ranges: Array<[number, number]>): Promise<RawData> }> {
  // h5wasm reads through emscripten's file system, synchronously: ranged GETs (asynchronous)
  // cannot feed it, so an object would have to be downloaded whole, which a preview never does.
  if (isRemotePath(file))
    throw new Error(
      `this netCDF-4/HDF5 object uses what the built-in reader does not read${why ? ` (${why})` : ''}; ` +
        'the h5wasm reader that would read it opens local files only, and a preview never downloads a ' +
        'whole object: download it (fsspec get, aws s3 cp, az storage blob download) and open the copy',
    );
  const h5wasm = await loadH5wasm();
  const f = new h5wasm.File(file, 'r');
  const isDataset = (e: unknown): e is H5Dataset => e instanceof h5wasm.Dataset;
  const isGroup = (e: unknown): e is H5Group => e instanceof h5wasm.Group;
  const readPath = async (path: string, ranges: Array<[number, number]>): Promise<RawData> => {
    const d = f.get(path);
    if (!isDataset(d)) throw new Error(`no dataset ${path}`);
    const storage = storageOf(d.metadata);
    const v = ranges.length === 0 ? d.value : d.slice(ranges.map(([a, b]) => [a, b]));
    return toRaw(v, storage);
  };
  return {
    engine: 'h5wasm',
    readPath,
    async group(path: string): Promise<Nc4Group> {
      const norm = path.replace(/^\/+|\/+$/g, '');
      const g = norm ? f.get(`/${norm}`) : f;
      if (!isGroup(g)) throw new Error(`no group '${norm}' in this file`);
      const variables: Nc4Var[] = [];
      for (const key of g.keys()) {
        const d = g.get(key);
        if (!isDataset(d)) continue;
        const m = d.metadata;
        const shape = d.shape ?? [];
        const dimScales = shape.map((_, i) => {
          try {
            return d.get_attached_scales(i)[0] ?? null;
          } catch {
            return null;
          }
        });
        const p = `${norm ? `/${norm}` : ''}/${key}`;
        variables.push({
          name: key,
          path: p,
          shape,
          maxShape: m.maxshape,
          chunks: m.chunks,
          storage: storageOf(m),
          attrs: attrsOf(d),
          dimScales,
          filters: d.filters.map((x) => ({ id: x.id, name: x.name, values: x.cd_values })),
          contiguous: !m.chunks,
          enumMembers: m.type === ENUM ? m.enum_type?.members : undefined,
          read: (ranges) => readPath(p, ranges),
        });
      }
      return { path: norm, attrs: attrsOf(g), variables };
    },
    async groups(): Promise<string[]> {
      const out: string[] = [];
      const walk = (g: H5Group, prefix: string) => {
        for (const key of g.keys()) {
          const e = g.get(key);
          if (isGroup(e)) {
            const p = prefix ? `${prefix}/${key}` : key;
            out.push(p);
            walk(e, p);
          }
        }
      };
      walk(f, '');
      return out.sort();
    },
    close() {
      f.close();
    },
  };
}
