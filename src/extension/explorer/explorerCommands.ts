// Commands of the Caches view: manage stores, filter/group/sort, and act on artifacts and
// problems. Destructive ones do a dry run first and confirm with the exact paths.
import path from 'node:path';
import * as vscode from 'vscode';
import { plural } from '../../common/format';
import { TRASH_DIR } from '../../core/layout';
import type { ArtifactEntry, Problem } from '../../core/types';
import {
  type DeleteMode,
  deleteMode,
  type RerunOutcome,
  recoveryText,
  restoreAfterRunMessage,
  typedConfirmation,
  typedMismatch,
  UNDO_WINDOW_MS,
} from '../../explorer/deletePlan';
import { fixLabel, PROBLEM_LABELS, storeSummary } from '../../explorer/describe';
import { FilterSyntaxError, parseFilter } from '../../explorer/filter';
import { integrityStatusText } from '../../explorer/integrity';
import { pythonSnippet } from '../../explorer/pythonSnippet';
import { defaultResolveContext, resolveSettingPath } from '../../explorer/storeSettings';
import {
  GROUP_BY_LABELS,
  type GroupBy,
  type GroupModel,
  SORT_BY_LABELS,
  type SortBy,
} from '../../explorer/treeModel';
import { log } from '../log';
import type { StoreCredentials } from '../stores/credentials';
import { sidecarDocumentUri } from '../stores/sidecarDocuments';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import { askTyped, confirmPaths, notify } from '../ui/dialogs';
import type { CacheTreeProvider } from './cacheTreeProvider';
import type { IntegrityReport } from './integrityReport';
import { registerJupyterCommands } from './jupyterCommands';
import {
  ArtifactNode,
  type CacheNode,
  GroupNode,
  InfoNode,
  LoadMoreNode,
  MetaNode,
  ProblemNode,
  ProblemsNode,
  StoreNode,
} from './nodes';
import { type AddStoreArg, addStore, setStoreCredentials, updateStoresSetting } from './storeCommands';

export interface ExplorerContext {
  registry: StoreRegistry;
  credentials: StoreCredentials;
  tree: CacheTreeProvider;
  view: vscode.TreeView<CacheNode>;
  integrity: IntegrityReport;
  updateFilterUi(): void;
}

/** Why a store may not be changed now, or null. */
export function mutationRefusal(state: StoreState): string | null {
  if (!vscode.workspace.isTrusted) {
    return 'This workspace is not trusted: deleting or writing cache artifacts is disabled. Trust the workspace to enable it.';
  }
  if (state.readonly)
    return `The store "${state.name}" is read-only (${state.readonlyReason}); nothing was changed.`;
  return null;
}

/** Every artifact in a group and its subgroups. */
function groupArtifacts(g: GroupModel): ArtifactEntry[] {
  return [...g.artifacts, ...g.groups.flatMap(groupArtifacts)];
}

/**
 * What a delete acts on: the clicked node or the selection (the Delete key passes nothing: the
 * view's selection then), groups expanded to every artifact below them.
 */
function selectedTargets(
  node: unknown,
  nodes: unknown,
  view: vscode.TreeView<CacheNode>,
): { state: StoreState; key: string }[] {
  const picked = Array.isArray(nodes) && nodes.length > 0 ? nodes : node ? [node] : [...view.selection];
  const out = new Map<string, { state: StoreState; key: string }>();
  for (const n of picked) {
    if (n instanceof ArtifactNode)
      out.set(`${n.store.state.root}\0${n.artifact.key}`, { state: n.store.state, key: n.artifact.key });
    else if (n instanceof GroupNode)
      for (const a of groupArtifacts(n.group))
        out.set(`${n.store.state.root}\0${a.key}`, { state: n.store.state, key: a.key });
  }
  return [...out.values()];
}

async function pickArtifacts(
  registry: StoreRegistry,
  placeHolder: string,
): Promise<{ state: StoreState; a: ArtifactEntry }[]> {
  const items = registry.list().flatMap((state) =>
    (state.report?.artifacts ?? []).map((a) => ({
      label: a.key,
      description: state.name,
      detail: a.serializer,
      state,
      a,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    placeHolder,
    matchOnDescription: true,
  });
  return (picked ?? []).map((p) => ({ state: p.state, a: p.a }));
}

interface DeletePlan {
  state: StoreState;
  key: string;
  paths: string[];
  /** Into the store's trash (Undo offered), or for good after a typed confirmation. */
  mode: DeleteMode;
}

/** The exact paths of each delete (dry runs), or null after telling why one cannot be done. */
async function planDeletes(targets: { state: StoreState; key: string }[]): Promise<DeletePlan[] | null> {
  for (const t of targets) {
    const why = mutationRefusal(t.state);
    if (why) {
      void vscode.window.showErrorMessage(why);
      return null;
    }
  }
  const plans: DeletePlan[] = [];
  for (const t of targets) {
    try {
      const dry = await t.state.store.delete(t.key, { dryRun: true });
      plans.push({
        ...t,
        paths: [...dry.paths, ...dry.prunedDirs.map((d) => `${d}${path.sep} (empty folder)`)],
        mode: deleteMode(t.state),
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot invalidate ${t.key}: ${(err as Error).message}`);
      return null;
    }
  }
  return plans;
}

/** One modal listing every path and saying what can be undone; then typing, where nothing can. */
async function confirmDeletes(
  plans: DeletePlan[],
  what: string,
  then: { sentence: string; action: string } | undefined,
): Promise<boolean> {
  const stores = [...new Set(plans.map((p) => p.state.name))];
  const forGood = plans.filter((p) => p.mode.kind === 'typed');
  const recover = recoveryText(
    TRASH_DIR,
    forGood.map((p) => (p.mode.kind === 'typed' ? p.mode.reason : '')),
    then !== undefined,
  );
  const n = plans.length;
  const message = then
    ? `Delete ${plural(n, what)} from ${stores.join(', ')}, then ${then.sentence}? ${recover}`
    : `Delete ${plural(n, what)} from ${stores.join(', ')}? Prefect will recompute ${n === 1 ? 'it' : 'them'} on the next run. ${recover}`;
  if (
    !(await confirmPaths(
      message,
      plans.flatMap((p) => p.paths),
      then?.action ?? 'Delete',
    ))
  )
    return false;
  if (forGood.length === 0) return true;
  const typed = typedConfirmation(forGood.map((p) => p.key));
  return askTyped(`Delete for good from ${stores.join(', ')}`, typed.prompt, typed.expected, (t) =>
    typedMismatch(t, typed.expected),
  );
}

/**
 * Deletes artifacts after one confirmation listing every path; returns how many were deleted.
 * In a local store of ordinary size the keys go to its trash and an Undo is offered; elsewhere
 * the user has typed what goes for good.
 */
export async function invalidateArtifacts(
  registry: StoreRegistry,
  targets: { state: StoreState; key: string }[],
  what = 'artifact',
): Promise<number> {
  const r = await deleteTargets(registry, targets, what);
  if (r.trashed.length > 0) {
    schedulePurge(r.trashed);
    if (r.failures === 0) offerUndo(registry, r.trashed, what);
  }
  return r.done;
}

/**
 * The delete of a Rerun, confirmed with what the run does after it (`then`). The trashed keys
 * are kept until `settle` is called with the run's outcome: after a run that did not complete,
 * the keys it did not write again are offered back. Null when nothing was deleted.
 */
export async function deleteForRerun(
  registry: StoreRegistry,
  targets: { state: StoreState; key: string }[],
  then: { sentence: string; action: string },
): Promise<{ settle: (outcome: 'ok' | RerunOutcome) => void } | null> {
  const r = await deleteTargets(registry, targets, 'target', then);
  if (r.done === 0) return null;
  return {
    settle: (outcome) => {
      schedulePurge(r.trashed);
      if (outcome !== 'ok') void offerRestoreAfterRun(registry, r.trashed, outcome);
    },
  };
}

async function deleteTargets(
  registry: StoreRegistry,
  targets: { state: StoreState; key: string }[],
  what: string,
  then?: { sentence: string; action: string },
): Promise<{ done: number; trashed: Trashed[]; failures: number }> {
  if (targets.length === 0) return { done: 0, trashed: [], failures: 0 };
  const plans = await planDeletes(targets);
  if (!plans || !(await confirmDeletes(plans, what, then))) return { done: 0, trashed: [], failures: 0 };
  const trashed: Trashed[] = [];
  const failures: string[] = [];
  for (const p of plans) {
    try {
      if (p.mode.kind === 'trash') {
        trashed.push({ state: p.state, id: (await p.state.store.deleteToTrash(p.key)).id, key: p.key });
      } else await p.state.store.delete(p.key, { dryRun: false });
    } catch (err) {
      failures.push(`${p.key}: ${(err as Error).message}`);
    }
  }
  const done = plans.length - failures.length;
  await Promise.all([...new Set(plans.map((p) => p.state.root))].map((r) => registry.scan(r)));
  if (failures.length) void vscode.window.showErrorMessage(`Some deletes failed:\n${failures.join('\n')}`);
  else if (trashed.length === 0 || then)
    void vscode.window.setStatusBarMessage(`Deleted ${plural(done, what)}`, 4000);
  return { done, trashed, failures: failures.length };
}

interface Trashed {
  state: StoreState;
  id: string;
  key: string;
}

/** After the undo window, the trashed data is removed for good (also on the next activation). */
function schedulePurge(trashed: Trashed[]): void {
  const stores = new Map(trashed.map((t) => [t.state.root, t.state]));
  setTimeout(() => {
    for (const s of stores.values())
      s.store.purgeTrash(UNDO_WINDOW_MS).catch((err) => log().warn(`Purging the trash of ${s.root}: ${err}`));
  }, UNDO_WINDOW_MS + 1000).unref?.();
}

/** "Deleted 2 artifacts. [Undo]": restores each key (data, then sidecar) within the window. */
function offerUndo(registry: StoreRegistry, trashed: Trashed[], what: string): void {
  const stores = [...new Set(trashed.map((t) => t.state.name))].join(', ');
  const message = `Deleted ${plural(trashed.length, what)} from ${stores}. Undo restores ${trashed.length === 1 ? 'it' : 'them'} for ${UNDO_WINDOW_MS / 1000} s.`;
  offerRestore(registry, trashed, what, message, 'Undo');
}

/** After a Rerun whose run failed or was cancelled: the deleted targets it did not rewrite. */
async function offerRestoreAfterRun(
  registry: StoreRegistry,
  trashed: Trashed[],
  outcome: RerunOutcome,
): Promise<void> {
  const rewritten = await Promise.all(trashed.map((t) => t.state.store.has(t.key).catch(() => true)));
  const back = trashed.filter((_, i) => !rewritten[i]);
  const message = restoreAfterRunMessage(
    back.map((t) => ({ key: t.key, store: t.state.name })),
    outcome,
  );
  if (message) offerRestore(registry, back, 'target', message, 'Restore');
}

/** A notification whose button puts `trashed` back, within the undo window from now. */
function offerRestore(
  registry: StoreRegistry,
  trashed: Trashed[],
  what: string,
  message: string,
  button: string,
): void {
  const until = Date.now() + UNDO_WINDOW_MS;
  const stores = [...new Set(trashed.map((t) => t.state.name))].join(', ');
  void notify(message, button).then(async (choice) => {
    if (choice !== button) return;
    if (Date.now() > until) {
      void vscode.window.showWarningMessage(`Too late to undo: the trash of ${stores} was emptied.`);
      return;
    }
    const failures: string[] = [];
    for (const t of [...trashed].reverse()) {
      try {
        await t.state.store.restoreFromTrash(t.id);
      } catch (err) {
        failures.push(`${t.key}: ${(err as Error).message}`);
      }
    }
    await Promise.all([...new Set(trashed.map((t) => t.state.root))].map((r) => registry.scan(r)));
    if (failures.length)
      void vscode.window.showErrorMessage(`Some keys were not restored:\n${failures.join('\n')}`);
    else void vscode.window.setStatusBarMessage(`Restored ${plural(trashed.length, what)}`, 4000);
  });
}

/** Trash older than the undo window, left by an earlier window that closed: removed once per store. */
export function purgeStaleTrash(registry: StoreRegistry, done: Set<string>): void {
  for (const s of registry.list()) {
    if (done.has(s.root) || s.readonly) continue;
    done.add(s.root);
    s.store.purgeTrash(UNDO_WINDOW_MS).catch((err) => log().warn(`Purging the trash of ${s.root}: ${err}`));
  }
}

async function fixProblem(registry: StoreRegistry, state: StoreState, problem: Problem): Promise<boolean> {
  const why = mutationRefusal(state);
  if (why) {
    void vscode.window.showErrorMessage(why);
    return false;
  }
  const label = fixLabel(problem);
  if (!label) {
    void vscode.window.showInformationMessage(`No automatic fix: ${problem.message}`);
    return false;
  }
  const dry = await state.store.fixProblem(problem, { dryRun: true });
  const paths = [...dry.paths, ...dry.prunedDirs.map((d) => `${d}${path.sep} (empty folder)`)];
  if (paths.length === 0) {
    await registry.scan(state.root);
    return false;
  }
  if (!(await confirmPaths(`${label}? (${PROBLEM_LABELS[problem.kind]}: ${problem.message})`, paths, label)))
    return false;
  await state.store.fixProblem(problem, { dryRun: false });
  await registry.scan(state.root);
  return true;
}

/**
 * Rescans the stores (one node's, or all) and opens the integrity report, one fix per problem; the
 * status bar says the count (a toast listing every store was unreadable past a few). Returns one
 * "name: summary" line per store.
 */
async function checkIntegrity(ctx: ExplorerContext, node?: CacheNode): Promise<string[]> {
  const { registry } = ctx;
  const states = node ? [storeOf(registry, node)].filter((s): s is StoreState => !!s) : registry.list();
  const lines: string[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Checking cache stores' },
    async () => {
      for (const s of states) {
        const r = await registry.scan(s.root);
        lines.push(`${s.name}: ${r ? storeSummary(r) : (s.scanError ?? 'scan failed')}`);
      }
    },
  );
  log().info(`Integrity check:\n${lines.join('\n')}`);
  const sections = await ctx.integrity.show(states.map((s) => registry.get(s.root) ?? s));
  // Unloadable serializers are a note about the interpreter, not counted as store problems.
  vscode.window.setStatusBarMessage(integrityStatusText(sections), 6000);
  return lines;
}

function storeOf(registry: StoreRegistry, node: CacheNode | undefined): StoreState | undefined {
  if (!node) return undefined;
  if (node instanceof StoreNode) return node.state;
  if (node instanceof ArtifactNode) return node.store.state;
  if (node instanceof ProblemNode) return node.parent.parent.state;
  let n: CacheNode | undefined = node;
  while (n && !(n instanceof StoreNode)) n = n.parent;
  return n ? registry.get(n.state.root) : undefined;
}

async function pickStore(
  registry: StoreRegistry,
  placeHolder: string,
  filter: (s: StoreState) => boolean = () => true,
) {
  const items = registry
    .list()
    .filter(filter)
    .map((s) => ({ label: s.name, description: s.root, state: s }));
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0].state;
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.state;
}

/**
 * The store to copy into: another known store, or a folder picked now (added to xpersist.stores;
 * the copy makes it a store if it is not one yet, as xpersist's CacheStore(path) would).
 */
async function pickCopyTarget(
  registry: StoreRegistry,
  key: string,
  sourceRoot: string,
): Promise<StoreState | undefined> {
  const NEW = '$(new-folder) A new store in a folder...';
  const items = [
    ...registry
      .list()
      .filter((s) => s.root !== sourceRoot)
      .map((s) => ({ label: s.name, description: s.root, state: s as StoreState | null })),
    { label: NEW, description: 'pick or create a folder', state: null },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Copy ${key} to which store?` });
  if (!picked) return undefined;
  if (picked.state) return picked.state;
  const folder = await vscode.commands.executeCommand<string | undefined>('xpersist.addStore');
  return folder ? registry.get(folder) : undefined;
}

const FILTER_DEBOUNCE_MS = 120;

/**
 * The filter as one types: the tree follows each keystroke (debounced), a bad term shows under the
 * input without touching the tree, Enter keeps the filter and Escape puts the previous one back.
 */
function liveFilter(ctx: ExplorerContext): Promise<string | undefined> {
  const { tree } = ctx;
  const before = tree.filter;
  const box = vscode.window.createInputBox();
  box.title = 'Filter artifacts (the view follows as you type; Escape restores)';
  box.prompt =
    'Key substring or glob (matched anywhere), serializer:NAME flow:NAME task:NAME age:<7d age:>1y. All terms must match.';
  box.placeholder = 'e.g. r3i1p1f1/pr/*.csv flow:climate age:<2d';
  box.value = before?.text ?? '';
  // Scrolling the tree to look at the result must not close (and so undo) the filter.
  box.ignoreFocusOut = true;
  let timer: NodeJS.Timeout | undefined;
  let accepted = false;
  const apply = (value: string): boolean => {
    try {
      tree.setFilter(value.trim() ? parseFilter(value) : null);
      box.validationMessage = undefined;
      ctx.updateFilterUi();
      return true;
    } catch (err) {
      box.validationMessage = err instanceof FilterSyntaxError ? err.message : String(err);
      return false;
    }
  };
  return new Promise((resolve) => {
    box.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => apply(v), FILTER_DEBOUNCE_MS);
    });
    box.onDidAccept(() => {
      clearTimeout(timer);
      if (!apply(box.value)) return;
      accepted = true;
      box.hide();
    });
    box.onDidHide(() => {
      clearTimeout(timer);
      if (!accepted) {
        tree.setFilter(before);
        ctx.updateFilterUi();
      }
      box.dispose();
      resolve(accepted ? (tree.filter?.text ?? '') : undefined);
    });
    box.show();
  });
}

// ------------------------------------------------------------------ command arguments
// A command can be run from anywhere (a menu, a keybinding, another extension, a test) with any
// arguments: each handler takes `unknown` and narrows it with these guards.

const NODE_CLASSES = [
  StoreNode,
  GroupNode,
  ArtifactNode,
  MetaNode,
  ProblemsNode,
  ProblemNode,
  LoadMoreNode,
  InfoNode,
];

function isNode(v: unknown): v is CacheNode {
  return NODE_CLASSES.some((c) => v instanceof c);
}

const asNode = (v: unknown): CacheNode | undefined => (isNode(v) ? v : undefined);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const isString = (v: unknown): v is string => typeof v === 'string';

function isGroupBy(v: unknown): v is GroupBy {
  return typeof v === 'string' && Object.hasOwn(GROUP_BY_LABELS, v);
}

function isSortBy(v: unknown): v is SortBy {
  return typeof v === 'string' && Object.hasOwn(SORT_BY_LABELS, v);
}

function isProblem(v: unknown): v is Problem {
  return isRecord(v) && typeof v.kind === 'string' && typeof v.path === 'string';
}

function isAddStoreArg(v: unknown): v is AddStoreArg {
  if (v instanceof vscode.Uri || typeof v === 'string') return true;
  return (
    isRecord(v) && typeof v.url === 'string' && (v.storageOptions === undefined || isRecord(v.storageOptions))
  );
}

/** The path of an xpersist.stores entry: a string, or an object's `path`. */
function settingPath(item: unknown): unknown {
  return typeof item === 'string' ? item : isRecord(item) ? item.path : undefined;
}

/** A store's storage options, from its options key (JSON of an object, or null). */
function storageOptionsOf(optionsKey: string): Record<string, unknown> | null {
  const v: unknown = JSON.parse(optionsKey);
  return isRecord(v) ? v : null;
}

type Handler = (ctx: ExplorerContext, ...args: unknown[]) => unknown;

// ------------------------------------------------------------------------------ stores

async function refresh({ registry }: ExplorerContext, node: unknown): Promise<void> {
  if (node instanceof StoreNode) await registry.scan(node.state.root);
  else {
    await registry.discover();
    await registry.scanAll();
  }
}

async function removeStore(ctx: ExplorerContext, node: unknown): Promise<void> {
  const { registry } = ctx;
  const state =
    storeOf(registry, asNode(node)) ??
    (await pickStore(registry, 'Remove which store from xpersist.stores?', (s) =>
      s.sources.includes('setting'),
    ));
  if (!state) return;
  if (!state.sources.includes('setting')) {
    void vscode.window.showInformationMessage(
      `"${state.name}" is not in the xpersist.stores setting: it was found ${state.source === 'workspace' ? 'in the workspace' : 'in a Python file'}. Turn off xpersist.discovery.enabled to hide discovered stores.`,
    );
    return;
  }
  const ctxr = defaultResolveContext(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? null);
  await updateStoresSetting((items) =>
    items.filter((i) => {
      const p = settingPath(i);
      return typeof p !== 'string' || resolveSettingPath(p, ctxr) !== state.root;
    }),
  );
  await ctx.credentials.delete(state.root);
  await registry.discover();
}

/** From a tree node, or (root, problem) from the integrity report's lenses. */
async function fixProblemCommand({ registry }: ExplorerContext, node: unknown, problem: unknown) {
  if (node instanceof ProblemNode) return fixProblem(registry, node.parent.parent.state, node.problem);
  const state = typeof node === 'string' ? registry.get(node) : undefined;
  if (state && isProblem(problem)) return fixProblem(registry, state, problem);
  return false;
}

const STORE_COMMANDS: Record<string, Handler> = {
  'xpersist.refresh': refresh,
  'xpersist.focusView': () => vscode.commands.executeCommand('xpersist.caches.focus'),
  'xpersist.loadMore': ({ tree }, node) => {
    if (node instanceof LoadMoreNode) tree.loadMore(node);
  },
  'xpersist.addStore': (ctx, arg) => addStore(ctx, isAddStoreArg(arg) ? arg : undefined),
  'xpersist.setStoreCredentials': (ctx, node) =>
    setStoreCredentials(ctx, storeOf(ctx.registry, asNode(node))),
  'xpersist.removeStore': removeStore,
  'xpersist.checkIntegrity': (ctx, node) => checkIntegrity(ctx, asNode(node)),
  'xpersist.fixProblem': fixProblemCommand,
};

// --------------------------------------------------------------- filter, group and sort

function filterCommand(
  ctx: ExplorerContext,
  text: unknown,
): Promise<string | undefined> | string | undefined {
  const { tree } = ctx;
  if (typeof text !== 'string') return liveFilter(ctx);
  try {
    tree.setFilter(text.trim() ? parseFilter(text) : null);
  } catch (err) {
    void vscode.window.showErrorMessage(`Filter: ${(err as Error).message}`);
    return undefined;
  }
  ctx.updateFilterUi();
  return tree.filter?.text ?? '';
}

/** A mode picked from `labels`, the current one marked. */
async function pickMode<K extends string>(
  labels: Record<K, string>,
  isMode: (v: unknown) => v is K,
  current: K,
  placeHolder: string,
): Promise<K | undefined> {
  const items = Object.keys(labels)
    .filter(isMode)
    .map((k) => ({ label: labels[k], description: k === current ? 'current' : undefined, k }));
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.k;
}

async function groupByCommand({ tree }: ExplorerContext, mode: unknown): Promise<void> {
  const groupBy = isGroupBy(mode)
    ? mode
    : await pickMode(GROUP_BY_LABELS, isGroupBy, tree.groupBy, 'Group artifacts by');
  if (groupBy) tree.setGrouping(groupBy, tree.sortBy);
}

async function sortByCommand({ tree }: ExplorerContext, mode: unknown): Promise<void> {
  const sortBy = isSortBy(mode)
    ? mode
    : await pickMode(SORT_BY_LABELS, isSortBy, tree.sortBy, 'Sort artifacts by');
  if (sortBy) tree.setGrouping(tree.groupBy, sortBy);
}

async function revealArtifact(
  { tree, view }: ExplorerContext,
  root: unknown,
  key: unknown,
): Promise<boolean> {
  if (!isString(root) || !isString(key) || !root || !key) return false;
  await vscode.commands.executeCommand('xpersist.caches.focus');
  const n = tree.artifactNode(root, key);
  if (!n) {
    void vscode.window.showInformationMessage(`${key} is not in ${root} (or hidden by the filter).`);
    return false;
  }
  await view.reveal(n, { select: true, focus: true, expand: false });
  return true;
}

const VIEW_COMMANDS: Record<string, Handler> = {
  'xpersist.filter': filterCommand,
  'xpersist.clearFilter': (ctx) => {
    ctx.tree.setFilter(null);
    ctx.updateFilterUi();
  },
  'xpersist.groupBy': groupByCommand,
  'xpersist.sortBy': sortByCommand,
  'xpersist.revealArtifact': revealArtifact,
};

// --------------------------------------------------------------------------- artifacts

async function invalidate(
  { registry, view }: ExplorerContext,
  node: unknown,
  nodes: unknown,
): Promise<number> {
  let targets = selectedTargets(node, nodes, view);
  if (targets.length === 0) {
    targets = (await pickArtifacts(registry, 'Invalidate (delete) which artifacts?')).map((p) => ({
      state: p.state,
      key: p.a.key,
    }));
  }
  return invalidateArtifacts(registry, targets);
}

async function copyAsPython(_ctx: ExplorerContext, node: unknown): Promise<string | undefined> {
  if (!(node instanceof ArtifactNode)) return undefined;
  const st = node.store.state;
  const { code } = pythonSnippet({
    root: st.root,
    key: node.artifact.key,
    serializer: node.artifact.serializer,
    storageOptions: storageOptionsOf(st.optionsKey),
  });
  await vscode.env.clipboard.writeText(code);
  void vscode.window.setStatusBarMessage(`Copied the Python that loads ${node.artifact.key}`, 4000);
  return code;
}

async function revealData(_ctx: ExplorerContext, node: unknown): Promise<void> {
  if (!(node instanceof ArtifactNode)) return;
  const uri = vscode.Uri.file(node.artifact.dataPath);
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    void vscode.window.showInformationMessage(
      `${node.artifact.dataPath} is outside the workspace; revealing it in the file manager instead.`,
    );
    await vscode.commands.executeCommand('revealFileInOS', uri);
    return;
  }
  await vscode.commands.executeCommand('revealInExplorer', uri);
}

/** The store a copy goes to: `targetFolder` (added as a store if new), else one the user picks. */
async function copyTarget(
  registry: StoreRegistry,
  node: ArtifactNode,
  targetFolder: unknown,
): Promise<StoreState | undefined> {
  if (typeof targetFolder !== 'string')
    return pickCopyTarget(registry, node.artifact.key, node.store.state.root);
  return (
    registry.get(targetFolder) ??
    registry.get(
      (await vscode.commands.executeCommand<string>('xpersist.addStore', vscode.Uri.file(targetFolder))) ??
        '',
    )
  );
}

/** (node, targetFolder?, newKey?): without a target, the user picks one (or a new folder). */
async function copyToStore(
  { registry }: ExplorerContext,
  node: unknown,
  targetFolder: unknown,
  key: unknown,
): Promise<void> {
  if (!(node instanceof ArtifactNode)) return;
  const target = await copyTarget(registry, node, targetFolder);
  if (!target) return;
  const why = mutationRefusal(target);
  if (why) {
    void vscode.window.showErrorMessage(why);
    return;
  }
  const newKey = isString(key)
    ? key
    : await vscode.window.showInputBox({ title: `Key in ${target.name}`, value: node.artifact.key });
  if (!newKey) return;
  try {
    const res = await node.store.state.store.copyArtifact(node.artifact.key, target.store, newKey);
    await registry.scan(target.root);
    const said = {
      written: 'Copied',
      overwritten: 'Copied (replacing the existing artifact)',
      skipped: 'Not copied: the key already exists (on_duplicate_key="skip")',
    }[res.outcome];
    void vscode.window.showInformationMessage(`${said}: ${newKey} in ${target.name}.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Copy failed: ${(err as Error).message}`);
  }
}

const ARTIFACT_COMMANDS: Record<string, Handler> = {
  'xpersist.invalidate': invalidate,
  'xpersist.copyKey': async (_ctx, node) => {
    if (node instanceof ArtifactNode) await vscode.env.clipboard.writeText(node.artifact.key);
  },
  'xpersist.copyAsPython': copyAsPython,
  'xpersist.copyDataPath': async (_ctx, node) => {
    if (node instanceof ArtifactNode) await vscode.env.clipboard.writeText(node.artifact.dataPath);
  },
  'xpersist.revealData': revealData,
  'xpersist.revealDataInOS': async (_ctx, node) => {
    if (node instanceof ArtifactNode)
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(node.artifact.dataPath));
  },
  'xpersist.openSidecar': async (_ctx, node) => {
    if (!(node instanceof ArtifactNode)) return;
    // On object storage: the object itself, read-only (an untitled copy could be saved as a file).
    const uri = sidecarDocumentUri(node.store.state.root, node.artifact.sidecarPath);
    await vscode.window.showTextDocument(uri, { preview: true });
  },
  'xpersist.copyToStore': copyToStore,
};

export function registerExplorerCommands(ctx: ExplorerContext): vscode.Disposable[] {
  const { registry } = ctx;
  // An earlier window's trash, past its undo window: removed as the stores become known.
  const purged = new Set<string>();
  purgeStaleTrash(registry, purged);
  const commands = { ...STORE_COMMANDS, ...VIEW_COMMANDS, ...ARTIFACT_COMMANDS };
  return [
    registry.onDidChangeStores(() => purgeStaleTrash(registry, purged)),
    ...registerJupyterCommands(),
    ...Object.entries(commands).map(([id, handler]) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) => handler(ctx, ...args)),
    ),
  ];
}
