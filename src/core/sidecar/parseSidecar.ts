// Sidecar text -> Artifact, tolerant like pydantic, with a specific reason when it fails.
// Two paths with one result: a hand-written fast path for what xpersist writes (an object whose
// key/serializer are strings, dicts or null, created_at a string or null), and the zod schema
// for everything else, which also words the errors. A unit test runs both on every fixture.
import { ArtifactError } from '../errors';
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
 * Parses a sidecar. `fileKey` (from the file name) and `path` only label the error.
 * Throws ArtifactError (kind `invalid-json` or `invalid-sidecar`).
 */
export function parseSidecarText(text: string, fileKey: string, path: string): Artifact {
  return parseSidecarFast(text) ?? parseSidecarSlow(text, fileKey, path);
}

/** The schema path: every pydantic coercion, and a reason for each way a sidecar can fail. */
export function parseSidecarSlow(text: string, fileKey: string, path: string): Artifact {
  let raw: unknown;
  if (text.trim() === '') {
    throw new ArtifactError(
      fileKey,
      path,
      'invalid-json',
      `invalid JSON: the file is empty (${text.length} bytes)`,
    );
  }
  try {
    raw = parsePythonJson(text);
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
