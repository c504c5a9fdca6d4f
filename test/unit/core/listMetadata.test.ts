// listMetadata(): the walk of xpersist_metadata_store/ that keys() and scan() share. The folder
// listing reads names only and trusts a sidecar name to be a file only when the folder's link
// count proves it; these tests build the layouts where that proof fails or must hold.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listMetadata, readFolder } from '../../../src/core/scan/listMetadata';
import { tempDir } from '../helpers';

const SIDE = '{"key": "x", "serializer": "xarray.zarr"}';

function entries(dir: string): Array<[string, boolean]> {
  const { names, isDir } = readFolder(dir);
  return names.map((n, i): [string, boolean] => [n, isDir[i] === 1]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function metaStore(): string {
  const meta = path.join(tempDir('list-meta'), 'xpersist_metadata_store');
  mkdirSync(meta, { recursive: true });
  return meta;
}

describe('listMetadata', () => {
  it('lists flat and nested keys, strays and empty folders', () => {
    const meta = metaStore();
    for (let i = 0; i < 50; i++) writeFileSync(path.join(meta, `k${i}.zarr.artifact.json`), SIDE);
    mkdirSync(path.join(meta, 'regrid/era5'), { recursive: true });
    writeFileSync(path.join(meta, 'regrid/era5/t2m.zarr.artifact.json'), SIDE);
    writeFileSync(path.join(meta, 'README.txt'), 'x');
    mkdirSync(path.join(meta, 'left/over'), { recursive: true });
    const l = listMetadata(meta);
    assert.equal(l.keys.length, 51);
    assert.ok(l.keys.includes('regrid/era5/t2m.zarr'));
    assert.deepEqual(l.strayFiles, ['README.txt']);
    assert.deepEqual(l.emptyDirs, ['left']);
  });

  it('a folder named like a sidecar is walked as a folder, not listed as a key', () => {
    const meta = metaStore();
    writeFileSync(path.join(meta, 'a.zarr.artifact.json'), SIDE);
    // The trap: nothing but the link count tells this name from a sidecar file.
    mkdirSync(path.join(meta, 'trap.artifact.json'));
    writeFileSync(path.join(meta, 'trap.artifact.json', 'inner.csv.artifact.json'), SIDE);
    const l = listMetadata(meta);
    assert.deepEqual(l.keys.sort(), ['a.zarr', 'trap.artifact.json/inner.csv']);
    assert.deepEqual(entries(meta), [
      ['a.zarr.artifact.json', false],
      ['trap.artifact.json', true],
    ]);
  });

  it('a symlink to a folder is an entry, not a folder to walk (as with typed listings)', () => {
    const meta = metaStore();
    const outside = tempDir('list-meta-outside');
    writeFileSync(path.join(outside, 'secret.artifact.json'), SIDE);
    symlinkSync(outside, path.join(meta, 'linked'));
    symlinkSync(outside, path.join(meta, 'linked2.artifact.json'));
    const l = listMetadata(meta);
    assert.deepEqual(l.strayFiles, ['linked']);
    assert.deepEqual(l.keys, ['linked2']);
  });

  it('agrees with a typed listing on every entry, subfolders counted by the link count', () => {
    const meta = metaStore();
    for (const d of ['a', 'b', 'c.artifact.json', 'd']) mkdirSync(path.join(meta, d));
    for (const f of ['x.artifact.json', 'y', 'z.artifact.json']) writeFileSync(path.join(meta, f), SIDE);
    assert.equal(lstatSync(meta).nlink, 2 + 4, 'this file system keeps POSIX link counts');
    const typed = new Map(readdirSync(meta, { withFileTypes: true }).map((d) => [d.name, d.isDirectory()]));
    assert.deepEqual(new Map(entries(meta)), typed);
  });
});
