// What a person does in the VS Code workbench, for the browser e2e specs (test/e2e/*.e2e.mjs).
// One Workbench per spec: a Playwright page on code-server, the spec's own workspace copy and its
// screenshot names (.cache/e2e-screenshots/<spec>-<step>.png).
//
// Selectors are VS Code 1.139's DOM (code-server 4.139.1); keep them here, not in the specs.
import assert from 'node:assert/strict';
import path from 'node:path';

const SIDEBAR = '#workbench\\.parts\\.sidebar';

export class Workbench {
  /**
   * @param {object} o
   * @param {import('playwright-core').Page} o.page
   * @param {{ url(folder: string): string, baseUrl: string, tmpdir: string }} o.server
   * @param {string} o.workspace   server-side folder prepared for this spec (copy of the demo)
   * @param {string} o.spec        spec name (file name without .e2e.mjs)
   * @param {string} o.shotDir     screenshot folder
   * @param {(m: string) => void} o.log
   */
  constructor({ page, server, workspace, spec, shotDir, log }) {
    this.page = page;
    this.server = server;
    this.workspace = workspace;
    this.spec = spec;
    this.shotDir = shotDir;
    this.log = log;
    this.shots = [];
    /** Browser console lines (type: text), for failure reports. */
    this.console = [];
    page.on('console', (m) => this.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => this.console.push(`pageerror: ${e.message}`));
  }

  /** Opens a folder (default: the spec's workspace) and waits until the explorer lists its files. */
  async open(folder = this.workspace) {
    await this.page.goto(this.server.url(folder));
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    // The explorer lists the workspace once the remote connection (server side) is up.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
    // Our manifest has been read once the xpersist activity-bar item is there.
    await this.activityItem('xpersist').waitFor({ timeout: 60_000 });
    this.log('workbench ready: explorer lists the workspace, xpersist is in the activity bar');
  }

  /**
   * Writes .cache/e2e-screenshots/<spec>-<step>.png and returns its path. `keepHover`: the mouse
   * stays where it is, for a picture of the hover it shows.
   */
  async screenshot(step, { keepHover = false } = {}) {
    const file = path.join(this.shotDir, `${this.spec}-${step}.png`);
    if (!keepHover) {
      // Park the mouse on an empty part of the title bar: no hover tooltip in the picture.
      const vp = this.page.viewportSize() ?? { width: 1440, height: 900 };
      await this.page.mouse.move(Math.round(vp.width * 0.85), 12);
      await this.page.waitForTimeout(150);
    }
    await this.page.screenshot({ path: file });
    this.shots.push(file);
    this.log(`screenshot ${path.relative(process.cwd(), file)}`);
    return file;
  }

  /**
   * Runs a command from the command palette by its title, e.g. 'xpersist: Refresh'. Reopens the
   * palette until the command is listed: the palette's list is computed when it opens, and
   * contributed commands appear only once the extension host has read the manifests.
   */
  async runCommand(title, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    const input = this.page.locator('.quick-input-widget input').first();
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ timeout: 30_000 });
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ timeout: 3_000 });
        break;
      } catch (err) {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline)
          throw new Error(`command "${title}" is not in the command palette (${err.message})`);
        await this.page.waitForTimeout(500);
      }
    }
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => {});
  }

  /** The activity-bar item of a view container, by its title. */
  activityItem(title) {
    return this.page.locator(`.activitybar .action-item [aria-label^="${title}"]`).first();
  }

  /** Clicks the xpersist item in the activity bar and waits for its side bar. */
  async openXpersistView() {
    const item = this.activityItem('xpersist');
    await item.waitFor({ timeout: 60_000 });
    const checked = await item.getAttribute('aria-checked').catch(() => null);
    if (checked !== 'true') await item.click();
    await this.page
      .locator(`${SIDEBAR} .composite.title`, { hasText: /xpersist/i })
      .first()
      .waitFor({ timeout: 30_000 });
    this.log('xpersist view container open');
  }

  /** Drags the sash on the side bar's right edge until the side bar is `width` px wide. */
  async setSidebarWidth(width) {
    const bar = await this.page.locator(SIDEBAR).boundingBox();
    if (!bar) throw new Error('no side bar to resize');
    const x = bar.x + bar.width;
    const y = bar.y + bar.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + (bar.x + width - x) / 2, y, { steps: 5 });
    await this.page.mouse.move(bar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
    await this.page.waitForTimeout(300);
    const now = (await this.page.locator(SIDEBAR).boundingBox())?.width ?? 0;
    this.log(`side bar ${Math.round(bar.width)} px -> ${Math.round(now)} px`);
    return now;
  }

  /** Title text of the side bar (e.g. "XPERSIST: CACHES"). */
  async sidebarTitle() {
    return (await this.page.locator(`${SIDEBAR} .composite.title .title-label`).first().textContent()).trim();
  }

  /**
   * The tree rows rendered now in the side bar (a virtual list: only the visible ones), with label,
   * description, aria level, expansion and list index.
   * @returns {Promise<{index: number, label: string, description: string, level: number, expanded: boolean|null, text: string}[]>}
   */
  async treeRows() {
    // Not the sticky-scroll copies of parent rows: only the list's own rows.
    return this.page.locator(`${SIDEBAR} .monaco-list-rows > .monaco-list-row`).evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute('data-index') ?? -1),
        label: (e.querySelector('.label-name') ?? e).textContent.trim(),
        description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
        level: Number(e.getAttribute('aria-level') ?? 0),
        expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : null,
        text: e.textContent.trim(),
      })),
    );
  }

  /**
   * Scrolls the side bar's tree with the keyboard (focus moves, the selection does not, so nothing
   * opens): `to: 'top'` (Home), `to: 'bottom'` (End), otherwise one page down.
   */
  async scrollTree({ to } = {}) {
    const list = this.page.locator(`${SIDEBAR} .monaco-list`).first();
    await list.evaluate((el) => el.focus());
    await this.page.keyboard.press(to === 'top' ? 'Home' : to === 'bottom' ? 'End' : 'PageDown');
    await this.page.waitForTimeout(100);
  }

  /** Index of the tree's last row (presses End, leaving the tree scrolled to the bottom). */
  async lastRowIndex() {
    await this.scrollTree({ to: 'bottom' });
    return Math.max(-1, ...(await this.treeRows()).map((r) => r.index));
  }

  /**
   * Walks the tree from the top, a page at a time, until `stop(row)` is true for a rendered row
   * or the last row was seen. Returns that row (or null) and every row seen.
   */
  async walkTree(stop = () => false) {
    // The tree may change while it is walked (a store's first scan ends and its artifacts
    // appear): a walk counts only when the last row is still the same after it, else it is redone.
    for (let attempt = 0; ; attempt++) {
      const last = await this.lastRowIndex();
      await this.scrollTree({ to: 'top' });
      const byIndex = new Map();
      let hit = null;
      for (let i = 0; i < 1000; i++) {
        for (const r of await this.treeRows()) byIndex.set(r.index, r);
        hit = [...byIndex.values()].find((r) => stop(r)) ?? null;
        if (hit || byIndex.has(last)) break;
        await this.scrollTree();
      }
      const rows = [...byIndex.values()].sort((a, b) => a.index - b.index);
      if (hit || attempt >= 4 || (await this.lastRowIndex()) === last) return { hit, rows };
      this.log(`the tree changed while it was walked (last row ${last}): walking it again`);
    }
  }

  /** Every row of the side bar's tree (only expanded nodes' children exist). */
  async allTreeRows() {
    return (await this.walkTree()).rows;
  }

  /** Scrolls the tree until a row whose label + description matches `re` is rendered; returns it. */
  async scrollToRow(re) {
    const { hit } = await this.walkTree((r) => re.test(`${r.label} ${r.description}`));
    return hit;
  }

  /** Waits for a tree row whose label + description matches, scrolled into view; returns it. */
  async waitForRow(match, timeout = 45_000) {
    const re = match instanceof RegExp ? match : new RegExp(match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = await this.scrollToRow(re);
      if (hit) return hit;
      if (Date.now() > deadline) break;
      await this.page.waitForTimeout(500);
    }
    const rows = await this.allTreeRows();
    const welcome = await this.welcomeText();
    assert.fail(
      `no tree row matching ${re} after ${timeout} ms; rows: ${JSON.stringify(rows.map((r) => r.text))}` +
        (welcome ? `; the view shows its welcome text: ${JSON.stringify(welcome)}` : ''),
    );
  }

  /** The welcome (empty-view) text shown in the side bar, if any. */
  async welcomeText() {
    const w = this.page.locator(`${SIDEBAR} .welcome-view-content`).first();
    return (await w.count()) ? (await w.textContent()).trim() : '';
  }

  /** Messages of the visible notification toasts. */
  async toasts() {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => e.textContent.trim()));
  }

  /** Waits for a toast whose text matches, then for its fade-in to end (for screenshots). */
  async waitForToast(match, timeout = 30_000) {
    const loc = this.page
      .locator('.notifications-toasts .notification-list-item-message', { hasText: match })
      .first();
    await loc.waitFor({ timeout });
    await this.page.waitForTimeout(800);
    return (await loc.textContent()).trim();
  }

  /** Opens a workspace file in an editor through Quick Open. */
  async openFile(relPath) {
    await this.quickOpen(relPath);
    await this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .waitFor({ timeout: 30_000 });
  }

  /** Picks a workspace file in Quick Open (Ctrl+P) and presses Enter: its default editor opens. */
  async quickOpen(relPath) {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill(relPath);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relPath) })
      .first()
      .waitFor({ timeout: 30_000 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * The content frame of the visible webview panel (preview, flow graph). VS Code nests it: an
   * outer iframe.webview per panel, and the page itself in iframe#active-frame.
   */
  webview() {
    return this.page.frameLocator('iframe.webview.ready:visible').last().frameLocator('iframe#active-frame');
  }

  /** Waits for a selector inside the visible webview; returns its locator. */
  async inWebview(selector, timeout = 60_000) {
    const loc = this.webview().locator(selector).first();
    await loc.waitFor({ timeout });
    return loc;
  }

  /** Types into the open quick input (pick or input box) and accepts the first match. */
  async quickPick(text, rowText = text) {
    const input = this.page.locator('.quick-input-widget input').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill(text);
    if (rowText) {
      await this.page
        .locator('.quick-input-list .monaco-list-row', { hasText: rowText })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    // A multi-step input reuses one widget: the next step may only read its input once this one
    // has gone (hidden, or another title/placeholder), else the next fill types into this step.
    const step = await this.quickInputStep();
    await this.page.keyboard.press('Enter');
    const deadline = Date.now() + 15_000;
    while ((await this.quickInputStep()) === step) {
      if (Date.now() > deadline)
        throw new Error(`the quick input stayed at ${step} after Enter on "${text}"`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Title, placeholder and label of the visible quick input step as one string; null when hidden. */
  async quickInputStep() {
    return this.page.evaluate(() => {
      const w = document.querySelector('.quick-input-widget');
      if (!w?.checkVisibility()) return null;
      const i = w.querySelector('input');
      return JSON.stringify([
        w.querySelector('.quick-input-title')?.textContent,
        i?.placeholder,
        i?.ariaLabel,
      ]);
    });
  }

  /** The code lens texts shown in the active editor, top to bottom. */
  async codeLensTexts() {
    return this.page
      .locator('.editor-instance .monaco-editor .codelens-decoration')
      .evaluateAll((els) => els.map((e) => e.textContent.trim()));
  }

  /** Switches the color theme through the theme picker ("Light Modern", "Dark Modern", ...). */
  async setColorTheme(name) {
    // Ctrl+K Ctrl+T opens the installed-theme picker itself (the palette may pick a neighbour).
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    await this.quickPick(name);
    await this.page.waitForTimeout(800);
  }

  /** CSP violations the webviews reported on their console (src/webview/common/cspReport.ts). */
  cspViolations() {
    return this.console.filter((l) => l.includes('xpersist webview CSP violation'));
  }

  /**
   * No webview reported a CSP violation so far, and the visible one refuses inline styles: a
   * static style="..." parsed from HTML is not applied and its violation reaches this console
   * (so the first check could have failed).
   */
  async assertCspHolds() {
    assert.deepEqual(this.cspViolations(), [], 'no CSP violation while the panels rendered');
    const color = await this.webview()
      .locator('body')
      .evaluate(() => {
        const probe = document.createElement('div');
        probe.innerHTML = '<span style="color: rgb(1, 2, 3)">csp probe</span>';
        document.body.append(probe);
        const c = getComputedStyle(probe.firstElementChild).color;
        probe.remove();
        return c;
      });
    assert.notEqual(color, 'rgb(1, 2, 3)', "the webview's CSP refuses a static style attribute");
    for (let i = 0; i < 50 && this.cspViolations().length === 0; i++) await this.page.waitForTimeout(100);
    const seen = this.cspViolations();
    assert.equal(seen.length, 1, `the probe's violation is reported once: ${seen.join(' | ')}`);
    assert.match(seen[0], /style-src/);
    this.console = this.console.filter((l) => !seen.includes(l));
  }

  /** Browser console lines that mention the extension (activation, errors). */
  extensionConsole() {
    return this.console.filter((l) => /xpersist/i.test(l));
  }
}
