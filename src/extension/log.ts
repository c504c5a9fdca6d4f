// The extension's output channel ("xpersist" in the Output panel).
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('xpersist', { log: true });
  return channel;
}
