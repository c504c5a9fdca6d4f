// Previews of a zarr, a netCDF4, a CSV and a joblib artifact from the Caches view: the dims and
// variables read from the panel, a slider that changes the heatmap, screenshots in dark and
// light themes.
import assert from 'node:assert/strict';

export const title = 'previews of zarr, netCDF4, CSV and joblib artifacts';

/** Clicks an artifact row in the Caches view (its command opens the preview). */
async function openArtifact(wb, label) {
  await wb.waitForRow(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await wb.page.locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: label }).first().click();
  await wb.page
    .locator('.tab', { hasText: `Preview ${label}` })
    .first()
    .waitFor({ timeout: 30_000 });
  const t = await wb.inWebview('[data-testid="title"]');
  assert.equal((await t.textContent()).trim(), label);
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.setColorTheme('Dark Modern');
  await wb.openXpersistView();
  await wb.waitForRow(/^all-serializers/);

  // zarr: CF-decoded dataset, heatmap of a time slice, the slider moves it.
  await openArtifact(wb, 'tas_monthly.zarr');
  const dims = await (await wb.inWebview('[data-testid="dims"]')).textContent();
  for (const d of ['time: 24', 'lat: 36', 'lon: 72']) assert.ok(dims.includes(d), `dims ${dims}`);
  const vars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.deepEqual(vars.sort(), ['pr', 'region_mean_tas', 'region_name', 'tas']);
  const canvas = await wb.inWebview('canvas.heatmap-canvas');
  const before = await canvas.evaluate((c) => c.toDataURL());
  const label = await (await wb.inWebview('[data-testid="slice-label-time"]')).textContent();
  wb.log(`heatmap at ${label}`);
  await canvas.scrollIntoViewIfNeeded();
  await wb.screenshot('1-zarr-dark');
  const slider = await wb.inWebview('[data-testid="slider-time"]');
  await slider.focus();
  for (let i = 0; i < 6; i++) await slider.press('ArrowRight');
  await wb.page.waitForTimeout(300);
  await wb.webview().locator('.plot:not(.busy) canvas.heatmap-canvas').first().waitFor({ timeout: 30_000 });
  const after = await (await wb.inWebview('canvas.heatmap-canvas')).evaluate((c) => c.toDataURL());
  const label2 = await (await wb.inWebview('[data-testid="slice-label-time"]')).textContent();
  assert.notEqual(label2, label, 'the slider moved the time');
  assert.notEqual(after, before, 'the heatmap changed with the slider');
  wb.log(`moved to ${label2}`);
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('2-zarr-slider');

  // netCDF4 (HDF5) with NaN land.
  await openArtifact(wb, 'sst_daily.nc');
  const ncVars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.ok(ncVars.includes('sst'), `netCDF variables ${ncVars}`);
  await wb.inWebview('canvas.heatmap-canvas');
  const nan = await (await wb.inWebview('[data-testid="nan-count"]')).textContent();
  assert.ok(Number(nan) > 0, 'land is NaN');
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('3-netcdf');

  // CSV (pandas index written as the first column).
  await openArtifact(wb, 'observations.csv');
  await wb.inWebview('.grid-body .grid-row .cell');
  const headers = await wb.webview().locator('.grid-header .col-name').allTextContents();
  wb.log(`csv columns ${JSON.stringify(headers)}`);
  assert.ok(headers.length >= 5, `columns ${headers}`);
  await wb.screenshot('4-csv-dark');

  // joblib: the object tree, nothing executed.
  await openArtifact(wb, 'run_config');
  const tree = await (await wb.inWebview('[data-testid="object-tree"]')).textContent();
  assert.match(tree, /dict/);
  await wb.screenshot('5-joblib');

  await wb.setColorTheme('Light Modern');
  await wb.page.locator('.tab', { hasText: 'Preview tas_monthly.zarr' }).first().click();
  await wb.inWebview('canvas.heatmap-canvas');
  const restored = await (await wb.inWebview('[data-testid="slice-label-time"]')).textContent();
  assert.equal(restored, label2, 'the slice survives hiding the panel');
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('6-zarr-light');
  await wb.page.locator('.tab', { hasText: 'Preview observations.csv' }).first().click();
  await wb.inWebview('.grid-body .grid-row .cell');
  await wb.screenshot('7-csv-light');
  await wb.setColorTheme('Dark Modern');

  // Reload the window: the panels come back through their serializer, on the same slice.
  await wb.page.reload();
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  const tab = wb.page.locator('.tab', { hasText: 'Preview tas_monthly.zarr' }).first();
  await tab.waitFor({ timeout: 60_000 });
  await tab.click();
  const again = await (await wb.inWebview('[data-testid="slice-label-time"]')).textContent();
  assert.equal(again, label2, 'the slice survives a window reload');
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('8-zarr-after-reload');
}
