// The demo's integrated terminal runs the project's venv python, and Python's temp folder is the
// one the seed flow's store (<TMPDIR>/my-cache) was seeded in: `python flows/seed_flow.py` and
// the extension's "Run Flow" use the caches the Caches view shows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const title = 'the integrated terminal runs the venv python with the seeded TMPDIR';

/** @param {import('./lib/workbench.mjs').Workbench} wb */
export default async function run(wb) {
  await wb.open();
  await wb.runCommand('Terminal: Create New Terminal');
  await wb.page.locator('.terminal-wrapper').first().waitFor({ timeout: 30_000 });
  const out = path.join(wb.workspace, 'python-env.txt');
  // Python writes the file itself, so it exists only once python ran. Type the command again if
  // it did not (belt and braces: the user settings turn off terminal.integrated.
  // environmentChangesRelaunch, which relaunched young terminals and killed the command).
  let text = '';
  for (let attempt = 1; attempt <= 3 && !text; attempt++) {
    await wb.page.waitForTimeout(attempt === 1 ? 2_000 : 500);
    await wb.page.locator('.terminal-wrapper').first().click();
    await wb.page.keyboard.type(
      `python -c "import json, sys, tempfile, xpersist, prefect; open('python-env.txt', 'w').write(json.dumps([sys.executable, tempfile.gettempdir(), xpersist.__version__, prefect.__version__]))"`,
    );
    await wb.page.keyboard.press('Enter');
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      text = existsSync(out) ? readFileSync(out, 'utf8').trim() : '';
      if (text) break;
      await wb.page.waitForTimeout(250);
    }
    if (!text) wb.log(`attempt ${attempt}: python-env.txt not written yet`);
  }
  await wb.screenshot('1-terminal');
  assert.ok(text, 'the terminal command wrote python-env.txt');
  const [executable, tmpdir, xpersistVersion, prefectVersion] = JSON.parse(text);
  wb.log(`python ${executable}, tempdir ${tmpdir}, xpersist ${xpersistVersion}, prefect ${prefectVersion}`);
  assert.match(executable, /\.venv\/bin\/python/);
  assert.equal(tmpdir, wb.server.tmpdir);
  assert.ok(
    existsSync(path.join(tmpdir, 'my-cache/xpersist_metadata_store/bar.zarr.artifact.json')),
    'seeded store',
  );
  assert.match(prefectVersion, /^1\./);
}
