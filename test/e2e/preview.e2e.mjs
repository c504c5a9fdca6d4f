// Previews of a zarr, a netCDF4, a CSV and a joblib artifact from the Caches view: the dims and
// variables read from the panel, a slider that changes the heatmap, screenshots in dark and
// light themes.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../scripts/lib/workspaces.mjs';

export const title = 'previews of zarr, netCDF4, CSV and joblib artifacts';

/** Clicks an artifact row in the Caches view (its command opens the preview; a double click pins it). */
async function openArtifact(wb, label, o = {}) {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const starts = new RegExp(`^${esc}`);
  await wb.waitForRow(starts);
  const row = wb.page.locator('#workbench\\.parts\\.sidebar .monaco-list-row', { hasText: starts }).first();
  if (o.pin) await row.dblclick();
  else await row.click();
  await wb.page
    .locator('.tab', { hasText: `Preview ${label}` })
    .first()
    .waitFor({ timeout: 30_000 });
  // A single click reuses the preview tab: its label changes at once, the webview's page a moment
  // later, so wait for the page of this artifact rather than read the previous one's title.
  const exact = new RegExp(`^\\s*${esc}\\s*$`);
  const t = wb.webview().locator('[data-testid="title"]', { hasText: exact }).first();
  await t.waitFor({ timeout: 30_000 }).catch(async () => {
    const shown = await wb.webview().locator('[data-testid="title"]').first().textContent();
    assert.equal(shown?.trim(), label, 'the preview page shows the artifact clicked');
  });
}

/** The climate store: cftime dtypes, a line plot over a noleap time axis, pickled frames and arrays. */
async function climateTimes(wb) {
  await wb.waitForRow(/^climate/);
  await openArtifact(wb, 'tas_noleap.zarr');
  const timeRow = wb.webview().locator('[data-testid="coord-vars"] .var-row[data-name="time"]');
  assert.equal((await timeRow.locator('.dtype').textContent()).trim(), 'cftime (noleap)');
  await timeRow.locator('.preview', { hasText: /\d/ }).waitFor({ timeout: 30_000 });
  const first = await timeRow.locator('.preview').textContent();
  assert.match(first, /^2001-01-16/, `first times ${first}`);
  // xarray's repr: index coordinates marked, dimensions without coordinates, first … last values,
  // the dataset's attributes in the summary above the selected variable.
  const marks = await wb
    .webview()
    .locator('[data-testid="coord-vars"] .var-row .index-mark')
    .evaluateAll((els) => els.map((e) => e.textContent));
  assert.deepEqual(marks, ['*', '*', '*'], 'time, lat and lon are index coordinates');
  const bare = await (await wb.inWebview('[data-testid="dims-without-coords"]')).textContent();
  assert.equal(bare, 'Dimensions without coordinates: bnds');
  const latRow = wb.webview().locator('[data-testid="coord-vars"] .var-row[data-name="lat"] .preview');
  await wb
    .webview()
    .locator('[data-testid="coord-vars"] .var-row[data-name="lat"] .preview', { hasText: '…' })
    .waitFor();
  const latText = await latRow.textContent();
  assert.match(latText, /^-87\.5 .* … .* 87\.5$/, `first … last: ${latText}`);
  const attrsFirst = await wb
    .webview()
    .locator('[data-section="attrs"]')
    .evaluate((el) => Boolean(el.compareDocumentPosition(document.querySelector('.variable-panel')) & 4));
  assert.ok(attrsFirst, 'dataset attributes come before the selected variable');
  await wb.webview().locator('[data-testid="copy-repr"]').click();
  await wb.page.locator('.statusbar', { hasText: 'repr copied' }).waitFor({ timeout: 10_000 });
  await wb.screenshot('c0-repr-dark');
  await timeRow.click();
  const plot = await wb.inWebview('.variable[data-variable="time"] .lineplot[data-y-ticks]');
  const yTicks = JSON.parse(await plot.getAttribute('data-y-ticks'));
  wb.log(`time plotted: y ticks ${JSON.stringify(yTicks)}`);
  assert.ok(yTicks.length >= 2, 'ticks on the time axis');
  for (const t of yTicks) assert.match(t, /^200[12]-\d\d$/, `a month on the noleap axis: ${t}`);
  const stats = await (await wb.inWebview('.variable[data-variable="time"] .stats')).textContent();
  assert.ok(!/NaN/.test(stats.replace(/NaN 0/, '')), `no NaN statistics for times: ${stats}`);
  assert.match(stats, /min 2001-01-16/);
  await plot.scrollIntoViewIfNeeded();
  await wb.screenshot('c1-time-plot-dark');

  await openArtifact(wb, 'frame_cftime.joblib');
  const frame = await wb.inWebview('[data-testid="frame-table"]');
  assert.equal(await frame.locator('tbody tr').count(), 8, 'every row of the pickled DataFrame');
  const cells = await frame.locator('tbody tr').first().locator('td').allTextContents();
  assert.equal(cells[0], '2001-01-16T12:00:00');
  const dtypes = await frame.locator('thead .col-dtype').allTextContents();
  assert.equal(dtypes[0], 'cftime (noleap)');
  await wb.screenshot('c2-pickled-frame');

  await openArtifact(wb, 'regrid_weights.joblib');
  const arr = await wb.inWebview('[data-testid="array-table"]');
  assert.equal(await arr.locator('tbody tr').count(), 128, '(128, 8) as 128 rows');
  assert.equal(await arr.locator('thead th').count(), 9, 'a row label and 8 columns');
  const rowsNote = await (await wb.inWebview('[data-testid="array-rows"]')).textContent();
  assert.equal(rowsNote, '128 rows × 8 columns.');
  // The array as a heatmap, as a dataset variable's 2-D slice is drawn: painted, with index ticks.
  const map = await wb.inWebview('[data-testid="array-map"] canvas.heatmap-canvas');
  const size = await map.evaluate((c) => [c.width, c.height]);
  assert.deepEqual(size, [8, 128], 'one canvas pixel per value');
  const painted = await map.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return new Set(
      Array.from({ length: d.length / 4 }, (_, i) => d[i * 4] * 65536 + d[i * 4 + 1] * 256 + d[i * 4 + 2]),
    ).size;
  });
  assert.ok(painted > 20, `the weights paint many colours (${painted})`);
  await map.scrollIntoViewIfNeeded();
  await wb.screenshot('c3-pickled-array');
  await pickledCube(wb);
}

/**
 * A (6, 40, 8) float32 array written by real joblib, cached as a flow would leave it: a slider
 * per leading dimension picks the 2-D slice the map draws, as for a dataset variable.
 */
async function pickledCube(wb) {
  const store = path.join(wb.workspace, 'caches', 'climate');
  copyFileSync(path.join(FIXTURES, '..', 'preview', 'nd', 'cube.joblib'), path.join(store, 'cube.joblib'));
  const sidecar = {
    key: 'cube.joblib',
    serializer: 'joblib',
    load_kwargs: {},
    dump_kwargs: {},
    additional_metadata: {},
    created_at: '2026-12-04T10:00:00',
  };
  writeFileSync(
    path.join(store, 'xpersist_metadata_store', 'cube.joblib.artifact.json'),
    JSON.stringify(sidecar, null, 2),
  );
  await openArtifact(wb, 'cube.joblib');
  const title = await wb.inWebview('[data-testid="array-map-title"]');
  assert.equal(await title.textContent(), 'float32 [0, :, :]');
  const pixels = () =>
    wb
      .webview()
      .locator('[data-testid="array-map"] canvas.heatmap-canvas')
      .evaluate((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(','));
  const first = await pixels();
  const slider = await wb.inWebview('[data-testid="array-slider-0"]');
  await slider.fill('5');
  await wb
    .webview()
    .locator('[data-testid="array-map-title"]', { hasText: '[5, :, :]' })
    .waitFor({ timeout: 10_000 });
  assert.notEqual(await pixels(), first, 'slice 5 paints other values than slice 0');
  assert.equal(
    await (await wb.inWebview('[data-testid="array-rows"]')).textContent(),
    '240 rows × 8 columns.',
  );
  await slider.scrollIntoViewIfNeeded();
  await wb.screenshot('c4-pickled-cube-slice');
}

/** tas on a 5° grid as a map: tick labels at coordinate values, north up, square degrees, colormap, click. */
async function climateMap(wb) {
  await openArtifact(wb, 'tas_noleap.zarr');
  await wb.webview().locator('[data-testid="data-vars"] .var-row[data-name="tas"]').click();
  const frame = await wb.inWebview('.variable[data-variable="tas"] [data-testid="map-frame"]');
  await frame.scrollIntoViewIfNeeded();
  const ticks = async (axis) =>
    wb
      .webview()
      .locator(`[data-testid="ticks-${axis}"] .tick`)
      .evaluateAll((els) =>
        els.map((e) => ({
          label: e.textContent,
          index: Number(e.dataset.index),
          box: e.getBoundingClientRect().toJSON(),
        })),
      );
  const x = await ticks('x');
  const y = await ticks('y');
  wb.log(`x ticks ${x.map((t) => t.label)}; y ticks ${y.map((t) => t.label)}`);
  assert.ok(x.length >= 4 && y.length >= 3, 'ticks on both axes');
  // lon = 2.5 + 5 i, lat = -87.5 + 5 i: each label is the coordinate where its tick stands.
  for (const t of x) assert.ok(Math.abs(2.5 + 5 * t.index - Number(t.label)) < 1e-9, `lon tick ${t.label}`);
  for (const t of y) assert.ok(Math.abs(-87.5 + 5 * t.index - Number(t.label)) < 1e-9, `lat tick ${t.label}`);
  const north = y.reduce((a, b) => (Number(b.label) > Number(a.label) ? b : a));
  const south = y.reduce((a, b) => (Number(b.label) < Number(a.label) ? b : a));
  assert.ok(north.box.top < south.box.top, 'north is up');
  const box = await frame.boundingBox();
  const ratio = box.width / box.height;
  wb.log(`map frame ${Math.round(box.width)} × ${Math.round(box.height)} px`);
  assert.ok(Math.abs(ratio - 2) < 0.06, `72 × 36 cells of 5° are twice as wide as tall: ${ratio}`);

  const canvas = wb.webview().locator('.variable[data-variable="tas"] canvas.heatmap-canvas').first();
  const before = await canvas.evaluate((c) => c.toDataURL());
  await wb.webview().locator('[data-testid="cmap"]').selectOption('magma');
  await wb.page.waitForTimeout(200);
  const after = await wb
    .webview()
    .locator('.variable[data-variable="tas"] canvas.heatmap-canvas')
    .first()
    .evaluate((c) => c.toDataURL());
  assert.notEqual(after, before, 'a colormap change repaints the map');
  const bar = await (await wb.inWebview('[data-testid="colorbar"]')).getAttribute('aria-label');
  assert.match(bar, /magma/);
  await wb.webview().locator('[data-testid="cmap"]').selectOption('auto');
  await rangeControl(wb);

  // A click on an ocean cell plots tas along time there.
  const c = await wb.webview().locator('canvas.heatmap-canvas').first().boundingBox();
  await wb.page.mouse.click(c.x + c.width * (0.5 / 72), c.y + c.height * (15.5 / 36));
  const series = await wb.inWebview(
    '[data-testid="series"] .series-plot[data-dim="time"] .lineplot[data-x-ticks]',
  );
  const xt = JSON.parse(await series.getAttribute('data-x-ticks'));
  wb.log(
    `series along time: ${await wb.webview().locator('.series-plot h3').first().textContent()}; x ticks ${xt}`,
  );
  assert.ok(
    xt.every((t) => /^200[12]-\d\d$/.test(t)),
    `time ticks ${xt}`,
  );
  const readout = await (await wb.inWebview('[data-testid="readout"]')).textContent();
  assert.match(readout, /lat=|Hover/);
  await frame.scrollIntoViewIfNeeded();
  await wb.screenshot('c4-map-dark');
  await series.scrollIntoViewIfNeeded();
  await wb.screenshot('c5-series-dark');
  for (const theme of ['Light Modern', 'Dark High Contrast']) {
    await wb.setColorTheme(theme);
    await frame.scrollIntoViewIfNeeded();
    await wb.screenshot(`c6-map-${theme.replace(/ /g, '-').toLowerCase()}`);
  }
  await wb.setColorTheme('Dark Modern');
}

/**
 * The colour range: robust (2-98 %) by default, a typed min/max clamps the scale and repaints,
 * unticking robust shows the full min/max, reset goes back to the default.
 */
async function rangeControl(wb) {
  const v = wb.webview().locator('.variable[data-variable="tas"]');
  const scale = async () => {
    const label = await v.locator('[data-testid="colorbar"]').getAttribute('aria-label');
    const m = /from (\S+) to (\S+)$/.exec(label);
    assert.ok(m, label);
    return [Number(m[1]), Number(m[2])];
  };
  const paint = () =>
    v
      .locator('canvas.heatmap-canvas')
      .first()
      .evaluate((c) => c.toDataURL());
  const [lo, hi] = await scale();
  assert.ok(
    await v.locator('[data-testid="robust"]').isChecked(),
    'robust by default, as xarray robust=True',
  );
  const before = await paint();
  await v.locator('[data-testid="vmin"]').fill('280');
  await v.locator('[data-testid="vmin"]').press('Enter');
  await v.locator('[data-testid="vmax"]').fill('290');
  await v.locator('[data-testid="vmax"]').press('Enter');
  await wb.page.waitForTimeout(200);
  assert.deepEqual(await scale(), [280, 290], 'the typed range is the scale');
  assert.notEqual(await paint(), before, 'a narrower range repaints the map');
  await v.locator('[data-testid="robust"]').uncheck();
  await wb.page.waitForTimeout(200);
  const [fullLo, fullHi] = await scale();
  assert.ok(
    fullLo < lo && fullHi > hi,
    `the full range [${fullLo}, ${fullHi}] holds the robust [${lo}, ${hi}]`,
  );
  await v.locator('[data-testid="range-reset"]').click();
  await wb.page.waitForTimeout(200);
  assert.deepEqual(await scale(), [lo, hi], 'reset: the robust default again');
  assert.equal(await paint(), before);
}

/** stations.csv: the index as the index, full stats with bool counts, sort, resize. */
async function climateTable(wb) {
  await openArtifact(wb, 'stations.csv');
  await wb.inWebview('.grid-body .grid-row .cell');
  const names = await wb.webview().locator('.grid-header .col-name').allTextContents();
  assert.equal(names[0], '', `the pandas index has no name, not "Unnamed: 0": ${names}`);
  assert.equal(await wb.webview().locator('.grid-header .rownum').count(), 0, 'the index labels the rows');
  const wet = await wb.inWebview('[data-testid="column-stats"] .cell[data-col="wet"] div');
  assert.equal(await wet.textContent(), 'True 85 · False 155');
  const tmax = await wb
    .webview()
    .locator('[data-testid="column-stats"] .cell[data-col="tmax"]')
    .textContent();
  assert.match(tmax, /min -3\.85.*max 34\.17.*mean 15\.107.*3 null/);
  const head = wb.webview().locator('.grid-header [role="columnheader"][data-col="3"]');
  await head.click();
  await wb
    .webview()
    .locator('[data-testid="sort-note"]', { hasText: 'all 240 rows' })
    .waitFor({ timeout: 10_000 });
  const firstRow = await wb
    .webview()
    .locator('.grid-body .grid-row')
    .first()
    .locator('.cell')
    .allTextContents();
  assert.equal(firstRow[3], '-3.85', `sorted by tmax: ${firstRow}`);
  assert.equal(await head.getAttribute('aria-sort'), 'ascending');
  const before = (await head.boundingBox()).width;
  const handle = head.locator('.col-resize');
  const hb = await handle.boundingBox();
  await wb.page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await wb.page.mouse.down();
  await wb.page.mouse.move(hb.x + 80, hb.y + hb.height / 2, { steps: 4 });
  await wb.page.mouse.up();
  const after = (await head.boundingBox()).width;
  assert.ok(after > before + 60, `the column widened: ${before} -> ${after}`);
  assert.equal(await head.getAttribute('aria-sort'), 'ascending', 'a resize is not a click on the header');
  await wb.page.waitForTimeout(400); // a click right after a resize ends it
  await head.click();
  await wb.page.waitForTimeout(200);
  const down = await wb.webview().locator('.grid-body .grid-row').first().locator('.cell').allTextContents();
  assert.equal(down[3], '34.17', `descending, missing values still last: ${down}`);
  await wb.screenshot('c7-table-sorted');
}

/** VS Code's preview-editor semantics: single clicks reuse one tab, a double click keeps it. */
async function previewTab(wb) {
  const names = ['daily_flags.csv', 'bundle.joblib', 'tas_noleap.nc'];
  const count = () =>
    wb.page
      .locator('.tab')
      .evaluateAll(
        (els, ns) => els.filter((e) => ns.some((n) => e.textContent.includes(`Preview ${n}`))).length,
        names,
      );
  for (const n of names) {
    await openArtifact(wb, n);
    await wb.page.waitForTimeout(600);
  }
  assert.equal(await count(), 1, 'one preview tab after three single clicks');
  await openArtifact(wb, 'tas_noleap.nc', { pin: true });
  await wb.page.waitForTimeout(600);
  await openArtifact(wb, 'bundle.joblib');
  assert.equal(await count(), 2, 'the double-clicked tab stays, the next click opens a preview tab');
  await wb.screenshot('c8-preview-tabs');
}

/** Compare Artifacts from the palette: Monday vs Tuesday, the changed attribute marked. */
async function compare(wb) {
  await wb.page.keyboard.press('Control+Shift+P');
  await wb.quickPick('>xpersist: Compare Artifacts', 'Compare Artifacts');
  await wb.quickPick('Monday-climate_flow-regrid.zarr');
  // The second pick replaces the first: wait until it is the one on screen.
  await wb.page.locator('.quick-input-widget input[placeholder^="…with which"]').waitFor({ timeout: 30_000 });
  await wb.page.waitForTimeout(300);
  await wb.quickPick('Tuesday-climate_flow-regrid.zarr');
  const hist = await wb.inWebview('tr[data-path="attrs.history"]');
  assert.equal(await hist.getAttribute('data-status'), 'changed');
  assert.equal(await hist.locator('.diff-mark').textContent(), '≠');
  const added = await wb.inWebview('tr[data-path="data_vars.tas_anom"]');
  assert.equal(await added.getAttribute('data-status'), 'added');
  const summary = await (await wb.inWebview('[data-testid="compare-summary"]')).textContent();
  assert.equal(summary, '2 differences');
  await hist.scrollIntoViewIfNeeded();
  await wb.screenshot('c9-compare');
  // The statistics stream in (progress bar, Cancel) and end marked: tas is warmer on Tuesday.
  const status = wb.webview().locator('[data-testid="stats-status"][data-state="done"]');
  await status.waitFor({ timeout: 60_000 });
  const tasMin = await wb.inWebview('tr[data-path="stats.tas.min"]');
  assert.equal(await tasMin.getAttribute('data-status'), 'changed');
  const anom = await wb.inWebview('tr[data-path="stats.tas_anom.mean"]');
  assert.equal(await anom.getAttribute('data-status'), 'added');
  const nan = await wb.inWebview('tr[data-path="stats.tas.nan_count"]');
  assert.equal(await nan.getAttribute('data-status'), 'same');
  await tasMin.scrollIntoViewIfNeeded();
  for (const theme of ['Dark Modern', 'Light Modern', 'Dark High Contrast']) {
    await wb.setColorTheme(theme);
    await wb.page.waitForTimeout(400);
    await wb.screenshot(`c10-compare-stats-${theme.replace(/ /g, '-').toLowerCase()}`);
  }
  await wb.setColorTheme('Dark Modern');
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.setColorTheme('Dark Modern');
  await wb.openXpersistView();
  // A narrow side bar, as many people keep it: the previews must read well beside it.
  await wb.setSidebarWidth(300);
  await wb.waitForRow(/^all-serializers/);
  await climateTimes(wb);
  await climateMap(wb);
  await climateTable(wb);
  await previewTab(wb);
  await compare(wb);

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
  await openArtifact(wb, 'observations.csv', { pin: true });
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
  // Every preview, table, map and compare view above rendered under a CSP without 'unsafe-inline'.
  await wb.assertCspHolds();
}
