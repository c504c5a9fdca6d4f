// Object-storage roots and options, as fsspec (s3fs, adlfs) names them; no server needed.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fsspecOptions } from '../../../src/core/remote/fsspecConfig';
import { isObjectUrl, objectKey, objectUrl, parseObjectUrl } from '../../../src/core/remote/objectUrl';
import { dataOf, partitionListing, remoteOrphans } from '../../../src/core/remote/remoteListing';
import { s3Config } from '../../../src/core/remote/s3Client';
import { tempDir } from '../helpers';

describe('object-storage URLs', () => {
  it('parses s3, az and abfs roots and normalises slashes', () => {
    assert.deepEqual(parseObjectUrl('s3://bucket/a/b/'), {
      scheme: 's3',
      bucket: 'bucket',
      prefix: 'a/b',
      root: 's3://bucket/a/b',
    });
    assert.deepEqual(parseObjectUrl('az://c'), { scheme: 'az', bucket: 'c', prefix: '', root: 'az://c' });
    const abfs = parseObjectUrl('abfs://c@acct.dfs.core.windows.net/p');
    assert.deepEqual([abfs.scheme, abfs.bucket, abfs.account, abfs.prefix], ['az', 'c', 'acct', 'p']);
    assert.equal(objectKey(parseObjectUrl('s3://b/p'), 'k.zarr/.zgroup'), 'p/k.zarr/.zgroup');
    assert.equal(objectKey(parseObjectUrl('s3://b'), 'k'), 'k');
    assert.equal(objectUrl(parseObjectUrl('s3://b/p'), 'k'), 's3://b/p/k');
  });
  it('tells URLs from local paths and refuses what is not a store root', () => {
    assert.ok(isObjectUrl('s3://b/p') && isObjectUrl('ABFS://c/p') && isObjectUrl('s3a://b'));
    assert.ok(
      !isObjectUrl('/tmp/s3://x') &&
        !isObjectUrl('C:\\\\cache') &&
        !isObjectUrl('gs://b/p') &&
        !isObjectUrl('relative/dir'),
    );
    assert.throws(() => parseObjectUrl('s3://b/p/../q'), /"\.\." segments/);
    assert.throws(() => parseObjectUrl('s3:///p'), /names no bucket/);
    assert.throws(() => parseObjectUrl('gs://b/p'), /Not an object-storage URL/);
  });
});

describe('storage options as s3fs and fsspec read them', () => {
  it('maps key/secret/endpoint/region, anon and the AWS_ENDPOINT_URL variable', () => {
    const c = s3Config(
      {
        key: 'k',
        secret: 's',
        client_kwargs: { endpoint_url: 'http://127.0.0.1:9', region_name: 'eu-west-1' },
      },
      {},
    );
    assert.deepEqual([c.endpoint, c.region, c.forcePathStyle], ['http://127.0.0.1:9', 'eu-west-1', true]);
    assert.deepEqual(c.credentials, { accessKeyId: 'k', secretAccessKey: 's' });
    const anon = s3Config({ anon: true }, {});
    assert.ok(anon.signer, 'anonymous requests are not signed');
    const env = s3Config({}, { AWS_ENDPOINT_URL: 'http://e:1', AWS_DEFAULT_REGION: 'ap-south-1' });
    assert.deepEqual([env.endpoint, env.region, env.credentials], ['http://e:1', 'ap-south-1', undefined]);
    assert.equal(s3Config({}, {}).forcePathStyle, false, 'real AWS: virtual-hosted buckets');
  });
  it('merges fsspec config files, FSSPEC_<PROTO> and FSSPEC_<PROTO>_<KWARG>; explicit options win', () => {
    const dir = tempDir('xp-fsspec-conf-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'a.json'),
      JSON.stringify({ s3: { anon: false, endpoint_url: 'http://file' } }),
    );
    writeFileSync(path.join(dir, 'b.json'), '{ not json');
    const env = { FSSPEC_CONFIG_DIR: dir, FSSPEC_S3: '{"key": "k1"}', FSSPEC_S3_SECRET: 's1' };
    assert.deepEqual(fsspecOptions(['s3'], {}, env), {
      anon: false,
      endpoint_url: 'http://file',
      key: 'k1',
      secret: 's1',
    });
    assert.deepEqual(fsspecOptions(['s3'], { key: 'mine' }, env).key, 'mine');
    assert.deepEqual(fsspecOptions(['az'], {}, env), {});
  });
});

describe('a flat listing read as a store', () => {
  const obj = (key: string, size = 1) => ({ key, size, etag: `"${key}"`, lastModified: 0 });
  const listing = partitionListing(
    [
      obj('p/xpersist_metadata_store/a.zarr.artifact.json'),
      obj('p/xpersist_metadata_store/n/b.joblib.artifact.json'),
      obj('p/xpersist_metadata_store/../x.artifact.json'),
      obj('p/xpersist_metadata_store/notes.txt'),
      obj('p/a.zarr/.zgroup', 10),
      obj('p/a.zarr/t/0.0', 32),
      obj('p/n/b.joblib', 5),
      obj('p/n/other.csv', 7),
      obj('p/folder/'),
      obj('p-other/z'),
    ],
    'p/',
  );
  it('finds sidecars, unsafe keys, strays and data folders with summed sizes', () => {
    assert.deepEqual([...listing.sidecars.keys()], ['a.zarr', 'n/b.joblib']);
    assert.deepEqual(
      listing.unsafe.map((u) => u.key),
      ['../x'],
    );
    assert.deepEqual(listing.strays, ['notes.txt']);
    assert.deepEqual(dataOf(listing, 'a.zarr'), { kind: 'directory', size: 42 });
    assert.deepEqual(dataOf(listing, 'n/b.joblib'), { kind: 'file', size: 5 });
    assert.deepEqual(dataOf(listing, 'gone'), { kind: 'missing', size: 0 });
  });
  it('reports data no key accounts for at its topmost name', () => {
    const orphans = remoteOrphans(listing, ['a.zarr', 'n/b.joblib'], (rel) => `s3://b/p/${rel}`);
    assert.deepEqual(
      orphans.map((o) => [o.path, o.fixable]),
      [['s3://b/p/n/other.csv', true]],
    );
  });
});
