// The xpersist commands are in the command palette and run: "Show Cache Explorer" opens the view.
import assert from 'node:assert/strict';

export const title = 'xpersist: Show Cache Explorer from the command palette opens the Caches view';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.runCommand('xpersist: Show Cache Explorer');
  // Running the command may first activate the extension: give it time.
  const deadline = Date.now() + 20_000;
  let heading = await wb.sidebarTitle();
  while (!/xpersist/i.test(heading) && Date.now() < deadline) {
    await wb.page.waitForTimeout(250);
    heading = await wb.sidebarTitle();
  }
  assert.match(heading, /xpersist/i, 'the xpersist side bar is shown');
  await wb.screenshot('1-show-cache-explorer');
}
