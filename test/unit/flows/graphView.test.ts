// What the flow graph's hovers say (issue 14 item 4): task names, never the graph's internal node
// ids ("get_data-1"), for the nodes and for the edges between them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileCacheStates } from '../../../src/flows/fileStates';
import { buildGraphView } from '../../../src/flows/graphView';
import { analyzePython } from '../../../src/python/index';
import { entry, report } from './reports';

const ROOT = '/data/cache';
const NOW = new Date('2026-11-25T12:00:00Z');
const src = `from prefect import Flow, task
from xpersist import CacheStore, XpersistResult
store = CacheStore("${ROOT}")
res = XpersistResult(store, serializer="xarray.zarr")

@task(target="t2m_daily-1.zarr", result=res)
def get_data(): ...
@task
def total(ds): ...
@task
def report(x): ...

with Flow("f") as flow:
    ds = get_data()
    t = total(ds)
    report(t, upstream_tasks=[ds])
`;

describe('flow graph view', () => {
  it('names edges by their tasks, not by node ids', () => {
    const flows = fileCacheStates(analyzePython(src), {
      now: NOW,
      reports: [report(ROOT, [entry(ROOT, 't2m_daily-1.zarr')])],
    });
    const m = buildGraphView(flows[0], '/ws/f.py', { now: NOW });
    const ids = m.nodes.map((n) => n.id);
    assert.ok(
      ids.some((id) => /^get_data-\d+$/.test(id)),
      `node ids are internal: ${ids.join(', ')}`,
    );
    const tips = m.edges.map((e) => e.tooltip).sort();
    assert.deepEqual(tips, [
      'get_data → report (upstream_tasks)',
      'get_data → total (data)',
      'total → report (data)',
    ]);
    for (const t of tips) assert.doesNotMatch(t, /-\d/, `no node id in "${t}"`);
  });
});
