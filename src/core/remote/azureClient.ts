// ObjectClient over the official Azure Blob SDK, configured from adlfs's storage_options names:
// connection_string, account_name, account_key, sas_token, anon, account_host. What is not given
// is found as adlfs finds it: AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT_NAME with
// AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN.
import {
  AnonymousCredential,
  BlobServiceClient,
  type ContainerClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { strOption, trueOption } from './fsspecConfig';
import { mapLimit, type ObjectClient, type ObjectInfo, ObjectStoreError } from './objectClient';
import type { ObjectLocation } from './objectUrl';

type Options = Record<string, unknown>;

const str = strOption;
const truthy = trueOption;

const PIPELINE: StoragePipelineOptions = {
  // Throttling (503) and 5xx are retried with exponential backoff.
  retryOptions: { maxTries: 5, retryDelayInMs: 200, maxRetryDelayInMs: 5_000, tryTimeoutInMs: 60_000 },
};

/** The service client from adlfs options, then adlfs's environment variables. */
export function azureService(
  loc: ObjectLocation,
  options: Options,
  env: NodeJS.ProcessEnv = process.env,
): BlobServiceClient {
  const connection =
    str(options.connection_string) ??
    (str(options.account_name) ? undefined : str(env.AZURE_STORAGE_CONNECTION_STRING));
  if (connection) return BlobServiceClient.fromConnectionString(connection, PIPELINE);
  const account = str(options.account_name) ?? loc.account ?? str(env.AZURE_STORAGE_ACCOUNT_NAME);
  if (!account) {
    throw new ObjectStoreError(
      null,
      `No Azure account for ${loc.root}: give storage options "account_name" (with "account_key" or "sas_token") or "connection_string", or set AZURE_STORAGE_CONNECTION_STRING.`,
    );
  }
  const host = str(options.account_host) ?? `${account}.blob.core.windows.net`;
  const base = `https://${host}`;
  const key = str(options.account_key) ?? str(env.AZURE_STORAGE_ACCOUNT_KEY);
  const sas = str(options.sas_token) ?? str(env.AZURE_STORAGE_SAS_TOKEN);
  if (key && !truthy(options.anon))
    return new BlobServiceClient(base, new StorageSharedKeyCredential(account, key), PIPELINE);
  if (sas)
    return new BlobServiceClient(`${base}?${sas.replace(/^\?/, '')}`, new AnonymousCredential(), PIPELINE);
  return new BlobServiceClient(base, new AnonymousCredential(), PIPELINE);
}

interface RestLike {
  statusCode?: number;
  code?: string;
  message?: string;
}

async function collect(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

export class AzureObjectClient implements ObjectClient {
  private readonly container: ContainerClient;
  private readonly where: string;

  constructor(
    readonly location: ObjectLocation,
    options: Options,
  ) {
    this.container = azureService(location, options).getContainerClient(location.bucket);
    this.where = location.root;
  }

  private explain(err: unknown, what: string): Error {
    const e = err as RestLike;
    const status = e.statusCode ?? null;
    const container = this.location.bucket;
    if (e.code === 'ContainerNotFound')
      return new ObjectStoreError(404, `The Azure container "${container}" does not exist (${this.where}).`);
    if (status === 403 || e.code === 'AuthenticationFailed' || e.code === 'AuthorizationFailure') {
      return new ObjectStoreError(
        403,
        `Access denied (${e.code ?? 403}) to ${this.where} while ${what}: check the credentials for container "${container}" (storage options or AZURE_STORAGE_* variables).`,
      );
    }
    if (e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT' || e.code === 'REQUEST_SEND_ERROR') {
      return new ObjectStoreError(
        null,
        `Cannot reach the Azure endpoint of ${this.where} while ${what} (${e.code}).`,
      );
    }
    const first = (e.message ?? String(err)).split('\n')[0];
    return new ObjectStoreError(
      status,
      `Azure error ${status ?? ''} ${e.code ?? ''} on ${this.where} while ${what}: ${first}`.replace(
        /\s+/g,
        ' ',
      ),
    );
  }

  async *listPages(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo[]> {
    try {
      const pages = this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 });
      for await (const page of pages) {
        if (signal?.aborted) throw new Error('Listing cancelled.');
        yield page.segment.blobItems.map((b) => ({
          key: b.name,
          size: b.properties.contentLength ?? 0,
          etag: b.properties.etag ?? '',
          lastModified: b.properties.lastModified?.getTime() ?? 0,
        }));
      }
    } catch (err) {
      if (err instanceof Error && err.message === 'Listing cancelled.') throw err;
      throw this.explain(err, 'listing');
    }
  }

  private async download(
    key: string,
    offset: number,
    count: number | undefined,
    signal?: AbortSignal,
  ): Promise<Buffer | null> {
    try {
      const res = await this.container.getBlobClient(key).download(offset, count, { abortSignal: signal });
      return await collect(res.readableStreamBody);
    } catch (err) {
      const e = err as RestLike;
      if (e.statusCode === 404 && e.code !== 'ContainerNotFound') return null;
      if (e.statusCode === 416) return Buffer.alloc(0);
      throw this.explain(err, `reading ${key}`);
    }
  }

  get(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return this.download(key, 0, undefined, signal);
  }

  getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer | null> {
    if (end <= start) return Promise.resolve(Buffer.alloc(0));
    return this.download(key, start, end - start, signal);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const p = await this.container.getBlobClient(key).getProperties();
      return {
        key,
        size: p.contentLength ?? 0,
        etag: p.etag ?? '',
        lastModified: p.lastModified?.getTime() ?? 0,
      };
    } catch (err) {
      const e = err as RestLike;
      if (e.statusCode === 404 && e.code !== 'ContainerNotFound') return null;
      throw this.explain(err, `reading ${key}`);
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    try {
      await this.container.getBlockBlobClient(key).upload(bytes, bytes.length);
    } catch (err) {
      throw this.explain(err, `writing ${key}`);
    }
  }

  async deleteMany(keys: string[]): Promise<void> {
    await mapLimit(keys, 16, async (key) => {
      try {
        await this.container.getBlobClient(key).deleteIfExists();
      } catch (err) {
        throw this.explain(err, `deleting ${key}`);
      }
    });
  }
}
