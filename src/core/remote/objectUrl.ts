// Roots of stores on object storage, named as fsspec names them: `s3://bucket/prefix`
// (also `s3a://`), `az://container/prefix`, `abfs://container/prefix` (also `abfss://`, and
// adlfs's `abfs://container@account.dfs.core.windows.net/prefix`). Pure string work.

export type ObjectScheme = 's3' | 'az';

export interface ObjectLocation {
  scheme: ObjectScheme;
  /** The S3 bucket or the Azure container. */
  bucket: string;
  /** Key prefix of the store inside the bucket, without leading or trailing '/' ('' for the bucket). */
  prefix: string;
  /** The Azure account named in an `abfs://container@account.dfs.core.windows.net` URL. */
  account?: string;
  /** The root as the store reports it: `scheme://bucket/prefix`, no trailing '/'. */
  root: string;
}

const SCHEMES: Record<string, ObjectScheme> = { s3: 's3', s3a: 's3', az: 'az', abfs: 'az', abfss: 'az' };

/** True for a root that names object storage (a URL with a scheme we read), not a local path. */
export function isObjectUrl(root: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(root);
  return m !== null && m[1].toLowerCase() in SCHEMES;
}

/** Parses an object-storage root; throws a clear error for anything else. */
export function parseObjectUrl(url: string): ObjectLocation {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(url.trim());
  const scheme = m ? SCHEMES[m[1].toLowerCase()] : undefined;
  if (!m || !scheme) {
    throw new Error(
      `Not an object-storage URL: ${JSON.stringify(url)} (expected s3://bucket/prefix or az://container/prefix).`,
    );
  }
  let bucket = m[2];
  let account: string | undefined;
  const at = bucket.indexOf('@');
  if (scheme === 'az' && at > 0) {
    account = bucket.slice(at + 1).split('.')[0];
    bucket = bucket.slice(0, at);
  }
  if (!bucket) throw new Error(`${url} names no ${scheme === 's3' ? 'bucket' : 'container'}.`);
  const segments = (m[3] ?? '').split('/').filter((s) => s !== '');
  // A `..` would make "inside the store" mean nothing for deletes: refuse it, as keys refuse it.
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new Error(`${url}: a store prefix cannot contain "." or ".." segments.`);
  }
  const prefix = segments.join('/');
  const name = scheme === 's3' ? m[1].toLowerCase() : m[1].toLowerCase();
  const host = account ? `${bucket}@${account}.dfs.core.windows.net` : bucket;
  const root = `${name}://${host}${prefix ? `/${prefix}` : ''}`;
  return { scheme, bucket, prefix, ...(account ? { account } : {}), root };
}

/** The object key of a path relative to the store ('' is the store's own prefix). */
export function objectKey(loc: ObjectLocation, rel: string): string {
  if (!loc.prefix) return rel;
  return rel ? `${loc.prefix}/${rel}` : loc.prefix;
}

/** The URL of a path relative to the store, as scan() and delete() report it. */
export function objectUrl(loc: ObjectLocation, rel: string): string {
  return rel ? `${loc.root}/${rel}` : loc.root;
}
