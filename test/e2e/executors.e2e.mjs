// Run Flow on a Dask cluster as a user does it: pick "DaskExecutor: a new LocalCluster" in the
// executor quick pick, run a slow mapped flow from the flow graph, see the executor, workers and
// progress in the status bar and the graph's toolbar, open the Dask dashboard in the Simple
// Browser from the graph, then go back to "As the file says".
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const title = 'a flow run on a new Dask LocalCluster, with its dashboard';

const FLOW = `import time
from prefect import Flow, task

@task
def member(i):
    time.sleep(6)
    return i

@task
def count(xs):
    return len(xs)

with Flow("ensemble") as flow:
    count(member.map(list(range(6))))
`;

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  writeFileSync(path.join(wb.workspace, 'flows/ensemble_e2e.py'), FLOW);
  await wb.open();
  await wb.openFile('flows/ensemble_e2e.py');
  await wb.runCommand('xpersist: Select Executor for Flow Runs...');
  await wb.quickPick('new LocalCluster', 'DaskExecutor: a new LocalCluster');
  // The second step is an input box (number of workers): wait for it, not the pick it replaces.
  await wb.page.locator('.quick-input-title', { hasText: 'worker processes' }).waitFor({ timeout: 30_000 });
  await wb.quickPick('2', null);
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });

  await wb.runCommand('xpersist: Show Flow Graph');
  await wb.inWebview('.node[data-id="member-1"]');
  await wb.webview().locator('.tool', { hasText: 'Run Flow' }).click();
  const dashboardButton = await wb.inWebview('.tool:has-text("Dashboard")', 120_000);
  const item = wb.page.locator('.statusbar-item', { hasText: /ensemble · DaskExecutor/ }).first();
  await item.waitFor({ timeout: 30_000 });
  assert.match(await item.textContent(), /DaskExecutor · 2 workers · \d+\/\d+/);
  assert.match(await wb.webview().locator('.executor').textContent(), /DaskExecutor · 2 workers/);
  await wb
    .webview()
    .locator('.node[data-id="member-1"][class*="live-"]')
    .first()
    .waitFor({ timeout: 60_000 });
  await wb.screenshot('1-running');

  await dashboardButton.click();
  // The Simple Browser opens the dashboard through the server's port forwarding (code-server:
  // /proxy/<port>/). Bokeh's live plots need a websocket that code-server's path proxy does not
  // pass, so the page is checked over HTTP; desktop VS Code and Remote-SSH forward the port itself.
  const url = await wb.webview().locator('input.url-input').inputValue({ timeout: 30_000 });
  assert.match(url, /\/status$/);
  const res = await wb.page.request.get(url);
  assert.equal(res.status(), 200, `the dashboard answers through the forwarded port: ${url}`);
  assert.match(await res.text(), /Dask/);
  await wb.screenshot('2-dashboard');

  await wb.page.locator('.tab', { hasText: 'Flow ensemble' }).click();
  await wb.inWebview('.node[data-id="member-1"].live-Success', 180_000);
  await wb.inWebview('.node[data-id="count-1"].live-Success', 60_000);
  await wb.page
    .locator('.statusbar-item', { hasText: /ensemble · DaskExecutor/ })
    .waitFor({ state: 'detached', timeout: 30_000 });
  await wb.screenshot('3-after');

  await wb.runCommand('xpersist: Select Executor for Flow Runs...');
  await wb.quickPick('As the file says');
}
