// What the extension knows about each open Python file: its analysis (incremental, debounced
// on edits), where its stores are, and each task's cache state against the scanned stores.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { isObjectUrl, parseObjectUrl } from '../../core/remote/objectUrl';
import type { FlowStates } from '../../flows/fileStates';
import type { PythonDocumentAnalyzer } from '../../python/index';
import type { PathContext, PythonAnalysis } from '../../python/types';
import { pythonAnalysis } from '../lazyModules';
import type { PythonStoreRef, StoreRegistry } from '../stores/storeRegistry';

export interface FileInsight {
  uri: vscode.Uri;
  version: number;
  analysis: PythonAnalysis;
  pathContext: PathContext;
  storeRoots: (string | null)[];
  /** Cache states per flow, for the date targets are evaluated at. */
  flows: FlowStates[];
  evaluatedAt: Date;
}

const EDIT_DEBOUNCE_MS = 150;

/** Whether a file is worth analysing: Prefect/xpersist code mentions one of these. */
function mentionsPrefect(text: string): boolean {
  return /\b(prefect|xpersist|CacheStore|XpersistResult)\b/.test(text);
}

export function pathContextFor(uri: vscode.Uri): PathContext {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const expressions = vscode.workspace
    .getConfiguration('xpersist', uri)
    .get<Record<string, string>>('storeExpressions', {});
  return {
    env: process.env,
    home: os.homedir(),
    // Flows run from the workspace folder (as `python flows/x.py` in its terminal would).
    cwd: folder?.uri.fsPath ?? path.dirname(uri.fsPath),
    fileDir: path.dirname(uri.fsPath),
    filePath: uri.fsPath,
    expressions,
  };
}

export class PythonInsights implements vscode.Disposable {
  private readonly analyzers = new Map<string, PythonDocumentAnalyzer>();
  private readonly insights = new Map<string, FileInsight>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** A file's analysis or states changed (undefined: all files). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** "Evaluate targets as of...": null means now. */
  asOf: Date | null = null;
  /** `asOf` was given with a time of day (an instant), not as a day only. */
  asOfExact = false;

  constructor(private readonly registry: StoreRegistry) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.analyzeNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, e.contentChanges)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('xpersist.storeExpressions')) this.reanalyzeAll();
      }),
      registry.onDidUpdateStore((s) => {
        if (!s.scanning) this.refreshStates();
      }),
      registry.onDidChangeStores(() => this.refreshStates()),
    );
    for (const d of vscode.workspace.textDocuments) this.analyzeNow(d);
  }

  get(uri: vscode.Uri): FileInsight | undefined {
    return this.insights.get(uri.toString());
  }

  all(): FileInsight[] {
    return [...this.insights.values()];
  }

  /** Analyses a document now (used on open, and by commands that need a fresh result). */
  analyzeNow(
    doc: vscode.TextDocument,
    changes?: readonly vscode.TextDocumentContentChangeEvent[],
  ): FileInsight | undefined {
    if (doc.languageId !== 'python' || doc.uri.scheme !== 'file') return undefined;
    const key = doc.uri.toString();
    const text = doc.getText();
    if (!this.analyzers.has(key) && !mentionsPrefect(text)) return undefined;
    let analyzer = this.analyzers.get(key);
    if (!analyzer) {
      analyzer = new (pythonAnalysis().PythonDocumentAnalyzer)({ uri: key, ...pathContextFor(doc.uri) });
      this.analyzers.set(key, analyzer);
    }
    const analysis = analyzer.update(text, changes);
    const pathContext = pathContextFor(doc.uri);
    const storeRoots = analysis.stores.map((s) => asRoot(pythonAnalysis().resolveStorePath(s, pathContext)));
    const insight = this.withStates({
      uri: doc.uri,
      version: doc.version,
      analysis,
      pathContext,
      storeRoots,
    });
    this.insights.set(key, insight);
    this.registry.setPythonStores(key, storeRefs(insight));
    this.updateFlowsContext();
    this.changed.fire(doc.uri);
    return insight;
  }

  private flowsContext = '';

  /** The editor-title graph button's context key, sent only when it changes (not per edit). */
  private updateFlowsContext(): void {
    const files = this.all()
      .filter((i) => i.analysis.flows.length > 0)
      .map((i) => i.uri.toString());
    const key = files.join('\n');
    if (key === this.flowsContext) return;
    this.flowsContext = key;
    void vscode.commands.executeCommand('setContext', 'xpersist.fileHasFlows', files);
  }

  private withStates(base: Omit<FileInsight, 'flows' | 'evaluatedAt'>): FileInsight {
    const evaluatedAt = this.asOf ?? new Date();
    const reports = this.registry
      .list()
      .map((s) => s.report)
      .filter((r): r is NonNullable<typeof r> => !!r);
    const flows = pythonAnalysis().fileCacheStates(base.analysis, {
      now: evaluatedAt,
      // Now, or a typed date and time, is an instant a run could start at: time-of-day fields exact.
      exactTime: this.asOf === null || this.asOfExact,
      storeRoots: base.storeRoots,
      pathContext: base.pathContext,
      reports,
      storeProblem: (root) => this.storeProblem(root),
    });
    return { ...base, flows, evaluatedAt };
  }

  /** Why a store has no report: its folder is missing, or its scan failed (null: pending). */
  private storeProblem(root: string): 'missing' | string | null {
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(root)) return this.registry.get(root)?.scanError ?? null;
    const state = this.registry.get(root);
    if (state?.scanError) return `cannot read ${root}: ${state.scanError}`;
    if (!path.isAbsolute(root) || !existsSync(root)) return 'missing';
    return null;
  }

  /**
   * Registers the files' store folders that exist now (a run just created one): the registry
   * then scans them and the states settle from "not cached" to what the run wrote.
   */
  registerExistingStores(): void {
    for (const [key, i] of this.insights) {
      this.registry.setPythonStores(key, storeRefs(i));
    }
  }

  private schedule(
    doc: vscode.TextDocument,
    changes: readonly vscode.TextDocumentContentChangeEvent[],
  ): void {
    if (doc.languageId !== 'python' || doc.uri.scheme !== 'file') return;
    const key = doc.uri.toString();
    const pending = this.pendingChanges.get(key) ?? [];
    pending.push(...changes);
    this.pendingChanges.set(key, pending);
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const all = this.pendingChanges.get(key);
        this.pendingChanges.delete(key);
        // Changes are applied in order; each offset refers to the text after the previous one.
        this.analyzeNow(doc, all);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private readonly pendingChanges = new Map<string, vscode.TextDocumentContentChangeEvent[]>();

  /** Recomputes cache states (stores rescanned, date changed) without reparsing. */
  refreshStates(): void {
    for (const [key, i] of this.insights) this.insights.set(key, this.withStates(i));
    this.changed.fire(undefined);
  }

  private reanalyzeAll(): void {
    for (const d of vscode.workspace.textDocuments)
      if (this.analyzers.has(d.uri.toString())) this.analyzeNow(d);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.analyzers.delete(key);
    this.insights.delete(key);
    this.registry.setPythonStores(key, []);
    this.updateFlowsContext();
    this.changed.fire(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The stores of a file the registry should list: folders that exist (xpersist creates them on
 * first use, so a missing one holds nothing yet) and stores on object storage, with their literal
 * storage_options.
 */
function storeRefs(i: Pick<FileInsight, 'analysis' | 'storeRoots'>): PythonStoreRef[] {
  const out: PythonStoreRef[] = [];
  i.storeRoots.forEach((root, n) => {
    if (!root) return;
    if (isObjectUrl(root)) {
      const storageOptions = i.analysis.stores[n]?.storageOptions;
      out.push({ root, ...(storageOptions ? { storageOptions } : {}) });
    } else if (path.isAbsolute(root) && existsSync(root)) out.push({ root });
  });
  return out;
}

/** A resolved store path as the registry keys it: an object URL normalised as the core does. */
function asRoot(p: string | null): string | null {
  if (!p || !isObjectUrl(p)) return p;
  try {
    return parseObjectUrl(p).root;
  } catch {
    return null; // not a store root the core can open ("s3://" alone)
  }
}
