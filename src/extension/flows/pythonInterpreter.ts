// Which Python runs flows: the interpreter selected in the Python extension, else the
// xpersist.pythonPath setting, else python3 on PATH. The choice is always said in the output.
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { defaultResolveContext, expandSettingVariables } from '../../explorer/storeSettings';

export interface ChosenPython {
  path: string;
  source: 'python-extension' | 'setting' | 'default';
  /** For the output: "/x/.venv/bin/python (selected in the Python extension)". */
  description: string;
}

async function fromPythonExtension(resource?: vscode.Uri): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    const env = await api.environments.resolveEnvironment(active);
    return env?.executable.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

/** The setting with the variables every path setting takes (explorer/storeSettings.ts). */
function expandSetting(p: string, resource?: vscode.Uri): string {
  const folder =
    (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  return expandSettingVariables(p, defaultResolveContext(folder?.uri.fsPath ?? null));
}

export async function choosePython(resource?: vscode.Uri): Promise<ChosenPython> {
  const fromExt = await fromPythonExtension(resource);
  if (fromExt)
    return {
      path: fromExt,
      source: 'python-extension',
      description: `${fromExt} (selected in the Python extension)`,
    };
  const setting = vscode.workspace
    .getConfiguration('xpersist', resource)
    .get<string>('pythonPath', '')
    .trim();
  if (setting) {
    const p = expandSetting(setting, resource);
    return { path: p, source: 'setting', description: `${p} (from the xpersist.pythonPath setting)` };
  }
  return {
    path: 'python3',
    source: 'default',
    description:
      'python3 on PATH (no interpreter selected in the Python extension, xpersist.pythonPath not set)',
  };
}
