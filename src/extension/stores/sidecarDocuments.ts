// "Open Sidecar" for an artifact on object storage: the sidecar object's text in a read-only
// editor. A sidecar on S3/Azure has no file path (Uri.file of an s3:// URL names a local file that
// does not exist), so the editor reads it through a read-only file system on a scheme of ours.
// The URI carries only the object's URL and the store's root, never a credential: the bytes are
// read with the credentials the open store already holds.
import * as vscode from 'vscode';
import { isObjectUrl } from '../../core/remote/objectUrl';
import type { StoreRegistry } from './storeRegistry';

export const SIDECAR_SCHEME = 'xpersist-object';
const METADATA_DIR = '/xpersist_metadata_store/';
const SUFFIX = '.artifact.json';
/** stat() then readFile() come in a burst when an editor opens: one GET serves both. */
const REUSE_MS = 2000;

/**
 * `xpersist-object://s3/bucket/prefix/xpersist_metadata_store/key.artifact.json?root=s3://bucket/prefix`:
 * the tab shows the object's name, its hover the whole (secret-free) URL; the path ends in .json
 * so the editor colours it as JSON.
 */
export function sidecarObjectUri(root: string, sidecarUrl: string): vscode.Uri {
  const m = /^([a-z0-9+.-]+):\/\/(.*)$/i.exec(sidecarUrl);
  if (!m) throw new Error(`Not an object URL: ${sidecarUrl}`);
  return vscode.Uri.from({
    scheme: SIDECAR_SCHEME,
    authority: m[1].toLowerCase(),
    path: `/${m[2]}`,
    query: new URLSearchParams({ root }).toString(),
  });
}

/** The store root and key a sidecar URI names (the key is what lies between the folder and the suffix). */
export function parseSidecarObjectUri(uri: vscode.Uri): { root: string; key: string; url: string } {
  const root = new URLSearchParams(uri.query).get('root') ?? '';
  const url = `${uri.authority}://${uri.path.slice(1)}`;
  const head = `${root}${METADATA_DIR}`;
  if (!root || !url.startsWith(head) || !url.endsWith(SUFFIX)) throw vscode.FileSystemError.FileNotFound(uri);
  return { root, key: url.slice(head.length, -SUFFIX.length), url };
}

export class SidecarObjects implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private recent = new Map<string, { at: number; bytes: Promise<Uint8Array> }>();

  constructor(private readonly registry: StoreRegistry) {}

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const bytes = await this.read(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: Date.now(), size: bytes.byteLength };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.read(uri);
  }

  private read(uri: vscode.Uri): Promise<Uint8Array> {
    const id = uri.toString();
    const hit = this.recent.get(id);
    if (hit && Date.now() - hit.at < REUSE_MS) return hit.bytes;
    const bytes = this.fetch(uri);
    this.recent.set(id, { at: Date.now(), bytes });
    // A failed read must not be served again from the burst cache.
    bytes.catch(() => this.recent.delete(id));
    return bytes;
  }

  private async fetch(uri: vscode.Uri): Promise<Uint8Array> {
    const { root, key, url } = parseSidecarObjectUri(uri);
    // An editor restored after a reload asks before the stores are found: wait for that first.
    if (!this.registry.get(root)) await this.registry.listed;
    const state = this.registry.get(root);
    // Only a store the extension has open holds the credentials; reading with none would 403.
    if (!state) throw vscode.FileSystemError.Unavailable(`${url}: the store ${root} is not open.`);
    try {
      return new TextEncoder().encode(await state.store.sidecarText(key));
    } catch (err) {
      const kind = (err as { kind?: string }).kind;
      if (kind === 'not-found') throw vscode.FileSystemError.FileNotFound(uri);
      throw vscode.FileSystemError.Unavailable(`${url}: ${(err as Error).message ?? err}`);
    }
  }

  // Read-only: registered with isReadonly, and every write is refused here too.
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export function registerSidecarObjects(registry: StoreRegistry): vscode.Disposable {
  const provider = new SidecarObjects(registry);
  return vscode.Disposable.from(
    provider,
    vscode.workspace.registerFileSystemProvider(SIDECAR_SCHEME, provider, {
      isReadonly: true,
      isCaseSensitive: true,
    }),
  );
}

/** The editor's URI of an artifact's sidecar: a file, or a read-only object on S3/Azure. */
export function sidecarDocumentUri(root: string, sidecarPath: string): vscode.Uri {
  return isObjectUrl(sidecarPath) ? sidecarObjectUri(root, sidecarPath) : vscode.Uri.file(sidecarPath);
}
