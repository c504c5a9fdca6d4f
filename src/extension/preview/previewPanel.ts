// The preview panel host: one webview per previewed artifact or file, fed by src/preview. The
// webview asks for what it shows (a slice, a page of rows); nothing large is ever sent whole.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { jsonSafe, jsonSafeCells } from '../../common/jsonSafe';
import type { PreviewModel, ReadOptions } from '../../preview/model';
import { IpcPeer } from '../../webview/ipc';
import {
  CopyText,
  OpenSidecar,
  Pin,
  PreviewError,
  type PreviewSource,
  type PreviewTarget,
  type PreviewUiState,
  ReadRows,
  ReadValues,
  Ready,
  RevealInExplorer,
  SaveState,
  ShowPreview,
  SummarizeColumns,
} from '../../webview/preview/protocol';
import { previewReaders } from '../lazyModules';
import { log } from '../log';
import { summarizeTableColumns } from './columnSummary';

export const PREVIEW_VIEW_TYPE = 'xpersist.preview';

export interface ResolvedTarget {
  target: PreviewTarget;
  dataPath: string;
  serializer: string;
  options: ReadOptions;
  source: PreviewSource;
}

export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  script: string,
  title: string,
): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Stylesheets from dist/webview only: no inline <style> or style="..." (issue 16). Styles
    // set from script through the CSSOM (el.style.x = ...) are not inline styles to CSP.
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
  ].join('; ');
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset(`${script}.css`)}">
<title>${esc(title)}</title>
</head>
<body>
<div id="app" role="main"><p class="loading">Loading…</p></div>
<script nonce="${nonce}" src="${asset(`${script}.js`)}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    enableFindWidget: true,
  };
}

/** Feeds one preview webview: answers its requests from the readers. */
export class PreviewSession implements vscode.Disposable {
  private model: PreviewModel | null = null;
  private state: PreviewUiState | null;
  private disposed = false;
  /** Typed messages to and from the webview (validated on arrival). */
  private readonly peer: IpcPeer;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly webview: vscode.Webview,
    private resolved: ResolvedTarget,
    initialState: PreviewUiState | null,
    private readonly actions: { openSidecar?: () => void; reveal?: () => void; pin?: () => void } = {},
  ) {
    this.state = initialState;
    // A reused preview tab gets a new session and page: a read still running for the previous
    // session must not answer the new page, whose request ids start again at 1.
    this.peer = new IpcPeer(
      (m) => {
        if (!this.disposed) void this.webview.postMessage(m);
      },
      {
        validate: true,
        onInvalid: (why) => log().warn(`Ignored a message from the preview webview: ${why}`),
      },
    );
    this.handle();
    this.disposables.push(webview.onDidReceiveMessage((m) => this.peer.receive(m)));
  }

  get target(): PreviewTarget {
    return this.resolved.target;
  }

  /** The model the webview was given (null before its first init): for tests. */
  get shownModel(): PreviewModel | null {
    return this.model;
  }

  /** Re-describes the data (after it changed on disk) and re-initialises the webview. */
  async reload(resolved?: ResolvedTarget): Promise<void> {
    if (resolved) this.resolved = resolved;
    this.model = null;
    await this.sendInit();
  }

  /** Replaces the view with a message (the artifact was deleted). */
  showError(message: string): void {
    this.peer.sendNotification(PreviewError, { source: null, message });
  }

  private async sendInit(): Promise<void> {
    const r = this.resolved;
    try {
      const model = this.model ?? (await previewReaders().describe(r.dataPath, r.serializer, r.options));
      this.model = model;
      this.peer.sendNotification(ShowPreview, {
        source: jsonSafe(r.source),
        model: jsonSafe(model),
        state: { ...this.state, target: r.target },
      });
    } catch (err) {
      log().error(`Preview of ${r.dataPath} failed: ${(err as Error).stack ?? err}`);
      this.peer.sendNotification(PreviewError, {
        source: jsonSafe(r.source),
        message: (err as Error).message,
      });
    }
  }

  /**
   * What the webview may ask: each message's params already checked against its schema. A
   * reader's error rejects the webview's request with the reader's message, which it shows.
   */
  private handle(): void {
    const p = this.peer;
    p.onNotification(Ready, async (local) => {
      // A reused preview tab's page may still hold the previous artifact's state: not this one's.
      const same = !local.target || JSON.stringify(local.target) === JSON.stringify(this.resolved.target);
      if (same) this.state = { ...this.state, ...local };
      await this.sendInit();
    });
    p.onNotification(SaveState, (local) => {
      this.state = { ...this.state, ...local };
    });
    p.onNotification(Pin, () => this.actions.pin?.());
    p.onNotification(OpenSidecar, () => this.actions.openSidecar?.());
    p.onNotification(RevealInExplorer, () => this.actions.reveal?.());
    p.onNotification(CopyText, ({ text }) => {
      void vscode.env.clipboard
        .writeText(text)
        .then(() => vscode.window.setStatusBarMessage('xpersist: repr copied to the clipboard', 3000));
    });
    p.onRequest(ReadValues, async ({ variable, selection }) => {
      const r = this.resolved;
      const res = await previewReaders().readValues(r.dataPath, r.serializer, variable, selection, r.options);
      return { dims: res.dims, shape: res.shape, values: jsonSafeCells(res.values) };
    });
    p.onRequest(ReadRows, async ({ offset, limit }) => {
      const r = this.resolved;
      const res = await previewReaders().readRows(r.dataPath, r.serializer, offset, limit, r.options);
      return { offset, columns: res.columns, rows: res.rows.map((row: unknown[]) => jsonSafeCells(row)) };
    });
    p.onRequest(SummarizeColumns, async () => {
      const r = this.resolved;
      return jsonSafe(await summarizeTableColumns(r.dataPath, r.serializer, r.options));
    });
  }

  dispose(): void {
    this.disposed = true;
    this.peer.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Size of a file, or of a folder's files (zarr), for the panel header. */
export function sizeOf(p: string): number | null {
  try {
    const st = statSync(p);
    if (st.isFile()) return st.size;
    return null;
  } catch {
    return null;
  }
}

export function fileSerializer(p: string): string | null {
  const ext = path.extname(p).toLowerCase();
  if (ext === '.zarr') return 'xarray.zarr';
  if (ext === '.nc' || ext === '.nc4' || ext === '.h5' || ext === '.hdf5' || ext === '.cdf')
    return 'xarray.netcdf';
  if (ext === '.csv') return 'pandas.csv';
  if (ext === '.parquet' || ext === '.pq') return 'pandas.parquet';
  if (ext === '.joblib' || ext === '.pkl' || ext === '.pickle') return 'joblib';
  return null;
}
