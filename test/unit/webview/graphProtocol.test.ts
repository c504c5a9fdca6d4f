// The flow graph's messages as the host receives them from its (untrusted) webview: every
// webview -> host message of src/webview/graph/protocol.ts is accepted in its real shape and
// refused, without calling the handler, when a field is of the wrong type or too long.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as graph from '../../../src/webview/graph/protocol';
import { type IpcNotification, IpcPeer } from '../../../src/webview/ipc';

async function deliver(
  type: IpcNotification<unknown>,
  params: unknown,
): Promise<{ got: unknown[]; refused: string[] }> {
  const got: unknown[] = [];
  const refused: string[] = [];
  const host = new IpcPeer(() => {}, { validate: true, onInvalid: (w) => refused.push(w) });
  host.onNotification(type, (p) => void got.push(p));
  await host.receive(JSON.parse(JSON.stringify({ kind: 'notification', method: type.method, params })));
  return { got, refused };
}

describe('flow graph protocol (host side)', () => {
  const cases: [IpcNotification<unknown>, unknown, unknown][] = [
    // message, a valid params object, an invalid one
    [
      graph.Ready,
      { uri: 'file:///f.py', flowIndex: 0, view: { x: 1, y: 2, k: 0.5 }, autoFit: true, selected: null },
      { view: { x: 1, y: 2, k: -1 } },
    ],
    [graph.SaveState, { selected: 'get_data-1' }, { flowIndex: -1 }],
    [graph.Reveal, { node: 'get_data-1' }, { node: 'x'.repeat(501) }],
    [graph.Preview, { node: 'total-1' }, { node: 3 }],
    [graph.Invalidate, { node: 'get_data-1', downstream: true }, { node: 'get_data-1', downstream: 'yes' }],
    [graph.Rerun, { node: 'get_data-1', downstream: false }, { node: 'get_data-1' }],
    [graph.OpenTraceback, { node: 'explode-1' }, {}],
    [graph.ExportSvg, { svg: '<svg/>' }, { svg: 'x'.repeat(20_000_001) }],
    [graph.RunFlow, {}, null],
    [graph.OpenDashboard, {}, 'open'],
  ];

  for (const [type, valid, invalid] of cases) {
    it(`${type.method}: accepted as sent, refused when malformed`, async () => {
      const ok = await deliver(type, valid);
      assert.deepEqual(ok.refused, []);
      assert.deepEqual(ok.got, [valid]);
      const bad = await deliver(type, invalid);
      assert.deepEqual(bad.got, [], 'the handler is not called');
      assert.deepEqual(bad.refused, [`invalid params for ${type.method}`]);
    });
  }

  it('a restored UI state carries no field the host did not declare', async () => {
    const { got } = await deliver(graph.SaveState, { selected: 'a', injected: '<script>' });
    assert.deepEqual(got, [{ selected: 'a' }]);
  });
});
