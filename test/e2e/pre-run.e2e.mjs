// Before the first run, as a user meets it in the editor: a nested target in a store without
// auto_mkdir is a warning squiggle whose quick fix (Ctrl+.) adds the option, and a serializer the
// selected interpreter's xpersist 2021.12.17 does not register (pandas.csv) is an error in the
// Problems panel. Screenshots in dark, light and high-contrast themes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const title = 'pre-run checks: auto_mkdir quick fix and an unregistered serializer';

const FLOW = [
  'from prefect import Flow, task',
  'from xpersist import CacheStore, XpersistResult',
  'store = CacheStore("nested-store-not-yet")',
  '',
  '@task(target="regrid/era5/t2m.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))',
  'def regrid():',
  '    return 1',
  '',
  '@task(target="stations.csv", result=XpersistResult(store, serializer="pandas.csv"))',
  'def stations():',
  '    return 2',
  '',
  'with Flow("nested") as flow:',
  '    regrid()',
  '    stations()',
  '',
].join('\n');

/** The Problems panel's rows: "message" texts of its markers. */
async function problems(wb) {
  return wb.page.locator('.markers-panel .monaco-list-row').allTextContents();
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  writeFileSync(path.join(wb.workspace, 'flows', 'nested_flow.py'), FLOW);
  await wb.open();
  await wb.setColorTheme('Dark Modern');
  await wb.openFile('flows/nested_flow.py');
  const editor = wb.page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.squiggly-warning').first().waitFor({ timeout: 60_000 });
  await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  await wb.runCommand('View: Focus Problems');
  const rows = async () => (await problems(wb)).join('\n');
  await wb.page
    .locator('.markers-panel .monaco-list-row', { hasText: /auto_mkdir|folders/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await wb.page
    .locator('.markers-panel .monaco-list-row', { hasText: /pandas\.csv/ })
    .first()
    .waitFor({ timeout: 60_000 });
  const before = await rows();
  wb.log(`problems: ${before}`);
  assert.match(before, /but its CacheStore `store` \(line 3\) has no storage_options/);
  assert.match(before, /does not create the key's folders/);
  assert.match(before, /pandas\.csv/);
  for (const theme of ['Dark Modern', 'Light Modern', 'Dark High Contrast']) {
    await wb.setColorTheme(theme);
    await wb.page.waitForTimeout(300);
    await wb.screenshot(`1-problems-${theme.replace(/ /g, '-').toLowerCase()}`);
  }
  await wb.setColorTheme('Dark Modern');

  // The quick fix, from the warning's line, as Ctrl+. offers it.
  await editor.locator('.view-line', { hasText: 'regrid/era5/t2m.zarr' }).first().click();
  await wb.page.keyboard.press('Control+.');
  const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: /auto_mkdir/ }).first();
  await fix.waitFor({ timeout: 30_000 });
  await wb.screenshot('2-quick-fix');
  await fix.click();
  await editor.locator('.view-line', { hasText: 'storage_options' }).first().waitFor({ timeout: 15_000 });
  const line = (
    await editor.locator('.view-line', { hasText: 'storage_options' }).first().textContent()
  ).replace(/\u00a0/g, ' ');
  assert.equal(line, 'store = CacheStore("nested-store-not-yet", storage_options={"auto_mkdir": True})');
  const deadline = Date.now() + 30_000;
  while (/does not create the key's folders/.test(await rows()) && Date.now() < deadline)
    await wb.page.waitForTimeout(300);
  const after = await rows();
  assert.doesNotMatch(after, /does not create the key's folders/, 'the warning is gone after the fix');
  assert.match(after, /pandas\.csv/, 'the serializer error stays: only a registered serializer fixes it');
  await wb.screenshot('3-after-fix');
}
