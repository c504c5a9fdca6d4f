import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { parseFilter } from '../../../src/explorer/filter';
import {
  artifactLabel,
  buildStoreModel,
  commonFolder,
  type GroupModel,
  labelInGroup,
  naturalCompare,
  shortLabel,
} from '../../../src/explorer/treeModel';
import { copyFixtureKind } from '../helpers';

const labels = (g: GroupModel) => g.groups.map((c) => c.label);

describe('tree model on real caches', async () => {
  const report = await (await CacheStore.open(copyFixtureKind('all-serializers'))).scan();
  const seed = await (await CacheStore.open(copyFixtureKind('seed-demo'))).scan();

  it('flat: every artifact sorted by key', () => {
    const m = buildStoreModel(report, { groupBy: 'flat', sortBy: 'key', filter: null });
    assert.equal(m.root.artifacts.length, 18);
    assert.equal(m.root.count, 18);
    assert.deepEqual(
      m.root.artifacts.map((a) => a.key),
      report.artifacts.map((a) => a.key),
    );
  });
  it('folder: nested keys as folders, labels are the last segment', () => {
    const m = buildStoreModel(report, { groupBy: 'folder', sortBy: 'key', filter: null });
    assert.deepEqual(labels(m.root), ['experiments']);
    const exp = m.root.groups[0];
    assert.deepEqual(labels(exp), ['run1', 'run2']);
    assert.equal(exp.count, 3);
    assert.deepEqual(
      exp.groups[0].artifacts.map((a) => artifactLabel(a, 'folder')),
      ['metrics.csv', 'output.zarr'],
    );
    assert.equal(m.root.artifacts.length, 15);
  });
  it('flow/task from additional_metadata, unknown last', () => {
    const m = buildStoreModel(seed, { groupBy: 'flowTask', sortBy: 'key', filter: null });
    assert.deepEqual(labels(m.root), ['my-flow', 'sample_flow']);
    assert.deepEqual(labels(m.root.groups[0]), ['get_data']);
    const all = buildStoreModel(report, { groupBy: 'flowTask', sortBy: 'key', filter: null });
    assert.deepEqual(labels(all.root), ['postprocess', '(no flow recorded)']);
  });
  it('serializer and date groups', () => {
    const bySer = buildStoreModel(report, { groupBy: 'serializer', sortBy: 'key', filter: null });
    assert.deepEqual(labels(bySer.root), [
      'joblib',
      'numpy.npy',
      'pandas.csv',
      'xarray.netcdf',
      'xarray.zarr',
    ]);
    const byDate = buildStoreModel(report, {
      groupBy: 'date',
      sortBy: 'key',
      filter: null,
      now: new Date('2026-11-25T20:00:00Z'),
    });
    assert.equal(byDate.root.groups.length, 1);
    assert.match(byDate.root.groups[0].label, /^Today \(2026-11-2[56]\)$/);
  });
  it('sorts by size and by age', () => {
    const bySize = buildStoreModel(report, { groupBy: 'flat', sortBy: 'size', filter: null });
    const sizes = bySize.root.artifacts.map((a) => a.sizeBytes ?? 0);
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
    const byAge = buildStoreModel(report, { groupBy: 'flat', sortBy: 'age', filter: null });
    const times = byAge.root.artifacts.map((a) => a.createdAt?.getTime() ?? 0);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });
  it('filters before grouping and counts what is shown', () => {
    const m = buildStoreModel(report, { groupBy: 'folder', sortBy: 'key', filter: parseFilter('*.zarr') });
    assert.equal(m.shown, 3);
    assert.equal(m.total, 18);
    assert.equal(m.root.count, 3);
  });
  it('sums bytes per group', () => {
    const m = buildStoreModel(report, { groupBy: 'serializer', sortBy: 'key', filter: null });
    assert.equal(m.root.bytes, report.totalBytes);
    assert.ok(path.isAbsolute(report.root));
  });
});

describe('tree labels and order at scale', () => {
  it('sorts keys naturally: r1i1p1f1, r2…, r10… and run2 before run10', () => {
    const keys = ['r10i1p1f1/tas.zarr', 'r1i1p1f1/tas.zarr', 'r2i1p1f1/tas.zarr', 'B.zarr', 'a.zarr'];
    assert.deepEqual([...keys].sort(naturalCompare), [
      'a.zarr',
      'B.zarr',
      'r1i1p1f1/tas.zarr',
      'r2i1p1f1/tas.zarr',
      'r10i1p1f1/tas.zarr',
    ]);
  });

  it('keeps the first segment and the differing tail of long keys (300 px side bar)', () => {
    const a = shortLabel('cmip6/CMIP/NCAR/CESM2/historical/r10i1p1f1/Amon/pr/gn/1999.csv');
    const b = shortLabel('cmip6/CMIP/NCAR/CESM2/historical/r10i1p1f1/Amon/pr/gn/2000.csv');
    assert.ok(a.length <= 30, a);
    assert.ok(a.startsWith('cmip6/…'), a);
    assert.ok(a.endsWith('/pr/gn/1999.csv'), a);
    assert.notEqual(a, b);
    assert.equal(
      shortLabel('cmip6/CMIP/NCAR/CESM2/historical/r10i1p1f1/Amon/pr/gn/1999.csv'),
      'cmip6/…/Amon/pr/gn/1999.csv',
      'alone, the end is kept',
    );
    const g = {
      artifacts: [1, 10].map((m) => ({
        key: `cmip6/CMIP/NCAR/CESM2/historical/Amon/r${m}i1p1f1/pr/1999.csv`,
      })),
    } as unknown as GroupModel;
    const common = commonFolder(g);
    assert.equal(common, 'cmip6/CMIP/NCAR/CESM2/historical/Amon/');
    assert.deepEqual(
      g.artifacts.map((a) => labelInGroup(a, 'flat', common)),
      ['…r1i1p1f1/pr/1999.csv', '…r10i1p1f1/pr/1999.csv'],
      'in a group the shared folders go and what differs stays',
    );
    assert.equal(shortLabel('bar.zarr'), 'bar.zarr');
    assert.equal(shortLabel('x'.repeat(50)).length, 30);
  });
});
