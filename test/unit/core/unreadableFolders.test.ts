// Issue 16 item 12: a metadata folder that cannot be listed (a path over PATH_MAX, EACCES) is a
// scan problem, never a throw of keys()/scan(); has() of a path the system refuses is false.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CacheStore } from '../../../src/core/index';
import { removeDir, repoRoot, tempDir } from '../helpers';

const META = 'xpersist_metadata_store';
const LONG = 'd'.repeat(240);

const sidecar = (key: string) =>
  JSON.stringify({ key, serializer: 'joblib', created_at: '2024-01-02T03:04:05' });

/**
 * A chain of 20 folders of 240-character names (4,800+ characters, over Linux's PATH_MAX of
 * 4,096) ending in a sidecar, moved to `dest`. Built from the bottom up by renames whose own
 * paths stay short, so it works for root too (whom permissions would not stop).
 */
function deepChain(work: string, dest: string): void {
  let top = path.join(work, 'c0');
  mkdirSync(top);
  writeFileSync(path.join(top, 'lost.artifact.json'), sidecar('lost'));
  for (let i = 1; i <= 20; i++) {
    const next = path.join(work, `${LONG}${i}`);
    mkdirSync(next);
    renameSync(top, path.join(next, i === 1 ? 'c0' : `${LONG}${i - 1}`));
    top = next;
  }
  renameSync(top, dest);
}

function store(): string {
  const root = tempDir('xp-unreadable-');
  mkdirSync(path.join(root, META));
  writeFileSync(path.join(root, META, 'ok.artifact.json'), sidecar('ok'));
  writeFileSync(path.join(root, 'ok'), 'x');
  return root;
}

const made: string[] = [];
after(() => {
  // GNU rm walks by folder handles: node's rm fails on paths over PATH_MAX.
  for (const d of made) spawnSync('rm', ['-rf', d]);
  for (const d of made) removeDir(d);
});

// The permission test's child loads this very bundle for CacheStore: it registers no tests there.
const child = process.env.XPERSIST_UNREADABLE_CHILD === '1';
(child ? describe.skip : describe)(
  'unreadable metadata folders and over-long paths (issue 16 item 12)',
  () => {
    it('a folder below PATH_MAX is a scan problem; keys() and scan() answer the rest', async () => {
      const root = store();
      made.push(root);
      mkdirSync(path.join(root, 'work'));
      deepChain(path.join(root, 'work'), path.join(root, META, 'deep'));
      const s = await CacheStore.open(root);
      assert.deepEqual(await s.keys(), ['ok']);
      for (let round = 0; round < 2; round++) {
        // The second scan may reuse the first's listing: the unreadable folder must stay reported.
        const report = await s.scan();
        assert.deepEqual(
          report.artifacts.map((a) => a.key),
          ['ok'],
        );
        const bad = report.problems.filter((p) => p.kind === 'unreadable-folder');
        assert.equal(bad.length, 1, JSON.stringify(report.problems.map((p) => p.kind)));
        assert.ok(bad[0].path.startsWith(path.join(root, META, 'deep', LONG)), bad[0].path.slice(0, 200));
        assert.ok(bad[0].path.length > 4096);
        assert.match(bad[0].message, /cannot be listed.*ENAMETOOLONG/);
        assert.ok(bad[0].message.length < 2000, 'the message does not repeat the over-long path');
        assert.equal(bad[0].fixable, false);
        // Not called an empty folder either: what it holds is unknown.
        assert.ok(!report.problems.some((p) => p.kind === 'stray-file'), JSON.stringify(report.problems));
      }
    });

    it('has() of a key whose path the system refuses is false, not a raw ENAMETOOLONG', async () => {
      const root = store();
      made.push(root);
      const s = await CacheStore.open(root);
      assert.equal(await s.has('ok'), true);
      assert.equal(await s.has('x'.repeat(300)), false); // one name over NAME_MAX
      assert.equal(await s.has(Array.from({ length: 30 }, () => 'y'.repeat(200)).join('/')), false); // PATH_MAX
      // A file where a folder is expected is no key either.
      assert.equal(await s.has('ok.artifact.json/inner'), false);
      await assert.rejects(s.has('../escape'), /unsafe|outside|\.\./i);
    });

    it('a folder without permission (read by an unprivileged user) is a scan problem', async (t) => {
      if (process.platform === 'win32') return t.skip('POSIX permissions');
      const root = store();
      made.push(root);
      mkdirSync(path.join(root, META, 'locked'));
      writeFileSync(path.join(root, META, 'locked', 'hidden.artifact.json'), sidecar('locked/hidden'));
      chmodSync(path.join(root, META, 'locked'), 0o000);
      // Permissions do not stop root: the scan runs in a child as `nobody` where the tests run as root.
      for (const d of [root, path.join(root, META)]) chmodSync(d, 0o755);
      chmodSync(path.join(root, META, 'ok.artifact.json'), 0o644);
      const bundle = path.join(repoRoot(), 'out/unit/core.unreadableFolders.test.js');
      const code = `
      const { CacheStore } = require(${JSON.stringify(bundle)}).__forChild;
      (async () => {
        const s = await CacheStore.open(process.argv[1]);
        const keys = await s.keys();
        const r = await s.scan();
        console.log(JSON.stringify({ keys, problems: r.problems, artifacts: r.artifacts.map((a) => a.key) }));
      })().catch((e) => { console.log(JSON.stringify({ threw: String(e) })); });`;
      const uid = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const r = spawnSync(process.execPath, ['-e', code, root], {
        ...uid,
        encoding: 'utf8',
        // Without the runner's NODE_TEST_CONTEXT the child reports nothing of its own to this runner.
        env: { ...process.env, NODE_TEST_CONTEXT: undefined, XPERSIST_UNREADABLE_CHILD: '1' },
      });
      assert.equal(r.status, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.startsWith('{')) ?? JSON.stringify({ threw: r.stderr });
      const out = JSON.parse(line);
      assert.equal(out.threw, undefined, out.threw);
      assert.deepEqual(out.keys, ['ok']);
      assert.deepEqual(out.artifacts, ['ok']);
      const bad = out.problems.filter((p: { kind: string }) => p.kind === 'unreadable-folder');
      assert.equal(bad.length, 1, JSON.stringify(out.problems));
      assert.equal(bad[0].path, path.join(root, META, 'locked'));
      assert.match(bad[0].message, /EACCES: permission denied/);
      chmodSync(path.join(root, META, 'locked'), 0o755);
    });
  },
);

// The child process above loads this bundle for the core only: exported, and no tests run there.
export const __forChild = { CacheStore };
