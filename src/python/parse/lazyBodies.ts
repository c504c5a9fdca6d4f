// Most of a Prefect file is task bodies the analysis never reads (convert.ts reads a decorated
// function's body only when it has at most 3 statements or mentions Flow, CacheStore, task...),
// yet lezer spends most of its time parsing them. Before parsing, such a body is blanked: its
// first statement becomes `...` and the rest spaces up to its last line break, so every offset
// of the parsed text is the original's (lines are counted on the original text); lezer parses
// less than half the code, and an edit inside a blanked body changes only spaces. Only bodies this line scan delimits with certainty are
// blanked: balanced brackets, no open string, a clean column-0 statement after them. A syntax
// error inside a blanked body is not reported (it changes nothing the analysis finds; Python and
// the language server report it).

/** Converter.bodyMatters reads a long decorated body that mentions one of these. */
export const BODY_MATTERS = /Flow|CacheStore|XpersistResult|\btask\b|__init__|PREFECT__/;
/** Lines that continue the statement above at its own indentation (not a new statement). */
const CONTINUES = /^(else\b|elif\b|except\b|finally\b|case\b)/;

interface Line {
  start: number;
  /** Offset of its `\n` (or the text's end). */
  end: number;
  /** At its start: no open bracket, string or backslash continuation. */
  clean: boolean;
  /** An unterminated one-line string or a closing bracket without an opening one. */
  bad: boolean;
  indent: number;
  /** Not blank, not only a comment (judged from its first character). */
  code: boolean;
  /** The scan state at its start: a later version is scanned again from here (rescanLines). */
  state: ScanState;
}

interface ScanState {
  depth: number;
  /** The open string's quote character code (0: none) and whether it is a triple quote. */
  quote: number;
  triple: boolean;
  continued: boolean;
}

/** One line of the tokenizer's bracket and string state (strings may span lines when triple). */
function scanLine(text: string, start: number, end: number, st: ScanState): boolean {
  let bad = false;
  st.continued = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (st.quote) {
      if (c === 92 /* \ */) i++;
      else if (c === st.quote) {
        if (!st.triple) st.quote = 0;
        else if (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
          i += 2;
          st.quote = 0;
        }
      }
      continue;
    }
    if (c === 35 /* # */) break;
    if (c === 34 || c === 39 /* " ' */) {
      st.quote = c;
      st.triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      if (st.triple) i += 2;
    } else if (c === 40 || c === 91 || c === 123) st.depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (st.depth === 0) bad = true;
      else st.depth--;
    } else if (c === 92 && i === end - 1 - (text.charCodeAt(end - 1) === 13 ? 1 : 0)) st.continued = true;
  }
  if (st.quote && !st.triple) {
    st.quote = 0; // the tokenizer ends a one-line string at the line's end, with an error
    bad = true;
  }
  return bad;
}

/** Lines from the one starting at `start` (scan state `st`), until `converged` says the rest is known. */
function scanFrom(
  text: string,
  from: number,
  st: ScanState,
  lines: Line[],
  converged?: (start: number, st: ScanState) => boolean,
): boolean {
  for (let start = from; start <= text.length; ) {
    if (converged?.(start, st)) return true;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const clean = st.depth === 0 && st.quote === 0 && !st.continued;
    let indent = start;
    while (indent < end && (text.charCodeAt(indent) === 32 || text.charCodeAt(indent) === 9)) indent++;
    const first = text.charCodeAt(indent);
    const code = indent < end && first !== 35 && first !== 13;
    const state = { ...st };
    const bad = scanLine(text, start, end, st);
    lines.push({ start, end, clean, bad, indent: indent - start, code, state });
    start = end + 1;
  }
  return false;
}

/** The lines of one text and whether it ends with no bracket, string or continuation open. */
export interface LineScan {
  lines: Line[];
  endsClean: boolean;
}

const closedAtEnd = (st: ScanState) => st.depth === 0 && st.quote === 0 && !st.continued;

function scanLines(text: string): LineScan {
  const lines: Line[] = [];
  const st: ScanState = { depth: 0, quote: 0, triple: false, continued: false };
  scanFrom(text, 0, st, lines);
  return { lines, endsClean: closedAtEnd(st) };
}

const sameState = (a: ScanState, b: ScanState) =>
  a.depth === b.depth && a.quote === b.quote && a.triple === b.triple && a.continued === b.continued;

/** Index of the last line starting at or before `pos` (line 0 starts at 0). */
function lineAt(lines: Line[], pos: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].start <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The lines of `text`, `prev`'s text with [from, toA) replaced by what is now [from, toB). A
 * line depends only on its own characters and the scan state at its start, so the scan resumes
 * at the line holding `from` and, past the edit, stops at the first line starting where an old
 * one did (shifted) with the same state: the old lines from there are the new ones, shifted in
 * place (`prev` is the caller's and is not used again).
 */
export function rescanLines(prev: LineScan, text: string, from: number, toA: number, toB: number): LineScan {
  const k = lineAt(prev.lines, from);
  const lines = prev.lines.slice(0, k);
  const st = { ...prev.lines[k].state };
  const delta = toB - toA;
  let resume = -1;
  const converged = (start: number, now: ScanState) => {
    if (start < toB) return false;
    const j = lineAt(prev.lines, start - delta);
    if (j < 0 || prev.lines[j].start !== start - delta || !sameState(prev.lines[j].state, now)) return false;
    resume = j;
    return true;
  };
  if (!scanFrom(text, prev.lines[k].start, st, lines, converged))
    return { lines, endsClean: closedAtEnd(st) };
  for (let j = resume; j < prev.lines.length; j++) {
    const l = prev.lines[j];
    l.start += delta;
    l.end += delta;
    lines.push(l);
  }
  return { lines, endsClean: prev.endsClean };
}

/** The offset just past the `:` ending a def header that starts at `from`, or -1. */
function headerColon(text: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? to : nl;
    } else if (c === '"' || c === "'") {
      const q = text.startsWith(c + c + c, i) ? c + c + c : c;
      const close = text.indexOf(q, i + q.length);
      if (close < 0) return -1;
      i = close + q.length - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ':' && depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Statements at the body's own indentation, counted from the lines that start them: never more
 * than lezer counts (a decorator and its def are one, `else:` continues its `if`). null: a
 * dedent Python refuses (lezer says so).
 */
function bodyStatements(text: string, lines: Line[], from: number, to: number, base: number): number | null {
  let count = 0;
  let decorated = false;
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (!l.clean || !l.code) continue;
    if (l.indent < base) return null;
    if (l.indent > base) continue;
    const at = l.start + l.indent;
    const decorator = text.charCodeAt(at) === 64;
    if (decorated) {
      decorated = decorator;
      continue;
    }
    if (CONTINUES.test(text.slice(at, Math.min(l.end, at + 8)))) continue;
    count++;
    decorated = decorator;
  }
  return count;
}

export interface LazyBodies {
  /** The text lezer parses: as long as the original, each lazy body blanked after its `...`. */
  text: string;
  /** Offsets of the `:` opening each blanked body (where lezer's Body node starts). */
  colons: ReadonlySet<number>;
  /** The line scan it was decided on (rescanLines continues it after an edit). */
  scan: LineScan;
}

let spaces = ' '.repeat(4096);

/** `n` spaces (a slice of one long string: no per-body allocation but the slice). */
function blank(n: number): string {
  if (n > spaces.length) spaces = ' '.repeat(Math.max(n, spaces.length * 2));
  return spaces.slice(0, n);
}

/**
 * The text with the bodies of top-level decorated functions that do not matter blanked. `scan`:
 * this text's lines if known (rescanLines after an edit), else they are scanned here.
 */
export function blankLazyBodies(text: string, scan: LineScan = scanLines(text)): LazyBodies {
  const { lines, endsClean } = scan;
  const colons = new Set<number>();
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!((l.clean && l.code && l.indent === 0 && text.charCodeAt(l.start) === 64) /* @ */)) continue;
    const { body, resume } = lazyBody(text, lines, i, endsClean);
    i = resume - 1;
    if (!body) continue;
    // `...` in the first statement's place keeps the def valid; the rest of the body, line breaks
    // included, is one run of spaces (cheaper to build and to parse than blank lines) up to the
    // end of its last code line. Lines are counted on the original text (document.ts).
    parts.push(text.slice(copied, body.blankFrom), '...', blank(body.blankTo - (body.blankFrom + 3)));
    colons.add(body.colon - 1);
    copied = body.blankTo;
  }
  if (copied === 0) return { text, colons, scan };
  parts.push(text.slice(copied));
  return { text: parts.join(''), colons, scan };
}

interface Body {
  /** Offset just past the header's `:`. */
  colon: number;
  /** Where the body's first statement starts (`...` goes there, spaces after it up to `blankTo`). */
  blankFrom: number;
  blankTo: number;
}

/**
 * The `def` line of the decorators starting at line `at` (-1: not a def), and the line to go on
 * scanning from. Going on past the decorators scanned keeps the scan linear when thousands of
 * them are stacked.
 */
function defOf(text: string, lines: Line[], at: number): { def: number; resume: number } {
  let def = at + 1;
  // Decorators (and their continuation lines) up to the `def` line.
  while (def < lines.length) {
    const l = lines[def];
    if (l.bad) return { def: -1, resume: def };
    if (l.clean && l.code) {
      if (l.indent !== 0) return { def: -1, resume: def };
      if (text.charCodeAt(l.start) !== 64) break;
    }
    def++;
  }
  if (def >= lines.length || !/^(async\s+)?def\s/.test(text.slice(lines[def].start, lines[def].end)))
    return { def: -1, resume: def };
  return { def, resume: def + 1 };
}

/** The body of the decorated def whose first decorator is line `at`, if it may be blanked. */
function lazyBody(
  text: string,
  lines: Line[],
  at: number,
  endsClean: boolean,
): { body: Body | null; resume: number } {
  const { def, resume } = defOf(text, lines, at);
  const none = { body: null, resume };
  if (def < 0) return none;
  // The header ends with the first line after which no bracket or string is open: its colon is
  // looked for there only (each line is looked at for one def at most).
  let headerEnd = def;
  while (headerEnd + 1 < lines.length && !lines[headerEnd + 1].clean) headerEnd++;
  const colon = headerColon(text, lines[def].start, lines[headerEnd].end);
  if (colon < 0) return none;
  let headerLine = def;
  while (lines[headerLine].end < colon) headerLine++;
  const rest = text.slice(colon, lines[headerLine].end).trim();
  if (rest !== '' && !rest.startsWith('#')) return none; // a one-line body: short anyway
  let next = headerLine + 1;
  while (next < lines.length && !(lines[next].code && lines[next].indent === 0)) {
    if (lines[next].bad) return none;
    next++;
  }
  // What follows must be a statement of its own, the body closed (no bracket or string open).
  if (next < lines.length ? !lines[next].clean : !endsClean) return none;
  let first = headerLine + 1;
  while (first < next && !lines[first].code) first++;
  if (first >= next || !lines[first].clean || lines[first].indent === 0) return none;
  const count = bodyStatements(text, lines, first, next, lines[first].indent);
  const end = next < lines.length ? lines[next].start : text.length;
  if (text.charCodeAt(end - 1) !== 10) return none; // the def ends the file without a newline
  if (count === null || count <= 3 || BODY_MATTERS.test(text.slice(colon - 1, end))) return none;
  const blankFrom = lines[first].start + lines[first].indent;
  if (blankFrom + 3 > lines[first].end) return none;
  // The body ends with its last code line (lezer's node too): the blank lines and column-0
  // comments after it stay as they are, and so does a line's `\r`.
  let last = next - 1;
  while (!lines[last].code) last--;
  const blankTo = lines[last].end - (text.charCodeAt(lines[last].end - 1) === 13 ? 1 : 0);
  return { body: { colon, blankFrom, blankTo }, resume: next };
}
