// The typed IPC between host and webviews: two peers wired back to back (as postMessage would,
// through a JSON round trip), requests answered, errors carried back, hostile input refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { IpcPeer, notification, request, trusted, type WireMessage } from '../../../src/webview/ipc';

const ReadRows = request<{ offset: number; limit: number }, { rows: number[] }>(
  'readRows',
  z.object({ offset: z.int().check(z.nonnegative()), limit: z.int().check(z.maximum(5000)) }),
);
const SaveState = notification<{ row: number }>('saveState', z.object({ row: z.int() }));
const Init = notification<{ title: string }>('init', trusted());

function pair() {
  const refused: string[] = [];
  let host!: IpcPeer;
  let webview!: IpcPeer;
  const wire = (to: () => IpcPeer) => (m: WireMessage) => {
    const copy = JSON.parse(JSON.stringify(m));
    setImmediate(() => void to().receive(copy));
  };
  host = new IpcPeer(
    wire(() => webview),
    { validate: true, onInvalid: (w) => refused.push(w) },
  );
  webview = new IpcPeer(
    wire(() => host),
    { validate: false },
  );
  return { host, webview, refused };
}

describe('IpcPeer', () => {
  it('answers a request with its result, in either direction', async () => {
    const { host, webview } = pair();
    host.onRequest(ReadRows, ({ offset, limit }) => ({ rows: [offset, offset + limit] }));
    assert.deepEqual(await webview.sendRequest(ReadRows, { offset: 10, limit: 5 }), { rows: [10, 15] });
    const seen: string[] = [];
    webview.onNotification(Init, (p) => void seen.push(p.title));
    host.sendNotification(Init, { title: 'tas.zarr' });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, ['tas.zarr']);
  });

  it('carries a handler error back as a rejected promise', async () => {
    const { host, webview } = pair();
    host.onRequest(ReadRows, async () => {
      throw new Error('the CSV file is gone');
    });
    await assert.rejects(webview.sendRequest(ReadRows, { offset: 0, limit: 1 }), /the CSV file is gone/);
  });

  it('the host refuses invalid params, unknown methods and non-messages without calling handlers', async () => {
    const { host, webview, refused } = pair();
    let calls = 0;
    host.onRequest(ReadRows, () => {
      calls++;
      return { rows: [] };
    });
    host.onNotification(SaveState, () => void calls++);
    await assert.rejects(
      webview.sendRequest(ReadRows, { offset: -1, limit: 1 }),
      /invalid params for readRows/,
    );
    await assert.rejects(
      webview.sendRequest(ReadRows, { offset: 0, limit: 10_000_000 }),
      /invalid params for readRows/,
    );
    const Unknown = request<{ x: 1 }, void>('deleteEverything', trusted());
    await assert.rejects(webview.sendRequest(Unknown, { x: 1 }), /unknown request deleteEverything/);
    webview.sendNotification(SaveState, { row: 'x' } as unknown as { row: number });
    await host.receive('not a message');
    await host.receive({ kind: 'request', id: 'x', method: 'readRows' });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 0);
    assert.equal(refused.length, 6, refused.join('\n'));
  });

  it('dispose rejects requests still waiting', async () => {
    const peer = new IpcPeer(() => {}, { validate: false });
    const p = peer.sendRequest(ReadRows, { offset: 0, limit: 1 });
    peer.dispose();
    await assert.rejects(p, /the panel was closed/);
  });
});
