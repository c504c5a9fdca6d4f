// JSON as Python writes it: bare NaN, Infinity and -Infinity tokens (json.dumps allow_nan=True)
// appear in zarr attributes and metadata. JSON.parse rejects them; this accepts them as numbers.

// Written into the JSON text as an escape (no raw control character), read back as NUL + tag.
const SENTINEL = '\u0000xp-nonfinite:';
const ESCAPED = '\\u0000xp-nonfinite:';

export function parseTolerantJson(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    // N(aN), I(nfinity), -I(nfinity) outside strings
    if (c === 78 && text.startsWith('NaN', i)) {
      out += `${text.slice(last, i)}"${ESCAPED}NaN"`;
      i += 2;
      last = i + 1;
    } else if (c === 73 && text.startsWith('Infinity', i)) {
      out += `${text.slice(last, i)}"${ESCAPED}Infinity"`;
      i += 7;
      last = i + 1;
    } else if (c === 45 && text.startsWith('-Infinity', i)) {
      out += `${text.slice(last, i)}"${ESCAPED}-Infinity"`;
      i += 8;
      last = i + 1;
    }
  }
  if (last === 0) return JSON.parse(text);
  out += text.slice(last);
  return JSON.parse(out, (_k, v) =>
    typeof v === 'string' && v.startsWith(SENTINEL) ? Number(v.slice(SENTINEL.length)) : v,
  );
}
