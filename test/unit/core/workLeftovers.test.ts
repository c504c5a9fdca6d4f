// What a killed process leaves under work names (a staged import, a sidecar being written, data
// being removed) is removed by the next scan of a writable store, and only what is abandoned: an
// entry of a live process, or of another host less than a day old, stays (and is reported).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { abandonedWork, FOREIGN_WORK_MS, workName } from '../../../src/core/safeFs';
import { copyFixtureKind, tempDir } from '../helpers';

// This file, run again as a child: it imports a big folder into the store given, and is killed
// by the parent in the middle (a window closed, a machine that lost power).
const CHILD = process.env.XP_KILLED_IMPORT;
if (CHILD) {
  const [root, source] = JSON.parse(CHILD) as [string, string];
  void CacheStore.open(root).then((s) => s.importArtifact('big.zarr', source, { serializer: 'xarray.zarr' }));
}

const work = (root: string) => readdirSync(root).filter((n) => n.startsWith('.xpersist-'));
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 0;

/** Runs an import in a child process and SIGKILLs it once its staging folder holds some files. */
async function killedImport(root: string, source: string): Promise<string[]> {
  const child = spawn(process.execPath, [process.argv[1]], {
    env: { ...process.env, XP_KILLED_IMPORT: JSON.stringify([root, source]) },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.once('exit', r));
  const deadline = Date.now() + 30_000;
  const started = () => work(root).some((n) => readdirSync(path.join(root, n)).length > 10);
  while (!started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  child.kill('SIGKILL');
  await exited;
  return work(root);
}

describe('work entries left by killed processes', { skip: Boolean(CHILD) }, () => {
  it('a real import killed half-way leaves its staging folder; the next scan removes it', async () => {
    const root = copyFixtureKind('seed-demo');
    const source = path.join(tempDir(), 'big.zarr');
    mkdirSync(source);
    for (let i = 0; i < 6000; i++) writeFileSync(path.join(source, `c${i}`), 'x'.repeat(1024));
    const before = (await (await CacheStore.open(root)).scan()).artifacts.map((a) => a.key);
    const left = await killedImport(root, source);
    assert.equal(left.length, 1, `the killed import left its staging folder: ${left}`);
    assert.ok(readdirSync(path.join(root, left[0])).length > 0, 'half copied');
    const report = await (await CacheStore.open(root)).scan();
    assert.deepEqual(work(root), [], 'removed by the scan');
    assert.deepEqual(report.problems, []);
    assert.deepEqual(
      report.artifacts.map((a) => a.key),
      before,
      'the import never completed: no key',
    );
  });

  it('keeps what a live process or another host may still be writing; a read-only store changes nothing', async () => {
    const root = copyFixtureKind('seed-demo');
    const meta = path.join(root, 'xpersist_metadata_store');
    const dead = deadPid();
    const mine = workName('tmp');
    const host = mine.split('-')[2];
    const names = {
      live: mine,
      deadStaged: `.xpersist-tmp-${host}-${dead}-0badc0de`,
      deadTrash: `.xpersist-trash-${host}-${dead}-0badc0df`,
      foreignNew: `.xpersist-tmp-ffffffff-${dead}-0badc0e0`,
      foreignOld: `.xpersist-tmp-ffffffff-${dead}-0badc0e1`,
      olderVersion: `.xpersist-tmp-${dead}-0badc0e2`,
    };
    for (const n of Object.values(names)) mkdirSync(path.join(root, n));
    writeFileSync(path.join(meta, `.xpersist-tmp-${host}-${dead}-0badc0e3.json`), '{}');
    const old = (Date.now() - FOREIGN_WORK_MS - 60_000) / 1000;
    for (const n of [names.foreignOld, names.olderVersion]) utimesSync(path.join(root, n), old, old);

    const ro = await (await CacheStore.open(root, { readonly: true })).scan();
    assert.equal(work(root).length, 6, 'a read-only store is only reported on');
    assert.ok(ro.problems.length >= 6);

    const report = await (await CacheStore.open(root)).scan();
    assert.deepEqual(work(root).sort(), [names.foreignNew, names.live].sort());
    assert.deepEqual(
      readdirSync(meta).filter((n) => n.startsWith('.xpersist-')),
      [],
      'the sidecar being written',
    );
    assert.deepEqual(
      report.problems.map((p) => path.basename(p.path)).sort(),
      [names.foreignNew, names.live].sort(),
      'what stays is still reported',
    );
    assert.ok(existsSync(path.join(root, 'bar.zarr')));
  });

  it('abandonedWork reads host, pid and age from the name', () => {
    const mine = workName('trash');
    assert.equal(abandonedWork(mine, Date.now()), false, 'this process is alive');
    const [, , host] = mine.split('-');
    const dead = deadPid();
    assert.equal(abandonedWork(`.xpersist-tmp-${host}-${dead}-00000000.json`, Date.now()), true);
    assert.equal(
      abandonedWork(`.xpersist-tmp-${host}-1-00000000`, 0),
      false,
      'pid 1 is alive (EPERM or ours)',
    );
    const now = Date.now();
    assert.equal(
      abandonedWork('.xpersist-tmp-ffffffff-1-00000000', now - FOREIGN_WORK_MS + 1000, now),
      false,
    );
    assert.equal(abandonedWork('.xpersist-tmp-ffffffff-1-00000000', now - FOREIGN_WORK_MS - 1000, now), true);
    assert.equal(abandonedWork('.xpersist-trash', 0), false, 'the trash folder is no work entry');
    assert.equal(abandonedWork('.xpersist-tmp-notes', 0), false);
  });
});
