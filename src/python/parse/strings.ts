// Python string literal decoding: prefixes, quotes and backslash escapes.

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

const SIMPLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Processes backslash escapes of a non-raw literal body. */
export function unescapeBody(body: string, bytes: boolean): string {
  if (!body.includes('\\')) return body;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      i++;
      continue;
    }
    const n = body[i + 1];
    if (n === '\n') {
      i += 2;
    } else if (n === '\r') {
      i += body[i + 2] === '\n' ? 3 : 2;
    } else if (n in SIMPLE) {
      out += SIMPLE[n];
      i += 2;
    } else if (n >= '0' && n <= '7') {
      let j = i + 1;
      while (j < body.length && j < i + 4 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, j), 8));
      i = j;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (!bytes && n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (!bytes && n === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
      const cp = Number.parseInt(body.slice(i + 2, i + 10), 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : body.slice(i, i + 10);
      i += 10;
    } else {
      // Unknown escapes (and \N{...}, whose names need the Unicode database) stay as written.
      out += c + n;
      i += 2;
    }
  }
  return out;
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
