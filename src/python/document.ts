// One analysed document, kept up to date as it is edited: lezer reparses incrementally
// (TreeFragment), the bracket-nesting and line scans resume around the edit (rescanNesting,
// rescanLines), each top-level statement is converted once per distinct text (a cache keyed
// by the statement's text), and where an edit leaves a syntax error the last error-free version
// of that region is used instead, so a half-typed line does not lose tasks and flows elsewhere.

import { type Tree, TreeFragment } from '@lezer/common';
import { finalDiagnostics } from './extract/diagnostics';
import { Interpreter } from './extract/interpreter';
import { type Item, Scope } from './extract/scope';
import { AnalysisState } from './extract/state';
import type { ConvertedStatement } from './parse/ast';
import { convertTopLevel } from './parse/convert';
import { blankLazyBodies, type LineScan, rescanLines } from './parse/lazyBodies';
import { MAX_NESTING, type NestingScan, rescanNesting, scanNesting } from './parse/nesting';
import { parseBounded } from './parse/parser';
import type { AnalyzeOptions, PythonAnalysis } from './types';

/** A VS Code content change: `rangeLength` characters at `rangeOffset` replaced by `text`. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

interface Piece {
  conv: ConvertedStatement;
  /** 1-based line of the statement's start. */
  line: number;
  /** Taken from an earlier version because this region does not parse now. */
  carried: boolean;
}

const newlineOffsets = new WeakMap<ConvertedStatement, number[]>();

function linesOf(conv: ConvertedStatement): number[] {
  let nl = newlineOffsets.get(conv);
  if (!nl) {
    nl = [];
    for (let i = conv.text.indexOf('\n'); i >= 0; i = conv.text.indexOf('\n', i + 1)) nl.push(i);
    newlineOffsets.set(conv, nl);
  }
  return nl;
}

function itemOf(p: Piece): Item {
  return {
    text: p.conv.text,
    line: p.line,
    lineAt(pos: number) {
      const nl = linesOf(p.conv);
      let lo = 0;
      let hi = nl.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (nl[mid] < pos) lo = mid + 1;
        else hi = mid;
      }
      return p.line + lo;
    },
  };
}

/**
 * Aligns this version's statements with the previous output: statements without errors whose
 * text is unchanged are anchors; between two anchors, if the new text has a syntax error, the
 * previous statements of that stretch are kept (their lines shifted like the anchor before).
 */
function carryOver(current: Piece[], previous: Piece[]): Piece[] {
  if (previous.length === 0 || !current.some((p) => p.conv.errors.length)) return current;
  const byText = new Map<string, number[]>();
  previous.forEach((p, i) => {
    const list = byText.get(p.conv.text);
    if (list) list.push(i);
    else byText.set(p.conv.text, [i]);
  });
  const anchors: [number, number][] = [];
  let lastOld = -1;
  current.forEach((p, ni) => {
    if (p.conv.errors.length) return;
    const oi = byText.get(p.conv.text)?.find((x) => x > lastOld);
    if (oi === undefined) return;
    anchors.push([ni, oi]);
    lastOld = oi;
  });
  const out: Piece[] = [];
  let prevN = -1;
  let prevO = -1;
  const gap = (nEnd: number, oEnd: number) => {
    const fresh = current.slice(prevN + 1, nEnd);
    const old = previous.slice(prevO + 1, oEnd);
    if (old.length > 0 && fresh.some((p) => p.conv.errors.length)) {
      const shift = prevN >= 0 ? current[prevN].line - previous[prevO].line : 0;
      for (const p of old) out.push({ conv: p.conv, line: p.line + shift, carried: true });
    } else out.push(...fresh);
  };
  for (const [ni, oi] of anchors) {
    gap(ni, oi);
    out.push(current[ni]);
    prevN = ni;
    prevO = oi;
  }
  gap(current.length, previous.length);
  return out;
}

/**
 * Characters compared at a time by `===` on slices: one native comparison per block instead of
 * a charCodeAt per character (a 200 KB file is compared on every keystroke, issue 12).
 */
const BLOCK = 512;

/** Length of the common prefix of a and b. */
function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let start = 0;
  while (start + BLOCK <= max && a.slice(start, start + BLOCK) === b.slice(start, start + BLOCK))
    start += BLOCK;
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  return start;
}

/** Length of the common suffix of a and b that does not reach back before `start` in either. */
function commonSuffix(a: string, b: string, start: number): number {
  const max = Math.min(a.length, b.length) - start;
  let n = 0;
  while (
    n + BLOCK <= max &&
    a.slice(a.length - n - BLOCK, a.length - n) === b.slice(b.length - n - BLOCK, b.length - n)
  )
    n += BLOCK;
  while (n < max && a.charCodeAt(a.length - n - 1) === b.charCodeAt(b.length - n - 1)) n++;
  return n;
}

/** The single changed range between two texts (common prefix and suffix). */
export function diffRange(
  a: string,
  b: string,
): { fromA: number; toA: number; fromB: number; toB: number } | null {
  if (a === b) return null;
  const start = commonPrefix(a, b);
  const end = commonSuffix(a, b, start);
  return { fromA: start, toA: a.length - end, fromB: start, toB: b.length - end };
}

function emptyAnalysis(message: string): PythonAnalysis {
  return {
    prefect: null,
    syntaxErrors: [],
    stores: [],
    tasks: [],
    flows: [],
    diagnostics: [{ code: 'analysis-failed', line: 1, severity: 'information', message }],
  };
}

/** The analysis of a file CPython's tokenizer refuses: one syntax error, nothing else runs. */
function tooDeepAnalysis(text: string, offset: number): PythonAnalysis {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  const message = `SyntaxError: too many nested parentheses (more than ${MAX_NESTING} levels of brackets): Python refuses to run this file.`;
  return {
    prefect: null,
    syntaxErrors: [{ line, message }],
    stores: [],
    tasks: [],
    flows: [],
    diagnostics: [{ code: 'syntax-error', line, severity: 'error', message }],
  };
}

/** A `file://` uri gives `__file__` and the folder relative paths fall back to. */
function withFileContext(options: AnalyzeOptions): AnalyzeOptions {
  if (!options.uri?.startsWith('file://') || options.filePath) return options;
  try {
    const filePath = decodeURIComponent(new URL(options.uri).pathname);
    return { ...options, filePath, fileDir: options.fileDir ?? filePath.slice(0, filePath.lastIndexOf('/')) };
  } catch {
    return options;
  }
}

/** The syntax error of a parse stopped at `pos`: nothing from there on is analysed. */
function stoppedError(text: string, pos: number): { line: number; message: string } {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return {
    line,
    message: `Too many syntax errors: the analysis stops at line ${line} (nothing from there on is analysed).`,
  };
}

export class PythonDocumentAnalyzer {
  private text = '';
  /** What lezer parsed: `text` with the bodies the analysis does not read blanked (same offsets). */
  private parsed = '';
  private lazy: ReadonlySet<number> = new Set();
  private tree: Tree | null = null;
  /** Where the last parse gave up on too many syntax errors (parseBounded), or null. */
  private stoppedAt: number | null = null;
  private fragments: readonly TreeFragment[] = [];
  private cache = new Map<string, ConvertedStatement>();
  private pieces: Piece[] = [];
  /** The nesting scan of `nestingText` (the last text updated with), resumed after an edit. */
  private nesting: NestingScan | null = null;
  private nestingText = '';
  /** The line scan of `linesText` (lazyBodies.ts), resumed after an edit like `nesting`. */
  private lines: LineScan | null = null;
  private linesText = '';

  private readonly options: AnalyzeOptions;

  constructor(options: AnalyzeOptions = {}) {
    this.options = withFileContext(options);
  }

  /** The document's new text (and, optionally, the edits that produced it). Never throws. */
  update(text: string, changes?: readonly TextChange[]): PythonAnalysis {
    try {
      const deep = this.nestingOf(text);
      if (deep >= 0) {
        // Python refuses the whole file before running any of it: so does the analysis.
        this.tree = null;
        this.fragments = [];
        this.text = text;
        return tooDeepAnalysis(text, deep);
      }
      // The edits are not needed: reparse compares the texts (and a wrong list cannot mislead it).
      void changes;
      this.reparse(text);
      return this.analyze();
    } catch (e) {
      this.tree = null;
      this.fragments = [];
      this.nesting = null;
      this.lines = null;
      return emptyAnalysis(`The Python analysis failed: ${(e as Error).message}`);
    }
  }

  /** tooDeepAt(text), rescanning only around what changed since the last text (issue 12). */
  private nestingOf(text: string): number {
    const range = this.nesting ? diffRange(this.nestingText, text) : null;
    if (!this.nesting || range) {
      this.nesting =
        this.nesting && range
          ? rescanNesting(this.nesting, text, range.fromA, range.toA, range.toB)
          : scanNesting(text);
    }
    this.nestingText = text;
    return this.nesting.at;
  }

  /**
   * lezer reparses what changed in the text it parses (bodies blanked, lazyBodies.ts). That text
   * can change away from the edit (a body blanked or not once it changes; a bracket opened above
   * keeps every body below from being blanked), so the edits VS Code reports do not say where:
   * one common-prefix/suffix comparison of the two parsed texts does, exactly.
   */
  private reparse(text: string): void {
    const edit = this.lines ? diffRange(this.linesText, text) : null;
    const lines =
      this.lines && edit ? rescanLines(this.lines, text, edit.fromA, edit.toA, edit.toB) : this.lines;
    const { text: parsed, colons, scan } = blankLazyBodies(text, lines ?? undefined);
    this.lines = scan;
    this.linesText = text;
    let fragments: readonly TreeFragment[] = [];
    if (this.tree) {
      const range = diffRange(this.parsed, parsed);
      fragments = range ? TreeFragment.applyChanges(this.fragments, [range]) : this.fragments;
    }
    const { tree, stoppedAt } = parseBounded(parsed, fragments);
    this.tree = tree;
    this.stoppedAt = stoppedAt;
    // A stopped parse is partial: the next one starts afresh rather than reuse its pieces.
    this.fragments = stoppedAt === null ? TreeFragment.addTree(tree, fragments) : [];
    this.text = text;
    this.parsed = parsed;
    this.lazy = colons;
  }

  private analyze(): PythonAnalysis {
    const text = this.text;
    const tree = this.tree as Tree;
    const current: Piece[] = [];
    const nextCache = new Map<string, ConvertedStatement>();
    let line = 1;
    let lineScan = 0;
    for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
      if (node.name === 'Comment') continue;
      const stmtText = text.slice(node.from, node.to);
      let conv = this.cache.get(stmtText) ?? nextCache.get(stmtText);
      // Converted from the parsed text, kept under the original's (same offsets and lines).
      if (!conv) conv = { ...convertTopLevel(node, this.parsed, this.lazy), text: stmtText };
      nextCache.set(stmtText, conv);
      for (let i = text.indexOf('\n', lineScan); i >= 0 && i < node.from; i = text.indexOf('\n', i + 1))
        line++;
      lineScan = node.from;
      current.push({ conv, line, carried: false });
    }
    const pieces = carryOver(current, this.pieces);
    for (const p of pieces) if (p.carried) nextCache.set(p.conv.text, p.conv);
    this.cache = nextCache;
    this.pieces = pieces;

    const state = new AnalysisState(this.options);
    const interpreter = new Interpreter(state);
    const scope = new Scope();
    for (const p of pieces) {
      // One statement the analysis trips on must not cost the rest of the file.
      try {
        interpreter.run(p.conv.stmts, { scope, item: itemOf(p) });
      } catch (e) {
        state.diagnostics.push({
          code: 'analysis-failed',
          line: p.line,
          severity: 'information',
          message: `This statement could not be analysed: ${(e as Error).message}`,
        });
      }
    }
    interpreter.finish();
    finalDiagnostics(state);

    const syntaxErrors: { line: number; message: string }[] = [];
    // One line set and one `carried` for all: per error they made garbage input quadratic
    // (thousands of error nodes in 256 KiB of dots).
    const errorLines = new Set<number>();
    const carried = pieces.some((x) => x.carried);
    for (const p of current) {
      if (!p.conv.errors.length) continue;
      const item = itemOf(p);
      for (const off of p.conv.errors) {
        const errLine = item.lineAt(off);
        if (errorLines.has(errLine)) continue;
        errorLines.add(errLine);
        const near = p.conv.text
          .slice(off, off + 20)
          .split('\n')[0]
          .trim();
        syntaxErrors.push({
          line: errLine,
          message: `Syntax error${near ? ` near "${near}"` : ' (unexpected end of statement)'}${carried ? ': tasks and flows here are shown as they were before this edit' : ''}.`,
        });
      }
    }
    if (this.stoppedAt !== null) syntaxErrors.push(stoppedError(text, this.stoppedAt));
    for (const s of syntaxErrors) {
      state.diagnostics.push({ code: 'syntax-error', line: s.line, severity: 'error', message: s.message });
    }

    const prefect =
      state.prefect2Line !== null ? 2 : state.prefect1 || state.flows.length || state.tasks.length ? 1 : null;
    const analysis: PythonAnalysis = {
      prefect,
      syntaxErrors,
      stores: state.stores,
      tasks: prefect === 2 ? [] : state.tasks,
      flows: prefect === 2 ? [] : state.flows,
      diagnostics: state.diagnostics.sort((a, b) => a.line - b.line),
    };
    if (state.registeredSerializers.size) analysis.registeredSerializers = [...state.registeredSerializers];
    return analysis;
  }
}

/** Analyses one version of a Python file. Never throws. */
export function analyzePython(source: string, options: AnalyzeOptions = {}): PythonAnalysis {
  return new PythonDocumentAnalyzer(options).update(source);
}
