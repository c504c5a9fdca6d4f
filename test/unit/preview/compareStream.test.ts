// The compare view's streamed statistics (src/extension/preview/compareStats.ts) with readers
// whose pace the test sets: the left side ends at once on an abort (as the worker threads do),
// the right side only between blocks (as a read in this thread does). After Cancel, or an error
// on one side, both sides have stopped reading when the final message goes out, and nothing
// follows it: a late 'running' would bring back the progress bar and the Cancel button.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { streamCompareStats } from '../../../src/extension/preview/compareStats';
import type { ResolvedTarget } from '../../../src/extension/preview/previewPanel';
import type { PreviewModel, StatsStreamOptions, VariableStats } from '../../../src/preview/index';
import * as api from '../../../src/preview/index';
import type { CompareStatsPayload } from '../../../src/webview/preview/protocol';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const side = (dataPath: string) => ({ dataPath, serializer: 'xarray.zarr', options: {} }) as ResolvedTarget;
const model = (vars: string[]) =>
  ({ kind: 'dataset', dataVars: Object.fromEntries(vars.map((v) => [v, {}])) }) as unknown as PreviewModel;

const stats = (variable: string, blocksDone: number, blocksTotal: number): VariableStats => ({
  variable,
  dtype: 'float32',
  count: blocksDone * 10,
  nanCount: 0,
  min: 0,
  max: blocksDone,
  mean: 1,
  blocksDone,
  blocksTotal,
  done: blocksDone === blocksTotal,
});

const abortError = () => Object.assign(new Error('cancelled'), { name: 'AbortError' });

/** Readers for 'left' (10 ms blocks, ends on abort at once) and 'right' (200 ms blocks). */
function pacedReaders(o: { failRightAfter?: number } = {}) {
  const reading = { left: 0, right: 0 };
  const calls: string[] = [];
  const variableStats = async (
    dataPath: string,
    _serializer: string,
    variable: string,
    _options: unknown,
    stream: StatsStreamOptions = {},
  ): Promise<VariableStats> => {
    const which = dataPath as 'left' | 'right';
    calls.push(`${which}.${variable}`);
    reading[which]++;
    try {
      const total = which === 'left' ? 100 : 10;
      for (let b = 1; b <= total; b++) {
        if (stream.signal?.aborted) throw abortError();
        if (which === 'left') {
          await new Promise<void>((resolve, reject) => {
            const onAbort = () => {
              clearTimeout(t);
              reject(abortError());
            };
            const t = setTimeout(() => {
              stream.signal?.removeEventListener('abort', onAbort);
              resolve();
            }, 10);
            stream.signal?.addEventListener('abort', onAbort, { once: true });
          });
        } else {
          await sleep(200);
          if (o.failRightAfter === b) throw new Error('chunk 2 of v0 is corrupt');
        }
        stream.onProgress?.(stats(variable, b, total));
      }
      return stats(variable, total, total);
    } finally {
      reading[which]--;
    }
  };
  return {
    reading,
    calls,
    readers: {
      variableStats: variableStats as typeof api.variableStats,
      compareStatistics: api.compareStatistics,
      compareColumnStats: api.compareColumnStats,
      summarizeColumns: api.summarizeColumns,
    },
  };
}

describe('compare view statistics stream', () => {
  test('Cancel: both sides stop reading, "cancelled" is the last message, nothing comes after it', async () => {
    const { reading, calls, readers } = pacedReaders();
    const posts: Array<CompareStatsPayload & { reading: number }> = [];
    const abort = new AbortController();
    const run = streamCompareStats(
      [side('left'), side('right')],
      [model(['v0', 'v1']), model(['v0', 'v1'])],
      (p) => posts.push({ ...p, reading: reading.left + reading.right }),
      abort.signal,
      readers,
    );
    await sleep(250); // the right side is in its second block
    abort.abort();
    await run;
    const n = posts.length;
    await sleep(500); // longer than a right-side block and the throttle
    assert.equal(posts.length, n, `no message after the final one: ${posts.slice(n).map((p) => p.state)}`);
    const final = posts[n - 1];
    assert.equal(final.state, 'cancelled');
    assert.equal(final.reading, 0, 'no read was in flight when "cancelled" was posted');
    assert.ok(final.progress > 0 && final.progress < 1, `partial progress ${final.progress}`);
    assert.ok(
      posts.slice(0, -1).every((p) => p.state === 'running'),
      posts.map((p) => p.state).join(','),
    );
    assert.deepEqual(calls, ['left.v0', 'right.v0'], 'no variable was started after Cancel');
    const rightRow = final.section.rows.find((r) => r.path === 'stats.v0.max');
    assert.equal(rightRow?.right, '2', 'the right side kept the block it had finished');
  });

  test('an error on one side stops the other and is the last message', async () => {
    const { reading, calls, readers } = pacedReaders({ failRightAfter: 2 });
    const posts: Array<CompareStatsPayload & { reading: number }> = [];
    await streamCompareStats(
      [side('left'), side('right')],
      [model(['v0', 'v1']), model(['v0'])],
      (p) => posts.push({ ...p, reading: reading.left + reading.right }),
      new AbortController().signal,
      readers,
    );
    const n = posts.length;
    await sleep(300);
    assert.equal(posts.length, n, 'no message after the error');
    const final = posts[n - 1];
    assert.equal(final.state, 'error');
    assert.match(final.note, /chunk 2 of v0 is corrupt/);
    assert.equal(final.reading, 0, 'the left side stopped reading too');
    assert.deepEqual(calls, ['left.v0', 'right.v0'], 'the left side did not go on to v1');
  });

  test('done: every variable read, progress 1, "done" last', async () => {
    const { readers } = pacedReaders();
    const posts: CompareStatsPayload[] = [];
    await streamCompareStats(
      [side('left'), side('right')],
      [model(['v0']), model([])],
      (p) => posts.push(p),
      new AbortController().signal,
      readers,
    );
    const final = posts[posts.length - 1];
    assert.equal(final.state, 'done');
    assert.equal(final.progress, 1);
    assert.equal(final.section.rows.find((r) => r.path === 'stats.v0.max')?.left, '100');
  });
});
