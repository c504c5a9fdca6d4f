// fixProblem never offers to delete a sidecar xpersist reads (issue 16, item 3): each hostile or
// odd sidecar below is written into one store, the real xpersist 2021.12.17 (pydantic 1.10) of
// the venv says which ones get_artifact() reads and what created_at becomes, and the scan must
// agree: read by xpersist <=> listed (same created_at), or a warning with no fix where marked;
// not read by xpersist <=> a fixable broken-sidecar problem.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import type { Problem } from '../../../src/core/types';
import { python, tempDir } from '../helpers';

const META = 'xpersist_metadata_store';

interface Case {
  name: string;
  bytes: Buffer;
  /** xpersist reads it but this explorer reports a warning with no fix instead of listing it. */
  warn?: boolean;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const body = (extra: string, key = 'K'): string => `{"key": "${key}", "serializer": "joblib"${extra}}`;
const createdAt = (json: string): string => body(`, "created_at": ${json}`);

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  return Buffer.from(le.map((_, i) => le[i ^ 1]));
}

function utf32le(s: string): Buffer {
  const cps = [...s].map((c) => c.codePointAt(0) as number);
  const b = Buffer.alloc(cps.length * 4);
  for (const [i, cp] of cps.entries()) b.writeUInt32LE(cp, i * 4);
  return b;
}

function nested(depth: number): string {
  return body(`, "additional_metadata": {"a": ${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}`);
}

const createdAtValues = [
  '1e400',
  '-1e400',
  'Infinity',
  '-Infinity',
  'NaN',
  `1${'0'.repeat(400)}`,
  `-1${'0'.repeat(400)}`,
  '3e20',
  '3.1e20',
  '300000000000000000000',
  '1638000000.5',
  '1638000000123',
  'true',
  '"inf"',
  '"-Infinity"',
  '" nan "',
  '"1e400"',
  '"1_000"',
  '"1__0"',
  '"\u0663"',
  '"\\u20031\\u2003"',
  '"0x10"',
  '"2021-01-01T00:00\\n"',
  '"2021-01-01T00:00 "',
  '"\u0662\u0660\u0662\u0661-01-01T00:00"',
  '"2020-02-29T00:00"',
  '"2021-02-29T00:00"',
  '"1900-02-29T00:00"',
  '"2021-12-16T20:59:26.123456789-07:00"',
  '"2021-12-16T20:59:26+2359"',
  '"2021-12-16T20:59:26+24:00"',
  '"2021-12-16 20:59"',
  '"0000-01-01T00:00"',
  '[]',
  'null',
];

function cases(): Case[] {
  const out: Case[] = createdAtValues.map((v, i) => ({
    name: `created_at ${i}: ${v.slice(0, 30)}`,
    bytes: utf8(createdAt(v)),
  }));
  const plain = body(', "created_at": "2021-12-16T20:59:26.5"');
  out.push(
    {
      name: 'UTF-16 LE with BOM',
      bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plain, 'utf16le')]),
    },
    { name: 'UTF-16 LE without BOM', bytes: Buffer.from(plain, 'utf16le') },
    { name: 'UTF-16 BE without BOM', bytes: utf16be(plain) },
    { name: 'UTF-16 BE with BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(plain)]) },
    {
      name: 'UTF-16 LE odd length',
      bytes: Buffer.concat([Buffer.from(plain, 'utf16le'), Buffer.from([0x20])]),
    },
    { name: 'UTF-32 LE without BOM', bytes: utf32le(plain) },
    { name: 'UTF-32 LE with BOM', bytes: Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(plain)]) },
    { name: 'UTF-8 with BOM', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(plain)]) },
    {
      name: 'UTF-8 with two BOMs',
      bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), utf8(plain)]),
    },
    {
      name: 'invalid UTF-8 in a string',
      bytes: Buffer.concat([utf8('{"key": "K", "serializer": "jo'), Buffer.from([0xff]), utf8('"}')]),
    },
    {
      name: 'an encoded surrogate',
      bytes: Buffer.concat([
        utf8('{"key": "K", "serializer": "jo'),
        Buffer.from([0xed, 0xa0, 0x80]),
        utf8('"}'),
      ]),
    },
    { name: 'load_kwargs ["ab"]', bytes: utf8(body(', "load_kwargs": ["ab"]')) },
    { name: 'load_kwargs [{2 keys}]', bytes: utf8(body(', "load_kwargs": [{"a": 1, "b": 2}]')) },
    { name: 'load_kwargs [[[1], 2]]', bytes: utf8(body(', "load_kwargs": [[[1], 2]]')) },
    { name: 'load_kwargs [["a", 1], ["b"]]', bytes: utf8(body(', "load_kwargs": [["a", 1], ["b"]]')) },
    { name: 'load_kwargs "ab"', bytes: utf8(body(', "load_kwargs": "ab"')) },
    { name: 'load_kwargs ""', bytes: utf8(body(', "load_kwargs": ""')) },
    { name: 'load_kwargs 5', bytes: utf8(body(', "load_kwargs": 5')) },
    { name: 'key 1.5', bytes: utf8('{"key": 1.5, "serializer": "joblib"}') },
    { name: 'key null', bytes: utf8('{"key": null, "serializer": "joblib"}') },
    { name: 'nested 100 deep', bytes: utf8(nested(100)) },
    { name: 'nested 850 deep', bytes: utf8(nested(850)), warn: true },
    { name: 'nested 1200 deep', bytes: utf8(nested(1200)) },
    { name: 'nested 5000 deep', bytes: utf8(nested(5000)) },
    // Over the explorer's 16 MiB bound: xpersist reads it, the explorer warns without a fix.
    {
      name: '17 MiB sidecar',
      bytes: utf8(body(`, "additional_metadata": {"pad": "${'x'.repeat(17 * 1024 * 1024)}"}`)),
      warn: true,
    },
  );
  return out;
}

const ORACLE = `
import json, sys
from xpersist import CacheStore
store = CacheStore(sys.argv[1])
out = {}
for key in sys.argv[2:]:
    try:
        a = store.get_artifact(key)
        out[key] = {'ok': True, 'created_at': a.created_at.isoformat() if a.created_at else None}
    except KeyError as exc:
        out[key] = {'ok': False, 'why': repr(exc.__cause__)[:300]}
print(json.dumps(out))
`;

function fixableAt(problems: Problem[], p: string): Problem | undefined {
  return problems.find((x) => x.path === p && x.fixable);
}

describe('sidecars xpersist reads are never called broken (pydantic 1.10, real xpersist)', () => {
  const all = cases();
  const root = tempDir('xp-pydantic-');
  mkdirSync(path.join(root, META), { recursive: true });
  const keys = all.map((_, i) => `c${i}`);
  all.forEach((c, i) => {
    writeFileSync(path.join(root, META, `c${i}.artifact.json`), c.bytes);
    writeFileSync(path.join(root, `c${i}`), 'data');
  });
  const oracle = JSON.parse(
    execFileSync(python(), ['-c', ORACLE, root, ...keys], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  ) as Record<string, { ok: boolean; created_at?: string | null; why?: string }>;

  it('agrees with get_artifact() on every case', async () => {
    const store = await CacheStore.open(root);
    const report = await store.scan();
    const listed = new Map(report.artifacts.map((a) => [a.key, a]));
    const failures: string[] = [];
    all.forEach((c, i) => {
      const key = keys[i];
      const want = oracle[key];
      const sidecar = path.join(root, META, `${key}.artifact.json`);
      const fix = fixableAt(report.problems, sidecar);
      const got = listed.get(key);
      if (want.ok && fix)
        failures.push(`${c.name}: xpersist reads it, yet a fix is offered (${fix.message})`);
      else if (want.ok && c.warn) {
        const warned = report.problems.find((p) => p.path === sidecar && p.kind === 'unreadable-sidecar');
        if (!warned || warned.fixable) failures.push(`${c.name}: expected a warning without a fix`);
      } else if (want.ok && !got) failures.push(`${c.name}: xpersist reads it, the scan does not list it`);
      // Without created_at xpersist invents utcnow() on each read: nothing to compare.
      else if (want.ok && got && c.bytes.includes('created_at') && got.createdAtText !== want.created_at)
        failures.push(`${c.name}: created_at ${got.createdAtText}, xpersist says ${want.created_at}`);
      else if (!want.ok && !fix) failures.push(`${c.name}: xpersist fails (${want.why}), no fixable problem`);
    });
    assert.deepEqual(failures, []);
    // Both kinds are present, so the table tests both directions.
    const ok = Object.values(oracle).filter((o) => o.ok).length;
    assert.ok(ok >= 30 && all.length - ok >= 15, `${ok} of ${all.length} readable`);
  });

  it('getArtifact() agrees too, and fixProblem refuses a forged fix on a readable sidecar', async () => {
    const store = await CacheStore.open(root);
    for (const [i, key] of keys.entries()) {
      const want = oracle[key];
      const got = await store.getArtifact(key).then(
        (a) => ({ ok: true, created_at: a.createdAtText }),
        (err) => ({ ok: false, kind: (err as { kind: string }).kind }),
      );
      if (all[i].warn) assert.deepEqual(got, { ok: false, kind: 'unsupported-sidecar' }, all[i].name);
      else assert.equal(got.ok, want.ok, `${all[i].name}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
    const readable = keys.find((k) => oracle[k].ok) as string;
    const forged: Problem = {
      kind: 'invalid-json',
      key: readable,
      path: path.join(root, META, `${readable}.artifact.json`),
      message: 'forged',
      fixable: true,
    };
    await assert.rejects(store.fixProblem(forged, { dryRun: true }), /valid sidecar now/);
  });
});

describe('sidecars that are not regular files are not read, and not offered for deletion', () => {
  it('a FIFO and a symlink to /dev/zero: a warning each, within 2 s', {
    skip: process.platform === 'win32',
  }, async () => {
    const root = tempDir('xp-fifo-');
    mkdirSync(path.join(root, META), { recursive: true });
    execFileSync('mkfifo', [path.join(root, META, 'fifo.artifact.json')]);
    symlinkSync('/dev/zero', path.join(root, META, 'zero.artifact.json'));
    for (const k of ['fifo', 'zero']) writeFileSync(path.join(root, k), 'data');
    const t0 = performance.now();
    const store = await CacheStore.open(root);
    const report = await store.scan();
    await assert.rejects(store.getArtifact('zero'), /character device/);
    await assert.rejects(store.getArtifact('fifo'), /FIFO/);
    assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
    for (const k of ['fifo', 'zero']) {
      const p = report.problems.find((x) => x.key === k);
      assert.equal(p?.kind, 'unreadable-sidecar', JSON.stringify(report.problems));
      assert.equal(p?.fixable, false);
    }
  });
});
