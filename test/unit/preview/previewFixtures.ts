// Shared by the preview tests: fixture paths, the Python-made expectations, and value comparison.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValuesResult, Variable } from '../../../src/preview/index';
import { cachesDir, fixturesDir } from '../helpers';

export const previewDir = (...p: string[]): string => path.join(fixturesDir(), 'preview', ...p);
export const cachePath = (...p: string[]): string => path.join(cachesDir(), 'all-serializers', ...p);

/** JSON written by Python (make_preview_fixtures.py): its shape is checked by the tests themselves. */
// biome-ignore lint/suspicious/noExplicitAny: free-form JSON from the Python oracle
export type PyJson = any;

let expected: PyJson = null;
/** test/fixtures/preview/expected.json, written by scripts/fixtures/make_preview_fixtures.py. */
export function expectedJson(): PyJson {
  expected ??= JSON.parse(readFileSync(previewDir('expected.json'), 'utf8'));
  return expected;
}

/** JS NaN is what readValues returns for missing numbers; Python's JSON has null. */
export const nanToNull = (xs: unknown[]): unknown[] =>
  xs.map((x) => (typeof x === 'number' && Number.isNaN(x) ? null : x));

export function assertValuesEqual(got: unknown[], want: unknown[], what: string, rel = 0): void {
  const g = nanToNull(got.slice(0, want.length));
  assert.equal(g.length, want.length, `${what}: ${g.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const a = g[i];
    const b = want[i];
    if (typeof a === 'number' && typeof b === 'number' && rel > 0) {
      const tol = rel * Math.max(1, Math.abs(b));
      assert.ok(Math.abs(a - b) <= tol, `${what}[${i}]: ${a} != ${b}`);
    } else assert.deepEqual(a, b, `${what}[${i}]: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  }
}

export interface ExpectedVar {
  dims: string[];
  shape: number[];
  dtype: string;
  attrs: Record<string, unknown>;
  encoding: Record<string, unknown>;
  values: unknown[];
}

/** Attributes as JSON would carry them (NaN -> null), to compare with Python's. */
export const jsonish = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)));

export function assertVariable(
  got: Variable | undefined,
  want: ExpectedVar,
  what: string,
  dtypeAlias: Record<string, string> = {},
): void {
  assert.ok(got, `${what}: missing`);
  assert.deepEqual(got.dims, want.dims, `${what}: dims`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, dtypeAlias[want.dtype] ?? want.dtype, `${what}: dtype`);
  assert.deepEqual(jsonish(got.attrs), want.attrs, `${what}: attrs`);
  for (const k of ['units', 'calendar', 'scale_factor', 'add_offset'] as const) {
    if (k in want.encoding)
      assert.deepEqual(jsonish(got.encoding[k]), want.encoding[k], `${what}: encoding.${k}`);
  }
}

export function assertSelection(
  got: ValuesResult,
  want: { dims: string[]; shape: number[]; values: unknown[] },
  what: string,
): void {
  assert.deepEqual(got.dims, want.dims, `${what}: dims`);
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assertValuesEqual(got.values, want.values, what);
}

export interface DatasetCheckOptions {
  /** Expected dtype spelled by a newer xarray -> what the pinned xarray says (zarr 3 fixtures). */
  dtypeAlias?: Record<string, string>;
  /** Variables whose values are compared another way (or not at all). */
  skipValues?: string[];
  rel?: number;
}

/** describe() + readValues() of every variable and selection against what xarray said. */
export async function checkDataset(
  api: typeof import('../../../src/preview/index'),
  file: string,
  serializer: string,
  want: PyJson,
  readOptions: import('../../../src/preview/index').ReadOptions = {},
  opts: DatasetCheckOptions = {},
): Promise<void> {
  const m = await api.describe(file, serializer, readOptions);
  assert.equal(m.kind, 'dataset', m.kind === 'unsupported' ? m.reason : m.kind);
  if (m.kind !== 'dataset') return;
  assert.deepEqual(Object.keys(m.coords).sort(), Object.keys(want.coords).sort(), `${file}: coordinates`);
  assert.deepEqual(
    Object.keys(m.dataVars).sort(),
    Object.keys(want.data_vars).sort(),
    `${file}: data variables`,
  );
  assert.deepEqual(
    Object.entries(m.dims).sort(),
    Object.entries(want.dims as Record<string, number>).sort(),
    `${file}: dims`,
  );
  assert.deepEqual(jsonish(m.attrs), want.attrs, `${file}: attrs`);
  for (const [name, w] of Object.entries<ExpectedVar>({ ...want.coords, ...want.data_vars })) {
    assertVariable(m.coords[name] ?? m.dataVars[name], w, `${path.basename(file)}:${name}`, opts.dtypeAlias);
    if (opts.skipValues?.includes(name)) continue;
    const r = await api.readValues(file, serializer, name, undefined, readOptions);
    assert.deepEqual(r.dims, w.dims, `${name}: dims of values`);
    assertValuesEqual(r.values, w.values, `${path.basename(file)}:${name}`, opts.rel ?? 0);
  }
  for (const s of want.selections ?? []) {
    const r = await api.readValues(file, serializer, s.variable, s.selection, readOptions);
    assertSelection(r, s, `${path.basename(file)}:${s.variable}${JSON.stringify(s.selection)}`);
  }
}
