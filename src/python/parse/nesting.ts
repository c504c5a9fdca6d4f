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
 * A nesting scan of one text: its answer and, for each line start the scan passed through (not
 * inside a string), the bracket depth there. Those are all the state the scan has, so a later
 * version of the text can be scanned again from the last one before an edit and stop at the
 * first one after it whose depth is unchanged (rescanNesting).
 */
export interface NestingScan {
  /** Offset of the first opening bracket nested deeper than MAX_NESTING, or -1. */
  at: number;
  starts: number[];
  depths: number[];
}

/**
 * Scans from `i` at bracket depth `depth`, recording line starts; stops early (returning -2)
 * when `converged(lineStart, depth)` says the rest is known. Character codes, not one-character
 * strings: this runs on every edit.
 */
function scanFrom(
  text: string,
  from: number,
  startDepth: number,
  out: NestingScan,
  converged?: (pos: number, depth: number) => boolean,
): number {
  let depth = startDepth;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      if (converged?.(i + 1, depth)) return -2;
      out.starts.push(i + 1);
      out.depths.push(depth);
    } else if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1; // the line break is the next character
    } else if (c === 34 || c === 39 /* " ' */) {
      i = skipString(text, i) - 1;
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 41 || c === 93 || c === 125) /* ) ] } */ && depth > 0) depth--;
  }
  return -1;
}

/** The nesting scan of a whole text. */
export function scanNesting(text: string): NestingScan {
  const scan: NestingScan = { at: -1, starts: [], depths: [] };
  scan.at = scanFrom(text, 0, 0, scan);
  return scan;
}

/** Offset of the first opening bracket nested deeper than MAX_NESTING, or -1. */
export function tooDeepAt(text: string): number {
  return scanNesting(text).at;
}

/** Index of the last entry of the sorted `xs` that is <= x, or -1. */
function lastAtOrBefore(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The nesting scan of `text`, which is `prev`'s text with [from, toA) replaced by what is now
 * [from, toB). Exact: the state at a line start depends only on the text before it, so the scan
 * resumes at the last line start at or before `from`, and once past the edit a line start with
 * the depth the previous version had there means everything after it scans as before.
 */
export function rescanNesting(
  prev: NestingScan,
  text: string,
  from: number,
  toA: number,
  toB: number,
): NestingScan {
  if (prev.at >= 0) return scanNesting(text); // that scan stopped early: nothing after it is known
  const k = lastAtOrBefore(prev.starts, from);
  const out: NestingScan = {
    at: -1,
    starts: prev.starts.slice(0, k + 1),
    depths: prev.depths.slice(0, k + 1),
  };
  const delta = toB - toA;
  let resume = -1;
  const converged = (pos: number, depth: number) => {
    if (pos < toB) return false;
    const j = lastAtOrBefore(prev.starts, pos - delta);
    if (j < 0 || prev.starts[j] !== pos - delta || prev.depths[j] !== depth) return false;
    resume = j;
    return true;
  };
  const at = scanFrom(text, k >= 0 ? prev.starts[k] : 0, k >= 0 ? prev.depths[k] : 0, out, converged);
  if (at !== -2) {
    out.at = at;
    return out;
  }
  for (let j = resume; j < prev.starts.length; j++) {
    out.starts.push(prev.starts[j] + delta);
    out.depths.push(prev.depths[j]);
  }
  return out;
}
