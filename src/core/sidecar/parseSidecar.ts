// Sidecar text -> Artifact, tolerant like pydantic, with a specific reason when it fails.
// Two paths with one result: a hand-written fast path for what xpersist writes (an object whose
// key/serializer are strings, dicts or null, created_at a string or null), and the zod schema
// for everything else, which also words the errors. A unit test runs both on every fixture.
import { ArtifactError } from '../errors';
import { decodeJsonBytes, JsonDecodeBytesError } from '../json/pythonDecode';
import { JsonSyntaxError, parsePythonJson } from '../json/tolerantJson';
import type { Artifact } from '../types';
import { DateTimeParseError, isoformat, parsePydanticDateTime, toDate } from './createdAt';
import { describeIssues, sidecarSchema } from './schema';

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** A dict field as the schema reads it when no coercion is involved; undefined: ask the schema. */
function plainDict(v: unknown): Record<string, unknown> | undefined {
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  return undefined;
}

/**
 * The fast path: the Artifact when the sidecar is plain xpersist output, else null (then the
 * schema decides, and explains). Never throws.
 */
export function parseSidecarFast(text: string): Artifact | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const f = raw as Record<string, unknown>;
  if (typeof f.key !== 'string' || typeof f.serializer !== 'string') return null;
  const loadKwargs = plainDict(f.load_kwargs);
  const dumpKwargs = plainDict(f.dump_kwargs);
  const additionalMetadata = plainDict(f.additional_metadata);
  if (!loadKwargs || !dumpKwargs || !additionalMetadata) return null;
  let createdAt: Date | null = null;
  let createdAtText: string | null = null;
  const c = f.created_at;
  if (c !== null && c !== undefined) {
    if (typeof c !== 'string') return null;
    try {
      const dt = parsePydanticDateTime(c);
      createdAt = toDate(dt);
      createdAtText = isoformat(dt);
    } catch (err) {
      if (err instanceof DateTimeParseError) return null;
      throw err;
    }
  }
  return {
    key: f.key,
    serializer: f.serializer,
    loadKwargs,
    dumpKwargs,
    additionalMetadata,
    createdAt,
    createdAtText,
  };
}

/**
 * Parses a sidecar: its bytes (decoded as Python's json.loads(bytes) decodes them: UTF-8, UTF-16
 * or UTF-32) or its text. `fileKey` (from the file name) and `path` only label the error.
 * Throws ArtifactError (kind `invalid-json`, `invalid-sidecar`, or `unsupported-sidecar` when
 * xpersist may read it and this parser does not).
 */
export function parseSidecarText(input: string | Uint8Array, fileKey: string, path: string): Artifact {
  const text = typeof input === 'string' ? input : decodeSidecarBytes(input, fileKey, path);
  checkDepth(text, fileKey, path);
  return parseSidecarFast(text) ?? parseSidecarSlow(text, fileKey, path);
}

/** json.loads' decoding of a sidecar's bytes, refused as invalid JSON where Python refuses. */
export function decodeSidecarBytes(input: Uint8Array, fileKey: string, path: string): string {
  try {
    return decodeJsonBytes(input);
  } catch (err) {
    if (!(err instanceof JsonDecodeBytesError)) throw err;
    throw new ArtifactError(
      fileKey,
      path,
      'invalid-json',
      `invalid JSON: UnicodeDecodeError: ${err.message}`,
    );
  }
}

/** The text Python's json.loads sees in a sidecar's bytes, lossy UTF-8 where Python cannot decode. */
export function sidecarBytesText(bytes: Uint8Array): string {
  try {
    return decodeJsonBytes(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
}

// Python's json decoder recurses once per nested array/object against the recursion limit
// (1000): called from xpersist's get_artifact, 992 levels always fail (RecursionError); how many
// fewer succeed depends on the caller's stack. Up to SURE_DEPTH is read everywhere.
const PY_JSON_FAIL_DEPTH = 992;
const SURE_DEPTH = 800;

/** The deepest nesting of arrays/objects outside strings (one linear pass). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

export function checkDepth(text: string, fileKey: string, path: string): void {
  if (text.length < 2 * SURE_DEPTH) return; // too short to nest that deep
  const depth = jsonDepth(text);
  if (depth >= PY_JSON_FAIL_DEPTH) {
    const why = `invalid JSON: nested ${depth} levels deep, Python's json raises RecursionError (maximum recursion depth exceeded while decoding)`;
    throw new ArtifactError(fileKey, path, 'invalid-json', why);
  }
  if (depth > SURE_DEPTH) {
    const why = `nested ${depth} levels deep: xpersist reads it only when called with few frames on its stack (Python's recursion limit), this explorer does not read it`;
    throw new ArtifactError(fileKey, path, 'unsupported-sidecar', why);
  }
}

/**
 * The schema path: every pydantic coercion, and a reason for each way a sidecar can fail.
 * `parse` is json.loads; a caller that also needs the raw tree passes one that keeps it, so a
 * large sidecar is parsed once.
 */
export function parseSidecarSlow(
  text: string,
  fileKey: string,
  path: string,
  parse: (text: string) => unknown = parsePythonJson,
): Artifact {
  let raw: unknown;
  if (text.trim() === '') {
    throw new ArtifactError(
      fileKey,
      path,
      'invalid-json',
      `invalid JSON: the file is empty (${text.length} bytes)`,
    );
  }
  // json.loads(bytes) strips one UTF-8 BOM when decoding (sidecarBytes did); one left is data.
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ArtifactError(
      fileKey,
      path,
      'invalid-json',
      'invalid JSON: Expecting value: line 1 column 1 (char 0)',
    );
  }
  try {
    raw = parse(text);
  } catch (err) {
    const why = err instanceof JsonSyntaxError ? err.message : String(err);
    throw new ArtifactError(fileKey, path, 'invalid-json', `invalid JSON: ${why}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ArtifactError(
      fileKey,
      path,
      'invalid-sidecar',
      `not a JSON object: the file holds ${jsonTypeName(raw)}, an xpersist sidecar is an object`,
    );
  }
  const input = raw as Record<string, unknown>;
  const parsed = sidecarSchema.safeParse(input);
  if (!parsed.success) {
    throw new ArtifactError(fileKey, path, 'invalid-sidecar', describeIssues(parsed.error, input));
  }
  const f = parsed.data;
  return {
    key: f.key,
    serializer: f.serializer,
    loadKwargs: f.load_kwargs ?? {},
    dumpKwargs: f.dump_kwargs ?? {},
    additionalMetadata: f.additional_metadata ?? {},
    createdAt: f.created_at ? toDate(f.created_at) : null,
    createdAtText: f.created_at ? isoformat(f.created_at) : null,
  };
}
