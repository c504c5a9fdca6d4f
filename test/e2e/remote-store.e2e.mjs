// A store on S3 (a local moto server over HTTP, holding caches the real xpersist wrote): added
// through "Add Cache Store..." with typed credentials, browsed in the Caches view, its task's lens
// says cached; a zarr and a netCDF4 on S3 previewed (read by ranges); Invalidate from the lens shows the real confirmation with every object URL, and
// the lens flips to "not cached".
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedS3Store, startS3 } from '../../scripts/lib/objectServers.mjs';
import { FIXTURES } from '../../scripts/lib/workspaces.mjs';

export const title =
  'an S3 store added through the UI: browsed, a zarr and a netCDF4 previewed, invalidated from its lens, the lens flips';
export const timeoutS = 240;

const URL = 's3://xp-e2e/team/seed-demo';

function flowFile(endpoint) {
  return [
    'from prefect import Flow, task',
    'from xpersist import CacheStore',
    'from xpersist.prefect.result import XpersistResult',
    '',
    `store = CacheStore("${URL}", storage_options={"client_kwargs": {"endpoint_url": "${endpoint}"}})`,
    '',
    '',
    '@task(target="bar.zarr", result=XpersistResult(store, serializer="xarray.zarr"))',
    'def get_data():',
    '    return 1',
    '',
    '',
    'with Flow("s3-flow") as flow:',
    '    get_data()',
    '',
  ].join('\n');
}

const S3_ROW = 'seed-demo (s3://xp-e2e)';

/**
 * The artifact row `label` below the store row `storeRow` (local stores hold the same keys),
 * scrolled into view; its locator. Shared with the Azure spec.
 */
export async function artifactRowBelow(wb, storeRow, label) {
  const rows = await wb.allTreeRows();
  const at = rows.findIndex((r) => r.label === storeRow);
  const hit = rows
    .slice(at + 1)
    .find(
      (r, i, below) => r.level === 2 && r.label === label && below.slice(0, i).every((x) => x.level >= 2),
    );
  assert.ok(hit, `${label} below ${storeRow}: ${JSON.stringify(rows.map((r) => [r.label, r.level]))}`);
  await wb.walkTree((r) => r.index === hit.index);
  return wb.page.locator(
    `#workbench\\.parts\\.sidebar .monaco-list-rows > .monaco-list-row[data-index="${hit.index}"]`,
  );
}

/** Clicks the artifact row `label` below a store's row and waits for its preview. */
export async function openArtifactBelow(wb, storeRow, label) {
  await (await artifactRowBelow(wb, storeRow, label)).click();
  await wb.page
    .locator('.tab', { hasText: `Preview ${label}` })
    .first()
    .waitFor({ timeout: 30_000 });
  await wb
    .webview()
    .locator('[data-testid="title"]', { hasText: label })
    .first()
    .waitFor({ timeout: 30_000 });
}

/** Both previews of data on S3: the variables come from the objects' byte ranges. */
async function previewOnS3(wb, s3, dir) {
  // A netCDF4 artifact the real xpersist wrote, put into the same store, then a Refresh.
  const nc = path.join(dir, 'nc');
  mkdirSync(path.join(nc, 'xpersist_metadata_store'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'all-serializers/sst_daily.nc'), path.join(nc, 'sst_daily.nc'));
  copyFileSync(
    path.join(FIXTURES, 'all-serializers/xpersist_metadata_store/sst_daily.nc.artifact.json'),
    path.join(nc, 'xpersist_metadata_store/sst_daily.nc.artifact.json'),
  );
  await seedS3Store(s3, 'xp-e2e', 'team/seed-demo', nc);
  await wb.runCommand('xpersist: Refresh');
  await wb.waitForRow(/^seed-demo \(s3:\/\/xp-e2e\) 3 artifacts/);

  await openArtifactBelow(wb, S3_ROW, 'bar.zarr');
  const zvars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.deepEqual(zvars, ['bar'], `zarr variables on S3: ${zvars}`);
  await wb.screenshot('2b-s3-zarr-preview');

  await openArtifactBelow(wb, S3_ROW, 'sst_daily.nc');
  const dims = await (await wb.inWebview('[data-testid="dims"]')).textContent();
  for (const d of ['time: 30', 'lat: 45', 'lon: 90'])
    assert.ok(dims.includes(d), `netCDF4 dims on S3: ${dims}`);
  const ncVars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.ok(ncVars.includes('sst'), `netCDF4 variables on S3: ${ncVars}`);
  await wb.inWebview('canvas.heatmap-canvas');
  const nan = await (await wb.inWebview('[data-testid="nan-count"]')).textContent();
  assert.ok(Number(nan) > 0, 'land is NaN, as in the local preview');
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('2c-s3-netcdf-preview');
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xp-e2e-s3-'));
  const s3 = await startS3({ dir, log: wb.log });
  try {
    const n = await seedS3Store(s3, 'xp-e2e', 'team/seed-demo', path.join(FIXTURES, 'seed-demo'));
    wb.log(`seeded ${n} objects`);
    writeFileSync(path.join(wb.workspace, 'flows/s3_flow.py'), flowFile(s3.endpoint));
    await wb.open();
    await wb.openXpersistView();
    await wb.waitForRow(/seed-demo/);

    await wb.runCommand('xpersist: Add Cache Store...');
    await wb.quickPick('S3', 'On S3 or Azure Blob');
    await wb.quickPick(URL, null);
    await wb.quickPick(s3.endpoint, null);
    await wb.quickPick('access key', 'Enter an access key');
    await wb.quickPick('testing', null);
    await wb.screenshot('1-secret-input');
    await wb.quickPick('testing', null);
    const row = await wb.waitForRow(/seed-demo \(s3:\/\/xp-e2e\)/);
    wb.log(`store row: ${JSON.stringify(row)}`);
    assert.match(row.description, /^2 artifacts · 2\.\d KB/);
    await wb.scrollToRow(/seed-demo \(s3:\/\/xp-e2e\)/);
    const rows = await wb.allTreeRows();
    const at = rows.findIndex((r) => r.label === 'seed-demo (s3://xp-e2e)');
    const below = rows.slice(at + 1, at + 3).map((r) => [r.label, r.level]);
    // Its two artifacts, one level below it (long keys are middle-elided in a narrow side bar).
    assert.equal(below[0]?.[0], 'bar.zarr', JSON.stringify(below));
    assert.match(below[1]?.[0] ?? '', /^Wednes.*zarr$/, JSON.stringify(below));
    assert.ok(
      below.every(([, level]) => level === 2),
      `the store's artifacts below it: ${JSON.stringify(below)}`,
    );
    await wb.screenshot('2-s3-store');
    await previewOnS3(wb, s3, dir);

    await wb.quickOpen('flows/s3_flow.py');
    const cached = async () => (await wb.codeLensTexts()).join(' | ');
    await wb.page.waitForFunction(
      () =>
        [...document.querySelectorAll('.codelens-decoration')].some((e) =>
          /(?<!not )cached · bar\.zarr/.test(e.textContent ?? ''),
        ),
      null,
      { timeout: 60_000 },
    );
    wb.log(`lenses: ${await cached()}`);
    await wb.screenshot('3-lens-cached');

    await wb.page
      .locator('.codelens-decoration a', { hasText: /^Invalidate$/ })
      .first()
      .click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = await dialog.textContent();
    assert.match(text, /s3:\/\/xp-e2e\/team\/seed-demo\/xpersist_metadata_store\/bar\.zarr\.artifact\.json/);
    assert.match(text, /s3:\/\/xp-e2e\/team\/seed-demo\/bar\.zarr\/\.zgroup/, 'the data objects are listed');
    await wb.screenshot('4-confirm');
    await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
    // Object storage has no trash: the delete is confirmed once more by typing the key.
    await wb.page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'Delete for good' })
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('4b-typed-confirmation');
    await wb.quickPick('bar.zarr', null);
    await wb.page.waitForFunction(
      () =>
        [...document.querySelectorAll('.codelens-decoration')].some((e) =>
          /not cached · bar\.zarr/.test(e.textContent ?? ''),
        ),
      null,
      { timeout: 60_000 },
    );
    wb.log(`lenses after: ${await cached()}`);
    await wb.screenshot('5-lens-not-cached');
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
