// A big store's first page (ScanOptions.firstPage): the first keys in the view's order, each read
// at that moment, handed to onProgress before the full scan's report; equal to what the full scan
// says of those keys, also when a persisted index is out of date.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { firstKeys } from '../../../src/core/scan/firstPage';
import type { ScanProgress, StoreReport } from '../../../src/core/types';
import { tempDir } from '../helpers';
import { META, put } from './storeFiles';

const natural = new Intl.Collator('en', { numeric: true }).compare;

/** 600 keys r0..r599 (natural order differs from code-unit order), one missing its data, one broken. */
function bigStore(): string {
  const root = path.join(tempDir('xp-first-'), 'store');
  for (let i = 0; i < 600; i++) put(root, `r${i}.joblib`, 'n0', i === 3 ? null : 'x'.repeat(i + 1));
  writeFileSync(path.join(root, META, 'r5.joblib.artifact.json'), '{"key": ');
  return root;
}

async function scanWithPage(
  store: CacheStore,
  size: number,
  compare?: (a: string, b: string) => number,
): Promise<{ pages: ScanProgress[]; full: StoreReport }> {
  const pages: ScanProgress[] = [];
  const full = await store.scan({ firstPage: { size, compare }, onProgress: (p) => pages.push(p) });
  return { pages, full };
}

describe('firstKeys', () => {
  it('is the sorted head of the keys, in any order given', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${(i * 7919) % 500}`);
    assert.deepEqual(firstKeys(keys, 20), [...keys].sort().slice(0, 20));
    assert.deepEqual(firstKeys(keys, 20, natural), [...keys].sort(natural).slice(0, 20));
    assert.deepEqual(firstKeys(keys, 0), []);
    assert.deepEqual(firstKeys(keys.slice(0, 5), 20), keys.slice(0, 5).sort());
  });
});

describe('scan first page', () => {
  it('reports the first keys in the given order, as the full scan sees them', async () => {
    const root = bigStore();
    try {
      const { pages, full } = await scanWithPage(await CacheStore.open(root), 50, natural);
      assert.equal(pages.length, 1);
      const page = pages[0];
      assert.equal(page.total, 600);
      assert.equal(page.done, 50);
      const wanted = Array.from({ length: 50 }, (_, i) => `r${i}.joblib`);
      const shown = (page.report?.artifacts ?? []).map((a) => a.key).sort(natural);
      assert.deepEqual(
        shown,
        wanted.filter((k) => k !== 'r5.joblib'),
      );
      assert.deepEqual(page.report?.brokenKeys, ['r5.joblib']);
      const inPage = new Set(wanted);
      assert.deepEqual(
        page.report?.artifacts,
        full.artifacts.filter((a) => inPage.has(a.key)),
        'each entry is the full scan’s',
      );
      assert.deepEqual(
        page.report?.problems,
        full.problems.filter((p) => p.key && inPage.has(p.key)),
        'data-missing of r3 and the broken sidecar of r5',
      );
      assert.deepEqual(
        page.report?.problems.map((p) => [p.key, p.kind]),
        [
          ['r3.joblib', 'data-missing'],
          ['r5.joblib', 'invalid-json'],
        ],
      );
    } finally {
      rmSync(path.dirname(root), { recursive: true, force: true });
    }
  });

  it('reads what the store holds now, not what a persisted index says', async () => {
    const root = bigStore();
    const indexDir = tempDir('xp-first-index-');
    try {
      await (await CacheStore.open(root, { indexDir })).scan();
      put(root, 'r1.joblib', 'rewritten', 'y'.repeat(3));
      rmSync(path.join(root, 'r10.joblib'));
      const { pages } = await scanWithPage(await CacheStore.open(root, { indexDir }), 50);
      const byKey = new Map(pages[0].report?.artifacts.map((a) => [a.key, a]));
      assert.deepEqual(byKey.get('r1.joblib')?.additionalMetadata, { note: 'rewritten' });
      assert.equal(byKey.get('r1.joblib')?.sizeBytes, 3);
      assert.equal(byKey.get('r10.joblib')?.dataExists, false);
      // Code-unit order without a comparator: r0, r1, r10, r100, ...
      assert.deepEqual(
        pages[0].report?.artifacts.slice(0, 4).map((a) => a.key),
        ['r0.joblib', 'r1.joblib', 'r10.joblib', 'r100.joblib'],
      );
    } finally {
      rmSync(path.dirname(root), { recursive: true, force: true });
      rmSync(indexDir, { recursive: true, force: true });
    }
  });

  it('is not reported for a store at most twice the page', async () => {
    const root = bigStore();
    try {
      const { pages, full } = await scanWithPage(await CacheStore.open(root), 300);
      assert.equal(pages.length, 0);
      assert.equal(full.artifacts.length, 599);
    } finally {
      rmSync(path.dirname(root), { recursive: true, force: true });
    }
  });
});
