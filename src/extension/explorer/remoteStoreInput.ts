// "Add Cache Store..." for a store on object storage: the URL, an endpoint for S3-compatible
// servers, and where credentials come from. Secrets typed here go to SecretStorage only; the
// setting gets the URL and the options that are not secret.
import * as vscode from 'vscode';
import { parseObjectUrl } from '../../core/remote/objectUrl';
import { storeUrlProblem } from '../../explorer/storeCredentials';

export interface RemoteStoreInput {
  root: string;
  /** What the xpersist.stores setting may hold (endpoint, anon). */
  settings: Record<string, unknown>;
  /** Typed-in credentials, for SecretStorage. */
  secrets: Record<string, unknown>;
}

type Source = 'environment' | 'anonymous' | 'typed';

async function askSource(scheme: 's3' | 'az'): Promise<Source | undefined> {
  const items: (vscode.QuickPickItem & { source: Source })[] = [
    {
      label: 'From the environment',
      detail:
        scheme === 's3'
          ? 'AWS_* variables, ~/.aws/credentials profiles, FSSPEC_S3, as boto3 and s3fs find them'
          : 'AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME/_KEY, FSSPEC_AZ',
      source: 'environment',
    },
    { label: 'Anonymous', detail: 'A public bucket or container', source: 'anonymous' },
    {
      label: scheme === 's3' ? 'Enter an access key...' : 'Enter a connection string...',
      detail: 'Kept in the OS keychain (VS Code secret storage), never in settings',
      source: 'typed',
    },
  ];
  return (
    await vscode.window.showQuickPick(items, { title: 'Credentials for the store', ignoreFocusOut: true })
  )?.source;
}

async function askTyped(scheme: 's3' | 'az'): Promise<Record<string, unknown> | undefined> {
  if (scheme === 'az') {
    const conn = await vscode.window.showInputBox({
      title: 'Azure Storage connection string',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) =>
        /AccountName=|SharedAccessSignature=|BlobEndpoint=/i.test(v) ? null : 'Not a connection string',
    });
    return conn ? { connection_string: conn.trim() } : undefined;
  }
  const key = await vscode.window.showInputBox({ title: 'Access key id', ignoreFocusOut: true });
  if (!key) return undefined;
  const secret = await vscode.window.showInputBox({
    title: 'Secret access key',
    password: true,
    ignoreFocusOut: true,
  });
  return secret ? { key: key.trim(), secret } : undefined;
}

/** Asks for a store URL and its access; undefined when the user cancels. */
export async function askRemoteStore(known?: string): Promise<RemoteStoreInput | undefined> {
  const url = await vscode.window.showInputBox({
    value: known,
    title: 'Add a cache store on object storage',
    prompt: 'The URL you pass to CacheStore(...) in Python',
    placeHolder: 's3://bucket/prefix or az://container/prefix',
    ignoreFocusOut: true,
    validateInput: (v) => storeUrlProblem(v),
  });
  if (!url) return undefined;
  const loc = parseObjectUrl(url.trim());
  const settings: Record<string, unknown> = {};
  if (loc.scheme === 's3') {
    const endpoint = await vscode.window.showInputBox({
      title: 'S3 endpoint (optional)',
      prompt: 'For MinIO, Ceph or a local server; leave empty for AWS',
      placeHolder: 'http://127.0.0.1:9000',
      ignoreFocusOut: true,
      validateInput: (v) =>
        v.trim() === '' || /^https?:\/\/[^/\s]+/.test(v.trim()) ? null : 'An http(s):// URL',
    });
    if (endpoint === undefined) return undefined;
    if (endpoint.trim()) settings.endpoint_url = endpoint.trim();
  }
  const source = await askSource(loc.scheme);
  if (!source) return undefined;
  if (source === 'anonymous') settings.anon = true;
  const secrets = source === 'typed' ? await askTyped(loc.scheme) : {};
  if (!secrets) return undefined;
  return { root: loc.root, settings, secrets };
}
