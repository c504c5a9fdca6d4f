// Sidecar text exactly as pydantic's `Artifact.json(indent=2)` writes it: the six fields in
// model order, Python's json.dumps formatting, `created_at` as isoformat().
import { type DumpValue, pyFloatRepr, pyJsonDumps } from '../json/pythonJson';
import { PyDict, PyFloat, PyInt, parsePythonJsonRaw, type RawJson, toPlain } from '../json/tolerantJson';
import { isoformat, parsePydanticDateTime } from './createdAt';
import { checkDepth, decodeSidecarBytes, parseSidecarFast, parseSidecarSlow } from './parseSidecar';

export interface SidecarRecord {
  key: string;
  serializer: string;
  loadKwargs: DumpValue;
  dumpKwargs: DumpValue;
  additionalMetadata: DumpValue;
  /** isoformat() text, or null. */
  createdAt: string | null;
}

export function sidecarText(r: SidecarRecord): string {
  return pyJsonDumps(
    new PyDict([
      ['key', r.key],
      ['serializer', r.serializer],
      ['load_kwargs', r.loadKwargs as RawJson],
      ['dump_kwargs', r.dumpKwargs as RawJson],
      ['additional_metadata', r.additionalMetadata as RawJson],
      ['created_at', r.createdAt],
    ]),
  );
}

function rawToStr(v: RawJson | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof PyInt) return v.text;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  throw new Error('str type expected');
}

/** pydantic's Optional[Dict] as it would re-emit it: missing -> {}, null stays null. */
function rawDict(v: RawJson | undefined): RawJson {
  if (v === undefined) return new PyDict([]);
  if (v === '' || (Array.isArray(v) && v.length === 0)) return new PyDict([]);
  if (Array.isArray(v)) {
    return new PyDict(v.map((pair) => [rawToStr((pair as RawJson[])[0]), (pair as RawJson[])[1]]));
  }
  return v;
}

/**
 * The record of an existing sidecar (already known to be valid), keeping Python's view of its
 * values (floats, big ints, key order) so that rewriting it under another key is faithful.
 */
export function recordFromSidecarText(text: string): SidecarRecord {
  return recordFromRaw(parsePythonJsonRaw(text));
}

/**
 * The record of a sidecar about to be copied, refused with parseSidecarText's reason when it is
 * broken. One parse where the plain JSON path fails (NaN/Infinity): the raw tree it keeps serves
 * both the check and the record (a 100 MB sidecar was parsed twice, 9 s).
 */
export function recordForCopy(bytes: Uint8Array, fileKey: string, path: string): SidecarRecord {
  const text = decodeSidecarBytes(bytes, fileKey, path);
  checkDepth(text, fileKey, path);
  let raw: RawJson | undefined;
  const keepRaw = (t: string): unknown => {
    raw = parsePythonJsonRaw(t);
    return toPlain(raw);
  };
  if (!parseSidecarFast(text)) parseSidecarSlow(text, fileKey, path, keepRaw);
  return recordFromRaw(raw ?? parsePythonJsonRaw(text));
}

function recordFromRaw(raw: RawJson): SidecarRecord {
  if (!(raw instanceof PyDict)) throw new Error('sidecar is not a JSON object');
  const created = raw.get('created_at');
  let createdAt: string | null = null;
  if (created !== undefined && created !== null) {
    const plain =
      created instanceof PyInt ? Number(created.text) : created instanceof PyFloat ? created.value : created;
    createdAt = isoformat(parsePydanticDateTime(plain));
  }
  return {
    key: rawToStr(raw.get('key')),
    serializer: rawToStr(raw.get('serializer')),
    loadKwargs: rawDict(raw.get('load_kwargs')),
    dumpKwargs: rawDict(raw.get('dump_kwargs')),
    additionalMetadata: rawDict(raw.get('additional_metadata')),
    createdAt,
  };
}
