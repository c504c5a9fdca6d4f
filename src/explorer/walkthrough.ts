// What the getting-started walkthrough's buttons act on (package.json contributes.walkthroughs):
// the demo store, the artifact to preview first, the seed flow file. Pure: the extension's commands
// (src/extension/explorer/walkthrough.ts) run them and set the context keys that complete a step.
import type { ArtifactEntry, StoreReport } from '../core/types';
import { naturalCompare } from './treeModel';

/** The context keys each step's completion event waits on (`onContext:<key>`). */
export const WALKTHROUGH_CONTEXT = {
  storeOpened: 'xpersist.walkthrough.storeOpened',
  previewed: 'xpersist.walkthrough.previewed',
  flowRan: 'xpersist.walkthrough.flowRan',
} as const;

export interface WalkthroughStore {
  root: string;
  name: string;
  report: StoreReport | null;
}

/**
 * The store the walkthrough opens: the seed flow's own store (`<TMPDIR>/my-cache`, which the run
 * step writes), else the demo's copy of it (seed-demo), else the first scanned store with
 * artifacts, else the first store. Null when there is none (the step offers Add Cache Store).
 */
export function pickDemoStore<T extends WalkthroughStore>(stores: readonly T[]): T | null {
  const base = (s: T) =>
    s.root
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const withArtifacts = (s: T) => !!s.report?.isStore && s.report.artifacts.length > 0;
  return (
    stores.find((s) => base(s) === 'my-cache' && withArtifacts(s)) ??
    stores.find((s) => base(s) === 'seed-demo' && withArtifacts(s)) ??
    stores.find(withArtifacts) ??
    stores[0] ??
    null
  );
}

/** Serializers whose preview shows the most (a dataset's repr and a map) come first. */
const PREVIEW_ORDER = ['xarray.zarr', 'xarray.netcdf', 'pandas.csv', 'pandas.parquet', 'joblib'];

/**
 * The artifact the preview step opens: one with its data and no problem, by the richest preview,
 * then by key in the tree's natural order. Null when none can be previewed.
 */
export function pickDemoArtifact(report: StoreReport | null): ArtifactEntry | null {
  const rank = (a: ArtifactEntry) => {
    const i = PREVIEW_ORDER.indexOf(a.serializer);
    return i < 0 ? PREVIEW_ORDER.length : i;
  };
  const ok = (report?.artifacts ?? []).filter((a) => a.dataExists && a.problems.length === 0);
  return [...ok].sort((a, b) => rank(a) - rank(b) || naturalCompare(a.key, b.key))[0] ?? null;
}

/**
 * The seed flow among the workspace's Python files: `seed_flow.py`, the shallowest first (a copy in
 * a sub-folder is not the demo's), else null (the step then asks for a flow file).
 */
export function pickSeedFlow(paths: readonly string[]): string | null {
  const depth = (p: string) => p.split(/[\\/]/).length;
  const seeds = paths.filter((p) => /(^|[\\/])seed_flow\.py$/.test(p));
  return [...seeds].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))[0] ?? null;
}
