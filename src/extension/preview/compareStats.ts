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

/** What the statistics read with: the preview readers (a test passes readers it can pace). */
type Readers = Pick<
  ReturnType<typeof previewReaders>,
  'variableStats' | 'compareStatistics' | 'summarizeColumns' | 'compareColumnStats'
>;

export async function streamCompareStats(
  sides: [ResolvedTarget, ResolvedTarget],
  models: [PreviewModel, PreviewModel],
  post: Post,
  signal: AbortSignal,
  readers: Readers = previewReaders(),
): Promise<void> {
  const [lm, rm] = models;
  if (lm.kind === 'table' && rm.kind === 'table') return tableStats(sides, post, readers);
  if (lm.kind !== 'dataset' || rm.kind !== 'dataset') return;
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
  // One side's end stops the other: after a Cancel or an error neither reads on, and the final
  // message waits for both, so it is the last one (a block that was in flight when the other
  // side ended would otherwise post 'running' after it and bring back the progress bar).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal.aborted) stop.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let ended = false;
  let last = 0;
  const tick = () => {
    const now = Date.now();
    if (ended || now - last < THROTTLE_MS) return;
    last = now;
    send('running', 'min/max/mean/NaN count of every data variable, read chunk by chunk…');
  };
  const side = async (i: 0 | 1) => {
    const r = sides[i];
    try {
      for (const name of i === 0 ? names.left : names.right) {
        await readers.variableStats(r.dataPath, r.serializer, name, r.options, {
          signal: stop.signal,
          onProgress: (s) => {
            got[i][name] = s;
            tick();
          },
        });
      }
    } catch (err) {
      stop.abort();
      throw err;
    }
  };
  const results = await Promise.allSettled([side(0), side(1)]);
  ended = true;
  signal.removeEventListener('abort', onAbort);
  const failure = results
    .map((r) => (r.status === 'rejected' ? (r.reason as Error) : null))
    .find((e) => e && e.name !== 'AbortError');
  if (signal.aborted) send('cancelled', 'Cancelled: the figures cover only what was read.');
  else if (failure) send('error', `Statistics stopped: ${failure.message}`);
  else send('done', 'min/max/mean/NaN count over every value of every data variable (read chunk by chunk)');
}

async function tableStats(
  sides: [ResolvedTarget, ResolvedTarget],
  post: Post,
  readers: Readers,
): Promise<void> {
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
