// The demo's climate flow (demo/flows/climate_flow.py: 8 tasks, parameters, a mapped task,
// templated and nested targets) run for real with the venv's Prefect 1.4.1 + xpersist 2021.12.17:
// before the first run its store folder does not exist and every lens settles on "not cached";
// the run writes every target (nested ones included, auto_mkdir) with per-task durations in the
// graph; invalidating a target clears its run mark.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inWorkspace, waitFor } from './helpers';
import { answerDialogs, hooks } from './hooks';

const TARGETED = [
  'download_era5',
  'regrid',
  'climatology',
  'load_member',
  'ensemble_mean',
  'anomalies',
  'summary',
];

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const ls =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ??
    [];
  return ls.map((l) => l.command?.title ?? '');
}

suite('the climate demo flow', function () {
  this.timeout(240_000);
  const file = () => path.join(inWorkspace('flows'), 'climate_flow.py');
  const store = () => path.join(process.env.TMPDIR ?? os.tmpdir(), 'climate-cache');

  suiteSetup(() => {
    fs.rmSync(store(), { recursive: true, force: true });
    // out/host/<suite>.js -> the repository's demo/ folder.
    fs.copyFileSync(path.join(__dirname, '../../demo/flows/climate_flow.py'), file());
  });
  teardown(async () => (await hooks()).setDialogResponder(null));

  test('before the first run (no store folder) every target lens says "not cached"', async () => {
    const uri = vscode.Uri.file(file());
    await vscode.window.showTextDocument(uri);
    const titles = await waitFor(
      async () => {
        const t = (await lensTitles(uri)).filter((x) => /cached|checking/.test(x));
        return t.length === TARGETED.length && t.every((x) => /not cached/.test(x)) ? t : undefined;
      },
      30_000,
      `${TARGETED.length} "not cached" lenses`,
    );
    assert.ok(
      titles.some((t) => t.includes('not cached · regrid/era5/t2m.zarr')),
      JSON.stringify(titles),
    );
    assert.ok(
      titles.some((t) => /not cached · climate\/ensemble_mean-\d{8}\.zarr/.test(t)),
      JSON.stringify(titles),
    );
    assert.ok(
      titles.some((t) => t.includes('not cached · members/load_member-*.zarr')),
      JSON.stringify(titles),
    );
    const problems = vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(
      problems.map((d) => d.message),
      [],
      'the demo flow has no warnings (auto_mkdir is on, serializers are registered)',
    );
  });

  test('Run Flow writes every target; the graph shows durations; invalidating clears the run mark', async () => {
    const h = await hooks();
    const ref = { uri: vscode.Uri.file(file()).toString(), flowIndex: 0 };
    await vscode.commands.executeCommand('xpersist.showFlowGraph', ref);
    assert.equal(await vscode.commands.executeCommand('xpersist.runFlow', ref), true);
    assert.ok(
      fs.existsSync(path.join(store(), 'xpersist_metadata_store/regrid/era5/t2m.zarr.artifact.json')),
      'the nested key was written',
    );
    const model = await waitFor(
      () =>
        h.graphs
          .models()
          .find(
            (m) =>
              m.flow === 'climate' &&
              m.nodes.filter((n) => n.kind === 'task' && n.live?.state === 'Success').length === 8 &&
              m.nodes.find((n) => n.id === 'regrid-1')?.status === 'cached',
          ),
      30_000,
      'the graph with 8 tasks that ran and regrid cached',
    );
    assert.equal(model.nodes.filter((n) => n.kind === 'parameter').length, 2);
    for (const n of model.nodes.filter((x) => x.kind === 'task'))
      assert.equal(typeof n.live?.durationMs, 'number', `${n.label} has a duration`);
    const titles = await waitFor(
      async () => {
        const t = await lensTitles(vscode.Uri.file(file()));
        const cached = t.filter((x) => /cached/.test(x) && !/not cached/.test(x));
        return cached.length === TARGETED.length - 1 ? t : undefined;
      },
      20_000,
      'every exact target cached (the mapped one depends on run time)',
    );
    assert.ok(
      titles.some((t) => /depends on run time · 3 matches for members\/load_member-\*\.zarr/.test(t)),
      JSON.stringify(titles),
    );

    const seen = await answerDialogs('Delete');
    assert.equal(await h.taskCommands.invalidate({ ...ref, node: 'summary-1' }, false), 1);
    assert.match(seen[0]?.detail ?? '', /summary-\d{8}\.joblib/);
    await waitFor(
      () =>
        h.graphs
          .models()
          .find(
            (m) =>
              m.flow === 'climate' &&
              m.nodes.find((n) => n.id === 'summary-1')?.status === 'not-cached' &&
              !m.nodes.find((n) => n.id === 'summary-1')?.live,
          ),
      20_000,
      'summary not cached and without its "ran" mark',
    );
  });
});
