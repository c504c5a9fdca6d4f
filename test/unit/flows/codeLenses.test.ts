// Which lenses a flow file gets and what they say (src/flows/codeLenses.ts), from a real analysis
// and report: state lenses per distinct use, actions only where the state and the access allow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LensInput, type LensSpec, planLenses } from '../../../src/flows/codeLenses';
import { fileCacheStates } from '../../../src/flows/fileStates';
import type { WriteAccess } from '../../../src/flows/taskActions';
import { analyzePython } from '../../../src/python/index';
import { entry, report } from './reports';

const ROOT = '/data/cache';
const URI = 'file:///ws/f.py';
const NOW = new Date('2026-11-25T12:00:00Z');
const writable: WriteAccess = { trusted: true, readonlyReason: () => null };

function plan(src: string, keys: string[], opts: Partial<LensInput> = {}): LensSpec[] {
  const analysis = analyzePython(src);
  const flows = fileCacheStates(analysis, {
    now: NOW,
    reports: [
      report(
        ROOT,
        keys.map((k) => entry(ROOT, k)),
      ),
    ],
  });
  return planLenses({
    uri: URI,
    analysis,
    flows,
    evaluatedAt: NOW,
    asOfGiven: false,
    access: writable,
    ...opts,
  });
}

const header = `from prefect import Flow, Parameter, task
from xpersist import CacheStore, XpersistResult
store = CacheStore("${ROOT}")
res = XpersistResult(store, serializer="xarray.zarr")
`;

// Tasks on lines 6, 8 and 10; the flow on line 13.
const oneFlow = `${header}
@task(target="raw.zarr", result=res)
def raw(): ...
@task(target="clean.zarr", result=res)
def clean(ds): ...
@task(target="unused.zarr", result=res)
def unused(): ...

with Flow("f") as flow:
    clean(raw())
`;

const brief = (ls: LensSpec[]) => ls.map((l) => `${l.line} ${l.title}`);

describe('code lenses planned without vscode', () => {
  it('a cached task: its state (revealing the artifact), Preview, Invalidate, Reveal, Rerun', () => {
    const ls = plan(oneFlow, ['raw.zarr']).filter((l) => l.line === 6);
    const ref = { uri: URI, node: 'raw-1', flowIndex: 0 };
    assert.deepEqual(ls, [
      {
        line: 6,
        title: '$(pass-filled) cached · raw.zarr · 1000 B · just now',
        tooltip: `store ${ROOT}`,
        command: 'xpersist.revealArtifact',
        arguments: [ROOT, 'raw.zarr'],
      },
      {
        line: 6,
        title: 'Preview',
        command: 'xpersist.preview',
        arguments: [{ root: ROOT, key: 'raw.zarr' }],
      },
      {
        line: 6,
        title: 'Invalidate',
        tooltip: 'Delete raw.zarr (asks first, listing the exact paths)',
        command: 'xpersist.invalidateTask',
        arguments: [ref],
      },
      { line: 6, title: 'Reveal', command: 'xpersist.revealArtifact', arguments: [ROOT, 'raw.zarr'] },
      {
        line: 6,
        title: 'Rerun',
        tooltip: 'Invalidate this target (asks first), then run the flow',
        command: 'xpersist.rerunTask',
        arguments: [ref],
      },
    ]);
  });

  it('a not-cached task offers only Rerun; a task no flow uses says so; each flow its graph and run', () => {
    assert.deepEqual(brief(plan(oneFlow, ['raw.zarr']).filter((l) => l.line !== 6)), [
      '8 $(circle-large-outline) not cached · clean.zarr',
      '8 Rerun',
      '10 $(circle-slash) not used in a flow in this file: no cache state',
      '13 $(type-hierarchy) Show Flow Graph',
      '13 $(play) Run Flow',
    ]);
    const flowLens = plan(oneFlow, []).find((l) => l.title === '$(play) Run Flow');
    assert.deepEqual(flowLens?.arguments, [{ uri: URI, flowIndex: 0 }]);
  });

  it('offers nothing that deletes in a read-only store, and no run at all untrusted', () => {
    const readonly: WriteAccess = { trusted: true, readonlyReason: () => 'setting' };
    assert.deepEqual(
      brief(plan(oneFlow, ['raw.zarr'], { access: readonly })).filter((t) => !/ \$\(/.test(t)),
      ['6 Preview', '6 Reveal', '8 Rerun'],
      'a plain run of a not-cached target writes, it deletes nothing: still offered',
    );
    const untrusted: WriteAccess = { trusted: false, readonlyReason: () => null };
    assert.deepEqual(
      brief(plan(oneFlow, ['raw.zarr'], { access: untrusted })).filter((t) => !/ \$\(/.test(t)),
      ['6 Preview', '6 Reveal'],
    );
    assert.ok(!plan(oneFlow, [], { access: untrusted }).some((l) => l.command === 'xpersist.runFlow'));
  });

  it('a task used by two flows: one set per distinct state, named by flow; identical uses once', () => {
    const twoFlows = `${header}
@task(target="{region}.zarr", result=res)
def raw(region): ...
@task(target="same.zarr", result=res)
def same(): ...

with Flow("east") as east:
    raw(Parameter("region", default="east"))
    same()

with Flow("west") as west:
    raw(Parameter("region", default="west"))
    same()
`;
    const ls = plan(twoFlows, ['east.zarr', 'same.zarr'], { asOfGiven: true });
    assert.deepEqual(brief(ls.filter((l) => l.line === 6)), [
      '6 east: $(pass-filled) cached · east.zarr · 1000 B · just now (as of 2026-11-25)',
      '6 Preview',
      '6 Invalidate',
      '6 Reveal',
      '6 Rerun',
      '6 west: $(circle-large-outline) not cached · west.zarr (as of 2026-11-25)',
      '6 Rerun',
    ]);
    assert.deepEqual(
      ls.filter((l) => l.line === 6 && l.title === 'Rerun').map((l) => l.arguments),
      [[{ uri: URI, node: 'raw-1', flowIndex: 0 }], [{ uri: URI, node: 'raw-1', flowIndex: 1 }]],
    );
    // Both flows' uses of same() have one state: no flow name, its lenses once.
    assert.deepEqual(brief(ls.filter((l) => l.line === 8)), [
      '8 $(pass-filled) cached · same.zarr · 1000 B · just now (as of 2026-11-25)',
      '8 Preview',
      '8 Invalidate',
      '8 Reveal',
      '8 Rerun',
    ]);
  });
});
