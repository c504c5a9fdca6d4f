// xpersist.compareArtifacts: two artifacts (e.g. the Monday and Tuesday outputs of a `{date:%A}`
// target) side by side in the preview webview, from the palette (two picks) or with
// { left: { root, key }, right: { root, key } } from any caller.
import path from 'node:path';
import * as vscode from 'vscode';
import type { ArtifactEntry } from '../../core/types';
import { previewToHostSchema } from '../../webview/preview/protocol';
import { previewReaders } from '../lazyModules';
import { log } from '../log';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import { resolveArtifact } from './previewManager';
import { jsonSafe, webviewHtml, webviewOptions } from './previewPanel';

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
    const sub = panel.webview.onDidReceiveMessage((m) => {
      const parsed = previewToHostSchema.safeParse(m);
      if (!parsed.success || parsed.data.type !== 'ready') return;
      void panel.webview.postMessage({
        type: 'initCompare',
        payload: { left: jsonSafe(lr.source), right: jsonSafe(rr.source), sections },
      });
    });
    panel.onDidDispose(() => sub.dispose());
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'preview', panel.title);
    return panel;
  } catch (err) {
    log().warn(`Compare failed: ${(err as Error).message}`);
    void vscode.window.showErrorMessage(`Cannot compare: ${(err as Error).message}`);
    return undefined;
  }
}
