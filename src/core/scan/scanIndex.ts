// What a full scan leaves for the next one: in memory for the same store object, and persisted
// (when the store was opened with `indexDir`) for new store objects and other processes. Nothing
// in it is ever shown without proof that it is current:
// - a sidecar's parsed content is used only while the sidecar's stamp (mtime, ctime, size,
//   inode) is what it was; ctime cannot be set back by anyone, so a rewrite in place with the
//   same size and a restored mtime still shows;
// - the listing of the metadata store (keys, stray files, empty folders) only while every
//   folder it read has its stamp; orphan data likewise with the folders of the data area;
// - a stamp taken within RACY_MS of a change is stored as unknown (NaN), so a change in the same
//   clock tick as the observation (coarse timestamps; git calls these "racily clean") cannot
//   hide: such entries are read again next time.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ArtifactError } from '../errors';
import type { MetadataListing } from './listMetadata';
import { type DirTuple, type SidecarRecord, STAMP } from './scanPart';

/** A change this close (ms) to an observation may share its timestamp: not trusted. */
export const RACY_MS = 3000;
/** Numbers per folder stamp: mtimeMs, ctimeMs, inode. */
export const DIR_STAMP = 3;

// 3: sidecar verdicts of the pydantic-exact parser (huge numbers, UTF-16...) replace older ones.
// 4: records in chunks. 5: folder sizes. 6: folder listings only (a size is never proven by a
// folder's stamp: a chunk rewritten in place changes none).
const MAGIC = 'xpersist-scan-index 6\n';

/**
 * Records per stored chunk. Each chunk is its own JSON text, parsed on its own, so a scan can let
 * the host breathe between chunks: one JSON.parse of 100,000 records held the extension host for
 * a second or more on a loaded machine.
 */
export const RECORD_CHUNK = 2000;

// Records are stored as JSON (V8 parses it about twice as fast as v8.deserialize builds the same
// objects), one compact array per sidecar. What JSON cannot hold exactly (NaN, Infinity) is not
// stored: that key's stamp is dropped with it, so it is read again.
type StoredRecord =
  | [
      serializer: string,
      load: unknown,
      dump: unknown,
      meta: unknown,
      createdMs: number | null,
      createdText: string | null,
      keyField: string,
    ]
  | ['!', kind: ArtifactError['kind'], reason: string]
  | null;

function exactInJson(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (Array.isArray(v)) return v.every(exactInJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v as object).every(exactInJson);
  }
  return false;
}

function storeRecord(r: SidecarRecord): StoredRecord {
  if ('error' in r) return ['!', r.error.kind, r.error.reason];
  if (!exactInJson(r.loadKwargs) || !exactInJson(r.dumpKwargs) || !exactInJson(r.additionalMetadata))
    return null;
  return [
    r.serializer,
    r.loadKwargs,
    r.dumpKwargs,
    r.additionalMetadata,
    r.createdAt ? r.createdAt.getTime() : null,
    r.createdAtText,
    r.key,
  ];
}

function loadRecord(s: StoredRecord): SidecarRecord | null {
  if (!Array.isArray(s) || typeof s[0] !== 'string') return null;
  if (s[0] === '!') return { error: { kind: s[1] as ArtifactError['kind'], reason: String(s[2]) } };
  const r = s as unknown[];
  return {
    key: String(r[6]),
    serializer: s[0],
    loadKwargs: r[1] as Record<string, unknown>,
    dumpKwargs: r[2] as Record<string, unknown>,
    additionalMetadata: r[3] as Record<string, unknown>,
    createdAt: typeof r[4] === 'number' ? new Date(r[4]) : null,
    createdAtText: typeof r[5] === 'string' ? r[5] : null,
  };
}

/** What the next full scan may reuse, each part with the stamps that prove it. */
export interface ScanState {
  listing: MetadataListing;
  listingStamps: Float64Array;
  /** Folders of the data area the orphan search read, their stamps, and what it found. */
  orphanDirs: string[];
  orphanStamps: Float64Array;
  orphanRels: string[];
  /**
   * Per key whose data is a folder (a zarr store), the listings of the folders it was summed
   * from, none read within RACY_MS of a change: a new process reuses a listing while its folder's
   * mtime and ctime are unchanged instead of listing it again, and stats the files for their
   * sizes (a size cannot be proven by a folder's stamp).
   */
  dirSizes: Map<string, DirTuple[]>;
}

/** A persisted index: the state, and per observed key its sidecar stamp and parsed record. */
export interface SavedIndex {
  state: ScanState;
  keys: string[];
  stamps: Float64Array;
  /** How many chunks of (at most) RECORD_CHUNK records follow, in the order of `keys`. */
  recordChunks: number;
  /** Parses chunk `i` of the records (the larger part); null where a record is not stored. */
  records(chunk: number): (SidecarRecord | null)[] | null;
}

export function isRacy(mtimeMs: number, ctimeMs: number, observedAt: number): boolean {
  return !(mtimeMs < observedAt - RACY_MS && ctimeMs < observedAt - RACY_MS);
}

/** Current stamps of folders (NaN for a missing or racy one). */
export function folderStamps(dirs: string[], observedAt: number): Float64Array {
  const out = new Float64Array(dirs.length * DIR_STAMP).fill(Number.NaN);
  for (let i = 0; i < dirs.length; i++) {
    let st: Stats | undefined;
    try {
      st = statSync(dirs[i], { throwIfNoEntry: false });
    } catch {
      // An unreadable folder (a path over PATH_MAX): no stamp, so nothing is reused over it.
    }
    if (!st?.isDirectory() || isRacy(st.mtimeMs, st.ctimeMs, observedAt)) continue;
    out[i * DIR_STAMP] = st.mtimeMs;
    out[i * DIR_STAMP + 1] = st.ctimeMs;
    out[i * DIR_STAMP + 2] = st.ino;
  }
  return out;
}

/** True when every stamp is known and equal (NaN never proves anything). */
export function stampsHold(then: Float64Array, now: Float64Array): boolean {
  if (then.length !== now.length || then.length === 0) return false;
  for (let i = 0; i < then.length; i++) if (then[i] !== now[i]) return false;
  return true;
}

/** Same content, NaN equal to NaN: whether anything worth persisting changed. */
export function sameNumbers(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

export function indexFile(indexDir: string, root: string): string {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 24);
  return path.join(indexDir, `${id}.scan-index`);
}

function validState(s: ScanState): boolean {
  const l = s?.listing;
  return (
    Array.isArray(l?.keys) &&
    Array.isArray(l.strayFiles) &&
    Array.isArray(l.emptyDirs) &&
    Array.isArray(l.dirs) &&
    s.listingStamps instanceof Float64Array &&
    s.listingStamps.length === l.dirs.length * DIR_STAMP &&
    Array.isArray(s.orphanDirs) &&
    s.orphanStamps instanceof Float64Array &&
    s.orphanStamps.length === s.orphanDirs.length * DIR_STAMP &&
    Array.isArray(s.orphanRels) &&
    s.dirSizes instanceof Map &&
    validDirSizes(s.dirSizes)
  );
}

function validDirSizes(sizes: Map<string, DirTuple[]>): boolean {
  for (const entries of sizes.values()) {
    if (!Array.isArray(entries)) return false;
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 5 || typeof e[0] !== 'string') return false;
      if (typeof e[1] !== 'number' || typeof e[2] !== 'number') return false;
      if (!Array.isArray(e[3]) || !e[3].every((f) => typeof f === 'string')) return false;
      if (!Array.isArray(e[4]) || !e[4].every((d) => typeof d === 'string')) return false;
    }
  }
  return true;
}

/** Whether indexDir holds the index of a store big enough to be scanned in threads. */
export function holdsLargeIndex(indexDir: string, minBytes = 200_000): boolean {
  try {
    return readdirSync(indexDir).some(
      (f) => f.endsWith('.scan-index') && (statSync(path.join(indexDir, f)).size ?? 0) >= minBytes,
    );
  } catch {
    return false;
  }
}

/** The index of `root` in `indexDir`, or null when there is none or it cannot be used. */
export function loadIndex(indexDir: string, root: string): SavedIndex | null {
  let buf: Buffer;
  try {
    buf = readFileSync(indexFile(indexDir, root));
  } catch {
    return null;
  }
  try {
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
    const headLen = buf.readUInt32LE(MAGIC.length);
    const headAt = MAGIC.length + 4;
    const head = deserialize(buf.subarray(headAt, headAt + headLen));
    if (head?.root !== root || head.v8 !== process.versions.v8 || !validState(head.state)) return null;
    if (!Array.isArray(head.keys) || !(head.stamps instanceof Float64Array)) return null;
    if (head.stamps.length !== head.keys.length * STAMP) return null;
    const chunks = chunkSpans(buf, headAt + headLen, head.keys.length);
    if (!chunks) return null;
    return {
      state: head.state,
      keys: head.keys,
      stamps: head.stamps,
      recordChunks: chunks.length,
      records: (i) => parseChunk(buf, chunks[i], Math.min(RECORD_CHUNK, head.keys.length - i * RECORD_CHUNK)),
    };
  } catch {
    return null;
  }
}

/** Where each chunk's JSON lies ([start, end) byte offsets); null unless they fill the file exactly. */
function chunkSpans(buf: Buffer, from: number, keys: number): [number, number][] | null {
  const spans: [number, number][] = [];
  let at = from;
  while (at + 4 <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (at + 4 + len > buf.length) return null;
    spans.push([at + 4, at + 4 + len]);
    at += 4 + len;
  }
  return at === buf.length && spans.length === Math.ceil(keys / RECORD_CHUNK) ? spans : null;
}

function parseChunk(
  buf: Buffer,
  span: [number, number] | undefined,
  n: number,
): (SidecarRecord | null)[] | null {
  if (!span) return null;
  try {
    // ASCII only (asciiJson): latin1 decoding is a copy, UTF-8 decoding is not.
    const r = JSON.parse(buf.toString('latin1', span[0], span[1]));
    return Array.isArray(r) && r.length === n ? r.map(loadRecord) : null;
  } catch {
    return null;
  }
}

/** JSON with every non-ASCII code unit escaped (`\\u00e9`), so its bytes decode as latin1. */
export function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The index as bytes (written atomically by the caller). `between` runs between record chunks:
 * turning 100,000 records into JSON is a few hundred milliseconds the host need not hold at once.
 */
export async function indexBytes(
  root: string,
  state: ScanState,
  keys: string[],
  stamps: Float64Array,
  records: SidecarRecord[],
  between: () => Promise<void> = async () => {},
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let from = 0; from < records.length; from += RECORD_CHUNK) {
    const stored = records.slice(from, from + RECORD_CHUNK).map(storeRecord);
    for (let i = 0; i < stored.length; i++)
      if (stored[i] === null) stamps.fill(Number.NaN, (from + i) * STAMP, (from + i + 1) * STAMP);
    const json = Buffer.from(asciiJson(stored), 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.length);
    parts.push(len, json);
    if (from + RECORD_CHUNK < records.length) await between();
  }
  const head = serialize({ root, v8: process.versions.v8, state, keys, stamps });
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, head, ...parts]);
}
