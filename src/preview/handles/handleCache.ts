// Open readers, kept per path so the second slice or page is fast: an LRU of handles, each with the
// signature (size and mtime of the files that define it) it was opened with. A changed signature
// closes the stale handle and opens a fresh one, so a rewritten artifact is never shown stale.

import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isRemotePath, joinPath } from '../boundedFs';
import { MAX_OPEN_HANDLES } from '../limits';
import { type RemoteStat, remoteHead, remoteStat } from '../remote/objectFiles';

interface Entry<T> {
  signature: string;
  value: Promise<T>;
  close: (v: T) => void | Promise<void>;
}

const entries = new Map<string, Entry<unknown>>();

/** size:mtime of the path and, for folders, of the metadata documents that describe a zarr store. */
export async function signatureOf(p: string): Promise<string> {
  if (isRemotePath(p)) return remoteSignature(p);
  const st = await fsp.stat(p).catch(() => null);
  if (!st) return 'missing';
  if (!st.isDirectory()) return `${st.size}:${st.mtimeMs}`;
  const parts = [`d:${st.mtimeMs}`];
  for (const f of ['.zmetadata', 'zarr.json', '.zgroup', '.zattrs', '.zarray']) {
    const s = await fsp.stat(path.join(p, f)).catch(() => null);
    if (s) parts.push(`${f}:${s.size}:${s.mtimeMs}`);
  }
  return parts.join('|');
}

/** The same for an object (its ETag) or a zarr prefix (the ETags of its metadata objects). */
async function remoteSignature(p: string): Promise<string> {
  const sig = (s: RemoteStat | null) => (s ? `${s.size}:${s.etag}` : '-');
  const st = await remoteStat(p);
  if (!st) return 'missing';
  if (!st.isDirectory()) return sig(st);
  const files = ['.zmetadata', 'zarr.json', '.zgroup', '.zattrs', '.zarray'];
  const metas = await Promise.all(files.map((f) => remoteHead(joinPath(p, f)).catch(() => null)));
  return ['d', ...metas.map((s, i) => `${files[i]}:${sig(s)}`)].join('|');
}

export async function cachedHandle<T>(
  key: string,
  file: string,
  open: () => Promise<T>,
  close: (v: T) => void | Promise<void>,
): Promise<T> {
  const signature = await signatureOf(file);
  const hit = entries.get(key) as Entry<T> | undefined;
  if (hit) {
    entries.delete(key);
    if (hit.signature === signature) {
      entries.set(key, hit as Entry<unknown>);
      return hit.value;
    }
    void hit.value.then((v) => hit.close(v)).catch(() => undefined);
  }
  const value = open();
  const entry: Entry<T> = { signature, value, close };
  entries.set(key, entry as Entry<unknown>);
  // A failed open is not kept: the next call retries.
  value.catch(() => {
    if (entries.get(key) === (entry as Entry<unknown>)) entries.delete(key);
  });
  while (entries.size > MAX_OPEN_HANDLES) {
    const [oldKey, old] = entries.entries().next().value as [string, Entry<unknown>];
    entries.delete(oldKey);
    void old.value.then((v) => old.close(v)).catch(() => undefined);
  }
  return value;
}

/** The handle under `key` if it is open (used for I/O statistics). */
export function peekHandle<T>(key: string): Promise<T> | null {
  return (entries.get(key)?.value as Promise<T> | undefined) ?? null;
}

export async function closeAllHandles(): Promise<void> {
  const all = [...entries.values()];
  entries.clear();
  await Promise.all(all.map((e) => e.value.then((v) => e.close(v)).catch(() => undefined)));
}

export const openHandleCount = (): number => entries.size;
