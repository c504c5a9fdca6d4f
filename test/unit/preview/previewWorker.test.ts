// The preview worker (src/preview/worker/): the extension host's preview calls run in a thread
// with a heap limit and a deadline. A read that loops, runs the heap out or throws from a callback
// ends that thread with a clear error, and the next call works (a fresh thread). The real worker
// bundle answers exactly what the in-process readers answer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { isolatedReaders } from '../../../src/preview/worker/isolatedReaders';
import { PREVIEW_PROTOCOL } from '../../../src/preview/worker/protocol';
import { removeDir, tempDir } from '../helpers';
import { previewDir } from './previewFixtures';

const dir = tempDir('xp-preview-worker-');
const disposers: Array<() => Promise<void>> = [];
after(async () => {
  for (const d of disposers) await d();
  await api.closeAll();
  removeDir(dir);
});

// A stand-in worker speaking the protocol, whose inputs misbehave on purpose: the wrapper is what
// is under test, and no reader defect should be needed to prove it stops a runaway.
const RUNAWAY = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.v !== ${PREVIEW_PROTOCOL}) throw new Error('protocol');
  const input = m.args[0];
  if (input === 'loop') for (;;) {}
  if (input === 'oom') { const keep = []; for (;;) keep.push(new Array(1e6).fill(keep.length)); }
  if (input === 'throw-later') { setTimeout(() => { throw new TypeError('callback blew up'); }, 1); return; }
  if (input === 'reject') { parentPort.postMessage({ id: m.id, ok: false, error: { name: 'RequestError', message: 'no variable x' } }); return; }
  parentPort.postMessage({ id: m.id, ok: true, value: { kind: 'object', tree: { echo: input, method: m.method } } });
});`;

function runawayReaders() {
  const file = path.join(dir, 'runaway-worker.js');
  writeFileSync(file, RUNAWAY);
  const r = isolatedReaders(api, file, { maxHeapMb: 64, deadlineMs: 1500 });
  disposers.push(() => r.previewWorker.dispose());
  return r;
}

test('a read that loops is stopped at its deadline with a clear error, and the next call works', async () => {
  const r = runawayReaders();
  await assert.rejects(
    r.readValues('loop', 'xarray.zarr', 'v'),
    /The preview reader of loop gave no answer in 2 s and was stopped/,
  );
  const next = await r.readRows('fine', 'pandas.csv', 0, 1);
  assert.deepEqual(next, { kind: 'object', tree: { echo: 'fine', method: 'readRows' } });
  assert.equal(r.previewWorker.started, 2);
});

test('a read that runs the heap out ends its thread, describe says why, the next call works', async () => {
  const r = runawayReaders();
  const m = await r.describe('oom', 'joblib');
  assert.equal(m.kind, 'unsupported');
  assert.match(
    m.kind === 'unsupported' ? m.reason : '',
    /The preview reader of oom ran out of its memory budget \(64 MB\)/,
  );
  assert.equal((await r.describe('after', 'joblib')).kind, 'object');
});

test('an exception escaping a reader callback fails the call, not the process', async () => {
  const r = runawayReaders();
  await assert.rejects(
    r.countRows('throw-later', 'pandas.parquet'),
    /failed and was stopped \(TypeError: callback blew up\)/,
  );
  // Reader errors keep their name and message across the thread.
  await assert.rejects(r.readValues('reject', 'xarray.zarr', 'x'), {
    name: 'RequestError',
    message: 'no variable x',
  });
  assert.equal((await r.describe('again', 'joblib')).kind, 'object');
});

test('the real worker bundle answers what the in-process readers answer', async () => {
  const r = isolatedReaders(api, path.join(__dirname, 'xpersist-preview-worker.js'));
  disposers.push(() => r.previewWorker.dispose());
  const nc = previewDir('netcdf/cf4.nc');
  assert.deepEqual(await r.describe(nc, 'xarray.netcdf'), await api.describe(nc, 'xarray.netcdf'));
  const model = await api.describe(nc, 'xarray.netcdf');
  assert.equal(model.kind, 'dataset');
  const name = Object.keys(model.kind === 'dataset' ? model.dataVars : {})[0];
  const sel = { time: 0 };
  assert.deepEqual(
    await r.readValues(nc, 'xarray.netcdf', name, sel),
    await api.readValues(nc, 'xarray.netcdf', name, sel),
  );
  const csv = previewDir('csv/default_index.csv');
  assert.deepEqual(await r.readRows(csv, 'pandas.csv', 0, 5), await api.readRows(csv, 'pandas.csv', 0, 5));
  await assert.rejects(
    r.readValues(nc, 'xarray.netcdf', 'no_such_variable'),
    (err: Error) => err.message.length > 0,
  );
  assert.equal(r.previewWorker.started, 1);
});
