// A cache store on object storage (S3, Azure Blob): the same class and methods as a local one
// (docs/ARCHITECTURE.md, "Stores on object storage"), with URLs where a local store has paths.
// Object storage has no folders and no renames, so the order of operations is what keeps a key
// from ever pointing at missing data: a delete removes the sidecar first, a write puts the
// sidecar last, and a failed write removes what it uploaded.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CacheStore } from '../cacheStore';
import { ArtifactError, DuplicateKeyError, KeyNotFoundError } from '../errors';
import { assertSafeKey, METADATA_DIR, SIDECAR_SUFFIX } from '../layout';
import { isoformat, utcNow } from '../sidecar/createdAt';
import { parseSidecarText, sidecarBytesText } from '../sidecar/parseSidecar';
import { recordForCopy, type SidecarRecord, sidecarText } from '../sidecar/writeSidecar';
import type {
  Artifact,
  DeleteResult,
  ImportOptions,
  OpenOptions,
  Problem,
  ScanOptions,
  StoreReport,
  WriteOutcome,
  WrittenArtifact,
} from '../types';
import { fsspecOptions } from './fsspecConfig';
import { listAll, mapLimit, type ObjectClient, openObjectClient } from './objectClient';
import { isObjectUrl, type ObjectLocation, objectKey, objectUrl, parseObjectUrl } from './objectUrl';
import { newRemoteMemory, type RemoteScanMemory } from './remoteIndex';
import { oddName } from './remoteListing';
import { scanRemote } from './remoteScan';
import { localSource, materialize, objectSource, type SourceFile } from './remoteSource';

const PROTOCOLS = { s3: ['s3', 's3a'], az: ['az', 'abfs', 'abfss'] };
/** Requests in flight for uploads and deletes (the scan has its own bound). */
const IN_FLIGHT = 16;

/** An object holding data of the key at `base`: the object itself, or one under `base/` a key can name. */
function isDataObjectOf(k: string, base: string): boolean {
  return k === base || (k.startsWith(`${base}/`) && !k.endsWith('/') && !oddName(k.slice(base.length + 1)));
}

export async function openObjectStore(url: string, options: OpenOptions): Promise<ObjectCacheStore> {
  const location = parseObjectUrl(url);
  const storageOptions = fsspecOptions(PROTOCOLS[location.scheme], options.storageOptions ?? {});
  const client = await openObjectClient(location, storageOptions);
  return new ObjectCacheStore(location, client, options);
}

/** The data at an object URL (one object, or every object under it) as files to copy. */
export async function urlSource(
  url: string,
  storageOptions: Record<string, unknown> = {},
): Promise<SourceFile[]> {
  const location = parseObjectUrl(url);
  const client = await openObjectClient(location, fsspecOptions(PROTOCOLS[location.scheme], storageOptions));
  const base = location.prefix;
  const keys = (await listAll(client, base)).map((o) => o.key).filter((k) => isDataObjectOf(k, base));
  if (keys.length === 0) throw new Error(`Nothing to import: no object at ${location.root}.`);
  return objectSource(client, base, keys);
}

/**
 * Copies the data at an object URL into a fresh private temporary folder for a local store's
 * write; `cleanup` removes it.
 */
export async function downloadToTemp(url: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const files = await urlSource(url);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'xpersist-import-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    const staged = path.join(tmp, 'data');
    await materialize(files, staged);
    return { path: staged, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export class ObjectCacheStore extends CacheStore {
  readonly memory: RemoteScanMemory;
  /**
   * The options the store was opened with (imports from URLs of the same kind, and the preview
   * readers of its artifacts). They may hold secrets: pass them on in memory, never log them.
   */
  readonly storageOptions: Record<string, unknown>;

  constructor(
    readonly location: ObjectLocation,
    readonly client: ObjectClient,
    options: OpenOptions,
  ) {
    super(location.root, options.readonly ?? false, options.onDuplicateKey ?? 'skip', null);
    this.storageOptions = options.storageOptions ?? {};
    this.memory = newRemoteMemory(options.indexDir ? path.resolve(options.indexDir) : null);
  }

  override get metadataRoot(): string {
    return objectUrl(this.location, METADATA_DIR);
  }

  override dataPath(key: string): string {
    assertSafeKey(key);
    return objectUrl(this.location, key);
  }

  override sidecarPath(key: string): string {
    assertSafeKey(key);
    return objectUrl(this.location, `${METADATA_DIR}/${key}${SIDECAR_SUFFIX}`);
  }

  private sidecarObject(key: string): string {
    assertSafeKey(key);
    return objectKey(this.location, `${METADATA_DIR}/${key}${SIDECAR_SUFFIX}`);
  }

  /** The URL of an object key of this store. */
  private urlOf(objectKeyName: string): string {
    const p = this.location.prefix;
    return objectUrl(this.location, p ? objectKeyName.slice(p.length + 1) : objectKeyName);
  }

  /** Object keys holding the data of `key`: the object itself, or every object under `key/`. */
  private async dataObjects(key: string): Promise<string[]> {
    const base = objectKey(this.location, key);
    const objects = await listAll(this.client, base);
    return objects.map((o) => o.key).filter((k) => isDataObjectOf(k, base));
  }

  override async keys(): Promise<string[]> {
    const report = await this.scan();
    return [...report.artifacts.map((a) => a.key), ...report.brokenKeys].sort();
  }

  override async has(key: string): Promise<boolean> {
    return (await this.client.head(this.sidecarObject(key))) !== null;
  }

  override async getArtifact(key: string): Promise<Artifact> {
    const url = this.sidecarPath(key);
    const bytes = await this.client.get(this.sidecarObject(key));
    if (!bytes)
      throw new ArtifactError(key, url, 'not-found', `not found in cache store ${this.root} (no ${url})`);
    return parseSidecarText(bytes, key, url);
  }

  override async sidecarText(key: string): Promise<string> {
    const url = this.sidecarPath(key);
    const bytes = await this.client.get(this.sidecarObject(key));
    if (!bytes)
      throw new ArtifactError(key, url, 'not-found', `not found in cache store ${this.root} (no ${url})`);
    return sidecarBytesText(bytes);
  }

  override async scan(options: ScanOptions = {}): Promise<StoreReport> {
    return scanRemote(this.client, this.location, this.memory, options);
  }

  override get lastScanMode(): 'full' | 'incremental' | null {
    return this.memory.lastReuse ? 'full' : null;
  }

  override get lastScanReuse() {
    return this.memory.lastReuse;
  }

  override close(): void {
    // Nothing is watched on object storage; a scan always lists.
  }

  /** Sidecar first (the key is gone at once, as Prefect sees it), then every data object. */
  override async delete(key: string, options: { dryRun: boolean }): Promise<DeleteResult> {
    if (!options.dryRun) this.assertWritable(`delete ${JSON.stringify(key)}`);
    const sidecar = this.sidecarObject(key);
    const hasSidecar = (await this.client.head(sidecar)) !== null;
    const data = await this.dataObjects(key);
    const paths = [...(hasSidecar ? [sidecar] : []), ...data].map((k) => this.urlOf(k));
    if (paths.length === 0) throw new KeyNotFoundError(key, this.root);
    if (options.dryRun) return { paths, prunedDirs: [] };
    if (hasSidecar) await this.client.deleteMany([sidecar]);
    try {
      await this.client.deleteMany(data);
    } catch (err) {
      throw new Error(
        `The sidecar of ${JSON.stringify(key)} was deleted, but its data could not be: ${(err as Error).message}. ` +
          'The key is gone; what is left is shown as orphan data.',
      );
    }
    return { paths, prunedDirs: [] };
  }

  /** Deletes what a fixable problem of this store's scan points at (an object or a "folder"). */
  override async fixProblem(problem: Problem, options: { dryRun: boolean }): Promise<DeleteResult> {
    if (!problem.fixable) throw new Error(`There is no automatic fix for this problem: ${problem.message}`);
    if (!options.dryRun) this.assertWritable('fixing a problem');
    const root = `${this.root}/`;
    const rel = problem.path.startsWith(root) ? problem.path.slice(root.length) : null;
    if (rel === null || rel === '' || oddName(rel))
      throw new Error(`Refused: ${problem.path} is not inside the cache store ${this.root}.`);
    if (rel === METADATA_DIR) throw new Error(`Refused: ${problem.path} is the metadata store itself.`);
    if (problem.kind === 'data-missing') {
      if (!problem.key) throw new Error('A data-missing problem without a key cannot be fixed.');
      return this.delete(problem.key, options);
    }
    const base = objectKey(this.location, rel);
    const objects = (await listAll(this.client, base))
      .map((o) => o.key)
      .filter((k) => k === base || k.startsWith(`${base}/`));
    const paths = objects.map((k) => this.urlOf(k));
    if (options.dryRun || objects.length === 0) return { paths, prunedDirs: [] };
    await this.client.deleteMany(objects);
    return { paths, prunedDirs: [] };
  }

  /** `sourcePath`: a local file or folder, or an object URL (read with this store's options when it is of the same kind). */
  override async importArtifact(
    key: string,
    sourcePath: string,
    options: ImportOptions,
  ): Promise<WrittenArtifact> {
    const sameKind = isObjectUrl(sourcePath) && parseObjectUrl(sourcePath).scheme === this.location.scheme;
    const files = isObjectUrl(sourcePath)
      ? await urlSource(sourcePath, sameKind ? this.storageOptions : {})
      : await localSource(path.resolve(sourcePath));
    return this.writeFrom(key, files, {
      key,
      serializer: options.serializer,
      loadKwargs: {},
      dumpKwargs: options.dumpKwargs ?? {},
      additionalMetadata: options.additionalMetadata ?? {},
      createdAt: isoformat(utcNow()),
    });
  }

  override async copyArtifact(key: string, target: CacheStore, newKey?: string): Promise<WrittenArtifact> {
    const url = this.sidecarPath(key);
    const bytes = await this.client.get(this.sidecarObject(key));
    if (!bytes) throw new ArtifactError(key, url, 'not-found', `not found in cache store ${this.root}`);
    const record = { ...recordForCopy(bytes, key, url), key: newKey ?? key }; // refuses broken sidecars
    const data = await this.dataObjects(key);
    if (data.length === 0)
      throw new Error(`Cannot copy ${JSON.stringify(key)}: its data ${this.dataPath(key)} is missing.`);
    const destKey = newKey ?? key;
    if (target.root === this.root && destKey === key) throw new Error('Copying an artifact onto itself.');
    const files = objectSource(this.client, objectKey(this.location, key), data);
    if (target instanceof ObjectCacheStore) return target.writeFrom(destKey, files, record);
    // Into a local store: through a private temporary folder, then the local store's own write.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'xpersist-copy-'));
    try {
      const staged = path.join(tmp, 'data');
      await materialize(files, staged);
      return await CacheStore.writeRecord(target, destKey, staged, record);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  protected override async write(
    key: string,
    sourcePath: string,
    record: SidecarRecord,
  ): Promise<WrittenArtifact> {
    return this.writeFrom(key, await localSource(path.resolve(sourcePath)), record);
  }

  /** Uploads the data, then the sidecar; on failure removes what it uploaded. */
  async writeFrom(key: string, files: SourceFile[], record: SidecarRecord): Promise<WrittenArtifact> {
    assertSafeKey(key);
    this.assertWritable(`writing ${JSON.stringify(key)}`);
    const sidecar = this.sidecarObject(key);
    let outcome: WriteOutcome = 'written';
    if (await this.client.head(sidecar)) {
      if (this.onDuplicateKey === 'skip') return { ...(await this.getArtifact(key)), outcome: 'skipped' };
      if (this.onDuplicateKey === 'raise_error') throw new DuplicateKeyError(key, this.root);
      outcome = 'overwritten';
      await this.client.deleteMany([sidecar]);
    }
    await this.client.deleteMany(await this.dataObjects(key));
    const base = objectKey(this.location, key);
    const uploaded: string[] = [];
    try {
      await mapLimit(files, IN_FLIGHT, async (f) => {
        const k = f.rel ? `${base}/${f.rel}` : base;
        await this.client.put(k, await f.read());
        uploaded.push(k);
      });
      await this.client.put(sidecar, sidecarText(record));
    } catch (err) {
      await this.client.deleteMany(uploaded).catch(() => undefined);
      throw err;
    }
    return { ...(await this.getArtifact(key)), outcome };
  }
}
