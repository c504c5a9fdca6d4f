// The compare view's statistics: every data variable of both datasets read chunk by chunk
// (left and right at once), the diff re-sent as it grows with a progress fraction, stopped by the
// view's Cancel button or by closing the panel; for two tables, their column summaries.
import type { PreviewModel, VariableStats } from '../../preview/index';
import type { CompareStatsPayload } from '../../webview/preview/protocol';
import { previewReaders } from '../lazyModules';
import type { ResolvedTarget } from './previewPanel';

type Post = (payload: CompareStatsPayload) => void;

/** At most one message per this many ms while streaming: the view redraws a small table each time. */
const THROTTLE_MS = 150;

export async function streamCompareStats(
  sides: [ResolvedTarget, ResolvedTarget],
  models: [PreviewModel, PreviewModel],
  post: Post,
  signal: AbortSignal,
): Promise<void> {
  const [lm, rm] = models;
  if (lm.kind === 'table' && rm.kind === 'table') return tableStats(sides, post);
  if (lm.kind !== 'dataset' || rm.kind !== 'dataset') return;
  const readers = previewReaders();
  const names = { left: Object.keys(lm.dataVars), right: Object.keys(rm.dataVars) };
  const got: [Record<string, VariableStats>, Record<string, VariableStats>] = [{}, {}];
  const total = names.left.length + names.right.length;
  const progress = () =>
    total === 0
      ? 1
      : got.reduce(
          (a, g) => a + Object.values(g).reduce((b, s) => b + s.blocksDone / (s.blocksTotal || 1), 0),
          0,
        ) / total;
  const send = (state: CompareStatsPayload['state'], note: string) =>
    post({ section: readers.compareStatistics(got[0], got[1], names), progress: progress(), state, note });
  let last = 0;
  const tick = () => {
    const now = Date.now();
    if (now - last < THROTTLE_MS) return;
    last = now;
    send('running', 'min/max/mean/NaN count of every data variable, read chunk by chunk…');
  };
  const side = async (i: 0 | 1) => {
    const r = sides[i];
    for (const name of i === 0 ? names.left : names.right) {
      await readers.variableStats(r.dataPath, r.serializer, name, r.options, {
        signal,
        onProgress: (s) => {
          got[i][name] = s;
          tick();
        },
      });
    }
  };
  try {
    await Promise.all([side(0), side(1)]);
    send('done', 'min/max/mean/NaN count over every value of every data variable (read chunk by chunk)');
  } catch (err) {
    const e = err as Error;
    if (e.name === 'AbortError') send('cancelled', 'Cancelled: the figures cover only what was read.');
    else send('error', `Statistics stopped: ${e.message}`);
  }
}

async function tableStats(sides: [ResolvedTarget, ResolvedTarget], post: Post): Promise<void> {
  const readers = previewReaders();
  try {
    const [a, b] = await Promise.all(
      sides.map((r) => readers.summarizeColumns(r.dataPath, r.serializer, r.options)),
    );
    const basis = (s: typeof a) =>
      s.source === 'statistics'
        ? 'parquet row-group statistics'
        : s.source === 'sample'
          ? 'a sample of the first rows'
          : 'all rows';
    post({
      section: readers.compareColumnStats(a, b),
      progress: 1,
      state: 'done',
      note: `Column min/max/nulls: left from ${basis(a)}, right from ${basis(b)}.`,
    });
  } catch (err) {
    post({
      section: { title: 'Statistics', rows: [] },
      progress: 1,
      state: 'error',
      note: `Statistics stopped: ${(err as Error).message}`,
    });
  }
}
