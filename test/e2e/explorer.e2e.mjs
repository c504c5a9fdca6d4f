// The Caches view as a user meets it: stores with counts, artifacts with size · age, the
// Problems node of a damaged store, the filter in the view's title, the status bar item.
import assert from 'node:assert/strict';

export const title = 'the Caches view lists artifacts, problems and filters them';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.openXpersistView();
  const seed = await wb.waitForRow(/^seed-demo/);
  assert.match(seed.description, /^2 artifacts · \d/);
  const bar = await wb.waitForRow(/^bar\.zarr/);
  assert.match(
    bar.description,
    /^\d+(\.\d)? KB · (\d+ (min|h|days?) ago|just now)$/,
    `bar.zarr row: ${JSON.stringify(bar)}`,
  );
  const broken = await wb.waitForRow(/^broken/);
  assert.match(broken.description, /artifacts/);
  const problems = await wb.waitForRow(/^Problems \d+/);
  wb.log(`problems row: ${problems.text}`);
  await wb.page
    .locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: /^Problems/ })
    .first()
    .click();
  await wb.waitForRow(/^Data without sidecar/);
  await wb.waitForRow(/^Invalid JSON sidecar/);
  const status = wb.page.locator('.statusbar-item', { hasText: /artifacts · / }).first();
  await status.waitFor({ timeout: 30_000 });
  wb.log(`status bar: ${(await status.textContent()).trim()}`);
  await wb.scrollToRow(/^seed-demo/);
  await wb.screenshot('1-tree');

  await wb.runCommand('xpersist: Filter...');
  await wb.quickPick('flow:my-flow', null);
  // The view's message says what the filter keeps (its title also carries "filter: ...").
  const message = wb.page.locator('#workbench\\.parts\\.sidebar').getByText('matching "flow:my-flow"');
  await message.first().waitFor({ timeout: 15_000 });
  const desc = wb.page.locator('#workbench\\.parts\\.sidebar .description', {
    hasText: 'filter: flow:my-flow',
  });
  await desc.first().waitFor({ state: 'attached', timeout: 15_000 });
  const rows = (await wb.allTreeRows()).filter((r) => r.level === 2 && /\.zarr/.test(r.label));
  assert.deepEqual(
    rows.map((r) => r.label),
    ['bar.zarr'],
    'only the my-flow artifact is left',
  );
  await wb.screenshot('2-filtered');
  await wb.runCommand('xpersist: Clear Filter');
  await message.first().waitFor({ state: 'detached', timeout: 15_000 });
}
