// Adding stores (a local folder, or a URL on object storage) and their credentials.
import * as vscode from 'vscode';
import { isObjectUrl, parseObjectUrl } from '../../core/remote/objectUrl';
import { splitSecrets } from '../../explorer/storeCredentials';
import type { StoreState } from '../stores/storeRegistry';
import type { ExplorerContext } from './explorerCommands';
import { askRemoteStore, type RemoteStoreInput } from './remoteStoreInput';

/** A folder, a store URL, or a URL with its options (tests and other extensions pass these). */
export type AddStoreArg = vscode.Uri | string | { url: string; storageOptions?: Record<string, unknown> };

export async function updateStoresSetting(update: (items: unknown[]) => unknown[]): Promise<void> {
  const config = vscode.workspace.getConfiguration('xpersist');
  const inspect = config.inspect<unknown[]>('stores');
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const current =
    (target === vscode.ConfigurationTarget.Workspace ? inspect?.workspaceValue : inspect?.globalValue) ?? [];
  await config.update('stores', update([...current]), target);
}

const pathOf = (i: unknown): unknown => (typeof i === 'string' ? i : (i as { path?: unknown })?.path);

async function addFolder(ctx: ExplorerContext, folder: string): Promise<string> {
  await updateStoresSetting((items) =>
    items.some((i) => pathOf(i) === folder) ? items : [...items, folder],
  );
  await ctx.registry.discover();
  const report = ctx.registry.get(folder)?.report;
  if (report && !report.isStore) {
    void vscode.window.showWarningMessage(
      `${folder} has no xpersist_metadata_store/ yet: it shows as empty until xpersist writes to it.`,
    );
  }
  return folder;
}

/** Saves a store on object storage: the URL and plain options in the setting, secrets aside. */
async function addRemote(ctx: ExplorerContext, input: RemoteStoreInput): Promise<string> {
  await ctx.credentials.set(input.root, input.secrets);
  const item = Object.keys(input.settings).length
    ? { path: input.root, storageOptions: input.settings }
    : input.root;
  await updateStoresSetting((items) => [...items.filter((i) => pathOf(i) !== input.root), item]);
  // Reopen with the new options and credentials, even when the store was listed before.
  ctx.registry.forget(input.root);
  await ctx.registry.discover();
  const state = ctx.registry.get(input.root);
  const report = state?.report ?? (await ctx.registry.scan(input.root));
  if (report && !report.isStore)
    void vscode.window.showWarningMessage(
      `${input.root}: ${report.problems[0]?.message ?? 'not a cache store'}`,
    );
  return input.root;
}

function remoteInput(
  arg: string | { url: string; storageOptions?: Record<string, unknown> },
): RemoteStoreInput {
  const url = typeof arg === 'string' ? arg : arg.url;
  const { settings, secrets } = splitSecrets(typeof arg === 'string' ? {} : (arg.storageOptions ?? {}));
  return { root: parseObjectUrl(url).root, settings, secrets };
}

/** `xpersist.addStore`: returns the root added (undefined when cancelled). */
export async function addStore(ctx: ExplorerContext, arg?: AddStoreArg): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return addFolder(ctx, arg.fsPath);
  if (typeof arg === 'string' && !isObjectUrl(arg)) return addFolder(ctx, arg);
  if (arg !== undefined) return addRemote(ctx, remoteInput(arg));
  const kind = await vscode.window.showQuickPick(
    [
      { label: '$(folder) A folder on this machine...', remote: false },
      {
        label: '$(cloud) On S3 or Azure Blob...',
        detail: 's3://bucket/prefix, az://container/prefix',
        remote: true,
      },
    ],
    { title: 'Add Cache Store', placeHolder: 'Where is the store?' },
  );
  if (!kind) return undefined;
  if (kind.remote) {
    const input = await askRemoteStore();
    return input ? addRemote(ctx, input) : undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Add Cache Store',
    title: 'Add an xpersist cache store (the folder that holds xpersist_metadata_store/)',
  });
  const folder = picked?.[0]?.fsPath;
  return folder ? addFolder(ctx, folder) : undefined;
}

/** `xpersist.setStoreCredentials`: asks again for a remote store's access (secrets aside). */
export async function setStoreCredentials(
  ctx: ExplorerContext,
  state: StoreState | undefined,
): Promise<void> {
  if (!state || !isObjectUrl(state.root)) {
    void vscode.window.showInformationMessage('Credentials are needed only for stores on S3 or Azure Blob.');
    return;
  }
  const input = await askRemoteStore(state.root);
  if (input) await addRemote(ctx, input);
}
