// Confirmations and messages. Destructive actions always go through `confirmPaths`, which lists
// the exact paths. In-host tests answer dialogs through `setDialogResponder` (a smoke-test host
// cannot show modal dialogs); users always see the real dialog.
import * as vscode from 'vscode';

/** `typed`: a typed confirmation (askTyped), whose only choice is the text to type. */
export type DialogResponder = (
  message: string,
  detail: string,
  choices: string[],
  typed?: boolean,
) => string | undefined;

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

/**
 * The modal that confirms a change of `paths`. A list too long for a dialog is cut there, so it
 * also offers "Show All N Paths": every path in an editor beside it, then the same question again
 * (a remote delete of a zarr is thousands of objects, and the user confirms what they have seen).
 */
export async function confirmPaths(message: string, paths: string[], action: string): Promise<boolean> {
  const showAll = `Show All ${paths.length} Paths`;
  const choices = paths.length > MAX_LISTED ? [action, showAll] : [action];
  let listed: vscode.TextDocument | undefined; // one editor per confirmation, shown again on each ask
  for (;;) {
    const answer = await askModal(message, pathList(paths), ...choices);
    if (answer !== showAll) return answer === action;
    listed ??= await vscode.workspace.openTextDocument({
      content: `${message}\n\n${paths.join('\n')}\n`,
      language: 'plaintext',
    });
    await vscode.window.showTextDocument(listed, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

/** Answers non-modal notifications in in-host tests (an Undo button), like DialogResponder. */
export type NoticeResponder = (
  message: string,
  choices: string[],
) => string | undefined | Promise<string | undefined>;

let noticeResponder: NoticeResponder | null = null;

export function setNoticeResponder(r: NoticeResponder | null): void {
  noticeResponder = r;
}

/** A notification with buttons, not modal; resolves to the button pressed (never, if ignored). */
export function notify(message: string, ...choices: string[]): Thenable<string | undefined> {
  if (noticeResponder) return Promise.resolve(noticeResponder(message, choices));
  return vscode.window.showInformationMessage(message, ...choices);
}

/**
 * A confirmation by typing `expected` (a key, "delete 3"): Enter alone cannot confirm. In-host
 * tests answer through the dialog responder with `expected` as the only choice: what it returns
 * is what was typed.
 */
export async function askTyped(
  title: string,
  prompt: string,
  expected: string,
  mismatch: (typed: string) => string | null,
): Promise<boolean> {
  if (responder) return responder(title, prompt, [expected], true) === expected;
  const typed = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: expected,
    ignoreFocusOut: true,
    validateInput: (t) => (t === '' ? null : mismatch(t)),
  });
  return typed !== undefined && mismatch(typed) === null;
}
