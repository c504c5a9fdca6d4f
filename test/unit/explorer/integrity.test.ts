// The integrity report on real broken caches: every problem the core finds is listed once with a
// fix or the step to take by hand, the offered fixes really repair the store, and the serializers
// the real xpersist 2021.12.17 cannot load are flagged (asked of the venv's interpreter).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import {
  buildIntegrityReport,
  type IntegrityStoreInput,
  integrityStatusText,
  integrityTally,
  renderIntegrityReport,
} from '../../../src/explorer/integrity';
import { parseSerializerList, SERIALIZER_QUERY, unloadableReason } from '../../../src/flows/serializers';
import { copyFixtureKind, runPython } from '../helpers';

const input = (root: string, report: IntegrityStoreInput['report'], refusal: string | null = null) => ({
  name: path.basename(root),
  root,
  report,
  scanError: null,
  refusal,
});

describe('serializers the installed xpersist cannot load', () => {
  const installed = parseSerializerList(runPython(SERIALIZER_QUERY));

  it("the venv's xpersist 2021.12.17 cannot load pandas.csv nor numpy.npy, and loads its own", () => {
    assert.ok(installed, 'the interpreter answered');
    for (const s of ['xarray.zarr', 'xarray.netcdf', 'joblib', 'xcollection'])
      assert.equal(unloadableReason(s, installed), null, s);
    assert.match(unloadableReason('pandas.csv', installed) ?? '', /Cant't find 'pandas\.csv' in registry/);
    assert.match(unloadableReason('pandas.csv', installed) ?? '', /current source registers it/);
    assert.match(unloadableReason('numpy.npy', installed) ?? '', /register\('numpy\.npy'\)/);
  });

  it('without an answer, only a name neither the release nor the source registers is flagged', () => {
    assert.equal(unloadableReason('pandas.csv', null), null);
    assert.equal(unloadableReason('pandas.parquet', null), null);
    assert.match(unloadableReason('numpy.npy', null) ?? '', /Neither xpersist 2021\.12\.17/);
  });

  it('the report lists each unloadable serializer of a store once, with its artifacts', async () => {
    const root = copyFixtureKind('all-serializers');
    const report = await (await CacheStore.open(root)).scan();
    const [s] = buildIntegrityReport([input(root, report)], (x) => unloadableReason(x, installed));
    const items = s.items.filter((i) => i.kind === 'unloadable-serializer');
    assert.deepEqual(
      items.map((i) => i.title),
      ['Serializer not loadable: numpy.npy', 'Serializer not loadable: pandas.csv'],
    );
    const csv = report.artifacts.filter((a) => a.serializer === 'pandas.csv').map((a) => a.key);
    assert.deepEqual(items[1].keys, csv);
    assert.equal(items[1].subject, `${csv.length} artifacts`);
    assert.ok(items.every((i) => i.fix === null && i.problem === null));
  });
});

describe('the status bar message after a check', () => {
  const installed = parseSerializerList(runPython(SERIALIZER_QUERY));

  it('counts only store problems; unloadable serializers are a note with their artifacts', async () => {
    const broken = path.join(copyFixtureKind('broken'), 'entries');
    const serializers = copyFixtureKind('all-serializers');
    const reports = [
      await (await CacheStore.open(broken)).scan(),
      await (await CacheStore.open(serializers)).scan(),
    ];
    const sections = buildIntegrityReport([input(broken, reports[0]), input(serializers, reports[1])], (x) =>
      unloadableReason(x, installed),
    );
    // Expected from the artifacts themselves: serializers counted per store, artifacts once each.
    const notLoadable = reports.map((r) =>
      r.artifacts.filter((a) => unloadableReason(a.serializer, installed)),
    );
    const serializerCount = notLoadable.reduce(
      (n, list) => n + new Set(list.map((a) => a.serializer)).size,
      0,
    );
    const artifactCount = notLoadable.flat().length;
    assert.ok(notLoadable[1].length >= 2, 'the fixture has artifacts the venv cannot load');
    const t = integrityTally(sections);
    assert.equal(t.problems, reports[0].problems.length + reports[1].problems.length);
    assert.ok(t.problems > 0);
    assert.deepEqual([t.serializers, t.unloadableArtifacts], [serializerCount, artifactCount]);
    assert.equal(
      integrityStatusText(sections),
      `Integrity check: ${t.problems} problems in 2 stores · ${serializerCount} serializers not loadable (${artifactCount} artifacts)`,
    );
  });

  it('a store whose only finding is an unloadable serializer has no problems', async () => {
    const root = copyFixtureKind('all-serializers');
    const report = await (await CacheStore.open(root)).scan();
    assert.equal(report.problems.length, 0, 'a clean store');
    const sections = buildIntegrityReport([input(root, report)], (x) => unloadableReason(x, installed));
    assert.match(
      integrityStatusText(sections),
      /^Integrity check: no problems in 1 store · 2 serializers not loadable \(\d+ artifacts\)$/,
    );
    // Without an interpreter's answer pandas.csv counts as known: only numpy.npy is noted.
    const guessed = buildIntegrityReport([input(root, report)], (x) => unloadableReason(x, null));
    assert.match(
      integrityStatusText(guessed),
      /^Integrity check: no problems in 1 store · 1 serializer not loadable \(1 artifact\)$/,
    );
    const none = buildIntegrityReport([input(root, report)], () => null);
    assert.equal(integrityStatusText(none), 'Integrity check: no problems in 1 store');
  });
});

describe('integrity report of a broken store', () => {
  it('every core problem once, in the core order, with a fix exactly when fixable, else advice', async () => {
    const root = copyFixtureKind('broken');
    const entries = path.join(root, 'entries');
    const report = await (await CacheStore.open(entries)).scan();
    assert.ok(report.problems.length >= 10);
    const [s] = buildIntegrityReport([input(entries, report)], (x) => unloadableReason(x, null));
    const problems = s.items.filter((i) => i.problem);
    assert.deepEqual(
      problems.map((i) => i.problem),
      report.problems,
    );
    for (const i of problems) {
      assert.equal(i.fix !== null, !!i.problem?.fixable, `${i.kind} ${i.subject}`);
      assert.ok(i.advice.length > 20, i.kind);
      assert.ok(!i.subject.startsWith('/'), `relative subject: ${i.subject}`);
    }
    const mismatch = problems.find((i) => i.kind === 'key-mismatch');
    assert.equal(mismatch?.fix, null);
    assert.match(mismatch?.advice ?? '', /rewrite the key field/);
    // A serializer nobody registers is flagged even without an interpreter answer.
    assert.ok(
      s.items.some((i) => i.kind === 'unloadable-serializer' && i.keys.includes('unknown-serializer')),
    );
  });

  it('a read-only store offers no fix and says why', async () => {
    const entries = path.join(copyFixtureKind('broken'), 'entries');
    const report = await (await CacheStore.open(entries)).scan();
    const [s] = buildIntegrityReport([input(entries, report, 'the store is read-only')], (x) =>
      unloadableReason(x, null),
    );
    assert.ok(s.items.every((i) => i.fix === null));
    const { text } = renderIntegrityReport([s], new Date());
    assert.match(text, /No fixes offered: the store is read-only/);
  });

  it('the fixes offered repair the store: fixing each in turn (rescanned, as the report does) leaves only those without one', async () => {
    const entries = path.join(copyFixtureKind('broken'), 'entries');
    const store = await CacheStore.open(entries);
    const [first] = buildIntegrityReport([input(entries, await store.scan())], (x) =>
      unloadableReason(x, null),
    );
    assert.ok(first.items.filter((i) => i.fix).length >= 10);
    // A deleted broken sidecar can leave its data behind as a new orphan: the report, rescanned
    // after every fix, offers that fix next, so the store ends clean in a bounded number of fixes.
    let fixes = 0;
    for (;;) {
      const [now] = buildIntegrityReport([input(entries, await store.scan())], (x) =>
        unloadableReason(x, null),
      );
      const next = now.items.find((i) => i.fix && i.problem);
      if (!next) {
        assert.deepEqual(
          now.items.filter((i) => i.problem).map((i) => `${i.kind} ${i.subject}`),
          first.items.filter((i) => i.problem && !i.fix).map((i) => `${i.kind} ${i.subject}`),
        );
        break;
      }
      assert.ok(++fixes <= 2 * first.items.length, 'fixes converge');
      await store.fixProblem(next.problem as never, { dryRun: false });
    }
  });

  it('the document: a heading per item where its anchor says, its fix line, and a clean store', async () => {
    const entries = path.join(copyFixtureKind('broken'), 'entries');
    const clean = copyFixtureKind('seed-demo');
    const store = await CacheStore.open(entries);
    const sections = buildIntegrityReport(
      [input(entries, await store.scan()), input(clean, await (await CacheStore.open(clean)).scan())],
      (x) => unloadableReason(x, null),
    );
    const at = new Date('2026-12-03T14:00:00Z');
    const { text, anchors } = renderIntegrityReport(sections, at);
    const lines = text.split('\n');
    assert.equal(anchors.length, sections[0].items.length);
    assert.match(
      lines[2],
      /^Checked 2 stores at 2026-12-03 14:00:00 UTC: \d+ problems, 1 serializer not loadable\.$/,
    );
    for (const a of anchors) {
      const item = sections[a.section].items[a.item];
      assert.equal(lines[a.line], `### ${a.item + 1}. ${item.title} — ${item.subject}`);
      const fixLine = lines.slice(a.line).find((l) => l.startsWith('Fix'));
      assert.ok(fixLine?.startsWith(item.fix ? `Fix: ${item.fix}.` : 'Fix by hand:'), fixLine);
    }
    const cleanAt = lines.indexOf(`## ${path.basename(clean)}`);
    assert.ok(cleanAt > 0 && lines.slice(cleanAt).includes('No problems.'));
  });
});
