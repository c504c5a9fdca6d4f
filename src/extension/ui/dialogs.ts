// Confirmations and messages. Destructive actions always go through `confirmPaths`, which lists
// the exact paths. In-host tests answer dialogs through `setDialogResponder` (a smoke-test host
// cannot show modal dialogs); users always see the real dialog.
import * as vscode from 'vscode';

export type DialogResponder = (message: string, detail: string, choices: string[]) => string | undefined;

let responder: DialogResponder | null = null;

export function setDialogResponder(r: DialogResponder | null): void {
  responder = r;
}

/** A modal question; resolves to the chosen item or undefined when cancelled. */
export async function askModal(
  message: string,
  detail: string,
  ...choices: string[]
): Promise<string | undefined> {
  if (responder) return responder(message, detail, choices);
  return vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices);
}

const MAX_LISTED = 40;

/** Lists paths for a confirmation; very long lists are cut with a count. */
export function pathList(paths: string[]): string {
  const shown = paths.slice(0, MAX_LISTED).map((p) => `• ${p}`);
  if (paths.length > MAX_LISTED) shown.push(`… and ${paths.length - MAX_LISTED} more`);
  return shown.join('\n');
}

export async function confirmPaths(message: string, paths: string[], action: string): Promise<boolean> {
  return (await askModal(message, pathList(paths), action)) === action;
}
