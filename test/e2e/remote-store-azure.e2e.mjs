// A store on Azure Blob (Azurite's blob service over HTTP, holding caches the real xpersist wrote):
// added through "Add Cache Store..." with a typed connection string (SecretStorage, not settings),
// browsed in the Caches view, a zarr and a netCDF4 previewed (read by ranges), and invalidated
// from the tree: the real confirmation lists every object URL, then the key is typed (object
// storage has no trash), and the store's row counts one artifact less.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../scripts/lib/objectServers.mjs';
import { FIXTURES } from '../../scripts/lib/workspaces.mjs';
import { artifactRowBelow, openArtifactBelow } from './remote-store.e2e.mjs';

export const title =
  'an Azure Blob store added through the UI: browsed, a zarr and a netCDF4 previewed, invalidated with the typed key';
export const timeoutS = 240;

const CONTAINER = 'xp-e2e-az';
const PREFIX = 'team/seed-demo';
const URL = `az://${CONTAINER}/${PREFIX}`;
const AZ_ROW = `seed-demo (az://${CONTAINER})`;

/** Every regular file under `dir`, '/'-separated and relative. */
function filesUnder(dir, rel = '') {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, r) : e.isFile() ? [r] : [];
  });
}

/**
 * The seed-demo caches and the netCDF4 artifact of all-serializers (both written by the real
 * xpersist) as blobs under PREFIX, object by object as adlfs lays them out.
 */
async function seedAzure(az) {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(CONTAINER);
  await container.createIfNotExists();
  const put = (name, file) => {
    const body = readFileSync(file);
    return container.getBlockBlobClient(`${PREFIX}/${name}`).upload(body, body.length);
  };
  const seed = path.join(FIXTURES, 'seed-demo');
  const files = filesUnder(seed);
  for (const f of files) await put(f, path.join(seed, f));
  const all = path.join(FIXTURES, 'all-serializers');
  for (const f of ['sst_daily.nc', 'xpersist_metadata_store/sst_daily.nc.artifact.json'])
    await put(f, path.join(all, f));
  return files.length + 2;
}

/** The names of every blob in the container, as the server lists them. */
async function blobNames(az) {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(CONTAINER);
  const names = [];
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  return names;
}

/** Both previews of data on Azure Blob: the variables come from the blobs' byte ranges. */
async function previewOnAzure(wb) {
  await openArtifactBelow(wb, AZ_ROW, 'bar.zarr');
  const zvars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.deepEqual(zvars, ['bar'], `zarr variables on Azure: ${zvars}`);
  await wb.screenshot('2-az-zarr-preview');

  await openArtifactBelow(wb, AZ_ROW, 'sst_daily.nc');
  const dims = await (await wb.inWebview('[data-testid="dims"]')).textContent();
  for (const d of ['time: 30', 'lat: 45', 'lon: 90'])
    assert.ok(dims.includes(d), `netCDF4 dims on Azure: ${dims}`);
  const ncVars = await wb.webview().locator('[data-testid="data-vars"] .var-row .name').allTextContents();
  assert.ok(ncVars.includes('sst'), `netCDF4 variables on Azure: ${ncVars}`);
  await wb.inWebview('canvas.heatmap-canvas');
  const nan = await (await wb.inWebview('[data-testid="nan-count"]')).textContent();
  assert.ok(Number(nan) > 0, 'land is NaN, as in the local preview');
  await (await wb.inWebview('canvas.heatmap-canvas')).scrollIntoViewIfNeeded();
  await wb.screenshot('3-az-netcdf-preview');
}

/** Invalidate from the artifact row's inline action: object list, Delete, then the typed key. */
async function invalidateOnAzure(wb) {
  const row = await artifactRowBelow(wb, AZ_ROW, 'bar.zarr');
  await row.hover();
  await row.locator('.action-label[aria-label^="Invalidate"]').click();
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  const text = await dialog.textContent();
  assert.match(text, /cannot be restored: the store is on object storage/);
  assert.ok(
    text.includes(`${URL}/xpersist_metadata_store/bar.zarr.artifact.json`),
    `the sidecar blob is listed: ${text}`,
  );
  assert.ok(text.includes(`${URL}/bar.zarr/.zgroup`), `the data blobs are listed: ${text}`);
  await wb.screenshot('4-az-confirm');
  await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
  await wb.page
    .locator('.quick-input-widget .quick-input-title', { hasText: 'Delete for good' })
    .waitFor({ timeout: 30_000 });
  await wb.screenshot('5-az-typed-confirmation');
  await wb.quickPick('bar.zarr', null);
  const after = await wb.waitForRow(/^seed-demo \(az:\/\/xp-e2e-az\) 2 artifacts/, 60_000);
  wb.log(`store row after: ${JSON.stringify(after)}`);
  const rows = await wb.allTreeRows();
  const at = rows.findIndex((r) => r.label === AZ_ROW);
  const below = rows
    .slice(at + 1)
    .filter((r, i, b) => r.level === 2 && b.slice(0, i).every((x) => x.level >= 2))
    .map((r) => r.label);
  assert.ok(!below.includes('bar.zarr'), `bar.zarr is gone from the Azure store: ${below}`);
  await wb.screenshot('6-az-after-delete');
  return below;
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xp-e2e-az-'));
  const az = await startAzurite({ dir, log: wb.log });
  try {
    wb.log(`seeded ${await seedAzure(az)} blobs`);
    await wb.open();
    await wb.openXpersistView();
    await wb.waitForRow(/seed-demo/);

    await wb.runCommand('xpersist: Add Cache Store...');
    await wb.quickPick('S3', 'On S3 or Azure Blob');
    await wb.quickPick(URL, null);
    await wb.quickPick('connection string', 'Enter a connection string');
    await wb.screenshot('1-connection-string-input');
    await wb.quickPick(az.connectionString, null);
    const row = await wb.waitForRow(/seed-demo \(az:\/\/xp-e2e-az\)/);
    wb.log(`store row: ${JSON.stringify(row)}`);
    assert.match(row.description, /^3 artifacts · /);
    const rows = await wb.allTreeRows();
    const at = rows.findIndex((r) => r.label === AZ_ROW);
    const below = rows.slice(at + 1, at + 4).map((r) => [r.label, r.level]);
    assert.equal(below[0]?.[0], 'bar.zarr', JSON.stringify(below));
    assert.ok(
      below.every(([, level]) => level === 2),
      `the store's artifacts below it: ${JSON.stringify(below)}`,
    );
    await wb.screenshot('1b-az-store');
    await previewOnAzure(wb);
    await invalidateOnAzure(wb);
    // On the server: no blob of bar.zarr is left (sidecar nor data), every other one is.
    const left = await blobNames(az);
    assert.deepEqual(
      left.filter((n) => n.includes('bar.zarr')),
      [],
      'no blob of bar.zarr is left on Azurite',
    );
    assert.ok(left.includes(`${PREFIX}/sst_daily.nc`) && left.length > 2, `the rest stays: ${left}`);
  } finally {
    await az.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
