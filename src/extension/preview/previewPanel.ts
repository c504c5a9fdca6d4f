// The preview panel host: one webview per previewed artifact or file, fed by src/preview. The
// webview asks for what it shows (a slice, a page of rows); nothing large is ever sent whole.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { jsonSafe, jsonSafeCells } from '../../common/jsonSafe';
import type { PreviewModel, ReadOptions } from '../../preview/model';
import {
  type HostToPreview,
  type PreviewSource,
  type PreviewTarget,
  type PreviewUiState,
  previewToHostSchema,
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
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();

  constructor(
    readonly webview: vscode.Webview,
    private resolved: ResolvedTarget,
    initialState: PreviewUiState | null,
    private readonly actions: { openSidecar?: () => void; reveal?: () => void; pin?: () => void } = {},
  ) {
    this.state = initialState;
    this.disposables.push(
      this.changed,
      webview.onDidReceiveMessage((m) => this.onMessage(m)),
    );
  }

  get target(): PreviewTarget {
    return this.resolved.target;
  }

  /** The model the webview was given (null before its first init): for tests. */
  get shownModel(): PreviewModel | null {
    return this.model;
  }

  private post(msg: HostToPreview): void {
    void this.webview.postMessage(msg);
  }

  /** Re-describes the data (after it changed on disk) and re-initialises the webview. */
  async reload(resolved?: ResolvedTarget): Promise<void> {
    if (resolved) this.resolved = resolved;
    this.model = null;
    await this.sendInit();
  }

  private async sendInit(): Promise<void> {
    const r = this.resolved;
    try {
      const model = this.model ?? (await previewReaders().describe(r.dataPath, r.serializer, r.options));
      this.model = model;
      this.post({
        type: 'init',
        payload: {
          source: jsonSafe(r.source),
          model: jsonSafe(model),
          state: { ...this.state, target: r.target },
        },
      });
    } catch (err) {
      log().error(`Preview of ${r.dataPath} failed: ${(err as Error).stack ?? err}`);
      this.post({
        type: 'initError',
        payload: { source: jsonSafe(r.source), message: (err as Error).message },
      });
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = previewToHostSchema.safeParse(raw);
    if (!parsed.success) {
      log().warn(`Ignored an invalid message from the preview webview: ${parsed.error.message}`);
      return;
    }
    const msg = parsed.data;
    const r = this.resolved;
    switch (msg.type) {
      case 'ready': {
        // A reused preview tab's page may still hold the previous artifact's state: not this one's.
        const local = msg.payload as PreviewUiState;
        const same = !local.target || JSON.stringify(local.target) === JSON.stringify(r.target);
        if (same) this.state = { ...this.state, ...local };
        await this.sendInit();
        return;
      }
      case 'pin':
        this.actions.pin?.();
        return;
      case 'saveState':
        this.state = { ...this.state, ...(msg.payload as PreviewUiState) };
        return;
      case 'openSidecar':
        this.actions.openSidecar?.();
        return;
      case 'revealInExplorer':
        this.actions.reveal?.();
        return;
      case 'copyText':
        void vscode.env.clipboard
          .writeText(msg.payload.text)
          .then(() => vscode.window.setStatusBarMessage('xpersist: repr copied to the clipboard', 3000));
        return;
      case 'readValues': {
        const { requestId, variable, selection } = msg.payload;
        try {
          const res = await previewReaders().readValues(
            r.dataPath,
            r.serializer,
            variable,
            selection,
            r.options,
          );
          this.post({
            type: 'values',
            payload: { requestId, dims: res.dims, shape: res.shape, values: jsonSafeCells(res.values) },
          });
        } catch (err) {
          this.post({ type: 'requestError', payload: { requestId, message: (err as Error).message } });
        }
        return;
      }
      case 'readRows': {
        const { requestId, offset, limit } = msg.payload;
        try {
          const res = await previewReaders().readRows(r.dataPath, r.serializer, offset, limit, r.options);
          const rows = res.rows.map((row: unknown[]) => jsonSafeCells(row));
          this.post({ type: 'rows', payload: { requestId, offset, columns: res.columns, rows } });
        } catch (err) {
          this.post({ type: 'requestError', payload: { requestId, message: (err as Error).message } });
        }
        return;
      }
      case 'summarizeColumns': {
        const { requestId } = msg.payload;
        try {
          const s = await summarizeTableColumns(r.dataPath, r.serializer, r.options);
          this.post({ type: 'columnSummary', payload: { requestId, ...jsonSafe(s) } });
        } catch (err) {
          this.post({ type: 'requestError', payload: { requestId, message: (err as Error).message } });
        }
        return;
      }
    }
  }

  dispose(): void {
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
