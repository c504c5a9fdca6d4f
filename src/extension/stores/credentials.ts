// Typed-in credentials of stores on object storage, in VS Code's SecretStorage (the OS keychain):
// never in settings, never logged. The registry merges them into a store's options when opening it.
import type * as vscode from 'vscode';
import { credentialsKey } from '../../explorer/storeCredentials';

export class StoreCredentials {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(root: string): Promise<Record<string, unknown> | undefined> {
    const text = await this.storage.get(credentialsKey(root));
    if (!text) return undefined;
    try {
      const v = JSON.parse(text) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(root: string, secrets: Record<string, unknown>): Promise<void> {
    if (Object.keys(secrets).length === 0) await this.storage.delete(credentialsKey(root));
    else await this.storage.store(credentialsKey(root), JSON.stringify(secrets));
  }

  delete(root: string): Thenable<void> {
    return this.storage.delete(credentialsKey(root));
  }
}
