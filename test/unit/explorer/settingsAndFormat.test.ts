import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatAge, formatBytes } from '../../../src/common/format';
import type { Problem, ProblemKind } from '../../../src/core/types';
import {
  artifactDescription,
  artifactTooltip,
  mdCode,
  mdCodeSpan,
  mdEscape,
  problemCounts,
} from '../../../src/explorer/describe';
import { findStoreFolders } from '../../../src/explorer/discovery';
import {
  expandSettingVariables,
  parseStoreSettings,
  resolveSettingPath,
  storeDisplayName,
} from '../../../src/explorer/storeSettings';
import { tempDir } from '../helpers';

describe('xpersist.stores setting', () => {
  const ctx = { env: { SCRATCH: '/scratch/me', HOME: '/home/me' }, home: '/home/me', workspaceFolder: '/ws' };
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the setting's own ${...} syntax
  it('resolves ~, env vars, ${workspaceFolder} and relative paths', () => {
    assert.equal(resolveSettingPath('~/caches/a', ctx), '/home/me/caches/a');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the setting's own ${...} syntax
    assert.equal(resolveSettingPath('${env:SCRATCH}/c', ctx), '/scratch/me/c');
    assert.equal(resolveSettingPath('$SCRATCH/c/', ctx), '/scratch/me/c');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the setting's own ${...} syntax
    assert.equal(resolveSettingPath('${workspaceFolder}/x', ctx), '/ws/x');
    assert.equal(resolveSettingPath('data/cache', ctx), '/ws/data/cache');
    assert.equal(resolveSettingPath('/abs//path/', ctx), '/abs/path');
  });
  it('expands the same variables for xpersist.pythonPath, without resolving the path', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the setting's own ${...} syntax
    assert.equal(expandSettingVariables('${workspaceFolder}/.venv/bin/python', ctx), '/ws/.venv/bin/python');
    assert.equal(expandSettingVariables('~/miniconda/bin/python', ctx), '/home/me/miniconda/bin/python');
    assert.equal(expandSettingVariables('$SCRATCH/env/bin/python', ctx), '/scratch/me/env/bin/python');
    assert.equal(expandSettingVariables('python3', ctx), 'python3', 'a command stays a command');
  });
  it('accepts strings and objects, reports the rest', () => {
    const { stores, errors } = parseStoreSettings([
      '/a',
      { path: '/b', name: 'B', readonly: true },
      3,
      { name: 'x' },
    ]);
    assert.deepEqual(stores, [{ path: '/a' }, { path: '/b', name: 'B', readonly: true }]);
    assert.equal(errors.length, 2);
  });
  it('keeps object-storage URLs as URLs, with their storage options, and names them by prefix', () => {
    assert.equal(resolveSettingPath('s3://bucket/team/cache/', ctx), 's3://bucket/team/cache');
    assert.equal(
      resolveSettingPath('az://c/$USER_PREFIX', { ...ctx, env: { USER_PREFIX: 'me' } }),
      'az://c/me',
    );
    const { stores } = parseStoreSettings([
      { path: 's3://b/p', storageOptions: { anon: true } },
      { path: 's3://b/q', storageOptions: 'x' },
    ]);
    assert.deepEqual(stores, [{ path: 's3://b/p', storageOptions: { anon: true } }, { path: 's3://b/q' }]);
    assert.equal(storeDisplayName('s3://bucket/team/cache', new Set()), 'cache (s3://bucket)');
    assert.equal(storeDisplayName('az://container', new Set()), 'az://container');
    assert.equal(storeDisplayName('s3://b2/team/cache', new Set(['cache (s3://b2)'])), 's3://b2/team/cache');
  });
});

describe('store discovery', () => {
  it('finds stores within the depth, skipping node_modules, .git and virtualenvs', async () => {
    const root = tempDir('xp-disc-');
    const mk = (p: string) => mkdirSync(path.join(root, p, 'xpersist_metadata_store'), { recursive: true });
    mk('caches/a');
    mk('deep/1/2/3/4/5/6/7/b');
    mk('node_modules/pkg/c');
    mk('.git/d');
    mk('env/lib/e');
    mkdirSync(path.join(root, 'env'), { recursive: true });
    require('node:fs').writeFileSync(path.join(root, 'env', 'pyvenv.cfg'), 'home = /usr');
    mk('caches/a/inner'); // a store inside a store's data is not searched
    assert.deepEqual(await findStoreFolders(root, { maxDepth: 6 }), [path.join(root, 'caches/a')]);
    assert.deepEqual((await findStoreFolders(root, { maxDepth: 10 })).length, 2);
  });
});

describe('formatting', () => {
  it('sizes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(812), '812 B');
    assert.equal(formatBytes(2.3 * 1024 * 1024), '2.3 MB');
    assert.equal(formatBytes(150 * 1024 ** 3), '150 GB');
    assert.equal(formatBytes(null), '—');
  });
  it('ages', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const ago = (s: number) => formatAge(new Date(now.getTime() - s * 1000), now);
    assert.equal(ago(10), 'just now');
    assert.equal(ago(300), '5 min ago');
    assert.equal(ago(3 * 3600), '3 h ago');
    assert.equal(ago(86400), '1 day ago');
    assert.equal(ago(90 * 86400), '3 months ago');
    assert.equal(formatAge(null, now), 'unknown age');
  });
  it('describes an artifact like "2.3 MB · 5 min ago"', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const d = artifactDescription(
      {
        dataExists: true,
        sizeBytes: 2.3 * 1024 * 1024,
        createdAt: new Date(now.getTime() - 300_000),
      } as never,
      now,
    );
    assert.equal(d, '2.3 MB · 5 min ago');
    const a = { dataExists: true, sizeBytes: 10, createdAt: null } as never;
    // A mark (the tree's 'not loadable') comes first, where a narrow side bar does not cut it.
    assert.equal(artifactDescription(a, now, 'not loadable'), 'not loadable · 10 B · unknown age');
  });
  it("a marked artifact's tooltip starts with the mark and its reason, escaped", () => {
    const a = {
      key: 'obs.csv',
      serializer: 'pandas.csv',
      createdAt: null,
      dataExists: true,
      sizeBytes: 3,
      dataKind: 'file',
      dataPath: '/s/obs.csv',
      problems: [],
      dumpKwargs: {},
      loadKwargs: {},
      additionalMetadata: {},
    } as never;
    const tip = artifactTooltip(a, new Date(), {
      icon: 'plug',
      label: 'not loadable',
      reason: "no 'pandas.csv'",
    });
    assert.equal(tip.split('\n')[2], "$(plug) **not loadable**: no 'pandas\\.csv'");
    assert.ok(!artifactTooltip(a, new Date()).includes('$(plug)'));
  });
  it('escapes data in markdown', () => {
    assert.equal(
      mdEscape('[x](javascript:alert) *b* <img>'),
      '\\[x\\]\\(javascript:alert\\) \\*b\\* \\<img\\>',
    );
    assert.equal(mdCode('a ``` b'), '````\na ``` b\n````');
    // Code spans show their content literally: no escapes, a fence longer than any run inside.
    assert.equal(mdCodeSpan('xarray.zarr'), '`xarray.zarr`');
    assert.equal(mdCodeSpan('get_data-1'), '`get_data-1`');
    assert.equal(mdCodeSpan('a`b'), '``a`b``');
    assert.equal(mdCodeSpan('`x'), '`` `x ``');
  });
});

describe('problem counts', () => {
  const p = (kind: ProblemKind): Problem => ({ kind, path: '/s/x', message: 'm' });
  it('say each kind once, singular for one and plural for more, in first-seen order', () => {
    assert.equal(
      problemCounts([p('data-missing'), p('invalid-json'), p('data-missing')]),
      '2 sidecars without data, 1 invalid JSON sidecar',
    );
    assert.equal(problemCounts([p('orphan-data')]), '1 data entry without sidecar');
    assert.equal(
      problemCounts([p('stray-file'), p('stray-file'), p('stray-file')]),
      '3 stray files in metadata store',
    );
    assert.equal(problemCounts([]), '');
  });
});
