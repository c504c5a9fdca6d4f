// Which deletes get a trash and an Undo, what a typed confirmation asks; the Python a user copies
// (run here with the real xpersist, so the snippet is proven to load the artifact).
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  deleteMode,
  LARGE_STORE_ARTIFACTS,
  LARGE_STORE_BYTES,
  recoveryText,
  restoreAfterRunMessage,
  typedConfirmation,
  typedMismatch,
} from '../../../src/explorer/deletePlan';
import { notebookCell, pyLiteral, pythonSnippet, withoutSecrets } from '../../../src/explorer/pythonSnippet';
import { copyFixtureKind, runPython, tempDir } from '../helpers';

const arts = (n: number, size = 10) => ({
  artifacts: Array.from({ length: n }, () => ({ sizeBytes: size })),
});

describe('what a delete confirmation says about recovery', () => {
  it('a plain delete offers Undo for the window; a rerun keeps the old data until the run ends', () => {
    assert.equal(
      recoveryText('.xpersist-trash', [], false),
      "The data moves to the store's trash (.xpersist-trash/) and can be restored for 60 s.",
    );
    // Not the 60 s Undo: a rerun offers nothing while the run rewrites the keys.
    assert.equal(
      recoveryText('.xpersist-trash', [], true),
      "The old data moves to the store's trash (.xpersist-trash/) while the flow runs: if the run fails or is cancelled, you can restore it.",
    );
    const why = 'the store is on object storage, where a delete cannot be undone';
    for (const rerun of [false, true])
      assert.equal(recoveryText('.t', [why, why], rerun), `The deleted data cannot be restored: ${why}.`);
  });

  it('after a rerun that did not complete, names what comes back', () => {
    assert.equal(restoreAfterRunMessage([], 'failed'), null, 'the run rewrote everything: no offer');
    assert.equal(
      restoreAfterRunMessage([{ key: 'a.zarr', store: 'my-cache' }], 'failed'),
      'The run failed: "a.zarr" deleted for the rerun is in the trash of my-cache. Restore puts it back (offered for 60 s).',
    );
    assert.equal(
      restoreAfterRunMessage(
        [
          { key: 'a.zarr', store: 'my-cache' },
          { key: 'b.nc', store: 'other' },
        ],
        'cancelled',
      ),
      'The run was cancelled: 2 targets deleted for the rerun are in the trash of my-cache, other. Restore puts them back (offered for 60 s).',
    );
    assert.match(
      restoreAfterRunMessage([{ key: 'a', store: 's' }], 'not-run') ?? '',
      /^The flow did not run: /,
    );
  });
});

describe('delete mode', () => {
  it('a local store of ordinary size gets the trash', () => {
    assert.deepEqual(deleteMode({ root: '/data/cache', report: arts(3) as never }), { kind: 'trash' });
    assert.deepEqual(deleteMode({ root: '/data/cache', report: null }), { kind: 'trash' });
    assert.equal(
      deleteMode({ root: '/c', report: arts(LARGE_STORE_ARTIFACTS) as never }).kind,
      'trash',
      'the threshold itself is not large',
    );
  });
  it('object storage, too many artifacts or too many bytes: a typed confirmation, with why', () => {
    for (const root of ['s3://bucket/p', 'az://container/p', 'abfs://c/p']) {
      const m = deleteMode({ root, report: arts(1) as never });
      assert.equal(m.kind, 'typed', root);
      assert.match(m.kind === 'typed' ? m.reason : '', /object storage/);
    }
    const many = deleteMode({ root: '/c', report: arts(LARGE_STORE_ARTIFACTS + 1) as never });
    assert.match(many.kind === 'typed' ? many.reason : '', /20,001 artifacts \(over 20,000\)/);
    const big = deleteMode({ root: '/c', report: arts(2, LARGE_STORE_BYTES / 2 + 1) as never });
    assert.match(big.kind === 'typed' ? big.reason : '', /over 50 GiB/);
  });
  it('one key is confirmed by typing it, several by "delete N"', () => {
    assert.deepEqual(typedConfirmation(['a/b.zarr']), {
      expected: 'a/b.zarr',
      prompt: 'Type the key to delete 1 artifact for good.',
    });
    assert.equal(typedConfirmation(['a', 'b', 'c']).expected, 'delete 3');
    assert.match(typedConfirmation(['a', 'b', 'c']).prompt, /^Type "delete 3" to delete 3 artifacts/);
    assert.equal(typedMismatch(' delete 3 ', 'delete 3'), null);
    assert.equal(typedMismatch('', 'delete 3'), 'Type exactly: delete 3');
    assert.equal(typedMismatch('a/b', 'a/b.zarr'), 'Type exactly: a/b.zarr');
  });
});

describe('Copy as Python', () => {
  it('Python literals for JSON values', () => {
    assert.equal(
      pyLiteral({ a: [1, true, null, 'x"\\'], b: false }),
      '{"a": [1, True, None, "x\\"\\\\"], "b": False}',
    );
    assert.equal(pyLiteral(Number.NaN), 'float("nan")');
  });
  it('storage options lose their credentials, nested ones too, and say which', () => {
    const { kept, dropped } = withoutSecrets({
      anon: false,
      key: 'AKIA',
      secret: 's',
      client_kwargs: { endpoint_url: 'http://minio:9000', password: 'p' },
    });
    assert.deepEqual(kept, { anon: false, client_kwargs: { endpoint_url: 'http://minio:9000' } });
    assert.deepEqual(dropped, ['key', 'secret', 'client_kwargs.password']);
  });
  it('the snippet for an object store: storage_options without secrets', () => {
    const { code } = pythonSnippet({
      root: 's3://bucket/cache',
      key: 'regrid/era5/t2m.zarr',
      serializer: 'xarray.zarr',
      storageOptions: { anon: false, secret: 'hunter2', client_kwargs: { region_name: 'eu-west-1' } },
    });
    assert.equal(
      code,
      [
        'from xpersist import CacheStore',
        '',
        '# secret left out: set them in the environment or a profile, as fsspec finds them.',
        'store = CacheStore("s3://bucket/cache", storage_options={"anon": False, "client_kwargs": {"region_name": "eu-west-1"}})',
        'ds = store.get("regrid/era5/t2m.zarr")',
        '',
      ].join('\n'),
    );
    assert.ok(!code.includes('hunter2'));
  });
  it('the copied code and the notebook cell load the artifact with the real xpersist', () => {
    // A root with a quote, a backslash and an accent: the literal must survive them.
    const root = path.join(tempDir('xp-snip-'), 'we"ird \\ é');
    cpSync(copyFixtureKind('seed-demo'), root, { recursive: true });
    const { code, name } = pythonSnippet({ root, key: 'bar.zarr', serializer: 'xarray.zarr' });
    assert.equal(name, 'ds');
    assert.equal(code.split('\n')[2], `store = CacheStore(${JSON.stringify(root)})`);
    const out = runPython(`${code}print(type(ds).__name__, sorted(ds.data_vars))`);
    assert.match(out.trim(), /^Dataset \[.+\]$/);
    const cell = notebookCell({ root, key: 'bar.zarr', serializer: 'xarray.zarr' });
    assert.ok(cell.startsWith(code) && cell.endsWith('\nds\n'), 'the cell ends by showing the value');
  });
});
