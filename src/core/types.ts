// The data model of a cache store, as the public API (docs/ARCHITECTURE.md) describes it.

/** xpersist's pydantic `Artifact`, with camelCase names. */
export interface Artifact {
  key: string;
  serializer: string;
  loadKwargs: Record<string, unknown>;
  dumpKwargs: Record<string, unknown>;
  additionalMetadata: Record<string, unknown>;
  /** null when the sidecar has none (xpersist would invent "now" on every read). */
  createdAt: Date | null;
  /**
   * `created_at` as pydantic re-emits it (`2021-12-16T20:59:26.123456-07:00`, naive values
   * without an offset), keeping microseconds and the offset that a `Date` loses.
   */
  createdAtText: string | null;
}

export type ProblemKind =
  | 'invalid-json'
  | 'invalid-sidecar'
  /** A sidecar xpersist may read that is not read here (too large, not a regular file...): no fix. */
  | 'unreadable-sidecar'
  /** A folder of the metadata store that cannot be listed (EACCES, over PATH_MAX...): no fix. */
  | 'unreadable-folder'
  | 'data-missing'
  | 'orphan-data'
  | 'stray-file'
  | 'key-mismatch'
  | 'unsafe-key'
  | 'not-a-store';

export interface Problem {
  kind: ProblemKind;
  /** The key the problem is about (from the sidecar's file name), when there is one. */
  key?: string;
  /** Absolute path of the file or folder at fault. */
  path: string;
  message: string;
  /** Whether `store.fixProblem` can repair it (by deleting `path`). */
  fixable?: boolean;
}

export interface ArtifactEntry extends Artifact {
  /** The key from the sidecar's file name: the artifact's identity in the store. */
  key: string;
  /** The sidecar's own `key` field when it differs from the file name (see key-mismatch). */
  keyField?: string;
  sidecarPath: string;
  dataPath: string;
  dataExists: boolean;
  /** Bytes of the data: a file's size, or the sum over a folder's files. null when missing. */
  sizeBytes: number | null;
  dataKind: 'file' | 'directory' | 'missing' | 'other';
  problems: Problem[];
}

export interface StoreReport {
  root: string;
  /** Every artifact whose sidecar is valid, sorted by key. */
  artifacts: ArtifactEntry[];
  /** Every problem of the store, artifacts' own problems included. */
  problems: Problem[];
  /** Keys whose sidecar could not be read (also listed in `problems`). */
  brokenKeys: string[];
  totalBytes: number;
  scannedAt: string;
  /** false when the folder has no `xpersist_metadata_store/` folder (kind `not-a-store`). */
  isStore: boolean;
}

export type DuplicateKeyPolicy = 'skip' | 'overwrite' | 'raise_error';

export interface OpenOptions {
  readonly?: boolean;
  onDuplicateKey?: DuplicateKeyPolicy;
  /**
   * A folder outside the store where the core may persist a scan index between store objects
   * and processes (the extension passes its global storage). The index is used only where it is
   * proven current; without this option nothing is persisted. The store itself is never written.
   */
  indexDir?: string;
  /**
   * For a store on object storage: fsspec's storage_options, by s3fs's or adlfs's names
   * (`key`, `secret`, `endpoint_url`, `client_kwargs`, `anon`, `profile`; `connection_string`,
   * `account_name`, `account_key`, `sas_token`). Missing values are found as those libraries find
   * them (fsspec config, environment variables, profiles).
   */
  storageOptions?: Record<string, unknown>;
}

export interface DeleteResult {
  /** Sidecar and data paths deleted (or that a dry run would delete). */
  paths: string[];
  /** Folders left empty by the delete and removed with it (up to, not including, the roots). */
  prunedDirs: string[];
}

export interface ImportOptions {
  serializer: string;
  dumpKwargs?: Record<string, unknown>;
  additionalMetadata?: Record<string, unknown>;
}

/** What a write did, as `onDuplicateKey` decided. */
export type WriteOutcome = 'written' | 'overwritten' | 'skipped';

export interface WrittenArtifact extends Artifact {
  outcome: WriteOutcome;
}

/** What a long scan reports while it runs (stores on object storage; a local store's first page). */
export interface ScanProgress {
  phase: 'listing' | 'sidecars';
  /** Objects listed, or sidecars fetched so far. */
  done: number;
  /** Sidecars to fetch (null while listing). */
  total: number | null;
  /** What is known so far: artifacts whose sidecars are read (only in the sidecars phase). */
  report?: StoreReport;
}

export interface ScanOptions {
  /** Stops the scan: it then rejects with an Error whose message is "Scan cancelled.". */
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /**
   * A full scan of a local store more than twice this size first reports (onProgress, with a
   * `report` of those artifacts only) the first `size` keys in `compare` order (default: sorted),
   * each stat'ed and read at that moment: a view can list them before the rest is proven.
   */
  firstPage?: { size: number; compare?: (a: string, b: string) => number };
}
