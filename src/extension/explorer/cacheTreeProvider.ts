// The Caches view. Children come from one model per store, built after each scan. VS Code's tree
// renders only the visible rows, so a group lists up to 10,000 artifacts at once (no paging clicks;
// tooltips are built on hover); larger groups end in "Load more…".
import * as vscode from 'vscode';
import { type ArtifactFilter, problemMatchesFilter } from '../../explorer/filter';
import {
  buildStoreModel,
  commonFolder,
  findArtifactGroup,
  type GroupBy,
  type GroupModel,
  type SortBy,
  type StoreModel,
} from '../../explorer/treeModel';
import { unloadableReason } from '../../flows/serializers';
import type { StartupTimes } from '../startupTimes';
import type { StoreRegistry, StoreState } from '../stores/storeRegistry';
import {
  ArtifactNode,
  type CacheNode,
  GroupNode,
  InfoNode,
  LoadMoreNode,
  ProblemNode,
  ProblemsNode,
  StoreNode,
} from './nodes';

export const PAGE_SIZE = 10_000;
/**
 * At startup the view asks before the stores are listed and scanned. Answering once they are (up
 * to this long; then "Scanning…") saves the workbench a round trip per step, and the user a
 * flash of an empty view.
 */
const FIRST_ANSWER_WAIT_MS = 1500;

const atMost = (p: Promise<unknown>, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });

interface CachedModel {
  report: unknown;
  model: StoreModel;
}

export class CacheTreeProvider implements vscode.TreeDataProvider<CacheNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CacheNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly storeNodes = new Map<string, StoreNode>();
  private readonly models = new Map<string, CachedModel>();
  private readonly pages = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  groupBy: GroupBy;
  sortBy: SortBy;
  filter: ArtifactFilter | null = null;
  /** Whether the view is on screen (set once the view exists): models are then built ahead. */
  visible: () => boolean = () => false;

  constructor(
    private readonly registry: StoreRegistry,
    private readonly memento: vscode.Memento,
    private readonly startup?: StartupTimes,
    /** What the selected interpreter's xpersist registers (null: not known yet). */
    private readonly serializers: () => readonly string[] | null = () => null,
  ) {
    this.groupBy = memento.get<GroupBy>('xpersist.groupBy', 'folder');
    this.sortBy = memento.get<SortBy>('xpersist.sortBy', 'key');
    this.disposables.push(
      registry.onDidChangeStores(() => this.changed.fire(undefined)),
      registry.onDidUpdateStore((s) => {
        if (s.report || s.partial || s.scanError) this.startup?.pageReady(s.root);
        this.models.delete(s.root);
        this.buildAhead(s);
        const node = this.storeNodes.get(s.root);
        if (node) {
          node.state = s;
          this.changed.fire(node);
        } else this.changed.fire(undefined);
      }),
    );
  }

  setGrouping(groupBy: GroupBy, sortBy: SortBy): void {
    this.groupBy = groupBy;
    this.sortBy = sortBy;
    void this.memento.update('xpersist.groupBy', groupBy);
    void this.memento.update('xpersist.sortBy', sortBy);
    this.invalidate();
  }

  setFilter(filter: ArtifactFilter | null): void {
    this.filter = filter;
    this.invalidate();
  }

  private invalidate(): void {
    this.models.clear();
    this.pages.clear();
    this.changed.fire(undefined);
  }

  /**
   * A store's model for a visible view, built once the update's listeners ran and before the
   * view asks: at startup the workbench asks for a store's children hundreds of ms after its
   * scan ended, and a 10,000-artifact model (natural sort) is most of the answer's time.
   */
  private buildAhead(state: StoreState): void {
    if (!this.visible()) return;
    setImmediate(() => {
      if (this.registry.get(state.root) === state && this.visible()) this.model(state);
    });
  }

  /** The model of a store for the current options (built once per scan). */
  model(state: StoreState): StoreModel | null {
    const report = state.report ?? state.partial;
    if (!report?.isStore) return null;
    const cached = this.models.get(state.root);
    if (cached && cached.report === report) return cached.model;
    const model = buildStoreModel(report, {
      groupBy: this.groupBy,
      sortBy: this.sortBy,
      filter: this.filter,
    });
    this.models.set(state.root, { report, model });
    return model;
  }

  storeNode(state: StoreState): StoreNode {
    let node = this.storeNodes.get(state.root);
    if (!node) {
      node = new StoreNode(state);
      this.storeNodes.set(state.root, node);
    }
    node.state = state;
    node.shown = this.filter ? (this.model(state)?.shown ?? null) : null;
    return node;
  }

  getTreeItem(node: CacheNode): vscode.TreeItem {
    switch (node.type) {
      case 'artifact':
        return node.toTreeItem(new Date());
      case 'problem':
        return node.toTreeItem(node.parent.parent.state.root);
      case 'store':
        node.shown = this.filter ? (this.model(node.state)?.shown ?? null) : null;
        return node.toTreeItem();
      default:
        return node.toTreeItem();
    }
  }

  resolveTreeItem(item: vscode.TreeItem, node: CacheNode): vscode.TreeItem {
    if (node.type === 'artifact') item.tooltip = node.tooltip(new Date());
    return item;
  }

  getParent(node: CacheNode): CacheNode | undefined {
    return node.parent;
  }

  getChildren(node?: CacheNode): CacheNode[] | Promise<CacheNode[]> {
    if (!node) {
      this.startup?.asked('root');
      if (!this.registry.hasListed)
        return atMost(this.registry.listed, FIRST_ANSWER_WAIT_MS).then(() => this.rootChildren());
      return this.rootChildren();
    }
    switch (node.type) {
      case 'store': {
        this.startup?.asked('store', node.state.root);
        const scan = this.registry.firstScan(node.state.root);
        if (scan) return atMost(scan, FIRST_ANSWER_WAIT_MS).then(() => this.storeChildren(node));
        return this.storeChildren(node);
      }
      case 'group':
        return this.groupChildren(node, node.store, node.group);
      case 'artifact':
        return node.children();
      case 'problems':
        return node.problems.map((p) => new ProblemNode(node, p));
      default:
        return [];
    }
  }

  private rootChildren(): CacheNode[] {
    const states = this.registry.list();
    for (const root of [...this.storeNodes.keys()])
      if (!this.registry.get(root)) this.storeNodes.delete(root);
    return states.map((s) => this.storeNode(s));
  }

  private storeChildren(node: StoreNode): CacheNode[] {
    const children = this.storeContent(node);
    const s = node.state;
    if (s.report || s.scanError || s.partial)
      this.startup?.pageServed(s.root, children.length, s.report ? s.lastScanMs : null, !s.report);
    return children;
  }

  private storeContent(node: StoreNode): CacheNode[] {
    const s = node.state;
    if (s.scanError) return [new InfoNode(node, 'Scan failed', s.scanError, 'error')];
    const r = s.report ?? s.partial;
    if (!r) return [new InfoNode(node, 'Scanning…', s.progress ?? s.root, 'loading~spin')];
    if (!r.isStore)
      return [new InfoNode(node, 'Not an xpersist cache', r.problems[0]?.message ?? '', 'info')];
    const model = this.model(s);
    const out: CacheNode[] = [];
    const problems = this.filter
      ? r.problems.filter((p) => problemMatchesFilter(this.filter as ArtifactFilter, p, s.root))
      : r.problems;
    if (problems.length)
      out.push(
        new ProblemsNode(node, problems, problems.length === r.problems.length ? null : r.problems.length),
      );
    if (!model) return out;
    if (model.total === 0) out.push(new InfoNode(node, 'No artifacts yet', 'The store is empty.'));
    else if (model.shown === 0)
      out.push(new InfoNode(node, 'No artifact matches the filter', this.filter?.text ?? '', 'filter'));
    return [...out, ...this.groupChildren(node, node, model.root)];
  }

  private groupChildren(container: StoreNode | GroupNode, store: StoreNode, g: GroupModel): CacheNode[] {
    const groups = g.groups.map((c) => new GroupNode(container, store, c));
    const limit = this.pages.get(container.id) ?? PAGE_SIZE;
    const common = this.groupBy === 'folder' ? '' : commonFolder(g);
    const unloadable = this.unloadableReasons();
    const shown = g.artifacts
      .slice(0, limit)
      .map((a) => new ArtifactNode(container, store, a, this.groupBy, common, unloadable(a.serializer)));
    const out: CacheNode[] = [...groups, ...shown];
    if (g.artifacts.length > limit) out.push(new LoadMoreNode(container, g.artifacts.length - limit));
    return out;
  }

  /** Why each serializer cannot be loaded, memoised for one listing (a group has few serializers). */
  private unloadableReasons(): (serializer: string) => string | null {
    const known = this.serializers();
    const memo = new Map<string, string | null>();
    return (serializer) => {
      let r = memo.get(serializer);
      if (r === undefined) {
        r = unloadableReason(serializer, known);
        memo.set(serializer, r);
      }
      return r;
    };
  }

  /** The interpreter answered (or changed): marks are recomputed. */
  serializersChanged(): void {
    this.changed.fire(undefined);
  }

  loadMore(node: LoadMoreNode): void {
    const id = node.parent.id;
    this.pages.set(id, (this.pages.get(id) ?? PAGE_SIZE) + PAGE_SIZE);
    this.changed.fire(node.parent);
  }

  /** The node of an artifact, paging far enough for it to be listed (for reveal). */
  artifactNode(root: string, key: string): ArtifactNode | undefined {
    const state = this.registry.get(root);
    if (!state) return undefined;
    const model = this.model(state);
    if (!model) return undefined;
    const store = this.storeNode(state);
    const trail = findArtifactGroup(model, key);
    if (!trail) return undefined;
    let container: StoreNode | GroupNode = store;
    let g = model.root;
    for (const step of trail) {
      container = new GroupNode(container, store, step);
      g = step;
    }
    const index = g.artifacts.findIndex((a) => a.key === key);
    const needed = Math.ceil((index + 1) / PAGE_SIZE) * PAGE_SIZE;
    if (needed > (this.pages.get(container.id) ?? PAGE_SIZE)) {
      this.pages.set(container.id, needed);
      // The store node is the one object the view surely holds; refresh from there.
      this.changed.fire(store);
    }
    const common = this.groupBy === 'folder' ? '' : commonFolder(g);
    const a = g.artifacts[index];
    return new ArtifactNode(
      container,
      store,
      a,
      this.groupBy,
      common,
      this.unloadableReasons()(a.serializer),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
