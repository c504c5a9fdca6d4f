// What the walkthrough's buttons open, on the real demo caches: the seed flow's store before any
// other, an artifact with the richest preview, the shallowest seed_flow.py.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { pickDemoArtifact, pickDemoStore, pickSeedFlow } from '../../../src/explorer/walkthrough';
import { copyFixtureKind } from '../helpers';

describe('walkthrough targets', async () => {
  const scanned = async (kind: string, as?: string) => {
    const root = copyFixtureKind(kind);
    return {
      root: as ? path.join(root, as) : root,
      name: as ?? kind,
      report: await (await CacheStore.open(root)).scan(),
    };
  };
  const seed = await scanned('seed-demo');
  const all = await scanned('all-serializers');
  const broken = {
    ...(await scanned('broken')),
    report: await (await CacheStore.open(path.join(copyFixtureKind('broken'), 'entries'))).scan(),
  };

  it("the seed flow's own store first, then the demo's copy, then any store with artifacts", () => {
    const mine = { ...seed, root: '/tmp/my-cache/', name: 'my-cache' };
    const emptyMine = { root: '/tmp/my-cache', name: 'my-cache', report: null };
    assert.equal(pickDemoStore([all, seed, mine]), mine);
    assert.equal(pickDemoStore([emptyMine, all, seed]), seed, 'an unscanned my-cache is not the demo yet');
    assert.equal(pickDemoStore([emptyMine, all]), all);
    assert.equal(pickDemoStore([emptyMine]), emptyMine, 'a store, even unscanned, rather than none');
    assert.equal(pickDemoStore([]), null);
  });

  it('the artifact to preview: data present, no problem, a dataset before a table, natural order', () => {
    assert.equal(pickDemoArtifact(seed.report)?.key, 'bar.zarr');
    const a = pickDemoArtifact(all.report);
    assert.equal(a?.serializer, 'xarray.zarr');
    const b = pickDemoArtifact(broken.report);
    assert.ok(b?.dataExists && b.problems.length === 0, b?.key);
    assert.ok(!broken.report.problems.some((p) => p.key === b.key), `${b.key} has no problem`);
    assert.equal(pickDemoArtifact(null), null);
  });

  it('the shallowest seed_flow.py, never a file that only ends like it', () => {
    assert.equal(
      pickSeedFlow(['/w/a/b/flows/seed_flow.py', '/w/flows/seed_flow.py', '/w/flows/my_seed_flow.py']),
      '/w/flows/seed_flow.py',
    );
    assert.equal(pickSeedFlow(['/w/flows/my_seed_flow.py', '/w/x.py']), null);
    assert.equal(pickSeedFlow(['C:\\w\\flows\\seed_flow.py']), 'C:\\w\\flows\\seed_flow.py');
  });
});
