// Errors the core throws. Each says what is wrong in words a user can act on.

/**
 * `unsupported-sidecar`: xpersist may read it, this library does not (too large to read here, not
 * a regular file, nested deeper than is sure): reported as a warning, never fixed by deleting.
 */
export type ArtifactErrorKind = 'not-found' | 'invalid-json' | 'invalid-sidecar' | 'unsupported-sidecar';

/** A key whose sidecar is missing or cannot be read as an xpersist Artifact. */
export class ArtifactError extends Error {
  constructor(
    readonly key: string,
    readonly path: string,
    readonly kind: ArtifactErrorKind,
    /** What is wrong, e.g. `invalid JSON: Expecting value: line 1 column 1 (char 0)`. */
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
    this.name = 'ArtifactError';
  }
}

/** A key that would point outside the store, into its metadata, or is not a relative path. */
export class UnsafeKeyError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`Refused key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'UnsafeKeyError';
  }
}

export class ReadonlyStoreError extends Error {
  constructor(
    readonly root: string,
    readonly operation: string,
  ) {
    super(`The cache store ${root} is read-only: ${operation} refused, nothing was changed.`);
    this.name = 'ReadonlyStoreError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(
    readonly key: string,
    readonly root: string,
  ) {
    super(`Key ${JSON.stringify(key)} already in cache store ${root} (on_duplicate_key="raise_error").`);
    this.name = 'DuplicateKeyError';
  }
}

export class KeyNotFoundError extends Error {
  constructor(
    readonly key: string,
    readonly root: string,
  ) {
    super(`Key ${JSON.stringify(key)} not found in cache store ${root}: no sidecar and no data.`);
    this.name = 'KeyNotFoundError';
  }
}
