// Where xpersist puts things, and which keys are safe to map to paths.
// data:    <root>/<key>
// sidecar: <root>/xpersist_metadata_store/<key>.artifact.json
import path from 'node:path';
import { UnsafeKeyError } from './errors';

export const METADATA_DIR = 'xpersist_metadata_store';
export const SIDECAR_SUFFIX = '.artifact.json';
/** Folders the core itself creates inside a store while moving data; never keys. */
export const WORK_PREFIX = '.xpersist-';
/** The undo-able deletes of the extension (src/core/trash.ts); in the root, never a key. */
export const TRASH_DIR = `${WORK_PREFIX}trash`;

const isWindows = process.platform === 'win32';

/** Why a key is unsafe, or null when it maps to a path inside the store's data area. */
export function keyProblem(key: string): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'the key is empty';
  if (key.includes('\0')) return 'the key contains a NUL character';
  if (key.startsWith('/') || (isWindows && (key.startsWith('\\') || /^[a-zA-Z]:/.test(key)))) {
    return 'the key is an absolute path (xpersist would treat "/x" and "x" as the same key)';
  }
  // A scan checks 10,000 keys each time, nearly all of one segment: no split for those.
  const nested = isWindows ? /[\\/]/.test(key) : key.includes('/');
  const segments = nested ? key.split(isWindows ? /[\\/]/ : '/') : [key];
  if (segments.some((s) => s === '..')) return 'the key has a ".." segment, which leaves the store';
  if (segments.some((s) => s === '.')) return 'the key has a "." segment';
  if (segments.some((s) => s === '')) return 'the key has an empty path segment ("//" or a trailing "/")';
  if (isWindows && /[:*?"<>|]/.test(key)) return 'the key has characters Windows cannot use in file names';
  if (segments[0] === METADATA_DIR) return `the key would put data inside ${METADATA_DIR}/`;
  if (segments[0].startsWith(WORK_PREFIX)) return `keys starting with "${WORK_PREFIX}" are reserved`;
  return null;
}

export function assertSafeKey(key: string): void {
  const why = keyProblem(key);
  if (why) throw new UnsafeKeyError(key, why);
}

export function metadataRoot(root: string): string {
  return path.join(root, METADATA_DIR);
}

// Plain concatenation: keys are validated relative paths, and path.join's normalisation costs
// more than the stat that follows when a scan builds 20,000 paths.
const toNative = path.sep === '/' ? (key: string) => key : (key: string) => key.replaceAll('/', path.sep);

export function dataPathOf(root: string, key: string): string {
  return root + path.sep + toNative(key);
}

export function sidecarPathOf(root: string, key: string): string {
  return root + path.sep + METADATA_DIR + path.sep + toNative(key) + SIDECAR_SUFFIX;
}

/** True when `p` is `dir` itself or below it (lexically; callers resolve symlinks first). */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
