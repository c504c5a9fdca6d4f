// Python string literal decoding: prefixes, quotes and backslash escapes.

import { unescapePython } from '../../common/pyEscapes';

export interface StringToken {
  prefix: string;
  quote: string;
  /** Offset of the body inside the token text. */
  bodyStart: number;
  bodyEnd: number;
  raw: boolean;
  bytes: boolean;
  fstring: boolean;
}

export function scanStringToken(text: string): StringToken {
  let i = 0;
  while (i < text.length && /[a-zA-Z]/.test(text[i])) i++;
  const prefix = text.slice(0, i).toLowerCase();
  const q = text[i] ?? '"';
  const quote = text.startsWith(q.repeat(3), i) ? q.repeat(3) : q;
  const bodyStart = i + quote.length;
  // An unterminated literal (mid-edit) simply runs to the end of the token.
  const bodyEnd =
    text.length - quote.length >= bodyStart && text.endsWith(quote)
      ? text.length - quote.length
      : text.length;
  return {
    prefix,
    quote,
    bodyStart,
    bodyEnd,
    raw: prefix.includes('r'),
    bytes: prefix.includes('b'),
    fstring: prefix.includes('f'),
  };
}

/** Processes backslash escapes of a non-raw literal body. */
export function unescapeBody(body: string, bytes: boolean): string {
  return unescapePython(body, { bytes, continuation: true });
}

/** The value of a plain (non-f) string literal token. */
export function decodeString(text: string): { value: string; bytes: boolean } {
  const t = scanStringToken(text);
  const body = text.slice(t.bodyStart, t.bodyEnd);
  return { value: t.raw ? body : unescapeBody(body, t.bytes), bytes: t.bytes };
}

/** Literal text of an f-string piece: escapes (unless raw), then `{{` / `}}` → one brace. */
export function decodeFStringText(text: string, raw: boolean): string {
  const s = raw ? text : unescapeBody(text, false);
  return s.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}
