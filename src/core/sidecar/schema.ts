// The sidecar schema with pydantic 1.x's coercions (xpersist's `Artifact` model): what it
// accepts, we accept; what it rejects gets a reason that says which field and why.
// zod/mini: the same validators as zod's classic API in ~14 KB (classic zod is ~450 KB and ~18 ms
// to load, paid at activation).
import * as z from 'zod/mini';
import { DateTimeParseError, type PyDateTime, parsePydanticDateTime } from './createdAt';

/** pydantic's str_validator: str as is; int/float/bool coerced with str(). */
const pyStr = z.pipe(
  z.union([z.string(), z.number(), z.boolean()], { error: 'str type expected' }),
  z.transform((v) => {
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    return String(v);
  }),
);

/**
 * One item of dict(sequence): any iterable of exactly two items whose first is hashable. In JSON
 * that is a 2-list (first item not a list or dict), a 2-character string, or a dict of 2 keys
 * (iterating a dict gives its keys). null where dict() raises.
 */
function dictPair(p: unknown): [string, unknown] | null {
  if (Array.isArray(p)) {
    if (p.length !== 2 || (typeof p[0] === 'object' && p[0] !== null)) return null;
    return [String(p[0]), p[1]];
  }
  if (typeof p === 'string') {
    const chars = [...p];
    return chars.length === 2 ? [chars[0], chars[1]] : null;
  }
  if (typeof p === 'object' && p !== null) {
    const keys = Object.keys(p);
    return keys.length === 2 ? [keys[0], keys[1]] : null;
  }
  return null;
}

/** pydantic's dict_validator: a dict, or anything dict() accepts (pairs, empty sequences). */
const pyDict = z.optional(
  z.transform((v: unknown, ctx): Record<string, unknown> | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    if (v === '') return {};
    const pairs = Array.isArray(v) ? v.map(dictPair) : null;
    if (pairs?.every((p) => p !== null)) return Object.fromEntries(pairs);
    ctx.issues.push({ code: 'custom', message: 'value is not a valid dict', input: v });
    return z.NEVER;
  }),
);

const pyDateTime = z.optional(
  z.transform((v: unknown, ctx): PyDateTime | null => {
    if (v === null || v === undefined) return null;
    try {
      return parsePydanticDateTime(v);
    } catch (err) {
      const why = err instanceof DateTimeParseError ? err.message : String(err);
      // The value is quoted, but a 100 KB created_at is cut (head…tail) so the reason stays readable.
      const shown = JSON.stringify(v).replace(/^(.{120}).{20,}(.{40})$/s, '$1…$2');
      ctx.issues.push({ code: 'custom', message: `${why} (${shown})`, input: v });
      return z.NEVER;
    }
  }),
);

export const sidecarSchema = z.object({
  key: pyStr,
  serializer: pyStr,
  load_kwargs: pyDict,
  dump_kwargs: pyDict,
  additional_metadata: pyDict,
  created_at: pyDateTime,
});

export type SidecarFields = z.infer<typeof sidecarSchema>;

/** One line per issue: `field: what is wrong`, pydantic-like ("field required"). */
export function describeIssues(error: z.core.$ZodError, input: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      if (field && issue.path.length === 1 && !(String(issue.path[0]) in input)) {
        return `missing required field "${field}"`;
      }
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
