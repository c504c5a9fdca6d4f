// The integrity report (issue 14 item 10): Check Store Integrity opens a document with a heading
// per problem and its fix as a lens, not a toast; a fix from its lens asks with the exact path and
// the report re-renders without that problem. The tree marks artifacts whose serializer the venv's
// xpersist 2021.12.17 cannot load (item 1). Screenshots in light, dark and high contrast.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const title =
  'the integrity report lists each problem with its fix, and unloadable serializers are marked';

const FIX = 'Delete the sidecar (the target becomes a cache miss)';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.openXpersistView();
  // xpersist 2021.12.17 has no pandas.csv nor numpy.npy serializer: those rows say so. Until the
  // venv's interpreter has answered, only numpy.npy is flagged (no xpersist source registers it):
  // wait until the row reads so.
  let csv = await wb.waitForRow(/^daily_summary\.csv/);
  for (
    const deadline = Date.now() + 90_000;
    !/^not loadable · /.test(csv.description) && Date.now() < deadline;
  ) {
    await wb.page.waitForTimeout(500);
    csv = await wb.waitForRow(/^daily_summary\.csv/);
  }
  assert.match(csv.description, /^not loadable · /, JSON.stringify(csv));
  const npy = await wb.waitForRow(/^anomaly_field\.npy/);
  assert.match(npy.description, /^not loadable · /);
  const zarr = await wb.waitForRow(/^tas_monthly\.zarr/);
  assert.doesNotMatch(zarr.description, /not loadable/);

  // From the damaged store's context menu: the report of that store alone.
  // Under load a click can land while the menu is still being laid out and do nothing (seen in
  // CI: the menu stayed open, no report): the menu is opened and clicked again, up to 3 times.
  const tab = wb.page.locator('.tabs-container .tab', { hasText: 'xpersist integrity report' }).first();
  for (let attempt = 1; ; attempt++) {
    await wb.scrollToRow(/^broken/);
    await wb.page
      .locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: /^broken/ })
      .first()
      .click({ button: 'right' });
    const item = wb.page.locator('.context-view .action-label', { hasText: 'Check Store Integrity' }).first();
    await item.waitFor({ timeout: 10_000 });
    await wb.page.waitForTimeout(200);
    await item.click();
    const opened = await tab.waitFor({ timeout: 20_000 }).then(
      () => true,
      () => false,
    );
    if (opened) break;
    wb.log(`attempt ${attempt}: no report tab after the menu click`);
    if (attempt === 3) await tab.waitFor({ timeout: 1 });
    await wb.page.keyboard.press('Escape');
  }
  const editor = wb.page.locator('.editor-instance .monaco-editor').first();
  await editor
    .locator('.view-line', { hasText: '# xpersist integrity report' })
    .first()
    .waitFor({ timeout: 30_000 });
  assert.equal(
    await wb.page.locator('.notification-toast', { hasText: 'Integrity check' }).count(),
    0,
    'no toast',
  );
  await wb.page.locator('.codelens-decoration a', { hasText: FIX }).first().waitFor({ timeout: 30_000 });
  const lenses = await wb.codeLensTexts();
  wb.log(`lenses: ${lenses.slice(0, 8).join(' | ')}`);
  assert.ok(lenses.some((l) => /Delete orphan data/.test(l)));
  const heading = (key) => editor.locator('.view-line', { hasText: `— ${key}` });
  assert.equal(await heading('data-missing.joblib').count(), 1);
  for (const [theme, shot] of [
    ['Light Modern', '1-report-light'],
    ['Dark Modern', '2-report-dark'],
    ['Dark High Contrast', '3-report-high-contrast'],
  ]) {
    await wb.setColorTheme(theme);
    await wb.screenshot(shot);
  }
  await wb.setColorTheme('Dark Modern');

  // The first problem's fix from its lens: the confirmation lists the sidecar, the report follows.
  const sidecar = path.join(
    wb.workspace,
    'caches/broken/xpersist_metadata_store/data-missing.joblib.artifact.json',
  );
  assert.ok(existsSync(sidecar));
  await wb.page.locator('.codelens-decoration a', { hasText: FIX }).first().click();
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  assert.match(await dialog.textContent(), /data-missing\.joblib\.artifact\.json/);
  await wb.screenshot('4-fix-confirm');
  await dialog.locator('.monaco-button', { hasText: FIX }).click();
  await heading('data-missing.joblib').first().waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal(await heading('data-missing.zarr').count(), 1, 'the other problems stay');
  assert.ok(!existsSync(sidecar), 'the sidecar is gone');
  await wb.screenshot('5-after-fix');
}
