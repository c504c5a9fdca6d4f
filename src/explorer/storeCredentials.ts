// Which storage options are secrets. Those typed into the UI are kept in VS Code's SecretStorage
// (the OS keychain), keyed by the store's root, and merged in only when the store is opened; the
// rest (endpoint, region, anon, account name) may live in the xpersist.stores setting.
import { isObjectUrl, parseObjectUrl } from '../core/remote/objectUrl';

/** s3fs's and adlfs's option names that hold credentials. */
export const SECRET_OPTIONS = [
  'secret',
  'token',
  'aws_secret_access_key',
  'aws_session_token',
  'account_key',
  'connection_string',
  'sas_token',
  'client_secret',
  'password',
  'credential',
];

/** Splits options into what a setting may hold and what only SecretStorage may. */
export function splitSecrets(options: Record<string, unknown>): {
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
} {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (SECRET_OPTIONS.includes(k)) secrets[k] = v;
    // The access key id goes with its secret: alone it is useless, together they are a login.
    else if (k === 'key' || k === 'aws_access_key_id') secrets[k] = v;
    else settings[k] = v;
  }
  return { settings, secrets };
}

/** Secret option names found where they should not be (a setting), for a warning. */
export function secretsIn(options: Record<string, unknown> | undefined): string[] {
  return Object.keys(options ?? {}).filter((k) => SECRET_OPTIONS.includes(k));
}

/** Why a typed store URL cannot be used, or null when it can. */
export function storeUrlProblem(text: string): string | null {
  const t = text.trim();
  if (!isObjectUrl(t)) return 'Enter an s3://bucket/prefix or az://container/prefix URL.';
  try {
    parseObjectUrl(t);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The SecretStorage key of a store's typed-in credentials. */
export function credentialsKey(root: string): string {
  return `xpersist.storeCredentials:${root}`;
}
