// Public API of the core (docs/ARCHITECTURE.md): an xpersist-compatible cache store in pure Node.
export { CacheStore } from './cacheStore';
export {
  ArtifactError,
  type ArtifactErrorKind,
  DuplicateKeyError,
  KeyNotFoundError,
  ReadonlyStoreError,
  UnsafeKeyError,
} from './errors';
export { keyProblem, METADATA_DIR, SIDECAR_SUFFIX } from './layout';
export { OutsideStoreError } from './safeFs';
export { holdsLargeIndex } from './scan/scanIndex';
export { warmUpScanThreads } from './scan/workerPool';
export { TRASH_DIR, type TrashEntry, type TrashResult } from './trash';
export type {
  Artifact,
  ArtifactEntry,
  DeleteResult,
  DuplicateKeyPolicy,
  ImportOptions,
  OpenOptions,
  Problem,
  ProblemKind,
  ScanOptions,
  ScanProgress,
  StoreReport,
  WriteOutcome,
  WrittenArtifact,
} from './types';
