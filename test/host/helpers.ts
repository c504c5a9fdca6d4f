// Shared by the in-host suites (bundled into each *.test.js; not a suite itself).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { XpersistApi } from '../../src/extension/api';

export const EXTENSION_ID = 'xpersist-tools.vscode-xpersist';

/** The extension as this host sees it (fails the test when it is not loaded). */
export function extension(): vscode.Extension<XpersistApi | undefined> {
  const ext = vscode.extensions.getExtension<XpersistApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this host`);
  return ext;
}

/** The parts of the manifest's `contributes` section the suites read. */
export interface Contributes {
  viewsContainers?: { activitybar?: { id: string; title: string; icon?: string }[] };
  views?: Record<string, { id: string; name: string }[]>;
  commands?: { command: string; title: string; category?: string }[];
  [key: string]: unknown;
}

/** The manifest's `contributes` section. */
export function contributes(): Contributes {
  return extension().packageJSON.contributes ?? {};
}

/** Activates the extension (if the activation events did not already) and returns its API. */
export async function api(): Promise<XpersistApi> {
  const ext = extension();
  const exports = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(exports, 'activate() returned nothing: expected the XpersistApi object (src/extension/api.ts)');
  return exports;
}

/** The workspace folder the runner opened (a fresh copy of test/host/workspace + fixture caches). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the in-host tests need a workspace folder');
  return folder.uri.fsPath;
}

/** A path in the workspace, resolved through symlinks (the extension may report either form). */
export function inWorkspace(...parts: string[]): string {
  return fs.realpathSync(path.join(workspaceRoot(), ...parts));
}

export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return norm(a) === norm(b);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
