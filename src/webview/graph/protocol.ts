// Every message between the extension host and the flow-graph panel, declared once with
// ipc.ts and imported by both sides. The host validates what the webview sends (untrusted
// input) against these schemas; the webview trusts its host.
import * as z from 'zod/mini';
import type { GraphViewModel } from '../../flows/graphView';
import { notification, trusted } from '../ipc';

export interface GraphUiState {
  uri?: string;
  flowIndex?: number;
  /** Pan/zoom: translate and scale of the drawing. */
  view?: { x: number; y: number; k: number };
  /** The drawing follows the panel's size until the user pans or zooms. */
  autoFit?: boolean;
  selected?: string | null;
}

const nodeId = z.string().check(z.maxLength(500));
const uiState: z.ZodMiniType<GraphUiState> = z.object({
  uri: z.optional(z.string().check(z.maxLength(10_000))),
  flowIndex: z.optional(z.int().check(z.nonnegative())),
  view: z.optional(z.object({ x: z.number(), y: z.number(), k: z.number().check(z.positive()) })),
  autoFit: z.optional(z.boolean()),
  selected: z.optional(z.nullable(nodeId)),
});
const onNode = z.object({ node: nodeId });
const onNodeDownstream = z.object({ node: nodeId, downstream: z.boolean() });
const nothing = z.object({});

// Host -> webview
export const ShowGraph = notification<{ model: GraphViewModel; state: GraphUiState | null }>(
  'graph',
  trusted(),
);
export const GraphError = notification<{ message: string }>('graphError', trusted());

// Webview -> host
/** The webview is up, with the UI state it restored (pan/zoom, selection). */
export const Ready = notification<GraphUiState>('ready', uiState);
export const SaveState = notification<GraphUiState>('saveState', uiState);
export const Reveal = notification<{ node: string }>('reveal', onNode);
export const Preview = notification<{ node: string }>('preview', onNode);
export const Invalidate = notification<{ node: string; downstream: boolean }>('invalidate', onNodeDownstream);
export const Rerun = notification<{ node: string; downstream: boolean }>('rerun', onNodeDownstream);
export const RunFlow = notification('runFlow', nothing);
export const OpenDashboard = notification('openDashboard', nothing);
export const OpenTraceback = notification<{ node: string }>('openTraceback', onNode);
export const ExportSvg = notification<{ svg: string }>(
  'exportSvg',
  z.object({ svg: z.string().check(z.maxLength(20_000_000)) }),
);
