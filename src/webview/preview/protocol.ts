// Every message between the extension host and the preview panel, typed once and imported by
// both sides. The host validates what it receives with the zod schemas below: a webview is
// untrusted input like any other.
import * as z from 'zod/mini';
import type { DiffSection } from '../../preview/compare';
import type { PreviewModel, Value } from '../../preview/model';

/** The envelope of the messages below (until they move to ipc.ts's typed requests). */
export interface IpcMessage<T extends string, P> {
  type: T;
  payload: P;
}

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
export type HostToPreview =
  | IpcMessage<'init', { source: PreviewSource; model: PreviewModel; state: PreviewUiState | null }>
  | IpcMessage<'initError', { source: PreviewSource | null; message: string }>
  | IpcMessage<'initCompare', { left: PreviewSource; right: PreviewSource; sections: DiffSection[] }>
  /** The compare view's statistics, re-sent as they stream in (progress 0..1). */
  | IpcMessage<'compareStats', CompareStatsPayload>
  | IpcMessage<'values', { requestId: number; dims: string[]; shape: number[]; values: Value[] }>
  | IpcMessage<'rows', { requestId: number; offset: number; columns: string[]; rows: Value[][] }>
  | IpcMessage<
      'columnSummary',
      {
        requestId: number;
        columns: ColumnStats[];
        basis: string;
      }
    >
  | IpcMessage<'requestError', { requestId: number; message: string }>;

// Webview -> host
const selection = z.record(
  z.string(),
  z.union([
    z.int().check(z.nonnegative()),
    z.tuple([z.int().check(z.nonnegative()), z.int().check(z.nonnegative())]),
  ]),
);

export const previewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), payload: z.looseObject({}) }),
  z.object({
    type: z.literal('readValues'),
    payload: z.object({ requestId: z.int(), variable: z.string().check(z.maxLength(1000)), selection }),
  }),
  z.object({
    type: z.literal('readRows'),
    payload: z.object({
      requestId: z.int(),
      offset: z.int().check(z.nonnegative()),
      limit: z.int().check(z.positive(), z.maximum(5000)),
    }),
  }),
  z.object({ type: z.literal('summarizeColumns'), payload: z.object({ requestId: z.int() }) }),
  z.object({ type: z.literal('saveState'), payload: z.looseObject({}) }),
  z.object({ type: z.literal('openSidecar'), payload: z.looseObject({}) }),
  // The user changed the view (picked a variable, moved a slider, sorted): a preview tab keeps it.
  z.object({ type: z.literal('pin'), payload: z.looseObject({}) }),
  z.object({
    type: z.literal('copyText'),
    payload: z.object({ text: z.string().check(z.maxLength(1_000_000)) }),
  }),
  z.object({ type: z.literal('revealInExplorer'), payload: z.looseObject({}) }),
  // The compare view's Cancel button: stop reading statistics.
  z.object({ type: z.literal('cancelStats'), payload: z.looseObject({}) }),
]);

export type PreviewToHost = z.infer<typeof previewToHostSchema>;
