// Python's backslash escapes in string literals, the one table and decoder for the Python source
// parser (src/python/parse/strings.ts) and the pickle reader's protocol 0 STRING opcode (Python 2
// `repr(str)` text, src/preview/pickle/pickleVm.ts). Below every layer, so it imports nothing.

/** The one-character escapes: `\n` is a newline, `\'` a quote... */
export const PY_SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
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

export interface UnescapeOptions {
  /** A bytes literal: `\u` and `\U` stay as written. */
  bytes: boolean;
  /** A backslash before a line break joins the lines (source text); without, both stay as written. */
  continuation: boolean;
}

/**
 * Processes the backslash escapes of a literal body: the simple ones, octal (1-3 digits), `\xHH`
 * and (unless bytes) `\uHHHH` and `\UHHHHHHHH`. Unknown escapes stay as written.
 */
export function unescapePython(body: string, opts: UnescapeOptions): string {
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
    if (opts.continuation && n === '\n') {
      i += 2;
    } else if (opts.continuation && n === '\r') {
      i += body[i + 2] === '\n' ? 3 : 2;
    } else if (n in PY_SIMPLE_ESCAPES) {
      out += PY_SIMPLE_ESCAPES[n];
      i += 2;
    } else if (n >= '0' && n <= '7') {
      let j = i + 1;
      while (j < body.length && j < i + 4 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, j), 8));
      i = j;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (!opts.bytes && n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 6), 16));
      i += 6;
    } else if (!opts.bytes && n === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
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
