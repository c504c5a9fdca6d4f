// Pre-run checks in the real host with the real venv's interpreter (xpersist.pythonPath): a
// nested target in a store without auto_mkdir is a warning whose quick fix adds the option, and a
// serializer the interpreter's xpersist 2021.12.17 does not register (pandas.csv) is an error.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inWorkspace, waitFor } from './helpers';

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

suite('pre-run checks', () => {
  test('a nested target without auto_mkdir: warning, quick fix, warning gone', async () => {
    const file = path.join(inWorkspace('flows'), 'nested_flow.py');
    const store = path.join(inWorkspace('.'), 'nested-store-not-yet');
    fs.writeFileSync(
      file,
      [
        'import xpersist',
        'from prefect import Flow, task',
        'from xpersist import CacheStore, XpersistResult',
        `store = CacheStore(${JSON.stringify(store)})`,
        '@task(target="regrid/era5/t2m.zarr", result=XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}))',
        'def regrid():',
        '    return 1',
        'with Flow("nested") as flow:',
        '    regrid()',
        '',
      ].join('\n'),
    );
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(uri);
    const diag = await waitFor(
      () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'nested-key-without-auto-mkdir'),
      20_000,
      'the nested-key warning',
    );
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diag.range.start.line, 4);
    assert.match(diag.message, /does not create the key's folders/);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      )) ?? [];
    const fix = actions.find((a) => /auto_mkdir/.test(a.title));
    assert.ok(fix?.edit, `a quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(
      editor.document.lineAt(3).text,
      /^store = CacheStore\(".*", storage_options=\{"auto_mkdir": True\}\)$/,
    );
    await waitFor(
      () => !vscode.languages.getDiagnostics(uri).some((d) => codeOf(d) === 'nested-key-without-auto-mkdir'),
      20_000,
      'the warning gone after the fix',
    );
    await editor.document.save();
  });

  test("a serializer the interpreter's xpersist does not register is an error", async () => {
    const file = path.join(inWorkspace('flows'), 'csv_flow.py');
    fs.writeFileSync(
      file,
      [
        'import xpersist',
        'from prefect import Flow, task',
        'from xpersist import CacheStore, XpersistResult',
        'store = CacheStore("caches/csv-store")',
        '@task(target="table.csv", result=XpersistResult(store, serializer="pandas.csv"))',
        'def table():',
        '    return 1',
        'with Flow("csv") as flow:',
        '    table()',
        '',
      ].join('\n'),
    );
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    // The interpreter answers asynchronously; until then pandas.csv counts as known (no error).
    const d = await waitFor(
      () =>
        vscode.languages
          .getDiagnostics(uri)
          .find((x) => codeOf(x) === 'unknown-serializer' && /selected interpreter/.test(x.message)),
      30_000,
      "the interpreter's registry to be asked",
    );
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /it has joblib, xarray\.netcdf, xarray\.zarr, xcollection/);
  });
});
