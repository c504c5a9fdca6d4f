// The seed flow file shows a cache lens above each targeted task and a graph lens per flow.
import assert from 'node:assert/strict';

export const title = 'code lenses on the seed flow say cached / not cached';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.openFile('flows/seed_flow.py');
  const deadline = Date.now() + 60_000;
  let lenses = [];
  while (Date.now() < deadline) {
    lenses = await wb.codeLensTexts();
    if (lenses.some((l) => /bar\.zarr/.test(l)) && lenses.some((l) => /sample_flow-foo_task\.zarr/.test(l)))
      break;
    await wb.page.waitForTimeout(500);
  }
  wb.log(`lenses: ${JSON.stringify(lenses)}`);
  assert.ok(
    lenses.some((l) => /cached · bar\.zarr · \d/.test(l)),
    'the get_data lens says cached',
  );
  assert.ok(lenses.some((l) => /Show Flow Graph/.test(l)));
  await wb.screenshot('1-lenses');
}
