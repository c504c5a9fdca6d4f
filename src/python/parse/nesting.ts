// CPython's tokenizer refuses a file whose brackets nest deeper than 200 ("too many nested
// parentheses", MAXLEVEL in Parser/tokenizer.c) before anything of it runs. Checking that first,
// in one linear pass, gives Python's answer for such a file and keeps the parser and the
// interpreter from walking 100,000 levels of nesting.

/** CPython's MAXLEVEL: 200 levels compile, the 201st opening bracket is a SyntaxError. */
export const MAX_NESTING = 200;

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** Index just past a string literal starting at `i` (a quote), as the tokenizer reads it. */
function skipString(text: string, i: number): number {
  const q = text[i];
  const triple = text.startsWith(q.repeat(3), i);
  let j = i + (triple ? 3 : 1);
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (triple ? text.startsWith(q.repeat(3), j) : c === q) return j + (triple ? 3 : 1);
    else if (!triple && c === '\n')
      return j; // unterminated: the tokenizer stops at the line end
    else j++;
  }
  return j;
}

/** Offset of the first opening bracket nested deeper than MAX_NESTING, or -1. */
export function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === '"' || c === "'") {
      i = skipString(text, i) - 1;
    } else if (OPEN.has(c)) {
      if (++depth > MAX_NESTING) return i;
    } else if (CLOSE.has(c) && depth > 0) depth--;
  }
  return -1;
}
