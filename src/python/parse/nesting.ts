// CPython's tokenizer refuses a file whose brackets nest deeper than 200 ("too many nested
// parentheses", MAXLEVEL in Parser/tokenizer.c) before anything of it runs. Checking that first,
// in one linear pass, gives Python's answer for such a file and keeps the parser and the
// interpreter from walking 100,000 levels of nesting.

/** CPython's MAXLEVEL: 200 levels compile, the 201st opening bracket is a SyntaxError. */
export const MAX_NESTING = 200;

/** Index just past a string literal starting at `i` (a quote), as the tokenizer reads it. */
function skipString(text: string, i: number): number {
  const q = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  let j = i + (triple ? 3 : 1);
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \ */) j += 2;
    else if (c === q && (!triple || (text.charCodeAt(j + 1) === q && text.charCodeAt(j + 2) === q)))
      return j + (triple ? 3 : 1);
    else if (!triple && c === 10 /* \n */)
      return j; // unterminated: the tokenizer stops at the line end
    else j++;
  }
  return j;
}

/**
 * Offset of the first opening bracket nested deeper than MAX_NESTING, or -1. Character codes,
 * not one-character strings: this runs on every edit, over the whole file.
 */
export function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === 34 || c === 39 /* " ' */) {
      i = skipString(text, i) - 1;
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 41 || c === 93 || c === 125) /* ) ] } */ && depth > 0) depth--;
  }
  return -1;
}
