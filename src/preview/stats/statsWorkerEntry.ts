// Entry of a statistics worker thread (bundled as xpersist-stats-worker.js beside the preview
// bundle): folds one share of a variable's blocks (every parts-th block from `part`) and reports
// its running statistics after each block. One job per thread; the caller ends the thread.
import { parentPort } from 'node:worker_threads';
import { emptyAcc, foldBlocks } from '../dataset/variableStats';
import { openDataset } from '../readers';
import { STATS_PROTOCOL, type StatsJob, type StatsReport } from './statsProtocol';

const send = (m: StatsReport): void => parentPort?.postMessage(m);

async function run(job: StatsJob): Promise<void> {
  if (job.v !== STATS_PROTOCOL)
    throw new Error(`stats protocol ${job.v}, this worker speaks ${STATS_PROTOCOL}`);
  const h = await openDataset(job.path, job.kind, job.options);
  const acc = emptyAcc();
  let blocks = 0;
  await foldBlocks(h.decoded, job.variable, acc, (i) => i % job.parts === job.part, {
    maxBlockValues: job.maxBlockValues,
    onBlock: () => send({ type: 'block', acc, blocks: ++blocks }),
  });
  send({ type: 'done', acc, blocks });
}

// `on`, not `once`: a listening port keeps the thread alive until the caller ends it.
parentPort?.on('message', (job: StatsJob) => {
  run(job).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'error', name: e.name, message: e.message || e.name });
  });
});
