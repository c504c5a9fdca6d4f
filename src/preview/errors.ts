// Errors the readers throw on purpose. `describe` turns an UnsupportedError (and any other failure
// to read) into `{ kind: 'unsupported', reason }`; readValues/readRows let them reach the caller.

export class PreviewError extends Error {
  override name = 'PreviewError';
}

/** The data cannot be previewed (unknown serializer, unreadable or corrupt file). */
export class UnsupportedError extends PreviewError {
  override name = 'UnsupportedError';
}

/** A request the reader refuses (too many values, unknown variable, bad selection). */
export class RequestError extends PreviewError {
  override name = 'RequestError';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
