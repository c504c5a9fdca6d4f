// The demo's 8-task climate flow graph in half an editor (it opens beside the code): labels at the
// theme's font size or more (fit pans rather than shrinks), a one-row legend, every node settled on
// "not cached" while its store folder does not exist yet, in light, dark and high-contrast themes.
import assert from 'node:assert/strict';

export const title = 'the climate flow graph is legible in half an editor';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.openFile('flows/climate_flow.py');
  await wb.runCommand('xpersist: Show Flow Graph');
  await wb.inWebview('.node[data-id="regrid-1"]');
  const frame = wb.webview();
  const tasks = await frame.locator('.node.task').count();
  assert.equal(tasks, 8, '8 task nodes');
  assert.equal(await frame.locator('.node.parameter').count(), 2, '2 parameters');
  // The store folder does not exist before the first run: settled, not "checking…".
  await frame.locator('.node.task.status-not-cached').nth(6).waitFor({ timeout: 30_000 });
  const states = await frame.locator('.node.task .state').allTextContents();
  assert.deepEqual([...new Set(states)].sort(), ['no target', 'not cached']);

  const m = await frame.locator('svg.graph').evaluate((svg) => {
    const world = svg.querySelector('.world');
    const k = world.transform.baseVal.consolidate()?.matrix.a ?? 1;
    const px = (sel) => Number.parseFloat(getComputedStyle(svg.querySelector(sel)).fontSize);
    const legend = document.querySelector('.legend');
    const row = document.querySelector('.legend .key');
    return {
      k,
      smallest: Math.min(px('.node .title'), px('.node .target'), px('.node .state')) * k,
      editorFont: Number.parseFloat(getComputedStyle(document.body).fontSize),
      stageWidth: document.querySelector('.stage').clientWidth,
      legendHeight: legend.getBoundingClientRect().height,
      legendRow: row.getBoundingClientRect().height,
      overview: getComputedStyle(document.querySelector('.overview')).display,
    };
  });
  wb.log(`graph: ${JSON.stringify(m)}`);
  assert.ok(m.stageWidth < 900, `half an editor (${m.stageWidth} px)`);
  assert.ok(m.smallest >= m.editorFont - 0.01, `labels ${m.smallest} px ≥ the font size ${m.editorFont} px`);
  assert.ok(m.legendHeight < m.legendRow * 2 + 12, `one legend row (${m.legendHeight} px)`);
  assert.equal(m.overview, 'block', 'the graph is wider than half an editor: the overview shows');

  for (const [theme, shot] of [
    ['Light Modern', '1-light'],
    ['Dark Modern', '2-dark'],
    ['Dark High Contrast', '3-high-contrast'],
  ]) {
    await wb.setColorTheme(theme);
    await wb.screenshot(shot);
  }
  await wb.setColorTheme('Dark Modern');

  // Panning by the overview keeps the scale (and so the label size).
  const box = await frame.locator('.overview').boundingBox();
  await frame.locator('.overview').click({ position: { x: box.width - 4, y: box.height / 2 } });
  const k2 = await frame.locator('.world').evaluate((w) => w.transform.baseVal.consolidate()?.matrix.a ?? 1);
  assert.equal(k2, m.k);
  await wb.screenshot('4-panned');
}
