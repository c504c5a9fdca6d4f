// The Caches view's filter as a user types it (issue 14 item 6): a store's Problems are filtered
// with its artifacts (a key term matches a problem's key or path), `age:>1y` and `age:<1d` are
// accepted and keep the old or the new artifacts (and hide the problems, which have no age), and
// the store and its Problems node count "N of M". Screenshots at a 300 px side bar in light, dark
// and high-contrast themes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeStore } from './lib/stores.mjs';

export const title = 'the filter narrows Problems too, accepts age:>1y and age:<1d, counts N of M';

const SIDEBAR = '#workbench\\.parts\\.sidebar';

/** The rows of one store: its own row, then every row below it up to the next store. */
async function storeSection(wb, name) {
  const rows = await wb.allTreeRows();
  const start = rows.findIndex((r) => r.level === 1 && r.label === name);
  assert.ok(start >= 0, `store ${name} in ${JSON.stringify(rows.map((r) => r.text))}`);
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return { store: rows[start], below: rows.slice(start + 1, end < 0 ? undefined : end) };
}

/** Sets the filter through its input box (Enter accepts it) and waits until the store row says `re`. */
async function filterBy(wb, text, storeRe) {
  await wb.runCommand('xpersist: Filter...');
  await wb.quickPick(text, null);
  const message = await wb.page
    .locator('.quick-input-widget .quick-input-message')
    .first()
    .textContent()
    .catch(() => '');
  assert.ok(!/must look like|needs a value/.test(message ?? ''), `"${text}" accepted (${message})`);
  return wb.waitForRow(storeRe, 20_000);
}

/** Expands the Problems row of the store `name` when it is collapsed. */
async function expandProblems(wb, name) {
  const { below } = await storeSection(wb, name);
  const problems = below.find((r) => r.level === 2 && r.label === 'Problems');
  assert.ok(problems, `a Problems row under ${name}`);
  if (problems.expanded) return;
  await wb.scrollToRow(
    new RegExp(`^Problems ${problems.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  await wb.page.locator(`${SIDEBAR} .monaco-list-row[data-index="${problems.index}"]`).click();
  await wb.page
    .locator(`${SIDEBAR} .monaco-list-row[data-index="${problems.index}"][aria-expanded="true"]`)
    .waitFor({ timeout: 10_000 });
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  writeStore(path.join(wb.workspace, 'caches/climate-runs'), {
    artifacts: [
      { key: 'old/tas_1999.joblib', ageDays: 800 },
      { key: 'old/pr_1999.joblib', ageDays: 600 },
      { key: 'new/tas_today.joblib', ageDays: 1 / 24 },
      { key: 'new/pr_today.joblib', ageDays: 2 / 24 },
    ],
    orphans: ['new/orphan_tas.joblib'],
    invalidJson: ['old/bad_pr.joblib'],
  });
  await wb.open();
  await wb.openXpersistView();
  const width = await wb.setSidebarWidth(300);
  assert.ok(Math.abs(width - 300) < 20, `side bar ~300 px (${width})`);
  await wb.runCommand('xpersist: Group Artifacts By...');
  await wb.quickPick('Flat list');
  const unfiltered = await wb.waitForRow(/^climate-runs 4 artifacts/);
  wb.log(`runs before the filter: ${unfiltered.description}`);
  const before = await storeSection(wb, 'climate-runs');
  const problemsBefore = before.below.find((r) => r.label === 'Problems');
  assert.match(problemsBefore?.description ?? '', /^2 · /, 'two problems before any filter');

  // A key word: two of the four artifacts, one of the two problems (the orphan's path has "tas").
  const store = await filterBy(wb, 'tas', /^climate-runs 2 of 4 artifacts/);
  wb.log(`runs filtered by "tas": ${store.description}`);
  await expandProblems(wb, 'climate-runs');
  const tas = await storeSection(wb, 'climate-runs');
  wb.log(`rows under runs: ${JSON.stringify(tas.below.map((r) => r.text))}`);
  const problems = tas.below.find((r) => r.label === 'Problems');
  assert.match(problems?.description ?? '', /^1 of 2 · /, 'the Problems node counts 1 of 2');
  const problemRows = tas.below.filter((r) => r.level === 3);
  assert.equal(problemRows.length, 1, 'one problem row is left');
  assert.match(problemRows[0].text, /orphan_tas\.joblib/);
  const keys = tas.below.filter((r) => r.level === 2 && r.label !== 'Problems').map((r) => r.text);
  assert.equal(keys.length, 2, `two artifacts: ${JSON.stringify(keys)}`);
  for (const k of keys) assert.match(k, /tas_(1999|today)\.joblib/);
  await wb.scrollToRow(/^climate-runs /);
  for (const [theme, name] of [
    ['Light Modern', 'light'],
    ['Dark Modern', 'dark'],
    ['Dark High Contrast', 'high-contrast'],
  ]) {
    await wb.setColorTheme(theme);
    await wb.scrollToRow(/^climate-runs /);
    await wb.screenshot(`1-tas-${name}`);
  }
  await wb.setColorTheme('Dark Modern');

  // age:>1y: the two artifacts from 1999's runs; problems have no age, so none is left.
  await filterBy(wb, 'age:>1y', /^climate-runs 2 of 4 artifacts/);
  const old = await storeSection(wb, 'climate-runs');
  wb.log(`rows under runs for age:>1y: ${JSON.stringify(old.below.map((r) => r.text))}`);
  assert.deepEqual(
    old.below.filter((r) => r.level === 2).map((r) => /(\w+_\w+)\.joblib/.exec(r.label)?.[1]),
    ['pr_1999', 'tas_1999'],
    'only the artifacts over a year old, and no Problems node',
  );
  await wb.screenshot('2-age-over-1y');

  // age:<1d with a key word: one artifact; the key word still finds the orphan's problem (a
  // problem has no age to compare, src/explorer/filter.ts problemMatchesFilter).
  await filterBy(wb, 'age:<1d tas', /^climate-runs 1 of 4 artifacts/);
  const today = await storeSection(wb, 'climate-runs');
  const level2 = today.below.filter((r) => r.level === 2);
  assert.deepEqual(
    level2.filter((r) => r.label !== 'Problems').map((r) => /(\w+_\w+)\.joblib/.exec(r.label)?.[1]),
    ['tas_today'],
  );
  assert.match(level2.find((r) => r.label === 'Problems')?.description ?? '', /^1 of 2 · /);
  await wb.screenshot('3-age-under-1d');

  // A malformed age is refused in the input, with the syntax it wants.
  await wb.runCommand('xpersist: Filter...');
  const input = wb.page.locator('.quick-input-widget input').first();
  await input.fill('age:>1 year');
  const why = wb.page.locator('.quick-input-widget .quick-input-message', { hasText: /must look like/ });
  await why.first().waitFor({ timeout: 10_000 });
  wb.log(`malformed age: ${(await why.first().textContent()).trim()}`);
  await wb.page.keyboard.press('Escape');
  await wb.runCommand('xpersist: Clear Filter');
  await wb.waitForRow(/^climate-runs 4 artifacts/, 20_000);
}
