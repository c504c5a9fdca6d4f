// xpersist.compareArtifacts: two artifacts (e.g. the Monday and Tuesday outputs of a `{date:%A}`
// target) side by side in the preview webview, from the palette (two picks) or with
// { left: { root, key }, right: { root, key } } from any caller.
import path from 'node:path';
import * as vscode from 'vscode';
import { jsonSafe } from '../../common/jsonSafe';
import type { ArtifactEntry } from '../../core/types';
import type { DiffSection, PreviewModel } from '../../preview/index';
import { IpcPeer } from '../../webview/ipc';
import {
  CancelStats,
  CompareStats,
  type CompareStatsPayload,
  Ready,
  ShowCompare,
} from '../../webview/preview/protocol';
import { ArtifactNode } from '../explorer/nodes';
import { previewReaders } from '../lazyModules';
import { log } from '../log';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import { streamCompareStats } from './compareStats';
import { resolveArtifact } from './previewManager';
import { type ResolvedTarget, webviewHtml, webviewOptions } from './previewPanel';

interface Ref {
  root: string;
  key: string;
}

/** A quick pick over every artifact of every known store (the palette's way to name one). */
export async function pickArtifact(registry: StoreRegistry, title: string): Promise<Ref | undefined> {
  const items = registry.list().flatMap((s) =>
    (s.report?.artifacts ?? []).map((a) => ({
      label: a.key,
      description: s.name,
      detail: a.serializer,
      root: s.root,
      key: a.key,
    })),
  );
  const p = await vscode.window.showQuickPick(items, { placeHolder: title, matchOnDescription: true });
  return p ? { root: p.root, key: p.key } : undefined;
}

async function find(registry: StoreRegistry, ref: Ref): Promise<{ state: StoreState; a: ArtifactEntry }> {
  const state = registry.get(ref.root);
  const report = state?.report ?? (await registry.scan(ref.root));
  const a = report?.artifacts.find((x) => x.key === ref.key);
  if (!state || !a) throw new Error(`${ref.key} is not in ${ref.root}.`);
  return { state, a };
}

/**
 * The panel's messages: the structure on `ready`, then the statistics streamed once (re-sent as
 * they stand when the page reloads); Cancel or closing the panel aborts the reads.
 */
function wireCompare(
  panel: vscode.WebviewPanel,
  sides: [ResolvedTarget, ResolvedTarget],
  models: [PreviewModel, PreviewModel],
  sections: DiffSection[],
): void {
  const abort = new AbortController();
  let latest: CompareStatsPayload | null = null;
  let started = false;
  const peer = new IpcPeer((m) => void panel.webview.postMessage(m), {
    validate: true,
    onInvalid: (why) => log().warn(`Ignored a message from the compare view: ${why}`),
  });
  const postStats = (p: CompareStatsPayload) => {
    latest = p;
    peer.sendNotification(CompareStats, jsonSafe(p));
  };
  peer.onNotification(CancelStats, () => abort.abort());
  // The page's UI state means nothing to a compare view: only the moment it is up matters.
  peer.onNotification(Ready, () => {
    peer.sendNotification(ShowCompare, {
      left: jsonSafe(sides[0].source),
      right: jsonSafe(sides[1].source),
      sections,
    });
    if (latest) postStats(latest);
    if (started) return;
    started = true;
    void streamCompareStats(sides, models, postStats, abort.signal);
  });
  const sub = panel.webview.onDidReceiveMessage((m) => peer.receive(m));
  panel.onDidDispose(() => {
    abort.abort();
    peer.dispose();
    sub.dispose();
  });
}

/**
 * The artifacts selected in the Caches tree (its context menu passes the clicked node, then the
 * whole selection): two are compared; one becomes the left side and the right one is picked.
 */
export function refsFromSelection(clicked: unknown, selected: unknown): { left?: Ref; right?: Ref } {
  const nodes = (Array.isArray(selected) && selected.length > 0 ? selected : [clicked]).filter(
    (n): n is ArtifactNode => n instanceof ArtifactNode,
  );
  const refs = nodes.slice(0, 2).map((n) => ({ root: n.store.state.root, key: n.artifact.key }));
  return { left: refs[0], right: refs[1] };
}

export async function compareArtifacts(
  extensionUri: vscode.Uri,
  registry: StoreRegistry,
  arg?: { left?: Ref; right?: Ref },
): Promise<vscode.WebviewPanel | undefined> {
  const left = arg?.left ?? (await pickArtifact(registry, 'Compare which artifact…'));
  if (!left) return undefined;
  const right =
    arg?.right ?? (await pickArtifact(registry, `…with which artifact? (${left.key} on the left)`));
  if (!right) return undefined;
  try {
    const [l, r] = await Promise.all([find(registry, left), find(registry, right)]);
    const lr = resolveArtifact(l.state, l.a);
    const rr = resolveArtifact(r.state, r.a);
    const readers = previewReaders();
    const [lm, rm] = await Promise.all([
      readers.describe(lr.dataPath, lr.serializer, lr.options),
      readers.describe(rr.dataPath, rr.serializer, rr.options),
    ]);
    const sections = readers.compareModels(lm, rm);
    if ('reason' in sections) throw new Error(sections.reason);
    const panel = vscode.window.createWebviewPanel(
      'xpersist.compare',
      `Compare ${path.basename(left.key)} ↔ ${path.basename(right.key)}`,
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'xpersist.svg');
    wireCompare(panel, [lr, rr], [lm, rm], sections);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'preview', panel.title);
    return panel;
  } catch (err) {
    log().warn(`Compare failed: ${(err as Error).message}`);
    void vscode.window.showErrorMessage(`Cannot compare: ${(err as Error).message}`);
    return undefined;
  }
}
