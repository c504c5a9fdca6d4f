// Reads from S3 without the AWS SDK: HEAD, whole and ranged GETs and ListObjectsV2, signed with
// Signature Version 4 (node:crypto) over keep-alive node:http(s). The SDK's bundle costs a fresh
// process (the preview worker, a new window) 60-400 ms to require and its first request another
// 50-200 ms, more than a whole first paint of a zarr may take. So when the credentials are static
// (s3fs's key/secret/token or anon, or the AWS_* variables) reads go this way; everything else
// (profiles, SSO, instance roles, writes and deletes) stays with the SDK client (s3Client.ts).
// Same semantics as that client: 404 is "no object", 416 an empty range, throttling and 5xx
// retried with backoff, errors name the bucket and prefix, never a credential.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { strOption as str, trueOption as truthy } from './fsspecConfig';
import { type ObjectInfo, ObjectStoreError } from './objectClient';
import type { ObjectLocation } from './objectUrl';

type Options = Record<string, unknown>;

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where requests go and how they are signed; null credentials: unsigned (s3fs anon=True). */
export interface LightS3Config {
  endpoint: URL;
  /** Path-style (`/bucket/key`) for custom endpoints and bucket names with dots. */
  pathStyle: boolean;
  region: string;
  credentials: StaticCredentials | null;
}

/**
 * The light client's configuration from s3fs options and the environment (as s3Config reads
 * them), or null when the credentials need the SDK's provider chain (a profile, or none given).
 */
export function lightS3Config(
  bucket: string,
  options: Options,
  env: NodeJS.ProcessEnv = process.env,
): LightS3Config | null {
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
  let credentials: StaticCredentials | null;
  const key = str(options.key) ?? str(options.aws_access_key_id);
  const secret = str(options.secret) ?? str(options.aws_secret_access_key);
  const token = str(options.token) ?? str(options.aws_session_token);
  if (truthy(options.anon)) credentials = null;
  else if (key && secret) credentials = { accessKeyId: key, secretAccessKey: secret, sessionToken: token };
  else if (str(options.profile) || str(env.AWS_PROFILE)) return null;
  else if (str(env.AWS_ACCESS_KEY_ID) && str(env.AWS_SECRET_ACCESS_KEY))
    credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      sessionToken: str(env.AWS_SESSION_TOKEN),
    };
  else return null;
  let url: URL;
  try {
    url = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { endpoint: url, pathStyle: endpoint !== undefined || bucket.includes('.'), region, credentials };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s).digest();

export interface SignInput {
  method: string;
  host: string;
  /** The path as sent, already URI-encoded. */
  path: string;
  query: Array<[string, string]>;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (lower-case names). */
  headers: Record<string, string>;
  region: string;
  credentials: StaticCredentials;
  /** YYYYMMDD'T'HHMMSS'Z' */
  amzDate: string;
}

/** The SigV4 headers (x-amz-date, x-amz-content-sha256, token, Authorization) for an empty body. */
export function signV4(r: SignInput): Record<string, string> {
  const payload = sha256('');
  const headers: Record<string, string> = {
    ...r.headers,
    host: r.host,
    'x-amz-content-sha256': payload,
    'x-amz-date': r.amzDate,
    ...(r.credentials.sessionToken ? { 'x-amz-security-token': r.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers)
    .map((n) => n.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names
    .map((n) => `${n}:${String(lower[n]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const query = r.query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const signed = names.join(';');
  const canonical = [r.method, r.path, query, canonicalHeaders, signed, payload].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonical)].join('\n');
  let k = hmac(`AWS4${r.credentials.secretAccessKey}`, day);
  for (const part of [r.region, 's3', 'aws4_request']) k = hmac(k, part);
  const signature = createHmac('sha256', k).update(toSign).digest('hex');
  const { host: _host, ...rest } = headers;
  return {
    ...rest,
    authorization: `AWS4-HMAC-SHA256 Credential=${r.credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
  };
}

/** XML text with its five entities and character references decoded. */
export function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const l = e.toLowerCase();
    if (l[0] === '#')
      return String.fromCodePoint(l[1] === 'x' ? Number.parseInt(l.slice(2), 16) : Number(l.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[l] ?? _;
  });
}

const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? xmlText(m[1]) : undefined;
};

/** One ListObjectsV2 page: its objects and the token of the next page (none: the last). */
export function parseListPage(xml: string): { objects: ObjectInfo[]; next: string | undefined } {
  const objects: ObjectInfo[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const c = m[1];
    objects.push({
      key: tag(c, 'Key') ?? '',
      size: Number(tag(c, 'Size') ?? 0),
      etag: tag(c, 'ETag') ?? '',
      lastModified: Date.parse(tag(c, 'LastModified') ?? '') || 0,
    });
  }
  const truncated = tag(xml, 'IsTruncated') === 'true';
  return { objects, next: truncated ? tag(xml, 'NextContinuationToken') : undefined };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const RETRIED = new Set([429, 500, 502, 503, 504]);
const NETWORK_RETRIED = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNREFUSED']);
const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The S3 errors this client and the SDK's (s3Client.ts) explain in the same words.
export const s3NoSuchBucket = (bucket: string, where: string): ObjectStoreError =>
  new ObjectStoreError(404, `The S3 bucket "${bucket}" does not exist (${where}).`);

export const s3AccessDenied = (name: string, bucket: string, where: string, what: string): ObjectStoreError =>
  new ObjectStoreError(
    403,
    `Access denied (${name}) to ${where} while ${what}: check the credentials for bucket "${bucket}" (storage options, AWS_* variables or ~/.aws profiles).`,
  );

export const s3Unreachable = (where: string, what: string, code: string): ObjectStoreError =>
  new ObjectStoreError(null, `Cannot reach the S3 endpoint of ${where} while ${what} (${code}).`);

/** Read-only S3 requests for one bucket (the rest of ObjectClient is the SDK's). */
export class LightS3Reads {
  private readonly agent: http.Agent;
  private readonly where: string;
  /** Backoff before retry n (ms); tests shorten it. */
  backoffMs = (n: number): number => Math.random() * Math.min(20_000, 100 * 2 ** n);

  constructor(
    readonly location: ObjectLocation,
    private readonly config: LightS3Config,
  ) {
    const secure = config.endpoint.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 64 })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.where = location.root;
  }

  private target(key: string): { host: string; path: string } {
    const e = this.config.endpoint;
    const base = e.pathname.replace(/\/+$/, '');
    const k = key ? `/${uriEncode(key, true)}` : '';
    if (this.config.pathStyle)
      return { host: e.host, path: `${base}/${uriEncode(this.location.bucket)}${k}` };
    return { host: `${this.location.bucket}.${e.host}`, path: `${base}${k || '/'}` };
  }

  /** One signed request, retried on throttling, 5xx and dropped connections. */
  private async send(
    method: 'GET' | 'HEAD',
    key: string,
    query: Array<[string, string]>,
    extra: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.once(method, key, query, extra, signal);
        if (!RETRIED.has(r.status) || attempt >= MAX_ATTEMPTS) return r;
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (signal?.aborted || !NETWORK_RETRIED.has(code) || attempt >= MAX_ATTEMPTS) throw err;
      }
      await sleep(this.backoffMs(attempt));
    }
  }

  private once(
    method: string,
    key: string,
    query: Array<[string, string]>,
    extra: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Reply> {
    const { host, path } = this.target(key);
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const c = this.config.credentials;
    const headers = c
      ? signV4({
          method,
          host,
          path,
          query,
          headers: {},
          region: this.config.region,
          credentials: c,
          amzDate,
        })
      : {};
    const qs = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
    const lib = this.config.endpoint.protocol === 'https:' ? https : http;
    return new Promise<Reply>((resolve, reject) => {
      const req = lib.request(
        {
          method,
          host: host.replace(/:\d+$/, ''),
          port: this.config.endpoint.port || undefined,
          path: qs ? `${path}?${qs}` : path,
          headers: { ...headers, ...extra, host },
          agent: this.agent,
          signal,
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** A failed reply or request as the SDK client words it (bucket and prefix, no credential). */
  private explain(r: Reply | { error: unknown }, what: string): Error {
    const bucket = this.location.bucket;
    if ('error' in r) {
      const code = (r.error as { code?: string }).code ?? (r.error as Error).name;
      return s3Unreachable(this.where, what, code);
    }
    const text = r.body.toString('utf8');
    const name = tag(text, 'Code') ?? `HTTP ${r.status}`;
    if (name === 'NoSuchBucket') return s3NoSuchBucket(bucket, this.where);
    if (r.status === 403) return s3AccessDenied(name, bucket, this.where, what);
    const msg = tag(text, 'Message') ?? '';
    return new ObjectStoreError(
      r.status,
      `S3 error ${r.status} ${name} on ${this.where} while ${what}: ${msg}`.replace(/\s+/g, ' ').trim(),
    );
  }

  private async request(
    what: string,
    method: 'GET' | 'HEAD',
    key: string,
    query: Array<[string, string]>,
    extra: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Reply> {
    try {
      return await this.send(method, key, query, extra, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.explain({ error }, what);
    }
  }

  async *listPages(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo[]> {
    let token: string | undefined;
    do {
      if (signal?.aborted) throw new Error('Listing cancelled.');
      const query: Array<[string, string]> = [
        ['list-type', '2'],
        ['max-keys', '1000'],
        ['prefix', prefix],
        ...(token ? [['continuation-token', token] as [string, string]] : []),
      ];
      const r = await this.request('listing', 'GET', '', query, {}, signal);
      if (r.status !== 200) throw this.explain(r, 'listing');
      const page = parseListPage(r.body.toString('utf8'));
      token = page.next;
      yield page.objects;
    } while (token);
  }

  private async getBytes(
    key: string,
    range: string | undefined,
    signal?: AbortSignal,
  ): Promise<Buffer | null> {
    const r = await this.request(`reading ${key}`, 'GET', key, [], range ? { range } : {}, signal);
    if (r.status === 200 || r.status === 206) return r.body;
    if (r.status === 416) return Buffer.alloc(0);
    if (r.status === 404 && tag(r.body.toString('utf8'), 'Code') !== 'NoSuchBucket') return null;
    throw this.explain(r, `reading ${key}`);
  }

  get(key: string, signal?: AbortSignal): Promise<Buffer | null> {
    return this.getBytes(key, undefined, signal);
  }

  getRange(key: string, start: number, end: number, signal?: AbortSignal): Promise<Buffer | null> {
    if (end <= start) return Promise.resolve(Buffer.alloc(0));
    return this.getBytes(key, `bytes=${start}-${end - 1}`, signal);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const r = await this.request(`reading ${key}`, 'HEAD', key, [], {});
    if (r.status === 404) return null;
    if (r.status !== 200) throw this.explain(r, `reading ${key}`);
    return {
      key,
      size: Number(r.headers['content-length'] ?? 0),
      etag: String(r.headers.etag ?? ''),
      lastModified: Date.parse(String(r.headers['last-modified'] ?? '')) || 0,
    };
  }

  /** Closes the kept-alive sockets (the process may then exit). */
  destroy(): void {
    this.agent.destroy();
  }
}
