// The SDK-free S3 reads (src/core/remote/s3Light.ts): SigV4 signatures equal to AWS's published
// example and to the SDK's own signer; on a real moto server the same answers as the SDK client
// (listings of awkward keys over several pages, HEAD, ranged and whole GETs, missing objects and
// buckets); throttling and 5xx retried through a proxy that injects them, a 403 worded with the
// bucket and never the secret; and a preview with static credentials never loads the SDK bundle.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { createS3Bucket, type ObjectServer, startS3 } from '../../../scripts/lib/objectServers.mjs';
import { listAll, type ObjectClient, openObjectClient } from '../../../src/core/remote/objectClient';
import { parseObjectUrl } from '../../../src/core/remote/objectUrl';
import { S3ObjectClient } from '../../../src/core/remote/s3Client';
import {
  LightS3Reads,
  lightS3Config,
  parseListPage,
  signV4,
  uriEncode,
} from '../../../src/core/remote/s3Light';
import * as preview from '../../../src/preview/index';
import { forward, listenLocal } from '../../bench/countingProxy';
import { removeDir, tempDir } from '../helpers';

const AWS_KEY = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** node:crypto as the SDK signer's hash constructor. */
class NodeSha256 {
  private h;
  constructor(secret?: unknown) {
    this.h = secret ? createHmac('sha256', secret as string | Uint8Array) : createHash('sha256');
  }
  update(data: unknown): void {
    this.h.update(data as string | Uint8Array);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

describe('SigV4 of the light S3 client', () => {
  it("matches AWS's published GET Object example (Range signed)", () => {
    const h = signV4({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      query: [],
      headers: { range: 'bytes=0-9' },
      region: 'us-east-1',
      credentials: AWS_KEY,
      amzDate: '20130524T000000Z',
    });
    assert.equal(
      h.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it("matches the SDK's signer for a listing query with awkward characters and a session token", async () => {
    const credentials = { ...AWS_KEY, sessionToken: 'tok/en+=' };
    const query: Array<[string, string]> = [
      ['list-type', '2'],
      ['prefix', "a b/ü+&=*'()!~x"],
      ['continuation-token', '1/abc=='],
    ];
    const amzDate = '20261203T180000Z';
    const ours = signV4({
      method: 'GET',
      host: '127.0.0.1:9000',
      path: `/bucket/${uriEncode('dir/ä b+c', true)}`,
      query,
      headers: {},
      region: 'eu-west-3',
      credentials,
      amzDate,
    });
    const sdk = new SignatureV4({
      credentials,
      region: 'eu-west-3',
      service: 's3',
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const signed = await sdk.sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9000,
        path: `/bucket/${uriEncode('dir/ä b+c', true)}`,
        query: Object.fromEntries(query),
        headers: {
          host: '127.0.0.1:9000',
          'x-amz-content-sha256': ours['x-amz-content-sha256'],
        },
      },
      { signingDate: new Date('2026-12-03T18:00:00Z') },
    );
    assert.equal(ours.authorization, signed.headers.authorization);
    assert.equal(ours['x-amz-security-token'], 'tok/en+=');
  });

  it('parses ListObjectsV2 pages with XML entities and continuation', () => {
    const page = parseListPage(
      '<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b&lt;&#233;&#x4e2d;</Key>' +
        '<LastModified>2026-12-03T10:00:00.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>12</Size></Contents>' +
        '<NextContinuationToken>t&amp;2</NextContinuationToken></ListBucketResult>',
    );
    assert.deepEqual(page, {
      objects: [{ key: 'a&b<é中', size: 12, etag: '"e1"', lastModified: Date.parse('2026-12-03T10:00:00Z') }],
      next: 't&2',
    });
  });

  it('is used only for static credentials (a profile or nothing given: the SDK chain)', () => {
    const env = {};
    assert.ok(lightS3Config('b', { key: 'k', secret: 's' }, env));
    assert.equal(lightS3Config('b', { anon: true }, env)?.credentials, null);
    assert.equal(lightS3Config('b', { profile: 'dev' }, env), null);
    assert.equal(lightS3Config('b', {}, env), null);
    assert.equal(
      lightS3Config('b', {}, { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }),
      null,
    );
    const fromEnv = lightS3Config(
      'b',
      {},
      { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1' },
    );
    assert.deepEqual(
      [fromEnv?.endpoint.href, fromEnv?.pathStyle, fromEnv?.region],
      ['https://s3.eu-west-1.amazonaws.com/', false, 'eu-west-1'],
    );
    assert.equal(lightS3Config('my.dotted.bucket', { key: 'k', secret: 's' }, env)?.pathStyle, true);
    const local = lightS3Config(
      'b',
      { key: 'k', secret: 's', client_kwargs: { endpoint_url: 'http://127.0.0.1:5' } },
      env,
    );
    assert.equal(local?.pathStyle, true);
  });
});

/** A proxy in front of `target` that answers `fault(n)` (a status) instead of forwarding request n. */
async function faultyProxy(
  target: URL,
  fault: (n: number) => number | null,
): Promise<{ endpoint: string; count(): number; auth: string[]; close(): void }> {
  let n = 0;
  const auth: string[] = [];
  const server = http.createServer((req, res) => {
    auth.push(String(req.headers.authorization ?? ''));
    const status = fault(n++);
    if (status !== null) {
      req.resume();
      const code = status === 503 ? 'SlowDown' : status === 403 ? 'InvalidAccessKeyId' : 'InternalError';
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        req.method === 'HEAD' ? undefined : `<Error><Code>${code}</Code><Message>injected</Message></Error>`,
      );
      return;
    }
    forward(target, req, res);
  });
  const port = await listenLocal(server);
  return { endpoint: `http://127.0.0.1:${port}`, count: () => n, auth, close: () => server.close() };
}

describe('light S3 reads on a real moto server, against the SDK client', () => {
  const BUCKET = 'xp-light';
  let server: ObjectServer;
  let dir: string;
  let sdk: S3ObjectClient;
  let light: ObjectClient;
  const keys = ["p/a b+c&d=e'f(g)*!~.txt", 'p/ü/中文/x', 'p/%41literal', 'p/', 'p-other/bait'];
  const loc = parseObjectUrl(`s3://${BUCKET}`);

  before(async () => {
    dir = tempDir('xp-s3light-');
    server = await startS3({ dir: path.join(dir, 'server') });
    await createS3Bucket(server, BUCKET);
    sdk = new S3ObjectClient(loc, server.storageOptions);
    for (const [i, k] of keys.entries()) await sdk.put(k, Buffer.from(`object ${i}: ${k}`));
    // Over two pages of 1,000.
    for (let i = 0; i < 1005; i += 67) {
      await Promise.all(
        Array.from({ length: Math.min(67, 1005 - i) }, (_, j) => sdk.put(`many/k${i + j}`, String(i + j))),
      );
    }
    await sdk.put('t/table.csv', 'x,y\n1,2\n3,4\n');
    light = await openObjectClient(loc, server.storageOptions);
  });
  after(async () => {
    await server?.stop();
    removeDir(dir);
  });

  // First: a write through the light client loads the SDK bundle behind it.
  it('a preview of an object with static credentials never loads the SDK bundle', async () => {
    const m = await preview.describe(`s3://${BUCKET}/t/table.csv`, 'pandas.csv', {
      storageOptions: server.storageOptions,
    });
    assert.equal(m.kind, 'table');
    // This file imports s3Client.ts directly (bundled in); the lazy sibling is what the readers use.
    const loaded = Object.keys(require.cache).filter((f) => /xpersist-s3\.js$/.test(f));
    assert.deepEqual(loaded, []);
  });

  it('lists, HEADs and GETs exactly as the SDK client does', async () => {
    for (const prefix of ['p/', 'p', 'many/', '']) {
      const [a, b] = await Promise.all([listAll(light, prefix), listAll(sdk, prefix)]);
      assert.deepEqual(a, b, prefix);
    }
    assert.equal((await listAll(light, 'many/')).length, 1005);
    for (const k of keys) {
      assert.deepEqual(await light.head(k), await sdk.head(k), k);
      assert.deepEqual(await light.get(k), await sdk.get(k), k);
      assert.deepEqual(await light.getRange(k, 3, 9), await sdk.getRange(k, 3, 9), k);
    }
    assert.equal(await light.head('p/missing'), null);
    assert.equal(await light.get('p/missing'), null);
    assert.equal((await light.getRange(keys[0], 10_000, 10_010))?.byteLength, 0);
    const other = await openObjectClient(parseObjectUrl('s3://xp-no-such-bucket'), server.storageOptions);
    await assert.rejects(listAll(other, ''), /The S3 bucket "xp-no-such-bucket" does not exist/);
    await assert.rejects(other.get('k'), /The S3 bucket "xp-no-such-bucket" does not exist/);
  });

  it('writes and deletes through the SDK client behind it', async () => {
    await light.put('w/one', 'written');
    assert.equal((await sdk.get('w/one'))?.toString(), 'written');
    await light.deleteMany(['w/one']);
    assert.equal(await sdk.head('w/one'), null);
  });

  it('finds credentials as boto3 does: options, AWS_* variables, a ~/.aws/credentials profile (seen in each signature)', async () => {
    const spy = await faultyProxy(new URL(server.endpoint), () => null);
    const saved = { ...process.env };
    const creds = path.join(dir, 'aws-credentials');
    writeFileSync(
      creds,
      '[default]\naws_access_key_id = AKIADEFAULTPROFILE\naws_secret_access_key = d\n[team]\naws_access_key_id = AKIATEAMPROFILE\naws_secret_access_key = t\n',
    );
    try {
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      process.env.AWS_SHARED_CREDENTIALS_FILE = creds;
      process.env.AWS_CONFIG_FILE = path.join(dir, 'no-aws-config');
      const endpoint = { client_kwargs: { endpoint_url: spy.endpoint, region_name: 'us-east-1' } };
      const readAs = async (options: Record<string, unknown>): Promise<string | undefined> => {
        spy.auth.length = 0;
        const c = await openObjectClient(loc, options);
        assert.equal((await c.get(keys[1]))?.toString(), `object 1: ${keys[1]}`);
        return /Credential=([A-Z0-9]+)\//.exec(spy.auth[0] ?? '')?.[1];
      };
      assert.equal(await readAs({ ...endpoint, key: 'AKIAOPTIONS', secret: 's' }), 'AKIAOPTIONS');
      assert.equal(await readAs({ ...endpoint, profile: 'team' }), 'AKIATEAMPROFILE');
      assert.equal(await readAs(endpoint), 'AKIADEFAULTPROFILE');
      process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENT';
      process.env.AWS_SECRET_ACCESS_KEY = 'e';
      assert.equal(await readAs(endpoint), 'AKIAENVIRONMENT');
      assert.equal(spy.auth.length, 1);
      // anon=True: unsigned, as s3fs sends it (moto refuses anonymous reads of a private bucket).
      spy.auth.length = 0;
      const anon = await openObjectClient(loc, { ...endpoint, anon: true });
      await assert.rejects(anon.get(keys[1]), /Access denied \([^)]+\) to s3:\/\/xp-light/);
      assert.deepEqual(spy.auth, ['']);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      spy.close();
    }
  });

  it('retries throttling and 5xx with backoff; a lasting failure and a 403 name the bucket only', async () => {
    const ep = new URL(server.endpoint);
    const opts = (endpoint: string) => ({
      key: 'testing',
      secret: 'sEcReT-never-shown',
      client_kwargs: { endpoint_url: endpoint },
    });
    const flaky = await faultyProxy(ep, (n) => (n < 3 ? [503, 500, 429][n] : null));
    try {
      const c = new LightS3Reads(loc, lightS3Config(BUCKET, opts(flaky.endpoint), {}) as never);
      c.backoffMs = () => 5;
      assert.equal((await c.get(keys[1]))?.toString(), `object 1: ${keys[1]}`);
      assert.equal(flaky.count(), 4);
    } finally {
      flaky.close();
    }
    const down = await faultyProxy(ep, () => 503);
    const denied = await faultyProxy(ep, () => 403);
    try {
      const c = new LightS3Reads(loc, lightS3Config(BUCKET, opts(down.endpoint), {}) as never);
      c.backoffMs = () => 1;
      await assert.rejects(c.get('k'), /S3 error 503 SlowDown on s3:\/\/xp-light while reading k/);
      assert.equal(down.count(), 5);
      const d = new LightS3Reads(loc, lightS3Config(BUCKET, opts(denied.endpoint), {}) as never);
      await assert.rejects(
        listAll(d as unknown as ObjectClient, ''),
        (err: Error) =>
          /Access denied \(InvalidAccessKeyId\) to s3:\/\/xp-light while listing/.test(err.message) &&
          !err.message.includes('sEcReT'),
      );
      assert.equal(denied.count(), 1);
    } finally {
      down.close();
      denied.close();
    }
  });
});
