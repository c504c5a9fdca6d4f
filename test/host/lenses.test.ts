// Code lenses, hovers and diagnostics on the seed flow file, in the real host: read through
// VS Code's own providers (executeCodeLensProvider / executeHoverProvider / diagnostics).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inWorkspace, waitFor } from './helpers';
import { answerDialogs, hooks, restoreSeedStore } from './hooks';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ??
    []
  );
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  return (await lenses(uri)).map((l) => l.command?.title ?? '');
}

/** Waits until the lenses at the task on `line` (1-based) include one matching `re`. */
async function waitForLens(uri: vscode.Uri, re: RegExp, what: string): Promise<vscode.CodeLens> {
  let last: string[] = [];
  try {
    return await waitFor(
      async () => {
        const ls = await lenses(uri);
        last = ls.map((l) => l.command?.title ?? '');
        return ls.find((l) => re.test(l.command?.title ?? ''));
      },
      30_000,
      what,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; lenses were: ${JSON.stringify(last)}`);
  }
}

suite('code lenses', () => {
  const seed = () => vscode.Uri.file(inWorkspace('flows/seed_flow.py'));
  const tmpStore = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache');

  suiteSetup(async () => {
    await vscode.window.showTextDocument(seed());
    const h = await hooks();
    await waitFor(
      () => h.registry.get(tmpStore())?.report,
      30_000,
      "the seed file's CacheStore (TMPDIR/my-cache) found and scanned",
    );
    await restoreSeedStore();
  });
  teardown(async () => (await hooks()).setDialogResponder(null));

  test('each task with a target has a lens with its cache state', async () => {
    const uri = seed();
    await waitForLens(uri, /^\$\(pass-filled\) cached · bar\.zarr · \d+(\.\d)? KB · /, 'bar.zarr cached');
    const today = WEEKDAYS[new Date().getUTCDay()];
    const re =
      today === 'Wednesday'
        ? /cached · Wednesday-sample_flow-foo_task\.zarr/
        : new RegExp(`^\\$\\(circle-large-outline\\) not cached · ${today}-sample_flow-foo_task\\.zarr$`);
    await waitForLens(uri, re, `foo_task's lens for ${today}`);
    const titles = await lensTitles(uri);
    assert.equal(titles.filter((t) => t.includes('Show Flow Graph')).length, 2, 'a graph lens per flow');
    assert.ok(
      titles.includes('Preview') && titles.includes('Invalidate') && titles.includes('Reveal'),
      JSON.stringify(titles),
    );
  });

  test('"Evaluate targets as of" re-resolves templated targets for another day', async () => {
    const uri = seed();
    await vscode.commands.executeCommand('xpersist.evaluateTargetsAsOf', '2026-11-25');
    try {
      await waitForLens(
        uri,
        /cached · Wednesday-sample_flow-foo_task\.zarr.* \(as of 2026-11-25\)$/,
        'the Wednesday artifact as cached',
      );
    } finally {
      await vscode.commands.executeCommand('xpersist.evaluateTargetsAsOf', '');
    }
  });

  test('hovering the target shows the key and the matching artifact', async () => {
    const uri = seed();
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('target="bar.zarr"'));
    const col = doc.lineAt(line).text.indexOf('bar.zarr');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(line, col),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
      .join('\n');
    assert.match(text, /key `bar\.zarr`/, 'no markdown escapes in code spans');
    for (const span of text.match(/`[^`]*`/g) ?? [])
      assert.doesNotMatch(span, /\\/, `no backslash inside the code span ${span}`);
    assert.doesNotMatch(text, /get_data-1/, 'no internal node ids');
    assert.match(text, /state: cached/);
    assert.match(text, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  test('invalidating through the lens flips it to "not cached"', async () => {
    const uri = seed();
    const lens = await waitForLens(uri, /^Invalidate$/, 'an Invalidate lens');
    const seen = await answerDialogs('Delete');
    const deleted = await vscode.commands.executeCommand(
      lens.command!.command,
      ...(lens.command!.arguments ?? []),
    );
    assert.equal(deleted, 1);
    assert.match(seen[0].detail, /my-cache[\\/]xpersist_metadata_store[\\/]bar\.zarr\.artifact\.json/);
    assert.ok(!fs.existsSync(path.join(tmpStore(), 'bar.zarr')));
    await waitForLens(uri, /^\$\(circle-large-outline\) not cached · bar\.zarr$/, 'bar.zarr not cached');
  });

  test('a read-only store offers no Invalidate and no Rerun of a cached target, only Preview and Reveal', async () => {
    const h = await hooks();
    await restoreSeedStore(); // an earlier test invalidated bar.zarr
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-ro-lens-'));
    fs.cpSync(tmpStore(), root, { recursive: true });
    const config = vscode.workspace.getConfiguration('xpersist');
    const before = config.inspect('stores')?.workspaceValue;
    const file = path.join(inWorkspace('flows'), 'ro_flow.py');
    fs.writeFileSync(
      file,
      [
        'from prefect import Flow, task',
        'from xpersist import CacheStore, XpersistResult',
        `store = CacheStore(${JSON.stringify(root)})`,
        '@task(target="bar.zarr", result=XpersistResult(store, serializer="xarray.zarr"))',
        'def get_data():',
        '    return 1',
        'with Flow("ro") as flow:',
        '    get_data()',
        '',
      ].join('\n'),
    );
    try {
      await config.update('stores', [{ path: root, readonly: true }], vscode.ConfigurationTarget.Workspace);
      await h.registry.discover();
      await waitFor(
        () => h.registry.get(root)?.report && h.registry.get(root)?.readonly,
        20_000,
        'read-only store scanned',
      );
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(uri);
      await waitForLens(
        uri,
        /^\$\(pass-filled\) cached · bar\.zarr/,
        'bar.zarr cached in the read-only store',
      );
      const titles = await lensTitles(uri);
      assert.ok(titles.includes('Preview') && titles.includes('Reveal'), JSON.stringify(titles));
      assert.ok(!titles.includes('Invalidate'), `no Invalidate lens: ${JSON.stringify(titles)}`);
      assert.ok(!titles.includes('Rerun'), `no Rerun lens (it deletes first): ${JSON.stringify(titles)}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(file, { force: true });
      await config.update('stores', before, vscode.ConfigurationTarget.Workspace);
      await h.registry.discover();
    }
  });

  test('diagnostics explain risky targets', async () => {
    const file = path.join(inWorkspace('flows'), 'risky_flow.py');
    fs.writeFileSync(
      file,
      [
        'import tempfile',
        'from prefect import Flow, task',
        'from xpersist import CacheStore, XpersistResult',
        "store = CacheStore('/definitely/not/here')",
        'day = "x"',
        '@task(target=f"{day}.zarr", result=XpersistResult(store, serializer="xarray.zarr"))',
        'def a():',
        '    return 1',
        '@task(target="{task_name}.csv", result=XpersistResult(store, serializer="pandas.nope"))',
        'def b(x):',
        '    return x',
        'with Flow("risky") as flow:',
        '    b.map([1, 2])',
        '    a()',
        '',
      ].join('\n'),
    );
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const codes = await waitFor(
      () => {
        const c = vscode.languages
          .getDiagnostics(uri)
          .map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
        return c.includes('fstring-target') ? c : undefined;
      },
      15_000,
      'diagnostics',
    );
    for (const c of [
      'fstring-target',
      'zarr-without-mode-w',
      'unknown-serializer',
      'mapped-target-without-map-index',
      'store-path-missing',
    ]) {
      assert.ok(codes.includes(c), `${c} in ${JSON.stringify(codes)}`);
    }
    const d = vscode.languages.getDiagnostics(uri).find((x) => x.code === 'fstring-target');
    assert.equal(d?.source, 'xpersist');
    assert.match(d?.message ?? '', /f-string/);
  });
});
