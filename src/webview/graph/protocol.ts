// Every message between the extension host and the flow-graph panel, typed once and imported by
// both sides. The host validates what it receives with the zod schema below.
import * as z from 'zod/mini';
import type { GraphViewModel } from '../../flows/graphView';

/** The envelope of the messages below (until they move to ipc.ts's typed requests). */
export interface IpcMessage<T extends string, P> {
  type: T;
  payload: P;
}

export interface GraphUiState {
  uri?: string;
  flowIndex?: number;
  /** Pan/zoom: translate and scale of the drawing. */
  view?: { x: number; y: number; k: number };
  /** The drawing follows the panel's size until the user pans or zooms. */
  autoFit?: boolean;
  selected?: string | null;
}

export type HostToGraph =
  | IpcMessage<'graph', { model: GraphViewModel; state: GraphUiState | null }>
  | IpcMessage<'graphError', { message: string }>;

export const graphToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), payload: z.looseObject({}) }),
  z.object({ type: z.literal('saveState'), payload: z.looseObject({}) }),
  z.object({ type: z.literal('reveal'), payload: z.object({ node: z.string().check(z.maxLength(500)) }) }),
  z.object({ type: z.literal('preview'), payload: z.object({ node: z.string().check(z.maxLength(500)) }) }),
  z.object({
    type: z.literal('invalidate'),
    payload: z.object({ node: z.string().check(z.maxLength(500)), downstream: z.boolean() }),
  }),
  z.object({
    type: z.literal('rerun'),
    payload: z.object({ node: z.string().check(z.maxLength(500)), downstream: z.boolean() }),
  }),
  z.object({ type: z.literal('runFlow'), payload: z.looseObject({}) }),
  z.object({ type: z.literal('openDashboard'), payload: z.looseObject({}) }),
  z.object({
    type: z.literal('openTraceback'),
    payload: z.object({ node: z.string().check(z.maxLength(500)) }),
  }),
  z.object({
    type: z.literal('exportSvg'),
    payload: z.object({ svg: z.string().check(z.maxLength(20_000_000)) }),
  }),
]);

export type GraphToHost = z.infer<typeof graphToHostSchema>;
