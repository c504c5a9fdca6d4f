// Opens previews: of artifacts (tree, code lens, command palette), of `.zarr` folders (Explorer
// context menu) and of data files (custom editors). One panel per target; panels come back
// after a window reload through the serializer, with the webview's saved state.
import path from 'node:path';
import * as vscode from 'vscode';
import { CacheStore } from '../../core/cacheStore';
import { isObjectUrl } from '../../core/remote/objectUrl';
import { ObjectCacheStore } from '../../core/remote/remoteStore';
import type { ArtifactEntry } from '../../core/types';
import type { PreviewModel } from '../../preview/model';
import type { PreviewTarget, PreviewUiState } from '../../webview/preview/protocol';
import { log } from '../log';
import { sidecarDocumentUri } from '../stores/sidecarDocuments';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import {
  fileSerializer,
  PREVIEW_VIEW_TYPE,
  PreviewSession,
  type ResolvedTarget,
  sizeOf,
  webviewHtml,
  webviewOptions,
} from './previewPanel';

const targetId = (t: PreviewTarget) => (t.kind === 'artifact' ? `a:${t.root}\0${t.key}` : `f:${t.path}`);

export function resolveArtifact(
  state: StoreState | { name: string; root: string },
  a: ArtifactEntry,
): ResolvedTarget {
  return {
    target: { kind: 'artifact', root: state.root, key: a.key },
    dataPath: a.dataPath,
    serializer: a.serializer,
    options: {
      dumpKwargs: a.dumpKwargs,
      loadKwargs: a.loadKwargs,
      // An artifact on object storage is read with the store's own credentials, in memory only.
      ...('store' in state && state.store instanceof ObjectCacheStore
        ? { storageOptions: state.store.storageOptions }
        : {}),
    },
    source: {
      title: a.key,
      path: a.dataPath,
      serializer: a.serializer,
      sizeBytes: a.sizeBytes,
      artifact: {
        storeName: state.name,
        key: a.key,
        createdAt: a.createdAtText,
        dumpKwargs: a.dumpKwargs,
        loadKwargs: a.loadKwargs,
        additionalMetadata: a.additionalMetadata,
      },
    },
  };
}

export function resolveFile(p: string, serializer: string): ResolvedTarget {
  return {
    target: { kind: 'file', path: p, serializer },
    dataPath: p,
    serializer,
    options: {},
    source: { title: path.basename(p), path: p, serializer, sizeBytes: sizeOf(p) },
  };
}

interface OpenPanel {
  panel: vscode.WebviewPanel;
  session: PreviewSession;
  createdAt: string | null;
  /** A pinned tab stays; the one unpinned tab is reused by the next single click. */
  pinned: boolean;
}

/** Two opens of the same target this close together are a double click: it pins the tab. */
const DOUBLE_CLICK_MS = 500;

export class PreviewManager implements vscode.Disposable {
  private readonly panels = new Map<string, OpenPanel>();
  private lastOpen = { id: '', at: 0 };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly extensionUri: vscode.Uri,
    private readonly registry: StoreRegistry,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: PreviewUiState | undefined) =>
          this.restore(panel, state ?? null),
      }),
      registry.onDidUpdateStore((s) => this.onStoreUpdated(s)),
    );
  }

  /** Targets of the open panels (for tests and for "reveal"). */
  openTargets(): PreviewTarget[] {
    return [...this.panels.values()].map((p) => p.session.target);
  }

  /** The model a target's panel shows (null: not described yet or no panel): for tests. */
  shownModel(t: PreviewTarget): PreviewModel | null {
    return this.panels.get(targetId(t))?.session.shownModel ?? null;
  }

  /** Whether a target's tab is pinned (undefined: no tab). */
  isPinned(t: PreviewTarget): boolean | undefined {
    return this.panels.get(targetId(t))?.pinned;
  }

  /**
   * Opens an artifact in the preview tab (VS Code's preview-editor semantics: the next single
   * click replaces it) unless `pinned`; opening the same artifact again at once (a double click)
   * pins it, and so does changing the view in it.
   */
  async openArtifact(
    state: StoreState,
    a: ArtifactEntry,
    o: { pinned?: boolean } = {},
  ): Promise<vscode.WebviewPanel> {
    return this.open(resolveArtifact(state, a), null, o.pinned ?? false);
  }

  async openFile(p: string, serializer?: string): Promise<vscode.WebviewPanel | undefined> {
    const s = serializer ?? fileSerializer(p);
    if (!s) {
      void vscode.window.showErrorMessage(
        `No previewer for ${path.basename(p)}: expected a .zarr folder, .nc/.nc4/.h5, .csv, .parquet or a joblib file.`,
      );
      return undefined;
    }
    return this.open(resolveFile(p, s), null, true);
  }

  private attach(
    panel: vscode.WebviewPanel,
    resolved: ResolvedTarget,
    state: PreviewUiState | null,
    createdAt: string | null,
    pinned = true,
  ): OpenPanel {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'xpersist.svg');
    const open: OpenPanel = { panel, session: this.session(panel, resolved, state), createdAt, pinned };
    this.panels.set(targetId(resolved.target), open);
    panel.onDidDispose(() => {
      open.session.dispose();
      for (const [k, v] of this.panels) if (v === open) this.panels.delete(k);
    });
    return open;
  }

  private session(panel: vscode.WebviewPanel, resolved: ResolvedTarget, state: PreviewUiState | null) {
    const session = new PreviewSession(panel.webview, resolved, state, this.actionsFor(resolved, panel));
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'preview', resolved.source.title);
    return session;
  }

  /** Shows another target in the unpinned tab: a new session and page, same panel. */
  private retarget(open: OpenPanel, resolved: ResolvedTarget): void {
    for (const [k, v] of this.panels) if (v === open) this.panels.delete(k);
    open.session.dispose();
    open.panel.title = `Preview ${path.basename(resolved.source.title)}`;
    open.session = this.session(open.panel, resolved, null);
    open.createdAt = resolved.source.artifact?.createdAt ?? null;
    this.panels.set(targetId(resolved.target), open);
  }

  private pin(panel: vscode.WebviewPanel): void {
    for (const v of this.panels.values()) if (v.panel === panel) v.pinned = true;
  }

  private async open(
    resolved: ResolvedTarget,
    state: PreviewUiState | null,
    pinned: boolean,
  ): Promise<vscode.WebviewPanel> {
    const id = targetId(resolved.target);
    const now = Date.now();
    const double = this.lastOpen.id === id && now - this.lastOpen.at < DOUBLE_CLICK_MS;
    this.lastOpen = { id, at: now };
    const existing = this.panels.get(id);
    if (existing) {
      if (pinned || double) existing.pinned = true;
      existing.panel.reveal();
      return existing.panel;
    }
    const reusable = pinned ? undefined : [...this.panels.values()].find((p) => !p.pinned);
    if (reusable) {
      this.retarget(reusable, resolved);
      reusable.panel.reveal();
      return reusable.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      `Preview ${path.basename(resolved.source.title)}`,
      vscode.ViewColumn.Active,
      webviewOptions(this.extensionUri),
    );
    this.attach(panel, resolved, state, resolved.source.artifact?.createdAt ?? null, pinned);
    return panel;
  }

  /** Custom editors (.nc, .parquet, .csv ...) use the same webview on a panel VS Code made. */
  attachEditor(panel: vscode.WebviewPanel, file: string, serializer: string): void {
    this.attach(panel, resolveFile(file, serializer), null, null);
  }

  private actionsFor(r: ResolvedTarget, panel: vscode.WebviewPanel) {
    return {
      pin: () => this.pin(panel),
      openSidecar:
        r.target.kind === 'artifact'
          ? () => {
              const t = r.target as { root: string; key: string };
              const sidecar = this.registry
                .get(t.root)
                ?.report?.artifacts.find((a) => a.key === t.key)?.sidecarPath;
              if (sidecar)
                void vscode.window.showTextDocument(sidecarDocumentUri(t.root, sidecar), {
                  preview: true,
                  viewColumn: vscode.ViewColumn.Beside,
                });
            }
          : undefined,
      // An object on S3/Azure has no place in the OS file manager.
      reveal: isObjectUrl(r.dataPath)
        ? undefined
        : () => void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.dataPath)),
    };
  }

  private async restore(panel: vscode.WebviewPanel, state: PreviewUiState | null): Promise<void> {
    const t = state?.target;
    try {
      if (t?.kind === 'artifact') {
        const known = this.registry.get(t.root);
        const store = known?.store ?? (await CacheStore.open(t.root, { readonly: true }));
        const report = known?.report ?? (await store.scan());
        const a = report.artifacts.find((x) => x.key === t.key);
        if (!a) throw new Error(`The artifact ${t.key} is no longer in ${t.root}.`);
        this.attach(
          panel,
          resolveArtifact(known ?? { name: path.basename(t.root), root: t.root }, a),
          state,
          a.createdAtText,
        );
        return;
      }
      if (t?.kind === 'file') {
        this.attach(panel, resolveFile(t.path, t.serializer), state, null);
        return;
      }
      throw new Error('nothing to restore');
    } catch (err) {
      log().warn(`Could not restore a preview: ${(err as Error).message}`);
      // Text only and a CSP that allows nothing: this page has no script or stylesheet of its own.
      const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'">`;
      panel.webview.html = `<!DOCTYPE html><html><head>${csp}</head><body><p>${(err as Error).message.replace(/[<>&]/g, '')}</p></body></html>`;
    }
  }

  /** Reloads previews whose artifact was rewritten; says so when it was deleted. */
  private onStoreUpdated(s: StoreState): void {
    if (s.scanning || !s.report) return;
    for (const open of this.panels.values()) {
      const t = open.session.target;
      if (t.kind !== 'artifact' || t.root !== s.root) continue;
      const a = s.report.artifacts.find((x) => x.key === t.key);
      if (!a) {
        open.session.showError(
          `${t.key} was deleted from ${s.name}. Close this preview, or rerun the task to recreate it.`,
        );
        open.createdAt = null;
      } else if (a.createdAtText !== open.createdAt) {
        open.createdAt = a.createdAtText;
        void open.session.reload(resolveArtifact(s, a));
      }
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Custom editor for data files: a read-only document whose editor is the preview. */
export class DataFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly manager: PreviewManager) {}
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }
  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const serializer = fileSerializer(document.uri.fsPath) ?? 'unknown';
    this.manager.attachEditor(panel, document.uri.fsPath, serializer);
  }
}
