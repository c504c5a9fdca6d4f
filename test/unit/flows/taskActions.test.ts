// Which destructive task actions the lenses and the graph offer: none where the host would
// refuse (an untrusted workspace, a read-only store); states from a real analysis and report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileCacheStates } from '../../../src/flows/fileStates';
import { buildGraphView } from '../../../src/flows/graphView';
import {
  invalidationKeys,
  offersInvalidate,
  offersRerun,
  type WriteAccess,
} from '../../../src/flows/taskActions';
import { analyzePython } from '../../../src/python/index';
import { entry, report } from './reports';

const ROOT = '/data/cache';
const NOW = new Date('2026-11-25T12:00:00Z');
const src = `from prefect import Flow, task
from xpersist import CacheStore, XpersistResult
store = CacheStore("${ROOT}")
res = XpersistResult(store, serializer="xarray.zarr")

@task(target="raw.zarr", result=res)
def raw(): ...
@task(target="clean.zarr", result=res)
def clean(ds): ...

with Flow("f") as flow:
    clean(raw())
`;

const flows = fileCacheStates(analyzePython(src), {
  now: NOW,
  reports: [report(ROOT, [entry(ROOT, 'raw.zarr')])],
});
const byTask = new Map(flows[0].states.map((s) => [s.task, s]));
const cached = byTask.get('raw');
const missing = byTask.get('clean');

const writable: WriteAccess = { trusted: true, readonlyReason: () => null };
const readonlyStore: WriteAccess = { trusted: true, readonlyReason: (r) => (r === ROOT ? 'setting' : null) };
const untrusted: WriteAccess = { trusted: false, readonlyReason: () => null };

describe('task actions', () => {
  it('offer Invalidate and Rerun of a cached target only where the delete is allowed', () => {
    assert.ok(cached && missing);
    assert.equal(cached.status, 'cached');
    assert.deepEqual(invalidationKeys(cached), ['raw.zarr']);
    assert.equal(offersInvalidate(cached, writable), true);
    assert.equal(offersRerun(cached, writable), true);
    assert.equal(offersInvalidate(cached, readonlyStore), false, 'read-only store: no Invalidate');
    assert.equal(offersRerun(cached, readonlyStore), false, 'its Rerun would delete first: not offered');
    assert.equal(offersInvalidate(cached, untrusted), false);
    assert.equal(offersRerun(cached, untrusted), false);
  });

  it('offer a not-cached target no Invalidate, and its Rerun (a plain run) in a read-only store too', () => {
    assert.ok(missing);
    assert.equal(missing.status, 'not-cached');
    assert.equal(offersInvalidate(missing, writable), false);
    assert.equal(offersRerun(missing, readonlyStore), true);
    assert.equal(offersRerun(missing, untrusted), false);
  });

  it('are what the graph nodes carry, and nothing destructive without access', () => {
    const node = (access: WriteAccess | undefined, task: string) => {
      const m = buildGraphView(flows[0], '/ws/f.py', { now: NOW, ...(access ? { access } : {}) });
      const n = m.nodes.find((x) => x.label === task);
      assert.ok(n);
      return { trusted: m.trusted, canInvalidate: n.canInvalidate, canRerun: n.canRerun };
    };
    assert.deepEqual(node(writable, 'raw'), { trusted: true, canInvalidate: true, canRerun: true });
    assert.deepEqual(node(readonlyStore, 'raw'), { trusted: true, canInvalidate: false, canRerun: false });
    assert.deepEqual(node(readonlyStore, 'clean'), { trusted: true, canInvalidate: false, canRerun: true });
    assert.deepEqual(node(untrusted, 'raw'), { trusted: false, canInvalidate: false, canRerun: false });
    assert.deepEqual(node(undefined, 'raw'), { trusted: false, canInvalidate: false, canRerun: false });
  });
});
