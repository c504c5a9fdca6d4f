// The extension's test hooks (exposed on its API when XPERSIST_TEST_MODE=1) and helpers the
// feature suites share: tree walking, dialog answers, writing artifacts on disk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { PythonInsights } from '../../src/extension/code/pythonInsights';
import type { TaskCommands } from '../../src/extension/code/taskCommands';
import type { CacheTreeProvider } from '../../src/extension/explorer/cacheTreeProvider';
import type { CacheNode, StoreNode } from '../../src/extension/explorer/nodes';
import type { FlowRunner } from '../../src/extension/flows/flowRunner';
import type { GraphPanels } from '../../src/extension/flows/graphPanel';
import type { InterpreterSerializers } from '../../src/extension/flows/interpreterSerializers';
import type { PreviewManager } from '../../src/extension/preview/previewManager';
import type { StoreRegistry } from '../../src/extension/stores/storeRegistry';
import type { DialogResponder, NoticeResponder } from '../../src/extension/ui/dialogs';
import { api, inWorkspace, samePath, waitFor } from './helpers';

export interface TestHooks {
  registry: StoreRegistry;
  tree: CacheTreeProvider;
  view: vscode.TreeView<CacheNode>;
  previews: PreviewManager;
  insights: PythonInsights;
  runner: FlowRunner;
  graphs: GraphPanels;
  taskCommands: TaskCommands;
  serializers: InterpreterSerializers;
  setDialogResponder(r: DialogResponder | null): void;
  setNoticeResponder(r: NoticeResponder | null): void;
}

export async function hooks(): Promise<TestHooks> {
  const a = (await api()) as unknown as { test?: TestHooks };
  assert.ok(a.test, 'the extension exposes test hooks (XPERSIST_TEST_MODE=1 in the host environment)');
  return a.test;
}

/**
 * Answers the next modal dialogs with `answer`, recording what they said. A typed confirmation
 * (no undo: object storage, large stores) gets what it asks for when `type` is set, else `answer`.
 */
export async function answerDialogs(
  answer: string | undefined,
  type = false,
): Promise<{ message: string; detail: string; typed?: boolean }[]> {
  const seen: { message: string; detail: string; typed?: boolean }[] = [];
  (await hooks()).setDialogResponder((message, detail, choices, typed) => {
    seen.push({ message, detail, ...(typed ? { typed } : {}) });
    return typed && type ? choices[0] : answer;
  });
  return seen;
}

export async function children(node?: CacheNode): Promise<CacheNode[]> {
  return (await hooks()).tree.getChildren(node) as CacheNode[];
}

/** The item as VS Code shows it on hover: getTreeItem, then resolveTreeItem (tooltips). */
export async function treeItem(node: CacheNode): Promise<vscode.TreeItem> {
  const tree = (await hooks()).tree;
  const item = tree.getTreeItem(node);
  return (await tree.resolveTreeItem(item, node)) ?? item;
}

export const labelOf = (item: vscode.TreeItem): string =>
  typeof item.label === 'string' ? item.label : (item.label?.label ?? '');

/** Writes `n` small joblib-like artifacts (sidecar + data) into a store, like xpersist's put. */
export function writeArtifacts(root: string, n: number, prefix = 'a'): string[] {
  const meta = path.join(root, 'xpersist_metadata_store');
  fs.mkdirSync(meta, { recursive: true });
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${prefix}${String(i).padStart(4, '0')}.joblib`;
    fs.writeFileSync(path.join(root, key), `data ${i}`);
    fs.writeFileSync(
      path.join(meta, `${key}.artifact.json`),
      JSON.stringify(
        {
          key,
          serializer: 'joblib',
          load_kwargs: {},
          dump_kwargs: {},
          additional_metadata: { flow_name: 'bulk', task_name: `t${i % 3}` },
          created_at: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString().replace('Z', ''),
        },
        null,
        2,
      ),
    );
    keys.push(key);
  }
  return keys;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Puts the seed notebook's artifacts back into the seed flow's store (TMPDIR/my-cache) when a
 * suite before removed them: suites must not depend on the order they run in.
 */
export async function restoreSeedStore(): Promise<string> {
  const root = path.join(process.env.TMPDIR ?? os.tmpdir(), 'my-cache');
  const fixture = path.join(process.env.XPERSIST_TEST_FIXTURES ?? '', 'seed-demo');
  for (const key of ['bar.zarr', 'Wednesday-sample_flow-foo_task.zarr']) {
    const sidecar = path.join(root, 'xpersist_metadata_store', `${key}.artifact.json`);
    if (fs.existsSync(sidecar) && fs.existsSync(path.join(root, key))) continue;
    fs.rmSync(path.join(root, key), { recursive: true, force: true });
    fs.cpSync(path.join(fixture, key), path.join(root, key), { recursive: true });
    fs.mkdirSync(path.dirname(sidecar), { recursive: true });
    fs.copyFileSync(path.join(fixture, 'xpersist_metadata_store', `${key}.artifact.json`), sidecar);
  }
  const h = await hooks();
  await h.registry.scan(root);
  return root;
}

/**
 * The test workspace's seed-demo and broken stores once activation's discovery has scanned both
 * (nothing in the test asks for a scan), with the tree's store nodes.
 */
export async function scannedWorkspaceStores(): Promise<{
  seed: string;
  broken: string;
  stores: StoreNode[];
}> {
  const h = await hooks();
  const seed = inWorkspace('caches/seed-demo');
  const broken = inWorkspace('caches/broken');
  await waitFor(
    () => [seed, broken].every((r) => h.registry.list().some((s) => samePath(s.root, r) && s.report)),
    20_000,
    'both workspace stores scanned',
  );
  const stores = ((await h.tree.getChildren()) as CacheNode[]).filter(
    (n): n is StoreNode => n.type === 'store',
  );
  return { seed, broken, stores };
}
