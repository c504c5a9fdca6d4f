// The Caches view in the real host: stores and artifacts as tree items, problems with fixes,
// grouping, filtering, paging, invalidation with confirmation, read-only refusal, live refresh.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type {
  ArtifactNode,
  CacheNode,
  LoadMoreNode,
  MetaNode,
  ProblemNode,
  ProblemsNode,
  StoreNode,
} from '../../src/extension/explorer/nodes';
import { contributes, inWorkspace, samePath, waitFor } from './helpers';
import { answerDialogs, children, hooks, labelOf, sleep, treeItem, writeArtifacts } from './hooks';

// Nodes come from the extension's bundle: tell them apart by `type`, not instanceof.
const is =
  <T extends CacheNode>(type: T['type']) =>
  (n: CacheNode | undefined): n is T =>
    n?.type === type;
const isArtifact = is<ArtifactNode>('artifact');
const isStore = is<StoreNode>('store');

async function storeNode(rel: string): Promise<StoreNode> {
  const h = await hooks();
  await waitFor(
    () => h.registry.list().some((s) => samePath(s.root, inWorkspace(rel)) && s.report),
    20_000,
    `${rel} scanned`,
  );
  const nodes = await children();
  const n = nodes.filter(isStore).find((x) => samePath(x.state.root, inWorkspace(rel)));
  assert.ok(n, `a store node for ${rel}`);
  return n;
}

async function setStores(value: unknown[]): Promise<void> {
  await vscode.workspace
    .getConfiguration('xpersist')
    .update('stores', value, vscode.ConfigurationTarget.Workspace);
  await (await hooks()).registry.discover();
}

/** A new store of `n` artifacts (writeArtifacts) as the only configured store, scanned and listed. */
async function storeInTree(prefix: string, n: number) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  writeArtifacts(root, n);
  await setStores([root]);
  const h = await hooks();
  await waitFor(() => h.registry.get(root)?.report, 20_000, 'scanned');
  const node = (await children()).filter(isStore).find((n) => n.state.root === root);
  assert.ok(node, `${root} in the tree`);
  return { root, h, arts: (await children(node)).filter(isArtifact) };
}

suite('cache explorer', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('xpersist.groupBy', 'flat');
    await vscode.commands.executeCommand('xpersist.sortBy', 'key');
  });
  teardown(async () => {
    (await hooks()).setDialogResponder(null);
  });

  test('store nodes show the artifact count and size; artifacts show size · age and a tooltip', async () => {
    const store = await storeNode('caches/seed-demo');
    const item = await treeItem(store);
    assert.match(String(item.description), /^2 artifacts · \d+(\.\d)? KB$/);
    const arts = (await children(store)).filter(isArtifact);
    assert.deepEqual(
      arts.map((a) => a.artifact.key),
      ['bar.zarr', 'Wednesday-sample_flow-foo_task.zarr'],
      'natural order',
    );
    const bar = await treeItem(arts[0]);
    assert.equal(labelOf(bar), 'bar.zarr');
    assert.match(String(bar.description), /^\d+(\.\d)? KB · (\d+ (min|h|days?) ago|just now)$/);
    const tip = (bar.tooltip as vscode.MarkdownString).value;
    for (const s of ['xarray\\.zarr', 'flow\\_name', 'my\\-flow', '"mode": "w"']) {
      assert.ok(tip.includes(s) || tip.includes(s.replace(/\\/g, '')), `tooltip mentions ${s}`);
    }
    assert.equal(bar.command?.command, 'xpersist.preview');
  });

  test('expanding an artifact lists its metadata, created_at in local time and UTC', async () => {
    const store = await storeNode('caches/seed-demo');
    const bar = (await children(store)).filter(isArtifact).find((n) => n.artifact.key === 'bar.zarr');
    assert.ok(bar);
    const rows = (await children(bar)).filter(is<MetaNode>('meta'));
    const byLabel = new Map(rows.map((r) => [r.label, r.value]));
    assert.equal(byLabel.get('serializer'), 'xarray.zarr');
    assert.match(byLabel.get('created_at') ?? '', /local · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    assert.equal(byLabel.get('dump_kwargs'), '{"mode":"w"}');
    assert.equal(byLabel.get('additional_metadata.flow_name'), 'my-flow');
    assert.equal(byLabel.get('additional_metadata.task_slug'), 'get_data-1');
    assert.match(byLabel.get('data') ?? '', /bar\.zarr \(directory, /);
  });

  test('problems appear under a Problems node, with fixes that confirm the exact paths', async () => {
    const store = await storeNode('caches/broken');
    assert.ok(
      ((await treeItem(store)).iconPath as vscode.ThemeIcon).color,
      'the store icon is tinted as a warning',
    );
    const problemsNode = (await children(store)).find(is<ProblemsNode>('problems'));
    assert.ok(problemsNode);
    const problems = (await children(problemsNode)).filter(is<ProblemNode>('problem'));
    const kinds = new Set(problems.map((p) => p.problem.kind));
    for (const k of [
      'invalid-json',
      'invalid-sidecar',
      'data-missing',
      'orphan-data',
      'stray-file',
      'key-mismatch',
    ]) {
      assert.ok(kinds.has(k as never), `a ${k} problem`);
    }
    const stray = problems.find(
      (p) => p.problem.kind === 'stray-file' && p.problem.path.endsWith('README.txt'),
    );
    assert.ok(stray);
    const item = await treeItem(stray);
    assert.match(String(item.contextValue), /fixable/);
    const cancelled = await answerDialogs(undefined);
    assert.equal(await vscode.commands.executeCommand('xpersist.fixProblem', stray), false);
    assert.ok(fs.existsSync(stray.problem.path), 'cancelled: nothing removed');
    assert.match(cancelled[0].detail, /README\.txt/);
    const seen = await answerDialogs('Remove stray file');
    assert.equal(await vscode.commands.executeCommand('xpersist.fixProblem', stray), true);
    assert.equal(seen[0].detail, `• ${stray.problem.path}`);
    assert.ok(!fs.existsSync(stray.problem.path));
  });

  test('the integrity report: a heading per problem, a lens per fix; a fix from its lens re-renders it', async () => {
    const store = await storeNode('caches/broken');
    const lines = (await vscode.commands.executeCommand('xpersist.checkIntegrity', store)) as string[];
    assert.match(lines[0], /^broken: \d+ artifacts, .* problems/);
    const doc = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'xpersist-integrity'),
      10_000,
      'the report document opened',
    );
    assert.equal(vscode.window.activeTextEditor?.document, doc, 'the report is shown');
    assert.equal(doc.languageId, 'markdown');
    const text = doc.getText();
    const report = (await hooks()).registry.get(store.state.root)?.report;
    assert.ok(report);
    const headings = text.split('\n').filter((l) => l.startsWith('### '));
    // Every problem of the scan, plus the 'pickle' serializer no xpersist registers.
    assert.equal(headings.length, report.problems.length + 1);
    assert.match(text, /### \d+\. Serializer not loadable: pickle — 1 artifact/);
    assert.doesNotMatch(text, /Integrity check: /, 'no toast text in the document');
    const lenses = (await vscode.commands.executeCommand(
      'vscode.executeCodeLensProvider',
      doc.uri,
    )) as vscode.CodeLens[];
    const fixes = lenses.filter((l) => l.command?.command === 'xpersist.fixProblem');
    assert.equal(fixes.length, report.problems.filter((p) => p.fixable).length);
    assert.ok(lenses.some((l) => l.command?.command === 'xpersist.revealArtifact'));
    const ds = fixes.find((l) => String(l.command?.arguments?.[1]?.path).endsWith('.DS_Store'));
    assert.ok(ds?.command, 'a fix lens for the stray .DS_Store');
    assert.equal(ds.command.title, '$(wrench) Remove stray file');
    const seen = await answerDialogs('Remove stray file');
    const args = ds.command.arguments ?? [];
    assert.equal(await vscode.commands.executeCommand(ds.command.command, ...args), true);
    assert.match(seen[0].detail, /\.DS_Store/);
    await waitFor(() => !doc.getText().includes('.DS_Store'), 10_000, 'the report re-rendered after the fix');
    assert.equal(
      doc
        .getText()
        .split('\n')
        .filter((l) => l.startsWith('### ')).length,
      headings.length - 1,
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("artifacts the interpreter's xpersist cannot load are marked in the tree, with why", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-unloadable-'));
    writeArtifacts(root, 2);
    // As xpersist's current source writes a pandas.csv artifact; the venv's 2021.12.17 cannot read it.
    const meta = path.join(root, 'xpersist_metadata_store');
    const sidecar = JSON.parse(fs.readFileSync(path.join(meta, 'a0001.joblib.artifact.json'), 'utf8'));
    fs.writeFileSync(path.join(root, 'table.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(
      path.join(meta, 'table.csv.artifact.json'),
      JSON.stringify({ ...sidecar, key: 'table.csv', serializer: 'pandas.csv' }),
    );
    await setStores([root]);
    const h = await hooks();
    await h.serializers.refresh(vscode.workspace.workspaceFolders?.[0]?.uri);
    assert.ok(h.serializers.get()?.includes('joblib'), 'the venv interpreter answered');
    await waitFor(() => h.registry.get(root)?.report, 20_000, 'scanned');
    const node = (await children()).filter(isStore).find((n) => n.state.root === root);
    assert.ok(node);
    const arts = (await children(node)).filter(isArtifact);
    const csv = arts.find((a) => a.artifact.key === 'table.csv');
    const ok = arts.find((a) => a.artifact.key === 'a0000.joblib');
    assert.ok(csv && ok);
    const item = await treeItem(csv);
    assert.match(String(item.description), /^not loadable · /);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'plug');
    assert.match(String(item.contextValue), /unloadable/);
    const tip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /not loadable\*\*: .*Cant't find 'pandas\\\.csv' in registry/);
    assert.doesNotMatch(String((await treeItem(ok)).description), /not loadable/);
    await setStores([]);
  });

  test('grouping by flow/task, serializer, folder and date; sorting by size', async () => {
    const store = await storeNode('caches/seed-demo');
    await vscode.commands.executeCommand('xpersist.groupBy', 'flowTask');
    const flows = await children(store);
    assert.deepEqual(await Promise.all(flows.map(async (n) => labelOf(await treeItem(n)))), [
      'my-flow',
      'sample_flow',
    ]);
    const tasks = await children(flows[0]);
    assert.equal(labelOf(await treeItem(tasks[0])), 'get_data');
    await vscode.commands.executeCommand('xpersist.groupBy', 'serializer');
    assert.deepEqual(
      await Promise.all((await children(store)).map(async (n) => labelOf(await treeItem(n)))),
      ['xarray.zarr'],
    );
    await vscode.commands.executeCommand('xpersist.groupBy', 'date');
    assert.match(
      labelOf(await treeItem((await children(store))[0])),
      /^(Today \(|Yesterday \(|\d{4}-\d\d-\d\d)/,
    );
    await vscode.commands.executeCommand('xpersist.groupBy', 'flat');
    await vscode.commands.executeCommand('xpersist.sortBy', 'size');
    const sizes = (await children(store)).filter(isArtifact).map((n) => n.artifact.sizeBytes ?? 0);
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
    await vscode.commands.executeCommand('xpersist.sortBy', 'key');
  });

  test('the filter shows in the view description and clears in one click', async () => {
    const h = await hooks();
    const store = await storeNode('caches/seed-demo');
    assert.equal(
      await vscode.commands.executeCommand('xpersist.filter', 'bar flow:my-flow'),
      'bar flow:my-flow',
    );
    assert.equal(h.view.description, 'filter: bar flow:my-flow');
    assert.match(
      String((await treeItem(store)).description),
      /^1 of 2 artifacts/,
      'the count follows the filter',
    );
    const keys = (await children(store)).filter(isArtifact).map((n) => n.artifact.key);
    assert.deepEqual(keys, ['bar.zarr']);
    await vscode.commands.executeCommand('xpersist.clearFilter');
    assert.equal(h.view.description, undefined);
    assert.equal((await children(store)).filter((n) => n.type === 'artifact').length, 2);
  });

  test('a group lists up to 10,000 artifacts without paging, in natural order; beyond that "Load more"', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-many-'));
    writeArtifacts(root, 10_050);
    await setStores([{ path: root, name: 'many' }]);
    const h = await hooks();
    await waitFor(() => h.registry.get(root)?.report, 60_000, 'the 10,050-artifact store scanned');
    const node = (await children()).filter(isStore).find((n) => n.state.root === root);
    assert.ok(node);
    let kids = await children(node);
    const arts = kids.filter(isArtifact);
    assert.equal(arts.length, 10_000);
    // Natural order: a9999 before a10000 (a plain string sort would put a10000 after a1000).
    assert.deepEqual(
      arts.slice(9998, 10_000).map((a) => a.artifact.key),
      ['a9998.joblib', 'a9999.joblib'],
    );
    const more = kids.find(is<LoadMoreNode>('loadMore'));
    assert.ok(more);
    assert.equal((await treeItem(more)).description, '50 more artifacts');
    await vscode.commands.executeCommand('xpersist.loadMore', more);
    kids = await children(node);
    assert.equal(kids.filter(isArtifact).length, 10_050);
    assert.equal(kids.filter(isArtifact)[10_049].artifact.key, 'a10049.joblib');
    assert.ok(!kids.some((n) => n.type === 'loadMore'));
    assert.equal(
      await vscode.commands.executeCommand('xpersist.revealArtifact', root, 'a10049.joblib'),
      true,
    );
    await setStores([]);
  });

  test('invalidate deletes the selected artifacts after a confirmation listing every path', async () => {
    const { root, h, arts } = await storeInTree('xp-inv-', 3);
    const no = await answerDialogs(undefined);
    assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', arts[0], [arts[0], arts[1]]), 0);
    assert.ok(fs.existsSync(path.join(root, 'a0000.joblib')), 'cancel changes nothing');
    assert.deepEqual(no[0].detail.split('\n'), [
      `• ${path.join(root, 'xpersist_metadata_store', 'a0000.joblib.artifact.json')}`,
      `• ${path.join(root, 'a0000.joblib')}`,
      `• ${path.join(root, 'xpersist_metadata_store', 'a0001.joblib.artifact.json')}`,
      `• ${path.join(root, 'a0001.joblib')}`,
    ]);
    await answerDialogs('Delete');
    assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', arts[0], [arts[0], arts[1]]), 2);
    assert.ok(!fs.existsSync(path.join(root, 'a0000.joblib')));
    assert.ok(!fs.existsSync(path.join(root, 'xpersist_metadata_store', 'a0001.joblib.artifact.json')));
    assert.deepEqual(
      h.registry.get(root)?.report?.artifacts.map((a) => a.key),
      ['a0002.joblib'],
    );
    await setStores([]);
  });

  test('a delete goes to the store trash first; Undo puts every byte back', async () => {
    const { root, h, arts } = await storeInTree('xp-undo-', 3);
    const bytes = (k: string) => fs.readFileSync(path.join(root, k), 'utf8');
    const before = ['a0000.joblib', 'a0001.joblib'].map(bytes);
    // The Undo button is pressed when the test says so: first look at the store in between.
    let press: (choice: string | undefined) => void = () => {};
    const notices: { message: string; choices: string[] }[] = [];
    h.setNoticeResponder((message, choices) => {
      notices.push({ message, choices });
      return new Promise((r) => {
        press = r;
      });
    });
    try {
      const seen = await answerDialogs('Delete');
      assert.equal(
        await vscode.commands.executeCommand('xpersist.invalidate', arts[0], [arts[0], arts[1]]),
        2,
      );
      assert.match(
        seen[0].message,
        /moves to the store's trash \(\.xpersist-trash\/\) and can be restored for 60 s/,
      );
      assert.equal(seen.length, 1, 'no typed confirmation in a local store of ordinary size');
      await waitFor(() => notices.length === 1, 5_000, 'the Undo notification');
      assert.deepEqual(notices[0].choices, ['Undo']);
      assert.match(notices[0].message, /^Deleted 2 artifacts from .*\. Undo restores them for 60 s\.$/);
      assert.ok(!fs.existsSync(path.join(root, 'a0000.joblib')), 'gone from its place');
      assert.equal(fs.readdirSync(path.join(root, '.xpersist-trash')).length, 2, 'one trash entry per key');
      const during = h.registry.get(root)?.report;
      assert.deepEqual(
        during?.artifacts.map((a) => a.key),
        ['a0002.joblib'],
      );
      assert.deepEqual(during?.problems, [], 'the trash is not reported as orphan data');
      press('Undo');
      await waitFor(
        () => h.registry.get(root)?.report?.artifacts.length === 3,
        10_000,
        'the tree shows the restored keys',
      );
      assert.deepEqual(['a0000.joblib', 'a0001.joblib'].map(bytes), before);
      assert.ok(fs.existsSync(path.join(root, 'xpersist_metadata_store', 'a0001.joblib.artifact.json')));
      assert.ok(!fs.existsSync(path.join(root, '.xpersist-trash')), 'the emptied trash is gone');
      assert.deepEqual(h.registry.get(root)?.report?.problems, []);
    } finally {
      h.setNoticeResponder(null);
      await setStores([]);
    }
  });

  test('a delete of more paths than the dialog lists offers every path in an editor, then asks again', async () => {
    const { root, h, arts } = await storeInTree('xp-many-', 30);
    assert.equal(arts.length, 30);
    const seen: { detail: string; choices: string[] }[] = [];
    h.setDialogResponder((_message, detail, choices) => {
      seen.push({ detail, choices });
      return seen.length === 1 ? choices[1] : choices[0];
    });
    try {
      assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', arts[0], arts), 30);
      assert.equal(seen.length, 2, 'asked again after showing the paths');
      assert.deepEqual(seen[0].choices, ['Delete', 'Show All 60 Paths']);
      const listed = seen[0].detail.split('\n');
      assert.equal(listed.length, 41);
      assert.equal(listed[40], '… and 20 more');
      const expected = writtenPaths(root, 30);
      const doc = vscode.workspace.textDocuments.find(
        (d) => d.isUntitled && d.getText().includes(expected[expected.length - 1]),
      );
      assert.ok(doc, 'an editor lists the paths the dialog cut');
      const lines = doc.getText().split('\n');
      for (const p of expected) assert.ok(lines.includes(p), `${p} is listed`);
      assert.ok(!fs.existsSync(path.join(root, 'a0029.joblib')), 'deleted after the second Delete');
    } finally {
      h.setDialogResponder(null);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await setStores([]);
    }
  });

  test('Copy as Python puts the store and store.get(key) on the clipboard', async () => {
    const store = await storeNode('caches/seed-demo');
    const bar = (await children(store)).filter(isArtifact).find((n) => n.artifact.key === 'bar.zarr');
    assert.ok(bar);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('xpersist.copyAsPython', bar);
    assert.equal(
      await vscode.env.clipboard.readText(),
      `from xpersist import CacheStore\n\nstore = CacheStore(${JSON.stringify(store.state.root)})\nds = store.get("bar.zarr")\n`,
    );
    const menus = (contributes().menus as Record<string, { command: string; when?: string }[]>)[
      'view/item/context'
    ];
    assert.ok(
      menus.some(
        (m) => m.command === 'xpersist.copyAsPython' && /viewItem =~ \/\^artifact/.test(m.when ?? ''),
      ),
    );
  });

  test('Open in Notebook / Interactive Window are offered only with the Jupyter extension', async () => {
    const menus = (contributes().menus as Record<string, { command: string; when?: string }[]>)[
      'view/item/context'
    ];
    for (const id of ['xpersist.openInNotebook', 'xpersist.openInInteractiveWindow']) {
      const m = menus.find((x) => x.command === id);
      assert.match(m?.when ?? '', /viewItem =~ \/\^artifact\/ && xpersist\.jupyterInstalled$/, id);
    }
    // This host has no Jupyter extension: run by hand, the commands open nothing.
    assert.equal(vscode.extensions.getExtension('ms-toolsai.jupyter'), undefined);
    const store = await storeNode('caches/seed-demo');
    const bar = (await children(store)).filter(isArtifact).find((n) => n.artifact.key === 'bar.zarr');
    const notebooks = vscode.workspace.notebookDocuments.length;
    assert.equal(await vscode.commands.executeCommand('xpersist.openInNotebook', bar), false);
    assert.equal(await vscode.commands.executeCommand('xpersist.openInInteractiveWindow', bar), false);
    assert.equal(vscode.workspace.notebookDocuments.length, notebooks);
  });

  test('invalidating a key folder deletes exactly the artifacts below it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-group-'));
    for (const d of ['g/sub', 'xpersist_metadata_store/g/sub'])
      fs.mkdirSync(path.join(root, d), { recursive: true });
    writeArtifacts(root, 1, 'g/a');
    writeArtifacts(root, 1, 'g/sub/b');
    writeArtifacts(root, 1, 'keep');
    await setStores([root]);
    const h = await hooks();
    await vscode.commands.executeCommand('xpersist.groupBy', 'folder');
    try {
      await waitFor(() => h.registry.get(root)?.report?.artifacts.length === 3, 20_000, 'scanned');
      const node = (await children()).filter(isStore).find((n) => n.state.root === root);
      assert.ok(node);
      const group = (await children(node)).find((n) => n.type === 'group');
      assert.ok(group);
      assert.match(String((await treeItem(group)).contextValue), /^group folder writable$/);
      const keys = contributes().keybindings as { command: string; key: string; when: string }[];
      assert.ok(
        keys.some(
          (k) =>
            k.command === 'xpersist.invalidate' &&
            k.key === 'delete' &&
            /focusedView == xpersist\.caches/.test(k.when),
        ),
        'the Delete key invalidates in the Caches view',
      );
      const seen = await answerDialogs('Delete');
      assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', group), 2);
      assert.match(seen[0].message, /^Delete 2 artifacts from /);
      assert.equal(
        seen[0].detail.split('\n').filter((l) => l.startsWith('• ') && !l.includes('empty folder')).length,
        4,
      );
      assert.deepEqual(
        h.registry.get(root)?.report?.artifacts.map((a) => a.key),
        ['keep0000.joblib'],
      );
    } finally {
      await vscode.commands.executeCommand('xpersist.groupBy', 'flat');
      await setStores([]);
    }
  });

  test('a read-only store refuses invalidation and keeps everything', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-ro-'));
    writeArtifacts(root, 1);
    await setStores([{ path: root, readonly: true }]);
    const h = await hooks();
    await waitFor(() => h.registry.get(root)?.report, 20_000, 'scanned');
    const node = (await children()).filter(isStore).find((n) => n.state.root === root);
    assert.ok(node);
    assert.match(String((await treeItem(node)).description), /read-only/);
    const art = (await children(node)).find(isArtifact);
    assert.ok(art);
    // No delete control is offered: the menus' when clauses need "writable".
    const ctxValue = String((await treeItem(art)).contextValue);
    assert.match(ctxValue, /readonly/);
    const menus = (contributes().menus as Record<string, { command: string; when?: string }[]>)[
      'view/item/context'
    ];
    const del = menus.filter((m) => m.command === 'xpersist.invalidate');
    assert.ok(del.length > 0);
    for (const m of del)
      assert.doesNotMatch(ctxValue, new RegExp(/viewItem =~ \/(.*)\/ /.exec(m.when ?? '')![1]));
    const seen = await answerDialogs('Delete');
    assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', art), 0);
    assert.equal(seen.length, 0, 'no confirmation is even asked');
    assert.ok(fs.existsSync(path.join(root, 'a0000.joblib')));
    await setStores([]);
  });

  test('a burst of 100 writes coalesces into few rescans and the tree converges', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-burst-'));
    writeArtifacts(root, 1, 'first');
    await setStores([root]);
    const h = await hooks();
    await waitFor(() => h.registry.get(root)?.report, 20_000, 'scanned');
    const before = h.registry.get(root)?.scanCount ?? 0;
    for (let i = 0; i < 10; i++) {
      writeArtifacts(root, 10, `burst${i}-`);
      await sleep(30);
    }
    await waitFor(
      () => h.registry.get(root)?.report?.artifacts.length === 101,
      20_000,
      'the tree to show all 101 artifacts',
    );
    await sleep(1500);
    const scans = (h.registry.get(root)?.scanCount ?? 0) - before;
    assert.ok(scans >= 1 && scans <= 3, `100 writes caused ${scans} rescans`);
    await setStores([]);
  });

  test('copy key, copy data path and the integrity check', async () => {
    const store = await storeNode('caches/seed-demo');
    const bar = (await children(store)).filter(isArtifact).find((n) => n.artifact.key === 'bar.zarr');
    assert.ok(bar);
    await vscode.commands.executeCommand('xpersist.copyKey', bar);
    assert.equal(await vscode.env.clipboard.readText(), 'bar.zarr');
    await vscode.commands.executeCommand('xpersist.copyDataPath', bar);
    assert.equal(await vscode.env.clipboard.readText(), bar.artifact.dataPath);
    const lines = (await vscode.commands.executeCommand('xpersist.checkIntegrity', store)) as string[];
    assert.match(lines[0], /: 2 artifacts, /);
  });

  test('Copy to Store into a folder that is not a store yet makes it one and lists the copy', async () => {
    const store = await storeNode('caches/seed-demo');
    const bar = (await children(store)).filter(isArtifact).find((n) => n.artifact.key === 'bar.zarr');
    assert.ok(bar, 'bar.zarr');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-new-store-'));
    try {
      await vscode.commands.executeCommand('xpersist.copyToStore', bar, folder, 'copies/bar.zarr');
      assert.ok(
        fs.statSync(path.join(folder, 'xpersist_metadata_store/copies/bar.zarr.artifact.json')).isFile(),
      );
      assert.ok(fs.statSync(path.join(folder, 'copies/bar.zarr/.zgroup')).isFile());
      const h = await hooks();
      const state = h.registry.list().find((s) => samePath(s.root, folder));
      assert.ok(state, 'the new store is listed');
      await waitFor(() => state.report?.isStore === true, 10_000, 'the new store scanned as a store');
      assert.deepEqual(
        state.report?.artifacts.map((a) => a.key),
        ['copies/bar.zarr'],
      );
    } finally {
      await setStores([]);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** The sidecar and data path of each key writeArtifacts wrote, as a delete lists them. */
function writtenPaths(root: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `a${String(i).padStart(4, '0')}.joblib`).flatMap((k) => [
    path.join(root, 'xpersist_metadata_store', `${k}.artifact.json`),
    path.join(root, k),
  ]);
}
