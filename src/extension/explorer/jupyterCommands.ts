// Open an artifact in a notebook or the Interactive Window with the lines that load it
// (src/explorer/pythonSnippet.ts). Offered only while the Jupyter extension is installed: the
// context key `xpersist.jupyterInstalled` gates the menus (it runs the kernels either way).
import * as vscode from 'vscode';
import { notebookCell } from '../../explorer/pythonSnippet';
import { ArtifactNode, type CacheNode } from './nodes';

export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';
const CONTEXT_KEY = 'xpersist.jupyterInstalled';

const jupyterInstalled = (): boolean => vscode.extensions.getExtension(JUPYTER_EXTENSION_ID) !== undefined;

function cellOf(node: ArtifactNode): string {
  const st = node.store.state;
  return notebookCell({
    root: st.root,
    key: node.artifact.key,
    serializer: node.artifact.serializer,
    storageOptions: JSON.parse(st.optionsKey) as Record<string, unknown> | null,
  });
}

/** Says why nothing opens, when the Jupyter extension is missing (a command run by hand). */
function refuseWithoutJupyter(): boolean {
  if (jupyterInstalled()) return false;
  void vscode.window.showInformationMessage(
    `Opening artifacts in a notebook needs the Jupyter extension (${JUPYTER_EXTENSION_ID}). Copy as Python gives the same lines.`,
  );
  return true;
}

export function registerJupyterCommands(): vscode.Disposable[] {
  const update = () => void vscode.commands.executeCommand('setContext', CONTEXT_KEY, jupyterInstalled());
  update();
  return [
    vscode.extensions.onDidChange(update),
    vscode.commands.registerCommand('xpersist.openInNotebook', async (node?: CacheNode) => {
      if (!(node instanceof ArtifactNode) || refuseWithoutJupyter()) return false;
      const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, cellOf(node), 'python');
      const doc = await vscode.workspace.openNotebookDocument(
        'jupyter-notebook',
        new vscode.NotebookData([cell]),
      );
      await vscode.window.showNotebookDocument(doc);
      return true;
    }),
    vscode.commands.registerCommand('xpersist.openInInteractiveWindow', async (node?: CacheNode) => {
      if (!(node instanceof ArtifactNode) || refuseWithoutJupyter()) return false;
      // The Jupyter extension runs a string argument as a new cell of its Interactive Window.
      await vscode.commands.executeCommand('jupyter.execSelectionInteractive', cellOf(node));
      return true;
    }),
  ];
}
