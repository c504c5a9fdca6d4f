// What the core needs from where a store lives. The local disk implements it here
// (localStorage.ts); an object store (S3, Azure Blob) implements the same six operations over
// its HTTP API, where a listing returns sizes and change stamps (ETags) of many objects at once.

export type EntryKind = 'file' | 'dir' | 'other';

/** What says whether an entry changed: equal stamps mean unchanged content. */
export interface EntryStat {
  kind: EntryKind;
  size: number;
  /** Modification time in ms (fractional where the filesystem has finer clocks). */
  mtimeMs: number;
  /** Status-change time in ms: set by the OS on every write or rename, cannot be set back. */
  ctimeMs: number;
  /** Identity of the entry (an inode number, or a hash of an ETag/version on object storage). */
  id: number;
}

export interface StoreStorage {
  /** Entries of a folder with their kinds; null when the folder does not exist. */
  list(dir: string): Promise<{ name: string; kind: EntryKind }[] | null>;
  /** null when nothing is there. */
  stat(path: string): Promise<EntryStat | null>;
  read(path: string): Promise<Buffer>;
  /** Bytes [start, end) of a file (fewer at its end). */
  readRange(path: string, start: number, end: number): Promise<Buffer>;
  /** Replaces the file as a whole (readers see the old or the new content, never a mix). */
  write(path: string, data: Buffer | string): Promise<void>;
  /** Removes a file; nothing happens when it does not exist. */
  delete(path: string): Promise<void>;
}
