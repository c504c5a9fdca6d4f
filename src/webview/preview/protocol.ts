// Every message between the extension host and the preview panel (and the compare view, which
// runs in the same page), declared once with ipc.ts and imported by both sides. The host
// validates what the webview sends (untrusted input) against these schemas; the webview trusts
// its host. What the host sends has been through src/common/jsonSafe.ts first.
import * as z from 'zod/mini';
import type { DiffSection } from '../../preview/compare';
import type { PreviewModel, Selection, Value, ValuesResult } from '../../preview/model';
import { notification, request, trusted } from '../ipc';

/** What the panel shows about the artifact (or file) besides the data itself. */
export interface PreviewSource {
  title: string;
  path: string;
  serializer: string;
  sizeBytes: number | null;
  /** Present for artifacts: the sidecar fields. */
  artifact?: {
    storeName: string;
    key: string;
    createdAt: string | null;
    dumpKwargs: Record<string, unknown>;
    loadKwargs: Record<string, unknown>;
    additionalMetadata: Record<string, unknown>;
  };
}

/** One column of the table's summary row (mean for numbers, True/False counts for bools). */
export interface ColumnStats {
  name: string;
  min: Value;
  max: Value;
  nulls: number | null;
  mean?: number | null;
  trueCount?: number;
  falseCount?: number;
}

export interface CompareStatsPayload {
  section: DiffSection;
  progress: number;
  state: 'running' | 'done' | 'cancelled' | 'error';
  /** What the figures cover, or why they stopped. */
  note: string;
}

/** Persisted by the webview (setState) and handed back by the panel serializer on reload. */
export interface PreviewUiState {
  target?: PreviewTarget;
  variable?: string | null;
  /** Index per dimension not shown on the heatmap axes. */
  slice?: Record<string, number>;
  /** The two dimensions drawn as heatmap rows and columns. */
  axes?: [string, string] | null;
  /** The map's colormap and colour range (see mapView.ts). */
  map?: { cmap: string; robust: boolean; vmin: number | null; vmax: number | null };
  /** Window origin for slices too big to fetch at once. */
  offsets?: Record<string, number>;
  tableRow?: number;
  collapsed?: string[];
}

export type PreviewTarget =
  | { kind: 'artifact'; root: string; key: string }
  | { kind: 'file'; path: string; serializer: string };

// Host -> webview
export const ShowPreview = notification<{
  source: PreviewSource;
  model: PreviewModel;
  state: PreviewUiState | null;
}>('init', trusted());
/** The data could not be described (or the artifact was deleted): the reason instead of a view. */
export const PreviewError = notification<{ source: PreviewSource | null; message: string }>(
  'initError',
  trusted(),
);
export const ShowCompare = notification<{
  left: PreviewSource;
  right: PreviewSource;
  sections: DiffSection[];
}>('initCompare', trusted());
/** The compare view's statistics, re-sent as they stream in (progress 0..1). */
export const CompareStats = notification<CompareStatsPayload>('compareStats', trusted());

// Webview -> host
const name = z.string().check(z.maxLength(1000));
const index = z.int().check(z.nonnegative());
const selection = z.record(z.string(), z.union([index, z.tuple([index, index])]));
const target: z.ZodMiniType<PreviewTarget> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('artifact'),
    root: z.string().check(z.maxLength(10_000)),
    key: z.string().check(z.maxLength(10_000)),
  }),
  z.object({
    kind: z.literal('file'),
    path: z.string().check(z.maxLength(10_000)),
    serializer: z.string().check(z.maxLength(100)),
  }),
]);
// Slice indices and window origins are whole numbers, but not checked nonnegative: an empty
// dimension's slider stores -1 (min(index, size - 1)) and the page must still restore.
const indices = z.record(name, z.int());
const uiState: z.ZodMiniType<PreviewUiState> = z.object({
  target: z.optional(target),
  variable: z.optional(z.nullable(name)),
  slice: z.optional(indices),
  axes: z.optional(z.nullable(z.tuple([name, name]))),
  // The colormap name is checked again by the webview (mapStateOf) when it is restored.
  map: z.optional(
    z.object({
      cmap: z.string().check(z.maxLength(100)),
      robust: z.boolean(),
      vmin: z.nullable(z.number()),
      vmax: z.nullable(z.number()),
    }),
  ),
  offsets: z.optional(indices),
  tableRow: z.optional(index),
  collapsed: z.optional(z.array(z.string().check(z.maxLength(10_000))).check(z.maxLength(10_000))),
});
const nothing = z.object({});
type Nothing = z.infer<typeof nothing>;

/** A page of a table's rows (cells through jsonSafeCells), from `offset`. */
export interface RowsPage {
  offset: number;
  columns: string[];
  rows: Value[][];
}

export interface ColumnSummary {
  columns: ColumnStats[];
  /** What the figures cover (parquet statistics, a sample of the first rows...). */
  basis: string;
}

/** The webview is up, with the UI state it restored (setState); the host answers with ShowPreview. */
export const Ready = notification<PreviewUiState>('ready', uiState);
export const SaveState = notification<PreviewUiState>('saveState', uiState);
/** A slice of a variable (the readers refuse more than 1,000,000 values). */
export const ReadValues = request<{ variable: string; selection: Selection }, ValuesResult>(
  'readValues',
  z.object({ variable: name, selection }),
);
export const ReadRows = request<{ offset: number; limit: number }, RowsPage>(
  'readRows',
  z.object({ offset: index, limit: z.int().check(z.positive(), z.maximum(5000)) }),
);
export const SummarizeColumns = request<Nothing, ColumnSummary>('summarizeColumns', nothing);
export const OpenSidecar = notification('openSidecar', nothing);
export const RevealInExplorer = notification('revealInExplorer', nothing);
/** The user changed the view (picked a variable, moved a slider, sorted): a preview tab keeps it. */
export const Pin = notification('pin', nothing);
export const CopyText = notification<{ text: string }>(
  'copyText',
  z.object({ text: z.string().check(z.maxLength(1_000_000)) }),
);
/** The compare view's Cancel button: stop reading statistics. */
export const CancelStats = notification('cancelStats', nothing);
