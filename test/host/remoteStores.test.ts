// A store on S3 in the real host: moto in server mode on 127.0.0.1, written by the real xpersist
// through s3fs; added with "Add Cache Store..." (credentials to SecretStorage, never to settings),
// browsed in the tree, an artifact previewed from it, a task's lens on it, invalidated with a confirmation listing every object,
// and the lens flips to "not cached".
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createS3Bucket, type ObjectServer, startS3 } from '../../scripts/lib/objectServers.mjs';
import type { CacheNode } from '../../src/extension/explorer/nodes';
import { api, waitFor } from './helpers';
import { answerDialogs, children, hooks, treeItem } from './hooks';

const BUCKET = 'xp-host';
const ROOT = `s3://${BUCKET}/team/cache`;

function writeWithXpersist(server: ObjectServer): void {
  const py = vscode.workspace.getConfiguration('xpersist').get<string>('pythonPath') as string;
  const code = [
    'import json, sys, fsspec, numpy as np, xarray as xr',
    'opts = json.loads(sys.argv[2]); fsspec.config.conf["s3"] = opts',
    'from xpersist import CacheStore',
    'store = CacheStore(sys.argv[1], storage_options=opts)',
    'ds = xr.Dataset({"t": (("x",), np.arange(4.0))})',
    'for k in ["bar.zarr", "other.zarr"]: store.put(k, ds, serializer="xarray.zarr", dump_kwargs={"mode": "w"})',
  ].join('\n');
  execFileSync(py, ['-c', code, ROOT, JSON.stringify(server.storageOptions)], {
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const ls =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ??
    [];
  return ls.map((l) => l.command?.title ?? '');
}

suite('a store on object storage (S3 on a local moto server)', () => {
  let server: ObjectServer;
  let dir: string;
  let flowFile: vscode.Uri;

  suiteSetup(async function () {
    this.timeout(120_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-host-s3-'));
    server = await startS3({ dir });
    await createS3Bucket(server, BUCKET);
    writeWithXpersist(server);
  });

  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration('xpersist')
      .update('stores', [], vscode.ConfigurationTarget.Workspace);
    await (await hooks()).registry.discover();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Add Cache Store with a URL: credentials go to SecretStorage, the tree lists its artifacts', async () => {
    const root = await vscode.commands.executeCommand<string>('xpersist.addStore', {
      url: `${ROOT}/`,
      storageOptions: server.storageOptions,
    });
    assert.equal(root, ROOT);
    const setting = vscode.workspace.getConfiguration('xpersist').get<unknown[]>('stores');
    assert.deepEqual(setting, [
      {
        path: ROOT,
        storageOptions: {
          client_kwargs: (server.storageOptions as { client_kwargs: unknown }).client_kwargs,
        },
      },
    ]);
    assert.ok(!JSON.stringify(setting).includes('"secret"'), 'no secret in settings');
    const report = await (await api()).getReport(ROOT);
    assert.deepEqual(
      report?.artifacts.map((a) => [a.key, a.dataKind]),
      [
        ['bar.zarr', 'directory'],
        ['other.zarr', 'directory'],
      ],
    );
    const storeNode = (await children()).find(
      (n): n is Extract<CacheNode, { type: 'store' }> => n.type === 'store' && n.state.root === ROOT,
    );
    assert.ok(storeNode, 'the store is in the tree');
    const item = await treeItem(storeNode);
    assert.equal(item.label, 'cache (s3://xp-host)');
    assert.match(String(item.contextValue), /remote/);
    const arts = await children(storeNode);
    assert.deepEqual(
      arts.map((n) => (n.type === 'artifact' ? n.artifact.key : n.type)),
      ['bar.zarr', 'other.zarr'],
    );
  });

  test("Open Sidecar of an artifact on S3: the object's own text, read-only, its URL in the tab and no secret", async () => {
    const storeNode = (await children()).find(
      (n): n is Extract<CacheNode, { type: 'store' }> => n.type === 'store' && n.state.root === ROOT,
    );
    assert.ok(storeNode);
    const other = (await children(storeNode)).find(
      (n) => n.type === 'artifact' && n.artifact.key === 'other.zarr',
    );
    assert.ok(other);
    await vscode.commands.executeCommand('xpersist.openSidecar', other);
    const doc = await waitFor(
      () => {
        const d = vscode.window.activeTextEditor?.document;
        return d?.uri.scheme === 'xpersist-object' ? d : undefined;
      },
      15_000,
      'an editor on the sidecar object',
    );
    const url = `${ROOT}/xpersist_metadata_store/other.zarr.artifact.json`;
    assert.equal(`${doc.uri.authority}:/${doc.uri.path}`, url, 'the URI names the object');
    // The bytes xpersist wrote, as s3fs reads them back (not the extension's own reader).
    const py = vscode.workspace.getConfiguration('xpersist').get<string>('pythonPath') as string;
    const written = execFileSync(
      py,
      [
        '-c',
        'import json,sys,s3fs; sys.stdout.write(s3fs.S3FileSystem(**json.loads(sys.argv[2])).cat(sys.argv[1]).decode())',
        url,
        JSON.stringify(server.storageOptions),
      ],
      { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
    );
    assert.equal(doc.getText(), written);
    assert.equal(doc.languageId, 'json');
    const secret = (server.storageOptions as { secret: string }).secret;
    assert.ok(!doc.uri.toString(true).includes(secret), 'no secret in the URI');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, 'other.zarr.artifact.json');
    assert.equal(
      vscode.workspace.fs.isWritableFileSystem('xpersist-object'),
      false,
      'a read-only file system',
    );
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode('{}'))),
      'a write is refused',
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("Preview of an artifact on S3 shows its dataset, read with the store's credentials", async () => {
    const h = await hooks();
    const opened = await vscode.commands.executeCommand('xpersist.preview', {
      root: ROOT,
      key: 'other.zarr',
    });
    assert.deepEqual(opened, { root: ROOT, key: 'other.zarr' });
    const target = { kind: 'artifact' as const, root: ROOT, key: 'other.zarr' };
    const model = await waitFor(() => h.previews.shownModel(target), 30_000, 'the panel got its model');
    assert.equal(model.kind, 'dataset', model.kind === 'unsupported' ? model.reason : model.kind);
    if (model.kind !== 'dataset') return;
    assert.deepEqual(model.dims, { x: 4 });
    assert.deepEqual(model.dataVars.t?.shape, [4]);
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    await waitFor(
      () => labels().includes('Preview other.zarr'),
      10_000,
      `a "Preview other.zarr" tab (${labels()})`,
    );
  });

  test("a task's lens on the S3 store says cached, and not cached after invalidating with a confirmation", async () => {
    const file = path.join(dir, 'remote_flow.py');
    const opts = JSON.stringify({
      client_kwargs: (server.storageOptions as { client_kwargs: unknown }).client_kwargs,
    });
    fs.writeFileSync(
      file,
      [
        'from prefect import Flow, task',
        'from xpersist import CacheStore',
        'from xpersist.prefect.result import XpersistResult',
        '',
        `store = CacheStore("${ROOT}", storage_options=${opts})`,
        '',
        '@task(target="bar.zarr", result=XpersistResult(store, serializer="xarray.zarr"))',
        'def get_data():',
        '    return 1',
        '',
        'with Flow("remote-flow") as flow:',
        '    get_data()',
        '',
      ].join('\n'),
    );
    flowFile = vscode.Uri.file(file);
    await vscode.window.showTextDocument(flowFile);
    await waitFor(
      async () =>
        (await lensTitles(flowFile)).find((t) => /cached · bar\.zarr/.test(t) && !/not cached/.test(t)),
      30_000,
      'the lens says cached',
    );
    const storeNode = (await children()).find(
      (n): n is Extract<CacheNode, { type: 'store' }> => n.type === 'store' && n.state.root === ROOT,
    );
    assert.ok(storeNode);
    const bar = (await children(storeNode)).find(
      (n) => n.type === 'artifact' && n.artifact.key === 'bar.zarr',
    );
    assert.ok(bar);
    // No trash on object storage: after the list of objects, the key must be typed.
    const asked = await answerDialogs('Delete', true);
    assert.equal(await vscode.commands.executeCommand('xpersist.invalidate', bar, [bar]), 1);
    assert.match(asked[0].message, /cannot be restored: the store is on object storage/);
    assert.equal(asked[1].typed, true, 'then a typed confirmation');
    assert.equal(asked[1].detail, 'Type the key to delete 1 artifact for good.');
    const listed = asked[0].detail.split('\n');
    assert.equal(
      listed[0],
      `• ${ROOT}/xpersist_metadata_store/bar.zarr.artifact.json`,
      'the sidecar object first',
    );
    assert.ok(listed.includes(`• ${ROOT}/bar.zarr/t/0`), `every data object is listed: ${listed.join(' ')}`);
    const report = await (await api()).getReport(ROOT);
    assert.deepEqual(
      report?.artifacts.map((a) => a.key),
      ['other.zarr'],
    );
    assert.deepEqual(report?.problems, [], 'no object of bar.zarr is left behind');
    await waitFor(
      async () => (await lensTitles(flowFile)).find((t) => /not cached · bar\.zarr/.test(t)),
      30_000,
      'the lens flips to not cached',
    );
  });
});
