// The nodes of the Caches tree. Each knows its parent (for reveal) and builds its TreeItem.
import * as vscode from 'vscode';
import { formatBytes, plural } from '../../common/format';
import { isObjectUrl } from '../../core/remote/objectUrl';
import type { ArtifactEntry, Problem } from '../../core/types';
import {
  artifactDescription,
  artifactTooltip,
  fixLabel,
  mdEscape,
  metadataRows,
  PROBLEM_LABELS,
  problemCounts,
} from '../../explorer/describe';
import { type GroupBy, type GroupModel, labelInGroup } from '../../explorer/treeModel';
import { STATUS, type Status, type Tone } from '../../flows/status';
import type { StoreState } from '../stores/storeRegistry';

export const STORE_URI_SCHEME = 'xpersist-store';

const SERIALIZER_ICONS: Record<string, string> = {
  'xarray.zarr': 'layers',
  'xarray.netcdf': 'globe',
  'pandas.csv': 'table',
  'pandas.parquet': 'table',
  joblib: 'package',
  xcollection: 'library',
};

// The tree's colours for the shared status vocabulary's tones (src/flows/status.ts).
const TONE_COLORS: Record<Tone, string | undefined> = {
  ok: 'testing.iconPassed',
  warn: 'list.warningForeground',
  error: 'list.errorForeground',
  info: undefined,
  muted: undefined,
};

export function statusIcon(status: Status): vscode.ThemeIcon {
  const { icon, tone } = STATUS[status];
  const color = TONE_COLORS[tone];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

export function serializerIcon(serializer: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(SERIALIZER_ICONS[serializer] ?? 'file-binary');
}

/** The TreeItem of a node: the node's id, its label and collapsible state, and these fields. */
function treeItem(
  node: { readonly id: string },
  label: string,
  state: vscode.TreeItemCollapsibleState,
  fields: Pick<
    vscode.TreeItem,
    | 'description'
    | 'tooltip'
    | 'iconPath'
    | 'resourceUri'
    | 'contextValue'
    | 'command'
    | 'accessibilityInformation'
  >,
): vscode.TreeItem {
  const item = new vscode.TreeItem(label, state);
  item.id = node.id;
  return Object.assign(item, fields);
}

/** A contextValue from its words, empty ones left out (package.json's when clauses match them). */
function contextWords(...words: string[]): string {
  return words.filter(Boolean).join(' ');
}

export class StoreNode {
  readonly type = 'store';
  /** Artifacts that pass the view's filter (null: no filter). */
  shown: number | null = null;
  constructor(public state: StoreState) {}
  get id(): string {
    return `store:${this.state.root}`;
  }
  readonly parent = undefined;

  toTreeItem(): vscode.TreeItem {
    const s = this.state;
    const r = s.report ?? s.partial;
    const parts: string[] = [];
    if (s.scanning && !r) parts.push(s.progress ? `scanning… ${s.progress}` : 'scanning…');
    else if (!s.report && s.partial && s.progress) parts.push(`reading… ${s.progress}`);
    else if (s.scanError) parts.push('scan failed');
    else if (r && !r.isStore) parts.push('not an xpersist cache');
    else if (r && this.shown !== null && this.shown !== r.artifacts.length)
      parts.push(`${this.shown.toLocaleString('en-US')} of ${plural(r.artifacts.length, 'artifact')}`);
    else if (r) parts.push(plural(r.artifacts.length, 'artifact'), formatBytes(r.totalBytes));
    if (s.readonly) parts.push('read-only');
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${mdEscape(s.name)}**${s.readonly ? ' $(lock)' : ''}\n\n`);
    tip.appendMarkdown(`${mdEscape(s.root)}\n\n`);
    tip.appendMarkdown(
      `found from: ${s.sources.map((x) => (x === 'setting' ? 'xpersist.stores setting' : x === 'workspace' ? 'workspace search' : 'CacheStore(...) in a Python file')).join(', ')}\n\n`,
    );
    if (s.readonlyReason) tip.appendMarkdown(`read-only: ${mdEscape(s.readonlyReason)}\n\n`);
    if (r?.isStore) {
      tip.appendMarkdown(`${plural(r.artifacts.length, 'artifact')}, ${formatBytes(r.totalBytes)}`);
      if (s.lastScanMs !== null) tip.appendMarkdown(` · scanned in ${s.lastScanMs.toFixed(0)} ms`);
      if (r.problems.length) tip.appendMarkdown(`\n\n$(warning) ${mdEscape(problemCounts(r.problems))}`);
    } else if (r) tip.appendMarkdown(`$(info) ${mdEscape(r.problems[0]?.message ?? '')}`);
    if (s.scanError) tip.appendMarkdown(`\n\n$(error) ${mdEscape(s.scanError)}`);
    const hasProblems = !!r && r.isStore && r.problems.length > 0;
    return treeItem(this, s.name, vscode.TreeItemCollapsibleState.Expanded, {
      description: parts.join(' · '),
      tooltip: tip,
      iconPath: new vscode.ThemeIcon(
        s.readonly ? 'lock' : 'database',
        hasProblems ? new vscode.ThemeColor('list.warningForeground') : undefined,
      ),
      // Drives the problem badge (storeDecorations.ts).
      resourceUri: vscode.Uri.from({ scheme: STORE_URI_SCHEME, path: s.root }),
      contextValue: contextWords(
        'store',
        s.source === 'setting' ? 'configured' : '',
        s.readonly ? 'readonly' : '',
        isObjectUrl(s.root) ? 'remote' : '',
      ),
    });
  }
}

export class GroupNode {
  readonly type = 'group';
  constructor(
    readonly parent: StoreNode | GroupNode,
    readonly store: StoreNode,
    readonly group: GroupModel,
  ) {}
  get id(): string {
    return `${this.store.id}|g:${this.group.id}`;
  }
  toTreeItem(): vscode.TreeItem {
    const g = this.group;
    const icons: Record<GroupModel['kind'], string> = {
      root: 'folder',
      folder: 'folder',
      flow: 'type-hierarchy',
      task: 'symbol-method',
      serializer: 'symbol-class',
      date: 'calendar',
    };
    return treeItem(this, g.label, vscode.TreeItemCollapsibleState.Collapsed, {
      description: `${plural(g.count, 'artifact')} · ${formatBytes(g.bytes)}`,
      iconPath: new vscode.ThemeIcon(icons[g.kind]),
      contextValue: `group ${g.kind} ${this.store.state.readonly ? 'readonly' : 'writable'}`,
      tooltip: `${g.label}: ${plural(g.count, 'artifact')}, ${formatBytes(g.bytes)}`,
    });
  }
}

export class ArtifactNode {
  readonly type = 'artifact';
  constructor(
    readonly parent: StoreNode | GroupNode,
    readonly store: StoreNode,
    readonly artifact: ArtifactEntry,
    private readonly groupBy: GroupBy,
    /** The folder prefix the group's artifacts share (not repeated in their labels). */
    private readonly common = '',
    /** Why the installed xpersist cannot load it (unloadableReason, src/flows/serializers.ts), or null. */
    readonly unloadable: string | null = null,
  ) {}
  get id(): string {
    return `${this.store.id}|a:${this.artifact.key}`;
  }
  toTreeItem(now: Date): vscode.TreeItem {
    const a = this.artifact;
    const description = artifactDescription(a, now, this.unloadable ? STATUS.unloadable.label : null);
    // The tooltip is built on hover (resolveTreeItem): a 10,000-artifact page stays cheap.
    return treeItem(
      this,
      labelInGroup(a, this.groupBy, this.common),
      vscode.TreeItemCollapsibleState.Collapsed,
      {
        description,
        iconPath: a.problems.length
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
          : this.unloadable
            ? statusIcon('unloadable')
            : serializerIcon(a.serializer),
        // "writable" drives the when clauses: no delete control where it would be refused.
        contextValue: contextWords(
          'artifact',
          this.store.state.readonly ? 'readonly' : 'writable',
          a.dataExists ? 'hasData' : '',
          this.unloadable ? 'unloadable' : '',
          // No file to reveal on object storage.
          isObjectUrl(a.dataPath) ? 'remote' : '',
        ),
        command: { command: 'xpersist.preview', title: 'Preview', arguments: [this] },
        accessibilityInformation: { label: `${a.key}, ${a.serializer}, ${description}` },
      },
    );
  }
  tooltip(now: Date): vscode.MarkdownString {
    const mark = this.unloadable ? { ...STATUS.unloadable, reason: this.unloadable } : null;
    return new vscode.MarkdownString(artifactTooltip(this.artifact, now, mark), true);
  }
  children(): MetaNode[] {
    return metadataRows(this.artifact).map((r, i) => new MetaNode(this, i, r.label, r.value, r.tooltip));
  }
}

export class MetaNode {
  readonly type = 'meta';
  constructor(
    readonly parent: ArtifactNode,
    private readonly index: number,
    readonly label: string,
    readonly value: string,
    readonly fullValue?: string,
  ) {}
  get id(): string {
    return `${this.parent.id}|m:${this.index}`;
  }
  toTreeItem(): vscode.TreeItem {
    return treeItem(this, this.label, vscode.TreeItemCollapsibleState.None, {
      description: this.value,
      tooltip: this.fullValue ?? `${this.label}: ${this.value}`,
      contextValue: 'metadata',
    });
  }
}

export class ProblemsNode {
  readonly type = 'problems';
  constructor(
    readonly parent: StoreNode,
    readonly problems: Problem[],
    /** The store's problem count when a filter hides some (null: all shown). */
    readonly of: number | null = null,
  ) {}
  get id(): string {
    return `${this.parent.id}|problems`;
  }
  toTreeItem(): vscode.TreeItem {
    return treeItem(this, `Problems`, vscode.TreeItemCollapsibleState.Collapsed, {
      description: `${this.of !== null ? `${this.problems.length} of ${this.of}` : this.problems.length} · ${problemCounts(this.problems)}`,
      iconPath: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
      contextValue: 'problems',
    });
  }
}

export class ProblemNode {
  readonly type = 'problem';
  constructor(
    readonly parent: ProblemsNode,
    readonly problem: Problem,
  ) {}
  get id(): string {
    return `${this.parent.id}|${this.problem.kind}:${this.problem.path}`;
  }
  toTreeItem(root: string): vscode.TreeItem {
    const p = this.problem;
    const rel = p.path.startsWith(root) ? p.path.slice(root.length + 1) || p.path : p.path;
    const fix = fixLabel(p);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(
      `**${mdEscape(PROBLEM_LABELS[p.kind])}**\n\n${mdEscape(p.message)}\n\n${mdEscape(p.path)}`,
    );
    if (fix) tip.appendMarkdown(`\n\n$(wrench) Fix: ${mdEscape(fix)}`);
    return treeItem(this, PROBLEM_LABELS[p.kind], vscode.TreeItemCollapsibleState.None, {
      description: p.key ?? rel,
      tooltip: tip,
      iconPath: new vscode.ThemeIcon(
        p.kind === 'invalid-json' || p.kind === 'invalid-sidecar' ? 'error' : 'warning',
      ),
      contextValue: contextWords(
        'problem',
        p.kind,
        fix ? 'fixable' : '',
        this.parent.parent.state.readonly ? 'readonly' : 'writable',
      ),
    });
  }
}

export class LoadMoreNode {
  readonly type = 'loadMore';
  constructor(
    readonly parent: StoreNode | GroupNode,
    readonly remaining: number,
  ) {}
  get id(): string {
    return `${this.parent.id}|more`;
  }
  toTreeItem(): vscode.TreeItem {
    return treeItem(this, 'Load more…', vscode.TreeItemCollapsibleState.None, {
      description: `${plural(this.remaining, 'more artifact')}`,
      iconPath: new vscode.ThemeIcon('ellipsis'),
      command: { command: 'xpersist.loadMore', title: 'Load more', arguments: [this] },
      contextValue: 'loadMore',
    });
  }
}

export class InfoNode {
  readonly type = 'info';
  constructor(
    readonly parent: StoreNode,
    readonly label: string,
    readonly detail: string,
    readonly icon = 'info',
  ) {}
  get id(): string {
    return `${this.parent.id}|info:${this.label}`;
  }
  toTreeItem(): vscode.TreeItem {
    return treeItem(this, this.label, vscode.TreeItemCollapsibleState.None, {
      tooltip: this.detail,
      description: this.detail,
      iconPath: new vscode.ThemeIcon(this.icon),
      contextValue: 'info',
    });
  }
}

export type CacheNode =
  | StoreNode
  | GroupNode
  | ArtifactNode
  | MetaNode
  | ProblemsNode
  | ProblemNode
  | LoadMoreNode
  | InfoNode;
