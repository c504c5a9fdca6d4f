// ObjectClient over the official AWS SDK, configured from s3fs's storage_options names so the
// dict a user passes to xpersist's CacheStore(...) works as it is: key, secret, token, anon,
// profile, endpoint_url, region_name, client_kwargs: { endpoint_url, region_name }. What is not
// given is found as boto3 finds it (environment variables, ~/.aws/credentials and config
// profiles, the instance role), through the SDK's default chain.
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { strOption, trueOption } from './fsspecConfig';
import { type ObjectClient, type ObjectInfo, ObjectStoreError } from './objectClient';
import type { ObjectLocation } from './objectUrl';
import { s3AccessDenied, s3NoSuchBucket, s3Unreachable } from './s3Light';

type Options = Record<string, unknown>;

const str = strOption;
const truthy = trueOption;

/** The SDK's configuration from s3fs options and boto3's environment variables. */
export function s3Config(options: Options, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const client = (options.client_kwargs ?? {}) as Options;
  const endpoint =
    str(options.endpoint_url) ??
    str(client.endpoint_url) ??
    str(env.AWS_ENDPOINT_URL_S3) ??
    str(env.AWS_ENDPOINT_URL);
  const region =
    str(client.region_name) ??
    str(options.region_name) ??
    str(env.AWS_REGION) ??
    str(env.AWS_DEFAULT_REGION) ??
    'us-east-1';
  const config: S3ClientConfig = {
    region,
    // A local or S3-compatible server has no bucket subdomains.
    forcePathStyle: endpoint !== undefined,
    ...(endpoint ? { endpoint } : {}),
    // Throttling (503 SlowDown) and 5xx are retried with exponential backoff and jitter.
    maxAttempts: 5,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    // S3-compatible servers do not all know the newer CRC checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const key = str(options.key) ?? str(options.aws_access_key_id);
  const secret = str(options.secret) ?? str(options.aws_secret_access_key);
  const token = str(options.token) ?? str(options.aws_session_token);
  if (truthy(options.anon)) {
    // Unsigned requests, as s3fs's anon=True (public buckets).
    config.credentials = { accessKeyId: '', secretAccessKey: '' };
    config.signer = { sign: async (request) => request };
  } else if (key && secret) {
    config.credentials = {
      accessKeyId: key,
      secretAccessKey: secret,
      ...(token ? { sessionToken: token } : {}),
    };
  } else if (str(options.profile)) {
    config.credentials = defaultProvider({ profile: str(options.profile) });
  }
  return config;
}

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export class S3ObjectClient implements ObjectClient {
  private readonly s3: S3Client;
  private readonly where: string;

  constructor(
    readonly location: ObjectLocation,
    options: Options,
  ) {
    this.s3 = new S3Client(s3Config(options));
    this.where = location.root;
  }

  /** The SDK's error as a message naming the bucket and prefix (never the credentials). */
  private explain(err: unknown, what: string): Error {
    const e = err as SdkError;
    const status = e.$metadata?.httpStatusCode ?? null;
    const name = e.name ?? e.code ?? 'Error';
    const bucket = this.location.bucket;
    if (name === 'NoSuchBucket') return s3NoSuchBucket(bucket, this.where);
    if (
      status === 403 ||
      name === 'AccessDenied' ||
      name === 'InvalidAccessKeyId' ||
      name === 'SignatureDoesNotMatch'
    )
      return s3AccessDenied(name, bucket, this.where, what);
    if (e.code === 'ECONNREFUSED' || name === 'TimeoutError' || e.code === 'ETIMEDOUT')
      return s3Unreachable(this.where, what, e.code ?? name);
    return new ObjectStoreError(
      status,
      `S3 error ${status ?? ''} ${name} on ${this.where} while ${what}: ${(err as Error).message}`.replace(
        /\s+/g,
        ' ',
      ),
    );
  }

  async *listPages(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo[]> {
    try {
      const pages = paginateListObjectsV2(
        { client: this.s3, pageSize: 1000 },
        { Bucket: this.location.bucket, Prefix: prefix },
      );
      for await (const page of pages) {
        if (signal?.aborted) throw new Error('Listing cancelled.');
        yield (page.Contents ?? []).map((o) => ({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          etag: o.ETag ?? '',
          lastModified: o.LastModified?.getTime() ?? 0,
        }));
      }
    } catch (err) {
      if (err instanceof Error && err.message === 'Listing cancelled.') throw err;
      throw this.explain(err, 'listing');
    }
  }

  private async getBytes(
    key: string,
    range: string | undefined,
    signal?: AbortSignal,
  ): Promise<Buffer | null> {
    try {
      const res = await this.s3.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: key, ...(range ? { Range: range } : {}) }),
        { abortSignal: signal },
      );
      const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      const e = err as SdkError;
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) {
        if (e.name === 'NoSuchBucket') throw this.explain(err, `reading ${key}`);
        return null;
      }
      if (e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416) return Buffer.alloc(0);
      throw this.explain(err, `reading ${key}`);
    }
  }

  get(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return this.getBytes(key, undefined, signal);
  }

  getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer | null> {
    if (end <= start) return Promise.resolve(Buffer.alloc(0));
    return this.getBytes(key, `bytes=${start}-${end - 1}`, signal);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return {
        key,
        size: r.ContentLength ?? 0,
        etag: r.ETag ?? '',
        lastModified: r.LastModified?.getTime() ?? 0,
      };
    } catch (err) {
      const e = err as SdkError;
      if (e.name === 'NotFound' || e.name === 'NoSuchKey') return null;
      if (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket') return null;
      throw this.explain(err, `reading ${key}`);
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: body }));
    } catch (err) {
      throw this.explain(err, `writing ${key}`);
    }
  }

  async deleteMany(keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1,000 keys a request.
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      let res: { Errors?: { Key?: string; Code?: string; Message?: string }[] };
      try {
        res = await this.s3.send(
          new DeleteObjectsCommand({
            Bucket: this.location.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (err) {
        throw this.explain(err, 'deleting');
      }
      const failed = res.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new ObjectStoreError(
          null,
          `${failed.length} of ${batch.length} objects could not be deleted from ${this.where} (first: ${first.Key}: ${first.Code} ${first.Message ?? ''}).`,
        );
      }
    }
  }
}
