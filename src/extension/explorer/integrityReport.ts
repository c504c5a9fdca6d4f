// The integrity report as a read-only markdown document (src/explorer/integrity.ts decides what it
// says): a lens above each problem runs its fix through xpersist.fixProblem (which confirms with the
// exact paths and rescans), or reveals the artifact. The document follows the stores: after a fix or
// any rescan it is rendered again, so a lens never acts on a problem that is already gone.
import * as vscode from 'vscode';
import {
  buildIntegrityReport,
  type IntegrityItemKind,
  type IntegritySection,
  type ItemAnchor,
  renderIntegrityReport,
} from '../../explorer/integrity';
import { unloadableReason } from '../../flows/serializers';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';

export const INTEGRITY_SCHEME = 'xpersist-integrity';
// The .md name gives the document markdown's highlighting and outline (one heading per problem).
export const INTEGRITY_URI = vscode.Uri.from({
  scheme: INTEGRITY_SCHEME,
  path: '/xpersist integrity report.md',
});

/** Items about an artifact the tree lists (a broken sidecar's key is not one). */
const REVEALABLE = new Set<IntegrityItemKind>(['data-missing', 'key-mismatch', 'unloadable-serializer']);

export class IntegrityReport
  implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  /** The stores the report is about (empty until the first check). */
  private roots: string[] = [];
  private sections: IntegritySection[] = [];
  private anchors: ItemAnchor[] = [];
  private text = '';
  private checkedAt = new Date();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly registry: StoreRegistry,
    /** What the selected interpreter's xpersist registers (null: not known). */
    private readonly serializers: () => readonly string[] | null,
    /** Why a store may not be changed now (read-only, untrusted), or null. */
    private readonly refusal: (s: StoreState) => string | null,
  ) {
    this.disposables = [
      this.changed,
      this.lensesChanged,
      vscode.workspace.registerTextDocumentContentProvider(INTEGRITY_SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: INTEGRITY_SCHEME }, this),
      registry.onDidUpdateStore((s) => {
        if (this.roots.includes(s.root)) this.render();
      }),
    ];
  }

  /** Builds the report of these stores (already scanned) and opens it. */
  async show(states: readonly StoreState[]): Promise<IntegritySection[]> {
    this.roots = states.map((s) => s.root);
    this.checkedAt = new Date();
    this.render();
    const doc = await vscode.workspace.openTextDocument(INTEGRITY_URI);
    await vscode.window.showTextDocument(doc, { preview: false });
    return this.sections;
  }

  get current(): readonly IntegritySection[] {
    return this.sections;
  }

  private render(): void {
    const states = this.roots.map((r) => this.registry.get(r)).filter((s): s is StoreState => !!s);
    const known = this.serializers();
    this.sections = buildIntegrityReport(
      states.map((s) => ({
        name: s.name,
        root: s.root,
        report: s.report,
        scanError: s.scanError,
        refusal: this.refusal(s),
      })),
      (serializer) => unloadableReason(serializer, known),
    );
    const out = renderIntegrityReport(this.sections, this.checkedAt);
    this.text = out.text;
    this.anchors = out.anchors;
    this.changed.fire(INTEGRITY_URI);
    this.lensesChanged.fire();
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    // The lenses must match the text the document holds, not one rendered since.
    if (doc.getText() !== this.text) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const a of this.anchors) {
      const s = this.sections[a.section];
      const item = s.items[a.item];
      const range = new vscode.Range(a.line, 0, a.line, 0);
      if (item.fix && item.problem)
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(wrench) ${item.fix}`,
            command: 'xpersist.fixProblem',
            arguments: [s.root, item.problem],
          }),
        );
      const key = item.keys[0];
      if (key && REVEALABLE.has(item.kind))
        lenses.push(
          new vscode.CodeLens(range, {
            title:
              item.kind === 'unloadable-serializer' ? `$(list-tree) Reveal ${key}` : '$(list-tree) Reveal',
            command: 'xpersist.revealArtifact',
            arguments: [s.root, key],
          }),
        );
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
