// A flow file whose store folder does not exist yet, as a user meets it before the first run
// (issue 14 items 2 and 4): its cache lenses settle on "not cached" (not "checking cache…"), and
// the hovers read as text: the target's hover in the editor, an artifact's tooltip in the Caches
// view and the flow graph's node and edge hovers show no markdown escapes (`xarray\.zarr`,
// `get\_data\-1`) and no internal node ids (`get_data-1`). Screenshots of the hovers at a 300 px
// side bar in light, dark and high-contrast themes.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const title =
  'lenses settle on "not cached" before the store exists; hovers show no escapes or node ids';

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const THEMES = [
  ['Light Modern', 'light'],
  ['Dark Modern', 'dark'],
  ['Dark High Contrast', 'high-contrast'],
];

const flow = (storeRoot) =>
  [
    'from prefect import Flow, task',
    'from xpersist import CacheStore, XpersistResult',
    `store = CacheStore(${JSON.stringify(storeRoot)})`,
    '',
    '@task(target="t2m_daily-1.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))',
    'def get_data():',
    '    return 1',
    '',
    '@task(target="{flow_name}/{task_name}-{date:%Y%m%d}.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))',
    'def ensemble_mean(ds):',
    '    return ds',
    '',
    'with Flow("fresh") as flow:',
    '    ensemble_mean(get_data())',
    '',
  ].join('\n');

/** Text of the hover widget that shows `what`, once it is visible. */
async function hoverText(wb, what) {
  const hover = wb.page.locator('.monaco-hover:visible', { hasText: what }).first();
  await hover.waitFor({ timeout: 15_000 });
  await wb.page.waitForTimeout(300);
  return (await hover.innerText()).trim();
}

/** A hover's text has no markdown escape and no node id (`get_data-1`, `ensemble_mean-1`). */
function assertPlain(text, where) {
  assert.doesNotMatch(text, /\\[-_.*`[\](){}#+!|<>~&]/, `no markdown escape in ${where}: ${text}`);
  assert.doesNotMatch(text, /\b(get_data|ensemble_mean|foo_task)-\d\b/, `no node id in ${where}: ${text}`);
}

/** Moves the mouse over the target string of get_data's task in the editor. */
async function hoverTarget(wb) {
  const token = wb.page
    .locator('.editor-instance .monaco-editor .view-line span span', { hasText: 't2m_daily-1.zarr' })
    .first();
  await wb.page.mouse.move(5, 5);
  await token.hover();
  return hoverText(wb, 'xpersist target of');
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  const storeRoot = path.join(wb.workspace, 'stores-not-yet/fresh');
  writeFileSync(path.join(wb.workspace, 'flows', 'fresh_flow.py'), flow(storeRoot));
  await wb.open();
  await wb.openXpersistView();
  const width = await wb.setSidebarWidth(300);
  assert.ok(Math.abs(width - 300) < 20, `side bar ~300 px (${width})`);
  await wb.openFile('flows/fresh_flow.py');

  // Item 2: both lenses settle, within seconds, on "not cached"; none keeps checking.
  const deadline = Date.now() + 30_000;
  let lenses = [];
  const settled = (ls) =>
    ls.some((l) => /^not cached · t2m_daily-1\.zarr$/.test(l)) &&
    ls.some((l) => /^not cached · fresh\/ensemble_mean-\d{8}\.zarr$/.test(l));
  while (Date.now() < deadline) {
    // The codicon of a lens is a glyph of its own font: the text is what follows it.
    lenses = (await wb.codeLensTexts()).flatMap((t) => t.split('|').map((x) => x.replace(/^\W+/, '').trim()));
    if (settled(lenses)) break;
    await wb.page.waitForTimeout(500);
  }
  wb.log(`lenses: ${JSON.stringify(lenses)}`);
  assert.ok(settled(lenses), `both target lenses say "not cached": ${JSON.stringify(lenses)}`);
  assert.ok(!lenses.some((l) => /checking/.test(l)), 'no lens still checking');
  assert.ok(!existsSync(storeRoot), 'the store folder still does not exist');
  const lensTips = await wb.page
    .locator('.editor-instance .monaco-editor .codelens-decoration a[title]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title')));
  for (const t of lensTips) assertPlain(t, 'a lens tooltip');

  // Item 4, editor: the target's hover.
  const target = await hoverTarget(wb);
  wb.log(`target hover: ${JSON.stringify(target)}`);
  assertPlain(target, "the target's hover");
  assert.match(target, /xpersist target of get_data/);
  assert.match(target, /key t2m_daily-1\.zarr/);
  assert.match(target, /state: not cached/);
  assert.ok(target.includes(`store: ${storeRoot}`), `the store root is named: ${target}`);
  for (const [theme, name] of THEMES) {
    await wb.setColorTheme(theme);
    await hoverTarget(wb);
    await wb.screenshot(`1-target-hover-${name}`, { keepHover: true });
  }

  // Item 4, Caches view: an artifact's tooltip (key with _ - ., serializer xarray.zarr).
  const row = /^tas_monthly\.zarr/;
  await wb.waitForRow(row);
  const hoverRow = async () => {
    await wb.page.mouse.move(5, 5);
    await wb.scrollToRow(row);
    await wb.page.locator(`${SIDEBAR} .monaco-list-row`, { hasText: row }).first().hover();
    return hoverText(wb, 'serializer');
  };
  const tip = await hoverRow();
  wb.log(`tree tooltip: ${JSON.stringify(tip)}`);
  assertPlain(tip, "the artifact's tooltip");
  assert.match(tip, /tas_monthly\.zarr/);
  assert.match(tip, /serializer: xarray\.zarr/);
  for (const [theme, name] of THEMES) {
    await wb.setColorTheme(theme);
    await hoverRow();
    await wb.screenshot(`2-tree-tooltip-${name}`, { keepHover: true });
  }
  await wb.setColorTheme('Dark Modern');

  // Item 4, flow graph: node and edge hovers (SVG <title>s) by task names, the nodes not cached.
  await wb.page.mouse.move(5, 5);
  await wb.openFile('flows/fresh_flow.py');
  await wb.runCommand('xpersist: Show Flow Graph');
  await wb.inWebview('.node.task');
  const graph = wb.webview();
  await graph.locator('.node.task.status-not-cached').nth(1).waitFor({ timeout: 30_000 });
  const titles = await graph
    .locator('.node > title, .edge > title')
    .evaluateAll((els) => els.map((e) => e.textContent));
  wb.log(`graph hovers: ${JSON.stringify(titles)}`);
  assert.ok(titles.length >= 3, 'two nodes and an edge have hovers');
  for (const t of titles) assertPlain(t, 'a graph hover');
  assert.ok(titles.includes('get_data → ensemble_mean (data)'), 'the edge is named by its tasks');
  assert.ok(titles.some((t) => /^get_data\ncache: not cached/.test(t)));
  await wb.screenshot('3-graph');
}
