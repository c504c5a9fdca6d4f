// Sidecar text -> Artifact, tolerant like pydantic, with a specific reason when it fails.
import { ArtifactError } from '../errors';
import { JsonSyntaxError, parsePythonJson } from '../json/tolerantJson';
import type { Artifact } from '../types';
import { isoformat, toDate } from './createdAt';
import { describeIssues, sidecarSchema } from './schema';

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * Parses a sidecar. `fileKey` (from the file name) and `path` only label the error.
 * Throws ArtifactError (kind `invalid-json` or `invalid-sidecar`).
 */
export function parseSidecarText(text: string, fileKey: string, path: string): Artifact {
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
