// The hand-written sidecar fast path must give exactly what the zod schema gives: run both on
// every file of every fixture metadata store (broken/ included) and on edge cases of each field.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseSidecarFast, parseSidecarSlow, parseSidecarText } from '../../../src/core/sidecar/parseSidecar';
import { recordForCopy, recordFromSidecarText } from '../../../src/core/sidecar/writeSidecar';
import { cachesDir } from '../helpers';

/** Every file below a folder named xpersist_metadata_store, in every fixture cache. */
function metadataFiles(dir: string, inMeta = false): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    const meta = inMeta || d.name === 'xpersist_metadata_store';
    if (d.isDirectory()) out.push(...metadataFiles(p, meta));
    else if (meta && statSync(p).isFile()) out.push(p);
  }
  return out;
}

type Outcome = { ok: unknown } | { error: { kind: string; reason: string } };

function outcome(parse: () => unknown): Outcome {
  try {
    return { ok: parse() };
  } catch (err) {
    const e = err as { kind: string; reason: string };
    return { error: { kind: e.kind, reason: e.reason } };
  }
}

/** Both paths agree: the fast one answers only when it gives the schema's result. */
function assertSame(text: string, label: string): 'fast' | 'slow' {
  const slow = outcome(() => parseSidecarSlow(text, 'k', label));
  const both = outcome(() => parseSidecarText(text, 'k', label));
  assert.deepEqual(both, slow, label);
  const fast = parseSidecarFast(text);
  if (fast === null) return 'slow';
  assert.deepEqual({ ok: fast }, slow, `${label}: the fast path differs from the schema`);
  return 'fast';
}

describe('sidecar fast path', () => {
  it('gives the schema result on every fixture sidecar, broken ones included', () => {
    const files = metadataFiles(cachesDir());
    assert.ok(files.length >= 50, `only ${files.length} fixture files`);
    const used = { fast: 0, slow: 0 };
    for (const f of files) used[assertSame(readFileSync(f, 'utf8'), path.relative(cachesDir(), f))]++;
    // What xpersist writes takes the fast path; the damaged ones need the schema.
    assert.ok(used.fast >= 30, JSON.stringify(used));
    assert.ok(used.slow >= 8, JSON.stringify(used));
    for (const name of ['all-serializers', 'seed-demo', 'release-2021.12.17']) {
      for (const f of metadataFiles(path.join(cachesDir(), name)).filter((p) => p.endsWith('.artifact.json')))
        assert.ok(parseSidecarFast(readFileSync(f, 'utf8')), `${f} should take the fast path`);
    }
  });

  it('gives the schema result on edge cases of every field', () => {
    const base = { key: 'a.zarr', serializer: 'xarray.zarr', load_kwargs: {}, dump_kwargs: {} };
    const variants: unknown[] = [
      base,
      { ...base, key: 3 },
      { ...base, key: true },
      { ...base, key: null },
      { ...base, serializer: 1.5 },
      { ...base, load_kwargs: null },
      { ...base, load_kwargs: '' },
      { ...base, load_kwargs: [] },
      { ...base, load_kwargs: [['a', 1]] },
      { ...base, load_kwargs: 'x' },
      { ...base, dump_kwargs: [1, 2] },
      { ...base, additional_metadata: { nested: { a: [1, null] } } },
      { ...base, created_at: null },
      { ...base, created_at: '' },
      { ...base, created_at: '2021-12-16T20:59:26' },
      { ...base, created_at: '2021-12-16T20:59:26.123456' },
      { ...base, created_at: '2021-12-16 20:59:26.1' },
      { ...base, created_at: '2021-12-16T20:59:26Z' },
      { ...base, created_at: '2021-12-16T20:59:26-07:00' },
      { ...base, created_at: '2021-02-30T00:00:00' },
      { ...base, created_at: '1639688366' },
      { ...base, created_at: 1639688366 },
      { ...base, created_at: 1639688366123 },
      { ...base, created_at: true },
      { ...base, created_at: {} },
      { ...base, extra: 1 },
      [],
      'text',
      null,
    ];
    for (const v of variants) assertSame(JSON.stringify(v), JSON.stringify(v));
    for (const text of [
      '',
      '  ',
      '{',
      '{"key": NaN}',
      '{"key": "a", "serializer": "b", "load_kwargs": {"x": Infinity}}',
    ])
      assertSame(text, JSON.stringify(text));
  });

  it('copies read a sidecar once and refuse exactly what parseSidecarText refuses', () => {
    const base = '"key": "a.zarr", "serializer": "xarray.zarr", "load_kwargs": {}, "dump_kwargs": {}';
    const texts = metadataFiles(cachesDir()).map((f) => readFileSync(f, 'utf8'));
    texts.push(
      `{${base}, "additional_metadata": {"x": [NaN, Infinity, -Infinity, 1.0, 12345678901234567890]}}`,
      `{${base}, "additional_metadata": {"2": NaN, "1": "b"}, "created_at": "2021-12-16T20:59:26"}`,
      `{${base}, "additional_metadata": [NaN]}`,
      `{${base}, "additional_metadata": {"x": NaN}, "created_at": "never"}`,
      `{${base}, "additional_metadata": {"x": NaN}`,
    );
    const copied = { ok: 0, refused: 0 };
    for (const [i, text] of texts.entries()) {
      const bytes = Buffer.from(text, 'utf8');
      const checked = outcome(() => parseSidecarText(bytes, 'k', `t${i}`));
      const copy = outcome(() => recordForCopy(bytes, 'k', `t${i}`));
      if ('error' in checked) {
        assert.deepEqual(copy, checked, `text ${i}: ${text.slice(0, 80)}`);
        copied.refused++;
      } else {
        assert.deepEqual(copy, { ok: recordFromSidecarText(text) }, `text ${i}: ${text.slice(0, 80)}`);
        copied.ok++;
      }
    }
    assert.ok(copied.ok >= 32 && copied.refused >= 10, JSON.stringify(copied));
  });
});
