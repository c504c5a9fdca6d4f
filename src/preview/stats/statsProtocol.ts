// Messages between variableStats and its worker threads (src/preview/stats/statsWorkerEntry.ts).

import type { Acc } from '../dataset/variableStats';
import type { ReadOptions } from '../model';
import type { ReaderKind } from '../readers';

/** Bumped when a message changes: a worker bundle of another build refuses the job. */
export const STATS_PROTOCOL = 1;

/** Blocks whose index i (C order over the chunk grid) has i % parts === part. */
export interface StatsJob {
  v: number;
  path: string;
  kind: ReaderKind;
  options: ReadOptions;
  variable: string;
  part: number;
  parts: number;
  maxBlockValues?: number;
}

/** After each block the worker's statistics so far; `done` after its last block. */
export type StatsReport =
  | { type: 'block'; acc: Acc; blocks: number }
  | { type: 'done'; acc: Acc; blocks: number }
  | { type: 'error'; name: string; message: string };
