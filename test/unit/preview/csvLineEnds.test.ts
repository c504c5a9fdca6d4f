// CSV line ends as pandas reads them (issue 16, item 10): a lone CR ends a record (old Mac
// files showed 0 rows), CRLF and LF as before, a CR inside quotes is data. pandas of the venv
// is the oracle for the row count and the cells.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { removeDir, runPython, tempDir } from '../helpers';

const dir = tempDir('xp-csv-eol-');
after(async () => {
  await api.closeAll();
  removeDir(dir);
});

const PANDAS = `
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
print(json.dumps({'rows': len(df), 'columns': list(df.columns), 'first': [str(v) for v in df.iloc[0]] if len(df) else []}))
`;

const files: Record<string, string> = {
  'cr-only': 'a,b\r1,x\r2,y\r3,z\r',
  'cr-only-no-final': 'a,b\r1,x\r2,y',
  crlf: 'a,b\r\n1,x\r\n2,y\r\n',
  lf: 'a,b\n1,x\n2,y\n',
  'cr in quotes': 'a,b\r1,"x\ry"\r2,z\r',
  'blank cr lines': 'a,b\r\r1,x\r\r\r2,y\r',
};

suite('CSV line ends', () => {
  for (const [name, text] of Object.entries(files)) {
    test(`${name}: pandas' rows and cells`, async () => {
      const file = path.join(dir, `${name.replace(/\W/g, '_')}.csv`);
      writeFileSync(file, text);
      const want = JSON.parse(runPython(PANDAS, [file])) as {
        rows: number;
        columns: string[];
        first: string[];
      };
      const m = await api.describe(file, 'pandas.csv');
      assert.equal(m.kind, 'table');
      assert.equal(m.kind === 'table' ? m.rowCount : null, want.rows);
      assert.deepEqual(m.kind === 'table' ? m.columns.map((c) => c.name) : [], want.columns);
      const r = await api.readRows(file, 'pandas.csv', 0, 10);
      assert.equal(r.rows.length, want.rows);
      assert.deepEqual(r.rows[0].map(String), want.first);
    });
  }
});
