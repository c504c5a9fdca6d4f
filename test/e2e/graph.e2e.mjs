// The flow graph of the seed's my-flow before, during and after a run started from the graph:
// invalidate get_data through the node's context menu (real confirmation dialog), Run Flow,
// watch get_data go Running then Success, with each task's duration on its node.
import assert from 'node:assert/strict';

export const title = 'the flow graph shows cache states and a live run';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.openFile('flows/seed_flow.py');
  await wb.runCommand('xpersist: Show Flow Graph');
  await wb.quickPick('my-flow');
  await wb.inWebview('.node[data-id="get_data-1"]');
  const nodes = await wb
    .webview()
    .locator('.node')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  assert.deepEqual(nodes.sort(), ['get_data-1', 'total-1']);
  const cls = await wb.webview().locator('.node[data-id="get_data-1"]').getAttribute('class');
  assert.match(cls, /status-cached/);
  await wb.screenshot('1-before');

  await wb.webview().locator('.node[data-id="get_data-1"] .box').click({ button: 'right' });
  await wb
    .webview()
    .locator('.menu-item', { hasText: /^Invalidate$/ })
    .click();
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  assert.match(await dialog.textContent(), /bar\.zarr\.artifact\.json/);
  await wb.screenshot('2-confirm');
  await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
  await wb.webview().locator('.node[data-id="get_data-1"].status-not-cached').waitFor({ timeout: 30_000 });

  await wb.webview().locator('.tool', { hasText: 'Run Flow' }).click();
  await wb.webview().locator('.node[data-id="get_data-1"].live-Running').waitFor({ timeout: 60_000 });
  await wb.page.waitForTimeout(400);
  await wb.screenshot('3-during');
  await wb
    .webview()
    .locator('.node[data-id="get_data-1"].live-Success.status-cached')
    .waitFor({ timeout: 90_000 });
  await wb.webview().locator('.node[data-id="total-1"].live-Success').waitFor({ timeout: 30_000 });
  // Per-task durations after the run: get_data sleeps 5 s, so its pill reads "✓ 5.x s" and its
  // tooltip "ran in 5.x s"; total takes milliseconds.
  const pill = wb.webview().locator('.node[data-id="get_data-1"] .run-mark .pill-text');
  const took = (await pill.textContent()).trim();
  assert.match(took, /^\S+ ([5-9]\.\d|\d\d) s$/, `get_data's duration: ${took}`);
  const tip = await wb.webview().locator('.node[data-id="get_data-1"] .run-mark title').textContent();
  assert.match(tip, /^last run: ran in ([5-9]\.\d|\d\d) s$/);
  const quick = (
    await wb.webview().locator('.node[data-id="total-1"] .run-mark .pill-text').textContent()
  ).trim();
  assert.match(quick, /^\S+ (\d+ ms|\d\.\d s)$/, `total's duration: ${quick}`);
  await wb.screenshot('4-after');
  // The graph rendered and updated live under a CSP without 'unsafe-inline' for styles.
  await wb.assertCspHolds();
}
