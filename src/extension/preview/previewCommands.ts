// Preview commands: from the tree (or any caller passing { root, key }), the palette, and the
// Explorer's context menu on `.zarr` folders; plus the custom editors for data files.
import * as vscode from 'vscode';
import { WALKTHROUGH_CONTEXT } from '../../explorer/walkthrough';
import { ArtifactNode } from '../explorer/nodes';
import { markWalkthroughStep } from '../explorer/walkthrough';
import type { StoreRegistry } from '../stores/storeRegistry';
import { compareArtifacts, pickArtifact, refsFromSelection } from './compareCommand';
import { DataFileEditorProvider, type PreviewManager } from './previewManager';

export function registerPreview(registry: StoreRegistry, manager: PreviewManager): vscode.Disposable[] {
  const editor = new DataFileEditorProvider(manager);
  const editorOptions = { supportsMultipleEditorsPerDocument: true };
  return [
    vscode.window.registerCustomEditorProvider('xpersist.dataPreview', editor, editorOptions),
    vscode.window.registerCustomEditorProvider('xpersist.tablePreview', editor, editorOptions),
    vscode.commands.registerCommand(
      'xpersist.preview',
      async (arg?: ArtifactNode | { root: string; key: string }) => {
        let root: string | undefined;
        let key: string | undefined;
        if (arg instanceof ArtifactNode) {
          root = arg.store.state.root;
          key = arg.artifact.key;
        } else if (arg && typeof arg === 'object' && 'root' in arg) {
          ({ root, key } = arg);
        } else {
          const picked = await pickArtifact(registry, 'Preview which artifact?');
          if (!picked) return undefined;
          ({ root, key } = picked);
        }
        const state = root ? registry.get(root) : undefined;
        const report = state?.report ?? (root ? await registry.scan(root) : undefined);
        const a = report?.artifacts.find((x) => x.key === key);
        if (!state || !a) {
          void vscode.window.showErrorMessage(
            `Cannot preview ${key}: it is not in ${root ?? 'any known store'}.`,
          );
          return undefined;
        }
        await manager.openArtifact(state, a);
        // Completes the walkthrough's preview step (from the tree, a lens or the palette alike).
        markWalkthroughStep(WALKTHROUGH_CONTEXT.previewed);
        return { root: state.root, key: a.key };
      },
    ),
    vscode.commands.registerCommand(
      'xpersist.compareArtifacts',
      // From the palette (no argument), a caller ({ left, right }), or the Caches tree's context
      // menu on a selection of two artifacts (the clicked node, then every selected node).
      (arg?: Parameters<typeof compareArtifacts>[2] | ArtifactNode, selected?: unknown) =>
        compareArtifacts(
          manager.extensionUri,
          registry,
          arg instanceof ArtifactNode ? refsFromSelection(arg, selected) : arg,
        ),
    ),
    vscode.commands.registerCommand('xpersist.previewFolder', async (uri?: vscode.Uri) => {
      const target =
        uri ??
        (
          await vscode.window.showOpenDialog({
            canSelectFolders: true,
            canSelectFiles: true,
            openLabel: 'Preview',
          })
        )?.[0];
      if (!target) return undefined;
      await manager.openFile(target.fsPath);
      return target.fsPath;
    }),
  ];
}
