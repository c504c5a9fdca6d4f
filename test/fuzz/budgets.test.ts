// The bounded fuzz suite (part of the unit tier): seeded mutations of the real fixtures for every
// family, plus a replay of every regression fixture in test/fixtures/fuzz/, judged against the
// budgets of docs/ARCHITECTURE.md ("Hostile input"). Each case runs in a worker thread with a
// deadline and a memory watch, so one runaway fails one case. XPERSIST_FUZZ_SCALE multiplies the
// case counts (0.1 for a quick look). The long mode is `npm run fuzz -- --minutes N`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../unit/helpers';
import { Campaign } from './campaign';
import { FAMILIES, type Family } from './families';
import { caseId, knownDefects, loadRegressions } from './regressions';

/** Cases per family: together about a minute on one loaded core. */
const COUNTS: Record<Family, number> = {
  sidecar: 120,
  zarr: 120,
  netcdf3: 200,
  hdf5: 150,
  parquet: 150,
  csv: 150,
  pickle: 200,
  python: 60,
  template: 400,
};
const scale = Number(process.env.XPERSIST_FUZZ_SCALE ?? 1) || 1;
const fixtures = path.join(repoRoot(), 'test/fixtures/fuzz');
const known = knownDefects(fixtures);
const regressions = loadRegressions(fixtures);
const kept = new Set(regressions.map((r) => r.id));
const campaign = new Campaign(repoRoot(), __dirname, known);

after(async () => {
  const figures = Object.fromEntries(campaign.stats);
  writeFileSync(path.join(__dirname, '..', 'fuzz-summary.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await campaign.close();
});

for (const family of FAMILIES) {
  const count = Math.max(1, Math.round(COUNTS[family] * scale));
  test(`fuzz ${family}: ${count} seeded cases within budget`, async (t) => {
    const all = await campaign.runSeeds(family, 1, count, kept);
    t.diagnostic(campaign.summary(family));
    // Known defects (kept as fixtures, named in known.json) are replayed as todo tests below.
    for (const f of all.filter((x) => x.known)) t.diagnostic(`known: ${f.case.name}: ${f.known}`);
    const failures = all.filter((x) => !x.known);
    const lines = failures.map(
      (f) => `${f.case.name} [${caseId(f.case)}]\n      ${f.problems.join('\n      ')}`,
    );
    assert.equal(
      failures.length,
      0,
      `${failures.length} cases over budget (npm run fuzz -- --family ${family} keeps such cases):\n    ${lines.join('\n    ')}`,
    );
  });
}

for (const reg of regressions) {
  const why = known[reg.id];
  test(`fuzz regression ${reg.id} (${reg.case.name.slice(0, 80)})`, { todo: why }, async () => {
    const v = await campaign.run(reg.case);
    assert.ok(v.ok, `still fails: ${v.problems.join('; ')}`);
  });
}
