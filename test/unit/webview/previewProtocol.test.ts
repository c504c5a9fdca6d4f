// The preview panel's messages as the host receives them from its (untrusted) webview: every
// webview -> host message of src/webview/preview/protocol.ts is accepted in its real shape and
// refused, without calling the handler, when a field is of the wrong type, out of range or too
// long. A refused request is still answered (with an error), so the webview's promise settles.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type IpcNotification, IpcPeer, type IpcRequest, type WireMessage } from '../../../src/webview/ipc';
import * as preview from '../../../src/webview/preview/protocol';

type Message = IpcNotification<unknown> | IpcRequest<unknown, unknown>;

async function deliver(
  type: Message,
  params: unknown,
): Promise<{ got: unknown[]; refused: string[]; posted: WireMessage[] }> {
  const got: unknown[] = [];
  const refused: string[] = [];
  const posted: WireMessage[] = [];
  const host = new IpcPeer((m) => void posted.push(m), { validate: true, onInvalid: (w) => refused.push(w) });
  if (type.kind === 'request')
    host.onRequest(type, (p) => {
      got.push(p);
      return { answered: true };
    });
  else host.onNotification(type, (p) => void got.push(p));
  const wire =
    type.kind === 'request'
      ? { kind: 'request', id: 7, method: type.method, params }
      : { kind: 'notification', method: type.method, params };
  await host.receive(JSON.parse(JSON.stringify(wire)));
  return { got, refused, posted };
}

const uiState: preview.PreviewUiState = {
  target: { kind: 'artifact', root: '/data/cache', key: 'climate/tas.zarr' },
  variable: 'tas',
  slice: { time: 3, member: 0 },
  axes: ['lat', 'lon'],
  map: { cmap: 'RdBu_r', robust: false, vmin: -2.5, vmax: null },
  offsets: { lat: 0, lon: 120 },
  tableRow: 0,
  collapsed: ['attrs', '+indexes'],
};

describe('preview protocol (host side)', () => {
  const cases: [Message, unknown, unknown][] = [
    // message, a valid params object, an invalid one
    [preview.Ready, uiState, { tableRow: -1 }],
    [
      preview.Ready,
      { target: { kind: 'file', path: '/data/t.parquet', serializer: 'pandas.parquet' } },
      { target: { kind: 'url', path: 'x' } },
    ],
    [preview.SaveState, { variable: null, axes: null }, { map: { cmap: 'viridis', robust: 'yes' } }],
    [preview.SaveState, { slice: { time: 2 } }, { slice: { time: 1.5 } }],
    [preview.SaveState, { collapsed: [] }, { variable: 'v'.repeat(1001) }],
    [
      preview.ReadValues,
      { variable: 'tas', selection: { time: 0, lat: [1, 3] } },
      { variable: 'tas', selection: { time: -1 } },
    ],
    [preview.ReadValues, { variable: 'time', selection: {} }, { variable: 'x'.repeat(1001), selection: {} }],
    [preview.ReadRows, { offset: 200, limit: 200 }, { offset: 0, limit: 5001 }],
    [preview.ReadRows, { offset: 0, limit: 5000 }, { offset: -1, limit: 10 }],
    [preview.SummarizeColumns, {}, null],
    [preview.OpenSidecar, {}, 'open'],
    [preview.RevealInExplorer, {}, 1],
    [preview.Pin, {}, []],
    [preview.CopyText, { text: '<xarray.Dataset>\nDimensions: (time: 6)' }, { text: 'x'.repeat(1_000_001) }],
    [preview.CancelStats, {}, null],
  ];

  for (const [type, valid, invalid] of cases) {
    it(`${type.method}: accepted as sent, refused when malformed (${JSON.stringify(invalid)?.slice(0, 60)})`, async () => {
      const ok = await deliver(type, valid);
      assert.deepEqual(ok.refused, []);
      assert.deepEqual(ok.got, [valid]);
      if (type.kind === 'request')
        assert.deepEqual(ok.posted, [{ kind: 'response', id: 7, result: { answered: true } }]);
      const bad = await deliver(type, invalid);
      assert.deepEqual(bad.got, [], 'the handler is not called');
      assert.deepEqual(bad.refused, [`invalid params for ${type.method}`]);
      if (type.kind === 'request')
        assert.deepEqual(bad.posted, [
          { kind: 'response', id: 7, error: `invalid params for ${type.method}` },
        ]);
    });
  }

  it('a UI state carries no field the host did not declare', async () => {
    const { got } = await deliver(preview.SaveState, {
      tableRow: 4,
      injected: '<script>',
      map: { ...uiState.map, x: 1 },
    });
    assert.deepEqual(got, [{ tableRow: 4, map: uiState.map }]);
  });

  it("a reader's error reaches the webview as the request's rejection, with the reader's message", async () => {
    let webview!: IpcPeer;
    const host = new IpcPeer((m) => void webview.receive(JSON.parse(JSON.stringify(m))), { validate: true });
    webview = new IpcPeer((m) => void host.receive(JSON.parse(JSON.stringify(m))), { validate: false });
    host.onRequest(preview.ReadValues, async ({ variable }) => {
      throw new Error(`no variable '${variable}' (variables: tas)`);
    });
    await assert.rejects(webview.sendRequest(preview.ReadValues, { variable: 'pr', selection: {} }), {
      message: "no variable 'pr' (variables: tas)",
    });
  });
});
