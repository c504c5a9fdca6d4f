// Running flows for real: the seed flow through the extension's command with the venv's
// Prefect 1.4.1 + xpersist 2021.12.17, live task states in the graph, Cached on the second
// run, invalidate with downstream and rerun, and a failing task with its exception.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inWorkspace, waitFor } from './helpers';
import { answerDialogs, hooks, restoreSeedStore } from './hooks';

suite('running flows', function () {
  this.timeout(240_000);
  const seed = () => vscode.Uri.file(inWorkspace('flows/seed_flow.py'));
  const tmpStore = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache');
  const barSidecar = () => path.join(tmpStore(), 'xpersist_metadata_store', 'bar.zarr.artifact.json');

  suiteSetup(async () => {
    const h = await hooks();
    await vscode.window.showTextDocument(seed());
    await waitFor(() => h.registry.get(tmpStore())?.report, 30_000, 'TMPDIR/my-cache scanned');
    const state = h.registry.get(tmpStore());
    if (fs.existsSync(barSidecar())) await state?.store.delete('bar.zarr', { dryRun: false });
    await h.registry.scan(tmpStore());
  });
  teardown(async () => (await hooks()).setDialogResponder(null));

  test('Run Flow runs my-flow with the venv Python; bar.zarr appears in the tree and its lens flips to cached', async () => {
    const h = await hooks();
    const ref = { uri: seed().toString(), flowIndex: 0 };
    await vscode.commands.executeCommand('xpersist.showFlowGraph', ref);
    assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
    assert.ok(fs.existsSync(barSidecar()), 'the flow wrote bar.zarr');
    await waitFor(
      () => h.registry.get(tmpStore())?.report?.artifacts.some((a) => a.key === 'bar.zarr'),
      15_000,
      'bar.zarr in the tree',
    );
    const lenses = await waitFor(
      async () => {
        const ls =
          (await vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            seed(),
            100,
          )) ?? [];
        return ls.find(
          (l) =>
            /cached · bar\.zarr/.test(l.command?.title ?? '') && !/not cached/.test(l.command?.title ?? ''),
        );
      },
      15_000,
      'the bar.zarr lens to say cached',
    );
    assert.ok(lenses);
    // The run ends, then the store is rescanned: the graph shows both once it has caught up.
    const model = await waitFor(
      () =>
        h.graphs
          .models()
          .find(
            (m) =>
              m.flow === 'my-flow' &&
              !m.running &&
              m.runSummary &&
              m.nodes.find((n) => n.id === 'get_data-1')?.status === 'cached',
          ),
      15_000,
      'the graph to show the run and the new artifact',
    );
    const getData = model.nodes.find((n) => n.id === 'get_data-1');
    assert.equal(getData?.live?.state, 'Success');
    assert.equal(getData?.status, 'cached');
    assert.equal(model.nodes.find((n) => n.id === 'total-1')?.live?.state, 'Success');
    assert.ok(model.edges.some((e) => e.from === 'get_data-1' && e.to === 'total-1' && e.kind === 'data'));
  });

  test('the second run loads get_data from the cache (state Cached)', async () => {
    const h = await hooks();
    const events: string[] = [];
    const sub = h.runner.onDidChangeRun(({ run }) => {
      const t = run.tasks.get('get_data-1');
      if (t) events.push(t.state);
    });
    try {
      assert.equal(
        await vscode.commands.executeCommand('xpersist.runFlow', { uri: seed().toString(), flowIndex: 0 }),
        true,
      );
    } finally {
      sub.dispose();
    }
    assert.equal(events[events.length - 1], 'Cached', `states seen: ${events.join(', ')}`);
  });

  test('Rerun with downstream invalidates the target (after confirming) and runs it again', async () => {
    const h = await hooks();
    const before = fs.statSync(barSidecar()).mtimeMs;
    const seen = await answerDialogs('Delete and Run');
    const ok = await vscode.commands.executeCommand('xpersist.rerunTaskWithDownstream', {
      uri: seed().toString(),
      flowIndex: 0,
      node: 'get_data-1',
    });
    assert.equal(ok, true);
    assert.match(seen[0]?.detail ?? '', /bar\.zarr\.artifact\.json/);
    assert.match(
      seen[0]?.message ?? '',
      /^Delete 1 target from .*, then run flow my-flow \(seed_flow\.py\) with your Python, which recomputes get_data and its downstream tasks/,
      'the confirmation says the flow runs too',
    );
    assert.ok(fs.statSync(barSidecar()).mtimeMs > before, 'bar.zarr was written again');
    const run = h.runner.active;
    assert.equal(run, null, 'the run is over');
    const model = await waitFor(
      () =>
        h.graphs
          .models()
          .find(
            (m) =>
              m.flow === 'my-flow' && m.nodes.find((n) => n.id === 'get_data-1')?.live?.state === 'Success',
          ),
      15_000,
      'get_data re-ran',
    );
    assert.ok(model);
  });

  test('a failing task shows its exception and where it was raised', async () => {
    const h = await hooks();
    const file = path.join(inWorkspace('flows'), 'failing_flow.py');
    fs.writeFileSync(
      file,
      [
        'from prefect import Flow, task',
        '',
        '@task',
        'def explode():',
        '    raise ValueError("the data is not there")',
        '',
        'with Flow("failing") as flow:',
        '    explode()',
        '',
      ].join('\n'),
    );
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('xpersist.showFlowGraph', { uri: uri.toString(), flowIndex: 0 });
    assert.equal(
      await vscode.commands.executeCommand('xpersist.runFlow', { uri: uri.toString(), flowIndex: 0 }),
      false,
    );
    const model = await waitFor(
      () => h.graphs.models().find((m) => m.flow === 'failing' && m.nodes[0]?.live?.state === 'Failed'),
      15_000,
      'the failed state in the graph',
    );
    const node = model.nodes[0];
    assert.equal(node.live?.exception, 'ValueError: the data is not there');
    assert.equal(node.live?.where?.line, 5);
    assert.match(node.live?.traceback ?? '', /Traceback/);
  });
});

suite('a rerun that fails', function () {
  this.timeout(240_000);
  const file = () => path.join(inWorkspace('flows'), 'restore_flow.py');
  const marker = () => path.join(inWorkspace('flows'), 'fail-now');
  const root = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache');
  const sidecar = () => path.join(root(), 'xpersist_metadata_store', 'restore.joblib.artifact.json');
  suiteTeardown(async () => {
    const h = await hooks();
    h.setDialogResponder(null);
    h.setNoticeResponder(null);
    fs.rmSync(marker(), { force: true });
    if (fs.existsSync(sidecar()))
      await h.registry.get(root())?.store.delete('restore.joblib', { dryRun: false });
    await h.registry.scan(root());
  });

  test('offers the deleted target back, and Restore puts it back in the store', async () => {
    const h = await hooks();
    fs.writeFileSync(
      file(),
      [
        'import os',
        'os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "True"',
        'import pathlib, tempfile',
        'from prefect import Flow, task',
        'from xpersist import CacheStore, XpersistResult',
        '',
        'store = CacheStore(f"{tempfile.gettempdir()}/my-cache")',
        '',
        '@task(target="restore.joblib", result=XpersistResult(store, serializer="joblib"))',
        'def answer():',
        '    if (pathlib.Path(__file__).parent / "fail-now").exists():',
        '        raise RuntimeError("told to fail")',
        '    return 42',
        '',
        'with Flow("restore-flow") as flow:',
        '    answer()',
        '',
      ].join('\n'),
    );
    const uri = vscode.Uri.file(file());
    await vscode.window.showTextDocument(uri);
    const ref = { uri: uri.toString(), flowIndex: 0 };
    assert.equal(
      await vscode.commands.executeCommand('xpersist.runFlow', ref),
      true,
      'the first run caches it',
    );
    const cached = fs.readFileSync(sidecar(), 'utf8');
    fs.writeFileSync(marker(), '');
    const seen = await answerDialogs('Delete and Run');
    const notices: { message: string; choices: string[] }[] = [];
    h.setNoticeResponder((message, choices) => {
      notices.push({ message, choices });
      return 'Restore';
    });
    const ok = await vscode.commands.executeCommand('xpersist.rerunTask', { ...ref, node: 'answer-1' });
    assert.equal(ok, false, 'the rerun failed');
    assert.match(
      seen[0]?.message ?? '',
      /The old data moves to the store's trash \(\.xpersist-trash\/\) while the flow runs: if the run fails or is cancelled, you can restore it\./,
    );
    await waitFor(() => notices.length > 0, 15_000, 'the restore offer');
    assert.deepEqual(notices[0].choices, ['Restore']);
    assert.match(
      notices[0].message,
      /^The run failed: "restore\.joblib" deleted for the rerun is in the trash of .*\. Restore puts it back \(offered for 60 s\)\.$/,
    );
    await waitFor(
      () => h.registry.get(root())?.report?.artifacts.some((a) => a.key === 'restore.joblib'),
      15_000,
      'restore.joblib back in the tree',
    );
    assert.equal(fs.readFileSync(sidecar(), 'utf8'), cached, 'the same sidecar as before the rerun');
    assert.ok(fs.existsSync(path.join(root(), 'restore.joblib')), 'its data is back');
  });
});

suite('cancelling a flow run', function () {
  this.timeout(120_000);
  suiteTeardown(async () => {
    await restoreSeedStore();
  });
  test('Cancel Flow Run stops the running task', async () => {
    const h = await hooks();
    const uri = vscode.Uri.file(inWorkspace('flows/seed_flow.py'));
    const store = h.registry.get(path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache'));
    assert.ok(store, 'the seed store is known');
    if (fs.existsSync(path.join(store.root, 'xpersist_metadata_store', 'bar.zarr.artifact.json'))) {
      await store.store.delete('bar.zarr', { dryRun: false });
    }
    const running = vscode.commands.executeCommand('xpersist.runFlow', { uri: uri.toString(), flowIndex: 0 });
    await waitFor(
      () => h.runner.active?.run.tasks.get('get_data-1')?.state === 'Running',
      60_000,
      'get_data running',
    );
    assert.equal(await vscode.commands.executeCommand('xpersist.cancelRun'), true);
    assert.equal(await running, false, 'the run reports it did not succeed');
    assert.equal(h.runner.active, null);
    assert.ok(
      !fs.existsSync(path.join(store.root, 'xpersist_metadata_store', 'bar.zarr.artifact.json')),
      'nothing was written',
    );
  });
});
