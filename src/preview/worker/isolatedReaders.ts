// The preview API as the extension host uses it: the one-shot calls (describe, readValues,
// readRows, summarizeColumns, countRows, coordinateValues) go to the preview worker thread, the
// rest (pure functions, and variableStats whose callbacks cannot cross a thread) stay in-process.
// Same names and shapes as src/preview/index.ts, so callers do not change.
import type * as PreviewModule from '../index';
import type { PreviewModel } from '../model';
import { PreviewWorker, type PreviewWorkerOptions } from './previewWorker';

type Readers = typeof PreviewModule;

/** `readers` with its one-shot calls run by a worker started from `workerFile`. */
export function isolatedReaders(
  readers: Readers,
  workerFile: string,
  options?: PreviewWorkerOptions,
): Readers & { previewWorker: PreviewWorker } {
  const w = new PreviewWorker(workerFile, options);
  const call =
    <K extends keyof Readers>(method: K & Parameters<PreviewWorker['call']>[0]) =>
    (...args: unknown[]) =>
      w.call(method, args, String(args[0]));
  return {
    ...readers,
    previewWorker: w,
    // describe never throws (its contract): a stopped thread is an unsupported model with the reason.
    describe: async (path, serializer, options): Promise<PreviewModel> => {
      try {
        return await w.call<PreviewModel>('describe', [path, serializer, options], path);
      } catch (err) {
        return { kind: 'unsupported', reason: (err as Error).message, sizeBytes: null, head: null };
      }
    },
    readValues: call('readValues') as Readers['readValues'],
    readRows: call('readRows') as Readers['readRows'],
    summarizeColumns: call('summarizeColumns') as Readers['summarizeColumns'],
    countRows: call('countRows') as Readers['countRows'],
    coordinateValues: call('coordinateValues') as Readers['coordinateValues'],
    closeAll: async () => {
      await Promise.all([
        readers.closeAll(),
        w.call('closeAll', [], 'the open previews').catch(() => undefined),
      ]);
    },
  };
}
