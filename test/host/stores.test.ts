// The API finds the workspace's cache stores and scans them.
import * as assert from 'node:assert/strict';
import { api, inWorkspace, samePath } from './helpers';

suite('stores', () => {
  test('listStores() finds the workspace store caches/seed-demo', async () => {
    const stores = await (await api()).listStores();
    const seed = stores.find((s) => samePath(s.root, inWorkspace('caches/seed-demo')));
    assert.ok(seed, `caches/seed-demo not in ${JSON.stringify(stores.map((s) => s.root))}`);
    assert.equal(seed.source, 'workspace');
    assert.equal(typeof seed.name, 'string');
  });

  test('getReport() lists the seed flow artifacts', async () => {
    const xp = await api();
    const stores = await xp.listStores();
    const seed = stores.find((s) => samePath(s.root, inWorkspace('caches/seed-demo')));
    assert.ok(seed, 'caches/seed-demo is known');
    const report = await xp.getReport(seed.root);
    assert.ok(report, 'a report');
    assert.equal(report.isStore, true);
    assert.deepEqual(report.artifacts.map((a) => a.key).sort(), [
      'Wednesday-sample_flow-foo_task.zarr',
      'bar.zarr',
    ]);
    assert.deepEqual(report.problems, []);
    const bar = report.artifacts.find((a) => a.key === 'bar.zarr');
    assert.equal(bar?.serializer, 'xarray.zarr');
    assert.equal(bar?.dataExists, true);
  });

  test('the damaged store caches/broken is found and reports problems', async () => {
    const xp = await api();
    const stores = await xp.listStores();
    const broken = stores.find((s) => samePath(s.root, inWorkspace('caches/broken')));
    assert.ok(broken, `caches/broken not in ${JSON.stringify(stores.map((s) => s.root))}`);
    const report = await xp.getReport(broken.root);
    assert.ok(report && report.problems.length > 0, 'problems in caches/broken');
    const kinds = new Set(report.problems.map((p) => p.kind));
    for (const k of ['invalid-json', 'data-missing', 'orphan-data'])
      assert.ok(kinds.has(k as never), `a ${k} problem`);
  });

  test('refresh() resolves', async () => {
    await (await api()).refresh();
  });
});
