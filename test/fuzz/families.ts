// The fuzz families: each turns a seed into one case (files to write into a fresh folder and the
// public calls to make on them), starting from the real fixtures in test/fixtures. A case is
// plain data, so it can be saved as a regression fixture (test/fixtures/fuzz/) and replayed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BINARY, type MutatorName, mutate, type Rng, rng, TEXT } from './mutate';

export type Family =
  | 'sidecar'
  | 'zarr'
  | 'netcdf3'
  | 'hdf5'
  | 'parquet'
  | 'csv'
  | 'pickle'
  | 'python'
  | 'template';
export const FAMILIES: Family[] = [
  'sidecar',
  'zarr',
  'netcdf3',
  'hdf5',
  'parquet',
  'csv',
  'pickle',
  'python',
  'template',
];

/** What the worker does with a case's folder (paths are relative to it). */
export type CaseCall =
  | { kind: 'preview'; path: string; serializer: string }
  | { kind: 'store'; root: string; keys: string[] }
  | { kind: 'python'; path: string }
  | { kind: 'template'; path: string };

export interface FuzzCase {
  family: Family;
  /** Which fixture, which mutations, which seed: enough to rebuild it. */
  name: string;
  files: Record<string, Uint8Array>;
  call: CaseCall;
}

let fixtureRoot = '';
/** The repository's test/fixtures (set once by the runner: bundles live in out/). */
export function setFixtureRoot(dir: string): void {
  fixtureRoot = dir;
}
const fx = (...p: string[]): string => path.join(fixtureRoot, ...p);

const cache = new Map<string, Uint8Array>();
function bytesOf(file: string): Uint8Array {
  let b = cache.get(file);
  if (!b) {
    b = new Uint8Array(readFileSync(file));
    cache.set(file, b);
  }
  return b;
}

/** Every file below dir, relative paths in a stable order. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

/** A single-file format: one fixture mutated, previewed with its serializer. */
function fileCase(
  family: Family,
  seed: number,
  sources: string[],
  serializer: string,
  names: readonly MutatorName[],
): FuzzCase {
  const r = rng(seed);
  const src = r.pick(sources);
  const { bytes, how } = mutate(r, bytesOf(fx(src)), bytesOf(fx(r.pick(sources))), names);
  const file = `data${path.extname(src)}`;
  return {
    family,
    name: `${src} ${how} seed ${seed}`,
    files: { [file]: bytes },
    call: { kind: 'preview', path: file, serializer },
  };
}

const ZARRS = [
  'preview/zarr2/cf_consolidated.zarr',
  'preview/zarr2/unconsolidated_zlib.zarr',
  'preview/zarr2/raw_dtypes.zarr',
  'preview/zarr2/groups.zarr',
  'preview/zarr3/cf_consolidated.zarr',
  'preview/zarr3/sharded_groups.zarr',
  'preview/zarr3/unconsolidated_gzip.zarr',
  'preview/climate/tas_noleap.zarr',
];

/** Metadata keys or group names pointing out of the store (issue 16 item 4). */
function escapeKeys(r: Rng, data: Uint8Array): Uint8Array {
  const s = new TextDecoder().decode(data);
  const up = r.pick(['../', '../../bait/', '/etc/', './../']);
  return new TextEncoder().encode(s.replace(/"([A-Za-z_][\w]*)\//, `"${up}$1/`));
}

/** A zarr folder with one or two of its files (metadata or chunks) damaged. */
function zarrCase(seed: number): FuzzCase {
  const r = rng(seed);
  const src = r.pick(ZARRS);
  const rels = filesUnder(fx(src));
  const files: Record<string, Uint8Array> = {};
  for (const rel of rels) files[`data.zarr/${rel}`] = bytesOf(fx(src, rel));
  const meta = rels.filter((f) => /(^|\/)(\.z\w+|zarr\.json)$/.test(f));
  const hows: string[] = [];
  for (let i = 0; i < 1 + r.int(2); i++) {
    const onMeta = r.next() < 0.65 && meta.length > 0;
    const rel = onMeta ? r.pick(meta) : r.pick(rels);
    const key = `data.zarr/${rel}`;
    if (onMeta && r.next() < 0.15) {
      files[key] = escapeKeys(r, files[key]);
      hows.push(`${rel}:escape`);
      continue;
    }
    const m = mutate(r, files[key], files[`data.zarr/${r.pick(rels)}`], onMeta ? TEXT : BINARY);
    files[key] = m.bytes;
    hows.push(`${rel}:${m.how}`);
  }
  return {
    family: 'zarr',
    name: `${src} ${hows.join(',')} seed ${seed}`,
    files,
    call: { kind: 'preview', path: 'data.zarr', serializer: 'xarray.zarr' },
  };
}

/** A store of real sidecars (from every fixture cache), one to three of them damaged. */
function sidecarCase(seed: number): FuzzCase {
  const r = rng(seed);
  const roots = [
    'xpersist-caches/broken/entries',
    'xpersist-caches/all-serializers',
    'xpersist-caches/seed-demo',
  ];
  const root = r.pick(roots);
  const meta = 'xpersist_metadata_store';
  const sidecars = filesUnder(fx(root, meta)).filter((f) => f.endsWith('.artifact.json'));
  const files: Record<string, Uint8Array> = {};
  const keys: string[] = [];
  for (const rel of sidecars.slice(0, 12)) {
    files[`store/${meta}/${rel}`] = bytesOf(fx(root, meta, rel));
    const key = rel.slice(0, -'.artifact.json'.length);
    keys.push(key);
    // The data as a small file: a scan stats it, nothing reads it.
    if (r.next() < 0.7) files[`store/${key}`] = new TextEncoder().encode('data');
  }
  const hows: string[] = [];
  for (let i = 0; i < 1 + r.int(3); i++) {
    const rel = r.pick(sidecars.slice(0, 12));
    const key = `store/${meta}/${rel}`;
    const m = mutate(r, files[key], bytesOf(fx(root, meta, r.pick(sidecars))), TEXT);
    files[key] = m.bytes;
    hows.push(`${rel}:${m.how}`);
  }
  return {
    family: 'sidecar',
    name: `${root} ${hows.join(',')} seed ${seed}`,
    files,
    call: { kind: 'store', root: 'store', keys },
  };
}

/** Damaged rows, and the shapes that blew up before: one huge row, 100k columns, CR-only. */
function csvCase(seed: number): FuzzCase {
  const r = rng(seed);
  const sources = [
    'preview/csv/default_index.csv',
    'preview/csv/named_index.csv',
    'preview/csv/noindex.csv',
    'preview/csv/semicolon_latin1.csv',
    'preview/csv/tab_noindex.csv',
    'preview/climate/stations.csv',
    'preview/climate/daily_flags.csv',
  ];
  if (r.next() < 0.25) {
    const shape = r.pick(['wide', 'long-row', 'cr-only', 'quotes', 'blank']);
    const n = 1000 + r.int(100_000);
    const body: Record<string, string> = {
      wide: `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(n - 1)}1\n`,
      'long-row': `a,b\n1,${'x'.repeat(n * 20)}\n2,y\n`,
      'cr-only': `a,b\r${'1,2\r'.repeat(n)}`,
      quotes: `a,b\n"${'""'.repeat(n)},1\n"unterminated,2\n`,
      blank: '\n'.repeat(n),
    };
    return {
      family: 'csv',
      name: `synthetic ${shape} n=${n} seed ${seed}`,
      files: { 'data.csv': new TextEncoder().encode(body[shape]) },
      call: { kind: 'preview', path: 'data.csv', serializer: 'pandas.csv' },
    };
  }
  return fileCase('csv', seed, sources, 'pandas.csv', TEXT);
}

const PYTHON = [
  'python/flow_styles.py',
  'python/implicit_tasks.py',
  'python/prefect_api.py',
  'python/real_prefect_flow.py',
  'python/runtime_targets.py',
  'python/seed_use_xpersist_with_prefect.py',
  'python/store_paths.py',
];

export const PYTHON_MAX_BYTES = 256 * 1024;

function pythonCase(seed: number): FuzzCase {
  const r = rng(seed);
  const src = r.pick(PYTHON);
  const m = mutate(r, bytesOf(fx(src)), bytesOf(fx(r.pick(PYTHON))), TEXT);
  // The budget holds for sources up to PYTHON_MAX_BYTES (docs/ARCHITECTURE.md).
  const bytes = m.bytes.slice(0, PYTHON_MAX_BYTES);
  const how = m.how;
  return {
    family: 'python',
    name: `${src} ${how} seed ${seed}`,
    files: { 'flow.py': bytes },
    call: { kind: 'python', path: 'flow.py' },
  };
}

/** A random format spec: fill, align, sign, width and precision up to 10**9, a type. */
function formatSpec(r: Rng): string {
  const size = () => String(r.pick([0, 3, 10, 1000, 100_000, 500_000_000, 2 ** 31, 10 ** 12]));
  const fill = r.next() < 0.3 ? `${r.pick(['*', '0', ' ', '{', '}'])}${r.pick(['<', '>', '^', '='])}` : '';
  const sign = r.next() < 0.2 ? r.pick(['+', '-', ' ']) : '';
  const alt = r.next() < 0.1 ? '#' : '';
  const width = r.next() < 0.4 ? size() : '';
  const group = r.next() < 0.1 ? r.pick([',', '_']) : '';
  const prec = r.next() < 0.4 ? `.${size()}` : '';
  const type = r.pick(['', 'd', 'e', 'f', 'g', '%', 'x', 's', 'n', 'E', 'b', 'c', 'o', 'X', 'z']);
  if (r.next() < 0.2) return r.pick(['%Y-%m-%d', '%A', 'YYYY-MM-DD', '%%', '%', 'dddd', '%-d%j%U']);
  return `${fill}${sign}${alt}${width}${group}${prec}${type}`;
}

const FIELD_NAMES = ['date', 'today', 'flow_name', 'task_name', 'map_index', 'x', 'big', 'neg', 'missing'];

/** str.format templates built from the grammar's edges (nested specs, conversions, indexes). */
function templateCase(seed: number): FuzzCase {
  const r = rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < 1 + r.int(6); i++) {
    const name = r.pick(FIELD_NAMES);
    const access =
      r.next() < 0.15 ? r.pick(['.year', '[0]', '.x.y', '[a]', '.__class__', '[99999999999]']) : '';
    const conv = r.next() < 0.1 ? r.pick(['!r', '!s', '!a', '!x']) : '';
    const spec = r.next() < 0.7 ? `:${r.next() < 0.1 ? `{${r.pick(FIELD_NAMES)}}` : formatSpec(r)}` : '';
    parts.push(r.pick(['', 'out/', '-', '{{', '}}', '{', '}', '.zarr']));
    parts.push(`{${name}${access}${conv}${spec}}`);
  }
  let template = parts.join('');
  if (r.next() < 0.05) template = '{'.repeat(1 + r.int(50_000)) + template;
  const input = {
    template,
    fields: {
      date: { $date: '2026-11-25T12:30:45.123Z' },
      today: '2026-11-25',
      flow_name: 'climate-flow',
      task_name: 'regrid',
      map_index: 3,
      x: 1.5e300,
      big: '12345678901234567890',
      neg: -7,
    },
    runtime: r.next() < 0.3 ? ['map_index'] : [],
  };
  return {
    family: 'template',
    name: `template seed ${seed}: ${template.slice(0, 80)}`,
    files: { 'template.json': new TextEncoder().encode(JSON.stringify(input)) },
    call: { kind: 'template', path: 'template.json' },
  };
}

const NETCDF3 = ['preview/netcdf/nc3_classic.nc', 'preview/netcdf/nc3_64bit.nc'];
const HDF5 = [
  'preview/hdf5/earliest.h5',
  'preview/hdf5/latest.h5',
  'preview/hdf5/h5netcdf.nc',
  'preview/netcdf/cf4.nc',
  'preview/netcdf/groups.nc',
  'preview/netcdf/calendars.nc',
];
/** Fixture files of a folder (read at run time: the fixture root is set by the runner). */
function listDir(dir: string, ext: string): string[] {
  return readdirSync(fx(dir))
    .sort()
    .filter((f) => f.endsWith(ext))
    .map((f) => `${dir}/${f}`);
}
const parquets = (): string[] => listDir('preview/parquet', '.parquet');
const pickles = (): string[] => [
  ...listDir('preview/pickle', ''),
  'preview/nd/cube.joblib',
  'preview/climate/bundle.joblib',
  'preview/climate/frame_cftime.joblib',
];

/** The case of `family` for `seed`. */
export function makeCase(family: Family, seed: number): FuzzCase {
  switch (family) {
    case 'sidecar':
      return sidecarCase(seed);
    case 'zarr':
      return zarrCase(seed);
    case 'netcdf3':
      return fileCase('netcdf3', seed, NETCDF3, 'xarray.netcdf', BINARY);
    case 'hdf5':
      return fileCase('hdf5', seed, HDF5, 'xarray.netcdf', BINARY);
    case 'parquet':
      return fileCase('parquet', seed, parquets(), 'pandas.parquet', BINARY);
    case 'csv':
      return csvCase(seed);
    case 'pickle':
      return fileCase('pickle', seed, pickles(), 'joblib', BINARY);
    case 'python':
      return pythonCase(seed);
    case 'template':
      return templateCase(seed);
  }
}
