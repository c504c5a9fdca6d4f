// joblib / pickle files as an object tree. The pickle stream is interpreted by our recording
// machine: nothing is imported or called. joblib's numpy arrays (raw bytes after the wrapper
// object) are skipped over, keeping only where they are, so a multi-GB array costs no memory.

import { isRemotePath, openRegular, type ReadHandle, readRange } from '../boundedFs';
import { UnsupportedError } from '../errors';
import type { ObjectModel } from '../model';
import { BLOCK_BYTES } from '../remote/objectFiles';
import { type Compression, decompress, sniffCompression } from './decompress';
import { dtypeOf } from './numpyArrays';
import { objectTree } from './objectTree';
import { type BuildHook, PickleError, runPickle } from './pickleMachine';
import {
  BlockSource,
  FileSource,
  MemorySource,
  NeedBytes,
  type PickleSource,
  TruncatedPickle,
} from './pickleSource';
import { type Py, PyDict, type PyObj, PyTuple } from './pyObjects';

/** Uncompressed files up to this size are read at once; bigger ones through a sliding window. */
const READ_WHOLE = 64 * 1024 * 1024;

/** joblib.numpy_pickle.NumpyArrayWrapper: BUILD is followed by the array, outside pickle opcodes. */
export const joblibArrays: BuildHook = (obj: PyObj, src: PickleSource, nested: () => Py) => {
  if (obj.qualname !== 'joblib.numpy_pickle.NumpyArrayWrapper' || !(obj.state instanceof PyDict)) return null;
  const st = obj.state;
  const dtype = dtypeOf(st.get('dtype') ?? null);
  const shapePy = st.get('shape');
  const shape = shapePy instanceof PyTuple ? shapePy.items.map(Number) : [];
  if (!dtype) throw new PickleError('joblib array with an unreadable dtype');
  // Object arrays are a nested pickle (no alignment padding).
  if (dtype.kind === 'O') return { kind: 'objects', value: nested() };
  if (st.get('numpy_array_alignment_bytes') !== undefined) src.bytes(src.byte());
  const n = shape.reduce((a, b) => a * b, 1) * dtype.itemsize;
  return { kind: 'bytes', data: src.lazy(n) };
};

export async function openPickle(path: string): Promise<{ model: ObjectModel; compression: string }> {
  if (isRemotePath(path)) return openRemotePickle(path);
  // A FIFO or device where the pickle should be is refused: open() of a FIFO never returns.
  const fh = await openRegular(path, 'pickle');
  let size: number;
  let compression: Compression;
  let whole: Uint8Array | null = null;
  try {
    size = (await fh.stat()).size;
    if (size === 0) throw new UnsupportedError('the file is empty');
    const head = new Uint8Array(Math.min(16, size));
    await fh.read(head, 0, head.length, 0);
    compression = sniffCompression(head);
    // Compressed pickles are decoded whole (bounded by the decoder's output limit).
    if (compression !== 'none' || size <= READ_WHOLE) whole = await readRange(fh, 0, size, `pickle ${path}`);
  } finally {
    await fh.close();
  }
  const src: PickleSource = whole
    ? new MemorySource(await decompress(compression, whole))
    : new FileSource(path, size);
  return treeOf(src, compression);
}

/**
 * A pickle on object storage. Compressed ones are fetched whole (a stream cannot be entered in
 * the middle), up to READ_WHOLE bytes. An uncompressed one is read by ranged GETs through a
 * BlockSource: the machine runs, asks for the bytes it misses, runs again; joblib array data is
 * skipped, so only the opcode stream and the values the tree keeps are fetched.
 */
async function openRemotePickle(path: string): Promise<{ model: ObjectModel; compression: string }> {
  const fh = await openRegular(path, 'pickle');
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new UnsupportedError('the file is empty');
    const compression = sniffCompression(await readRange(fh, 0, Math.min(16, size), `pickle ${path}`));
    if (compression === 'none') return await remoteBlocks(fh, path, size);
    if (size > READ_WHOLE)
      throw new UnsupportedError(
        `a ${compression}-compressed pickle on object storage is read whole, and this one is ${size} bytes (more than ${READ_WHOLE}): not previewed`,
      );
    const bytes = await readRange(fh, 0, size, `pickle ${path}`, READ_WHOLE);
    return treeOf(new MemorySource(await decompress(compression, bytes)), compression);
  } finally {
    await fh.close();
  }
}

/** The unit of a remote pickle's reads (a refused file costs one): the remote files' block. */
const REMOTE_BLOCK = BLOCK_BYTES;
/** Runs of the machine before a remote pickle is refused (with READ_WHOLE bytes fetched in all). */
const MAX_RUNS = 200;

async function remoteBlocks(fh: ReadHandle, path: string, size: number) {
  const blocks = new Map<number, Uint8Array>();
  let fetched = 0;
  for (let run = 1; ; run++) {
    try {
      // Each miss asks for more (64 KiB, doubling every other run, up to 4 MiB): a long opcode
      // stream (a DataFrame's) takes a few runs, a refused file one block.
      const ahead = Math.min(4 * 2 ** 20, REMOTE_BLOCK * 2 ** Math.floor((run - 1) / 2));
      return treeOf(new BlockSource(blocks, size, REMOTE_BLOCK, ahead), 'none');
    } catch (err) {
      if (!(err instanceof NeedBytes)) throw err;
      if (run >= MAX_RUNS || fetched + err.length > READ_WHOLE)
        throw new UnsupportedError(
          `this pickle needs more than ${READ_WHOLE} bytes or ${MAX_RUNS} reads from object storage to preview: not previewed`,
        );
      const bytes = await readRange(fh, err.offset, err.length, `pickle ${path}`, READ_WHOLE);
      for (let at = 0; at < bytes.length; at += REMOTE_BLOCK)
        blocks.set((err.offset + at) / REMOTE_BLOCK, bytes.subarray(at, at + REMOTE_BLOCK));
      fetched += bytes.length;
    }
  }
}

function treeOf(src: PickleSource, compression: string): { model: ObjectModel; compression: string } {
  try {
    const root = runPickle(src, joblibArrays);
    return { model: { kind: 'object', tree: objectTree(root) }, compression };
  } catch (err) {
    if (err instanceof TruncatedPickle) throw new UnsupportedError(`not a complete pickle: ${err.message}`);
    if (err instanceof PickleError || err instanceof RangeError || err instanceof SyntaxError) {
      throw new UnsupportedError(
        `not a readable pickle${compression !== 'none' ? ` (${compression}-compressed)` : ''}: ${err.message}`,
      );
    }
    throw err;
  } finally {
    src.close();
  }
}
