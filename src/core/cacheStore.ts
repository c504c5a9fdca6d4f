// An xpersist cache store on the local disk: same layout and sidecars as xpersist's CacheStore,
// without its bugs (docs/xpersist-format.md, "Where our core differs from xpersist"): opening writes nothing, keys() is recursive, unsafe
// keys are refused, read-only is honoured, deletes leave no key pointing at missing data.
import { promises as fsp, lstatSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { ArtifactError, DuplicateKeyError, KeyNotFoundError, ReadonlyStoreError } from './errors';
import { assertSafeKey, dataPathOf, keyProblem, metadataRoot, sidecarPathOf, WORK_PREFIX } from './layout';
import { isObjectUrl } from './remote/objectUrl';
import {
  abandonedWork,
  assertInsideStore,
  copyData,
  discardStaged,
  emptyAncestors,
  exists,
  openStoreDir,
  removeAtomically,
  removeEmptyDir,
  type StoreDir,
  workName,
  writeWorkFile,
} from './safeFs';
import { listMetadata, sortKeys } from './scan/listMetadata';
import { closeScanMemory, newScanMemory, type ScanMemory, type ScanReuse, scanStore } from './scan/scanStore';
import { isoformat, utcNow } from './sidecar/createdAt';
import { parseSidecarText, sidecarBytesText } from './sidecar/parseSidecar';
import { readSidecarBytes, SidecarNotReadError } from './sidecar/readSidecar';
import { recordForCopy, type SidecarRecord, sidecarText } from './sidecar/writeSidecar';
import {
  listTrash,
  purgeTrash,
  restoreFromTrash,
  type TrashEntry,
  type TrashResult,
  trashKey,
} from './trash';
import type {
  Artifact,
  DeleteResult,
  DuplicateKeyPolicy,
  ImportOptions,
  OpenOptions,
  Problem,
  ScanOptions,
  StoreReport,
  WriteOutcome,
  WrittenArtifact,
} from './types';

const POLICIES: DuplicateKeyPolicy[] = ['skip', 'overwrite', 'raise_error'];

export class CacheStore {
  private readonly scanMemory: ScanMemory;

  protected constructor(
    readonly root: string,
    readonly readonly: boolean,
    readonly onDuplicateKey: DuplicateKeyPolicy,
    indexDir: string | null,
  ) {
    this.scanMemory = newScanMemory(indexDir);
  }

  /**
   * Opens a store; never creates or changes anything (xpersist's open does). A root such as
   * `s3://bucket/prefix` or `az://container/prefix` opens a store on object storage, whose SDK
   * is loaded only then (src/core/remote/).
   */
  static async open(root: string, options: OpenOptions = {}): Promise<CacheStore> {
    const policy = options.onDuplicateKey ?? 'skip';
    if (!POLICIES.includes(policy)) {
      throw new Error(`onDuplicateKey must be one of ${POLICIES.join(', ')}, not ${JSON.stringify(policy)}`);
    }
    if (isObjectUrl(root)) {
      const { openObjectStore } = await import('./remote/remoteStore');
      return openObjectStore(root, options);
    }
    const indexDir = options.indexDir ? path.resolve(options.indexDir) : null;
    return new CacheStore(path.resolve(root), options.readonly ?? false, policy, indexDir);
  }

  get metadataRoot(): string {
    return metadataRoot(this.root);
  }

  /** Where the data of `key` lives (the key is validated). */
  dataPath(key: string): string {
    assertSafeKey(key);
    return dataPathOf(this.root, key);
  }

  sidecarPath(key: string): string {
    assertSafeKey(key);
    return sidecarPathOf(this.root, key);
  }

  /** Every key with a sidecar, nested ones included, sorted. Broken sidecars are keys too. */
  async keys(): Promise<string[]> {
    const meta = statSync(this.metadataRoot, { throwIfNoEntry: false });
    if (!meta?.isDirectory()) return [];
    return sortKeys(listMetadata(this.metadataRoot).keys.filter((k) => keyProblem(k) === null));
  }

  /** Whether the sidecar exists, like xpersist's `key in store` (data not checked). */
  async has(key: string): Promise<boolean> {
    const sidecar = this.sidecarPath(key);
    // One stat, no thread-pool round trip.
    try {
      return statSync(sidecar, { throwIfNoEntry: false })?.isFile() ?? false;
    } catch (err) {
      // Any system error (ENOTDIR, a path over PATH_MAX, EACCES) is "not there", as Python's
      // os.path.exists answers for xpersist's `key in store`; an invalid key still throws above.
      if (typeof (err as NodeJS.ErrnoException).code === 'string') return false;
      throw err;
    }
  }

  async getArtifact(key: string): Promise<Artifact> {
    const p = this.sidecarPath(key);
    let bytes: Buffer;
    try {
      // One open/read/close, no thread-pool round trip: a few microseconds on a local disk.
      bytes = readSidecarBytes(p);
    } catch (err) {
      if (err instanceof SidecarNotReadError)
        throw new ArtifactError(key, p, 'unsupported-sidecar', err.message);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new ArtifactError(key, p, 'not-found', `not found in cache store ${this.root} (no ${p})`);
      }
      throw new ArtifactError(
        key,
        p,
        'invalid-sidecar',
        `the sidecar cannot be read: ${(err as Error).message}`,
      );
    }
    return parseSidecarText(bytes, key, p);
  }

  /** The sidecar's text as stored (to show it; getArtifact parses it). */
  async sidecarText(key: string): Promise<string> {
    const p = this.sidecarPath(key);
    try {
      return sidecarBytesText(readSidecarBytes(p));
    } catch (err) {
      throw new ArtifactError(key, p, 'not-found', `the sidecar cannot be read: ${(err as Error).message}`);
    }
  }

  /**
   * Every artifact with its data, and every problem; never throws for a broken store. `options`:
   * progress and cancel for stores on object storage; a first page for big local stores.
   */
  async scan(options?: ScanOptions): Promise<StoreReport> {
    const report = await scanStore(this.root, this.scanMemory, options);
    if (this.readonly) return report;
    // What an import, write or delete of a process that was killed left under work names is
    // removed here, so nothing stays half-written (docs/ARCHITECTURE.md, "Changing a store safely").
    const abandoned = report.problems.filter((p) => {
      const name = path.basename(p.path);
      if (!name.startsWith(WORK_PREFIX)) return false;
      try {
        return abandonedWork(name, lstatSync(p.path).mtimeMs);
      } catch {
        return false; // gone meanwhile, or a path the system refuses (ENAMETOOLONG): reported as is
      }
    });
    if (abandoned.length === 0) return report;
    await discardStaged(
      this.root,
      abandoned.map((p) => p.path),
    );
    return scanStore(this.root, this.scanMemory, options);
  }

  /** How the last scan ran (diagnostics): every path stat'ed, or only what changed since. */
  get lastScanMode(): 'full' | 'incremental' | null {
    return this.scanMemory.lastMode;
  }

  /** What the last full scan could take from the one before (or from the persisted index). */
  get lastScanReuse(): ScanReuse | null {
    return this.scanMemory.lastReuse;
  }

  /** Stops watching the store for changes (a later scan is then a full one). */
  close(): void {
    closeScanMemory(this.scanMemory);
    this.scanMemory.watch = undefined;
  }

  protected assertWritable(operation: string): void {
    if (this.readonly) throw new ReadonlyStoreError(this.root, operation);
  }

  /**
   * Deletes a key: its sidecar first (the key disappears at once, as Prefect sees it), then its
   * data (moved aside inside the store, then removed), then folders left empty. A dry run
   * returns the same paths and changes nothing.
   */
  async delete(key: string, options: { dryRun: boolean }): Promise<DeleteResult> {
    const sidecar = this.sidecarPath(key);
    const data = this.dataPath(key);
    if (!options.dryRun) this.assertWritable(`delete ${JSON.stringify(key)}`);
    const paths: string[] = [];
    if (await exists(sidecar)) paths.push(sidecar);
    if (await exists(data)) paths.push(data);
    if (paths.length === 0) throw new KeyNotFoundError(key, this.root);
    const removing = new Set(paths);
    const prunedDirs = [
      ...(await emptyAncestors(path.dirname(sidecar), this.metadataRoot, removing)),
      ...(await emptyAncestors(path.dirname(data), this.root, removing)),
    ];
    for (const p of [...paths, ...prunedDirs]) await assertInsideStore(this.root, p);
    if (options.dryRun) return { paths, prunedDirs };
    await removeAtomically(this.root, sidecar);
    try {
      await removeAtomically(this.root, data);
    } catch (err) {
      throw new Error(
        `The sidecar of ${JSON.stringify(key)} was deleted, but its data ${data} could not be: ${(err as Error).message}. ` +
          'The key is gone; the data is left as orphan data.',
      );
    }
    for (const dir of prunedDirs) removeEmptyDir(this.root, dir);
    return { paths, prunedDirs };
  }

  /**
   * Deletes a key recoverably: its sidecar, then its data, move into the store's trash folder
   * (src/core/trash.ts), which xpersist never lists; `restoreFromTrash(id)` undoes it. Local
   * stores only (on object storage a move is a copy of every object).
   */
  async deleteToTrash(key: string): Promise<TrashResult> {
    this.assertLocal('a recoverable delete');
    this.assertWritable(`delete ${JSON.stringify(key)}`);
    return trashKey(this.root, key);
  }

  /** Puts a trashed key back (data, then sidecar); refused when the key exists again. */
  async restoreFromTrash(id: string): Promise<TrashEntry> {
    this.assertLocal('restoring from the trash');
    this.assertWritable('restoring from the trash');
    return restoreFromTrash(this.root, id);
  }

  /** What the trash holds, oldest first (an object store has none). */
  async trashEntries(): Promise<TrashEntry[]> {
    return isObjectUrl(this.root) ? [] : listTrash(this.root);
  }

  /** Removes trash entries older than `olderThanMs` (0: all); how many. */
  async purgeTrash(olderThanMs: number): Promise<number> {
    if (isObjectUrl(this.root) || this.readonly) return 0;
    return purgeTrash(this.root, olderThanMs);
  }

  private assertLocal(operation: string): void {
    if (isObjectUrl(this.root)) throw new Error(`${this.root} is on object storage: no ${operation} there.`);
  }

  /**
   * Deletes what a fixable problem points at (orphan data, a broken or stray sidecar, an empty
   * folder). The path must come from this store's scan; a dry run changes nothing.
   */
  async fixProblem(problem: Problem, options: { dryRun: boolean }): Promise<DeleteResult> {
    if (!problem.fixable) throw new Error(`There is no automatic fix for this problem: ${problem.message}`);
    if (!options.dryRun) this.assertWritable('fixing a problem');
    await assertInsideStore(this.root, problem.path);
    if (problem.path === this.metadataRoot)
      throw new Error(`Refused: ${problem.path} is the metadata store itself.`);
    if (problem.kind === 'data-missing') {
      // The fix for a sidecar without data is removing the sidecar (the key then reads as a miss).
      if (!problem.key) throw new Error('A data-missing problem without a key cannot be fixed.');
      return this.delete(problem.key, options);
    }
    if (!(await exists(problem.path))) return { paths: [], prunedDirs: [] };
    if (problem.kind === 'invalid-json' || problem.kind === 'invalid-sidecar')
      this.assertStillBroken(problem);
    const stopAt = problem.path.startsWith(this.metadataRoot + path.sep) ? this.metadataRoot : this.root;
    const paths = [problem.path];
    const prunedDirs = await emptyAncestors(path.dirname(problem.path), stopAt, new Set(paths));
    if (options.dryRun) return { paths, prunedDirs };
    await removeAtomically(this.root, problem.path);
    for (const dir of prunedDirs) removeEmptyDir(this.root, dir);
    return { paths, prunedDirs };
  }

  /**
   * A broken sidecar is deleted only while it is still one xpersist cannot read: parsed again at
   * the moment of the fix (it may have been rewritten since the scan, or come from an older one).
   */
  private assertStillBroken(problem: Problem): void {
    let bytes: Buffer;
    try {
      bytes = readSidecarBytes(problem.path);
    } catch (err) {
      if (err instanceof SidecarNotReadError)
        throw new Error(`Refused: ${problem.path} was not read (${err.message}); xpersist may read it.`);
      return; // unreadable for xpersist too (permissions...)
    }
    try {
      parseSidecarText(bytes, problem.key ?? '', problem.path);
    } catch (err) {
      if (err instanceof ArtifactError && err.kind !== 'unsupported-sidecar') return;
      throw new Error(
        `Refused: ${problem.path} is not a sidecar this explorer calls broken now (${(err as Error).message}).`,
      );
    }
    throw new Error(`Refused: ${problem.path} is a valid sidecar now (xpersist reads it); scan again.`);
  }

  /**
   * Copies `sourcePath` (a file or a folder) in as `key` and writes its sidecar, byte for byte
   * what xpersist's put() would write. `onDuplicateKey` decides what happens to an existing key.
   */
  async importArtifact(key: string, sourcePath: string, options: ImportOptions): Promise<WrittenArtifact> {
    const record = {
      key,
      serializer: options.serializer,
      loadKwargs: {},
      dumpKwargs: options.dumpKwargs ?? {},
      additionalMetadata: options.additionalMetadata ?? {},
      createdAt: isoformat(utcNow()),
    };
    if (!isObjectUrl(sourcePath)) return this.write(key, sourcePath, record);
    // From object storage (credentials from fsspec's config and the environment): through a
    // private temporary folder, removed whatever happens.
    const { downloadToTemp } = await import('./remote/remoteStore');
    const tmp = await downloadToTemp(sourcePath);
    try {
      return await this.write(key, tmp.path, record);
    } finally {
      await tmp.cleanup();
    }
  }

  /** A write into another store with a given sidecar record (copies between kinds of store). */
  protected static writeRecord(
    target: CacheStore,
    key: string,
    sourcePath: string,
    record: SidecarRecord,
  ): Promise<WrittenArtifact> {
    return target.write(key, sourcePath, record);
  }

  /** Copies an artifact (data and sidecar, created_at kept) into `target` as `newKey`. */
  async copyArtifact(key: string, target: CacheStore, newKey?: string): Promise<WrittenArtifact> {
    const sidecar = this.sidecarPath(key);
    let bytes: Buffer;
    try {
      bytes = readSidecarBytes(sidecar);
    } catch (err) {
      if (err instanceof SidecarNotReadError)
        throw new ArtifactError(key, sidecar, 'unsupported-sidecar', err.message);
      throw new ArtifactError(key, sidecar, 'not-found', `not found in cache store ${this.root}`);
    }
    const record = recordForCopy(bytes, key, sidecar); // refuses broken sidecars with their reason
    const data = this.dataPath(key);
    if (!(await exists(data)))
      throw new Error(`Cannot copy ${JSON.stringify(key)}: its data ${data} is missing.`);
    const destKey = newKey ?? key;
    if (target.root === this.root && destKey === key) throw new Error('Copying an artifact onto itself.');
    return target.write(destKey, data, { ...record, key: destKey });
  }

  /**
   * The first write into a folder that is not a store yet makes it one, as xpersist's
   * `CacheStore(path)` does on open: the root and its metadata folder. (Opening writes nothing.)
   */
  private async ensureStoreFolders(): Promise<void> {
    const meta = await fsp.stat(this.metadataRoot).catch(() => null);
    if (meta?.isDirectory()) return;
    if (meta)
      throw new Error(`${this.root} is not an xpersist cache store: ${this.metadataRoot} is not a folder.`);
    const root = await fsp.stat(this.root).catch(() => null);
    if (root && !root.isDirectory())
      throw new Error(`${this.root} is a file, not a folder for a cache store.`);
    await fsp.mkdir(this.metadataRoot, { recursive: true });
  }

  protected async write(key: string, sourcePath: string, record: SidecarRecord): Promise<WrittenArtifact> {
    assertSafeKey(key);
    this.assertWritable(`writing ${JSON.stringify(key)}`);
    await this.ensureStoreFolders();
    const sidecar = sidecarPathOf(this.root, key);
    const data = dataPathOf(this.root, key);
    const source = path.resolve(sourcePath);
    if (source === data || source.startsWith(data + path.sep))
      throw new Error('The source is the destination.');
    let outcome: WriteOutcome = 'written';
    if (await exists(sidecar)) {
      if (this.onDuplicateKey === 'skip') {
        return { ...(await this.getArtifact(key)), outcome: 'skipped' };
      }
      if (this.onDuplicateKey === 'raise_error') throw new DuplicateKeyError(key, this.root);
      outcome = 'overwritten';
    }
    // Checked before anything is created, then each missing folder is made inside one just
    // proven to be in the store (xpersist creates parents only with auto_mkdir,
    // docs/xpersist-format.md, "Nested keys"; we create both trees). What is new is staged under
    // work names first (the data in the root, the sidecar beside its place): nothing shows under
    // the key until both are complete, and a failure removes what it staged or placed.
    await assertInsideStore(this.root, data);
    await assertInsideStore(this.root, sidecar);
    const dirs: StoreDir[] = [];
    const staged = path.join(this.root, workName('tmp'));
    const leftovers = [staged];
    try {
      await copyData(source, staged);
      const dataDir = openStoreDir(this.root, path.dirname(data), { create: true });
      dirs.push(dataDir);
      const metaDir = openStoreDir(this.root, path.dirname(sidecar), { create: true });
      dirs.push(metaDir);
      const rootDir = openStoreDir(this.root, this.root);
      dirs.push(rootDir);
      const sidecarTmp = writeWorkFile(metaDir, sidecarText(record));
      leftovers.push(path.join(path.dirname(sidecar), sidecarTmp));
      // The old sidecar goes before the old data, so no moment has a key over missing data.
      if (outcome === 'overwritten') await removeAtomically(this.root, sidecar);
      await removeAtomically(this.root, data);
      renameSync(rootDir.at(path.basename(staged)), dataDir.at(path.basename(data)));
      leftovers.push(data);
      renameSync(metaDir.at(sidecarTmp), metaDir.at(path.basename(sidecar)));
    } catch (err) {
      for (const d of dirs) d.close();
      await discardStaged(this.root, leftovers);
      throw err;
    }
    for (const d of dirs) d.close();
    return { ...(await this.getArtifact(key)), outcome };
  }
}
