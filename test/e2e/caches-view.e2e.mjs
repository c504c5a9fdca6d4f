// Open the demo workspace, click xpersist in the activity bar, see the demo stores in the Caches view.
import assert from 'node:assert/strict';

export const title = 'the Caches view shows the demo stores';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.screenshot('1-workbench');

  await wb.openXpersistView();
  assert.match(await wb.sidebarTitle(), /xpersist/i, 'side bar title');

  // The seed notebook's store: caches/seed-demo (bar.zarr, Wednesday-sample_flow-foo_task.zarr).
  const seed = await wb.waitForRow(/seed-demo/);
  wb.log(`seed store row: ${JSON.stringify(seed)}`);
  const rows = await wb.allTreeRows();
  const stores = rows.filter((r) => r.level === 1).map((r) => r.label);
  wb.log(`top-level rows: ${JSON.stringify(stores)} (${rows.length} rows in all)`);
  for (const name of ['seed-demo', 'all-serializers', 'broken']) {
    assert.ok(
      stores.some((s) => s.includes(name)),
      `a top-level row for caches/${name}; got ${JSON.stringify(stores)}`,
    );
  }
  await wb.scrollToRow(/seed-demo/);
  await wb.screenshot('2-demo-stores');
}
