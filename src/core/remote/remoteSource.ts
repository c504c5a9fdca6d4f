// The data of an artifact to write into an object store: the files of a local file or folder,
// or the objects of a key in another object store, each read only when it is uploaded.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ObjectClient } from './objectClient';

export interface SourceFile {
  /** '' for a single file, else the path inside the folder, '/'-separated. */
  rel: string;
  read(): Promise<Buffer>;
}

/** Regular files of a local file or folder (symlinks are refused, as a copy must not follow them). */
export async function localSource(source: string): Promise<SourceFile[]> {
  const st = await fsp.lstat(source).catch(() => null);
  if (!st) throw new Error(`Nothing to import: ${source} does not exist.`);
  if (st.isFile()) return [{ rel: '', read: () => fsp.readFile(source) }];
  if (!st.isDirectory()) throw new Error(`Cannot import ${source}: not a regular file or folder.`);
  const out: SourceFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) await walk(p, `${prefix}${d.name}/`);
      else if (d.isFile()) out.push({ rel: `${prefix}${d.name}`, read: () => fsp.readFile(p) });
      else throw new Error(`Cannot import ${p}: not a regular file (symlinks and devices are not copied).`);
    }
  };
  await walk(source, '');
  return out;
}

/** The objects of one key in an object store: `key` itself, or everything under `key/`. */
export function objectSource(client: ObjectClient, dataKey: string, objects: string[]): SourceFile[] {
  return objects.map((k) => ({
    rel: k === dataKey ? '' : k.slice(dataKey.length + 1),
    read: async () => {
      const b = await client.get(k);
      if (!b) throw new Error(`${k} disappeared while it was being copied.`);
      return b;
    },
  }));
}

/** Writes source files below a local folder (or as the file itself for a single file). */
export async function materialize(files: SourceFile[], dest: string): Promise<void> {
  if (files.length === 1 && files[0].rel === '') {
    await fsp.writeFile(dest, await files[0].read());
    return;
  }
  await fsp.mkdir(dest, { recursive: true });
  for (const f of files) {
    const p = path.join(dest, ...f.rel.split('/'));
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, await f.read());
  }
}
