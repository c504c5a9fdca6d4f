// A CMIP6-like store with long nested keys in a 300 px side bar: flat list in natural order
// (r1, r2, ..., r10), labels without the folders every key shares (what differs stays visible), and a live filter with an unanchored
// glob whose store count says "2 of 24", in light, dark and high-contrast themes.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const title = 'long keys in a 300 px side bar: natural order, distinct tails, live filter';

/** Writes a store of 24 CSV artifacts: cmip6/CMIP/NCAR/CESM2/historical/Amon/r{1..12}i1p1f1/pr/{1999,2000}.csv. */
function writeStore(root) {
  for (let m = 1; m <= 12; m++) {
    for (const year of [1999, 2000]) {
      const key = `cmip6/CMIP/NCAR/CESM2/historical/Amon/r${m}i1p1f1/pr/${year}.csv`;
      const sidecar = path.join(root, 'xpersist_metadata_store', `${key}.artifact.json`);
      mkdirSync(path.dirname(sidecar), { recursive: true });
      mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
      writeFileSync(path.join(root, key), 'time,pr\n2000-01-01,1.5\n');
      writeFileSync(
        sidecar,
        JSON.stringify(
          {
            key,
            serializer: 'pandas.csv',
            load_kwargs: {},
            dump_kwargs: {},
            additional_metadata: { flow_name: 'cmip6', task_name: 'download' },
            created_at: '2026-11-20T10:00:00',
          },
          null,
          2,
        ),
      );
    }
  }
}

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  writeStore(path.join(wb.workspace, 'caches/cmip6'));
  await wb.open();
  await wb.openXpersistView();
  const width = await wb.setSidebarWidth(300);
  assert.ok(Math.abs(width - 300) < 20, `side bar ~300 px (${width})`);
  await wb.runCommand('xpersist: Group Artifacts By...');
  await wb.quickPick('Flat list');
  await wb.waitForRow(/^cmip6/);
  await wb.scrollToRow(/^cmip6/);
  const rows = (await wb.allTreeRows()).filter((r) => r.label.startsWith('…r'));
  const labels = rows.map((r) => r.label);
  wb.log(`cmip6 rows: ${JSON.stringify(labels.slice(0, 4))} … (${labels.length})`);
  assert.equal(labels.length, 24);
  assert.equal(new Set(labels).size, 24, 'every label differs');
  for (const l of labels) assert.match(l, /^…r\d+i1p1f1\/pr\/(1999|2000)\.csv$/);
  const members = labels.map((l) => Number(/r(\d+)i1p1f1/.exec(l)?.[1]));
  // Natural order: r1, r1, r2, r2, ..., r10, r10, r11, r11, r12, r12.
  assert.deepEqual(
    members,
    Array.from({ length: 24 }, (_, i) => Math.floor(i / 2) + 1),
  );
  await wb.scrollToRow(/r10i1p1f1/);
  await wb.screenshot('1-dark-300px');
  // The label text fits its row: nothing cut at the end where the keys differ.
  const cut = await wb.page
    .locator('#workbench\\.parts\\.sidebar .monaco-list-row .label-name')
    .evaluateAll((els) =>
      els
        .filter((e) => {
          const box = e.closest('.monaco-icon-label-container') ?? e.parentElement;
          return e.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
        })
        .map((e) => e.textContent),
    );
  assert.deepEqual(
    cut.filter((t) => t.startsWith('…r')),
    [],
    'no cmip6 label is cut',
  );

  await wb.page.keyboard.press('Escape');
  await wb.runCommand('xpersist: Filter...');
  const input = wb.page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: 30_000 });
  await input.pressSequentially('r3i1p1f1/pr/*.csv', { delay: 20 });
  // The tree follows as one types (the input is still open).
  const store = await wb.waitForRow(/^cmip6 2 of 24 artifacts/);
  wb.log(`filtered store row: ${JSON.stringify(store)}`);
  await wb.screenshot('2-filter-live');
  await wb.page.keyboard.press('Enter');
  await wb.setColorTheme('Light Modern');
  await wb.screenshot('3-light');
  await wb.setColorTheme('Dark High Contrast');
  await wb.screenshot('4-high-contrast');
  await wb.setColorTheme('Dark Modern');
}
