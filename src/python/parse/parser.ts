// The Python parser every analysis uses: @lezer/python's, with its string tokenizer made to
// emit string content in pieces of at most MAX_STRING_PIECE characters. During error recovery
// lezer runs that tokenizer at many positions of one line, often in a string context that is not
// the real one, and each run scanned to the end of the line (or of a long string): on a 256 KiB
// line of repeated `ble, target="dou` (one unclosed call) that was quadratic, far past 8 s. A
// String node's text is the same whatever its content pieces (they are anonymous tokens), so
// the tree is unchanged; each run is now bounded.
import type { Tree, TreeFragment } from '@lezer/common';
import { ExternalTokenizer, type InputStream, type Stack } from '@lezer/lr';
import { parser as lezerPython } from '@lezer/python';

export const MAX_STRING_PIECE = 256;

type TokenFn = (input: InputStream, stack: Stack) => void;
interface TokenizerFields {
  token: TokenFn;
  contextual: boolean;
  fallback: boolean;
  extend: boolean;
}

/**
 * The grammar's external tokenizers are, in order, legacyPrint, indentation, newlines and
 * strings (tokenizers: [...] in @lezer/python's dist/index.js).
 */
function stringTokenizer(): ExternalTokenizer {
  const externals = (lezerPython as unknown as { tokenizers: unknown[] }).tokenizers.filter(
    (t): t is ExternalTokenizer => t instanceof ExternalTokenizer,
  );
  const strings = externals[3];
  if (!strings) throw new Error('@lezer/python: its string tokenizer was not found');
  return strings;
}

const NONE = null as unknown as InputStream;

/**
 * The input as the tokenizer sees it: it ends MAX_STRING_PIECE characters after the position it
 * was pointed at. One instance is reused for every call: lezer runs tokenizers one at a time and
 * the string tokenizer keeps no reference to its input, and an object (and closures) per call was
 * a tenth of the parse of a Prefect file (issue 12).
 */

class CappedInput {
  input = NONE;
  end = 0;

  at(input: InputStream): this {
    this.input = input;
    this.end = input.pos + MAX_STRING_PIECE;
    return this;
  }

  release(): void {
    this.input = NONE;
  }

  get next(): number {
    return this.input.pos >= this.end ? -1 : this.input.next;
  }

  get pos(): number {
    return this.input.pos;
  }

  peek(offset: number): number {
    return this.input.pos + offset >= this.end ? -1 : this.input.peek(offset);
  }

  advance(n?: number): number {
    return this.input.advance(n);
  }

  acceptToken(token: number, endOffset?: number): void {
    this.input.acceptToken(token, endOffset);
  }
}

function boundedStrings(original: ExternalTokenizer): ExternalTokenizer {
  const f = original as unknown as TokenizerFields;
  if (typeof f.token !== 'function') throw new Error('@lezer/python: unexpected string tokenizer');
  const capped = new CappedInput();
  return new ExternalTokenizer(
    (input, stack) => {
      f.token(capped.at(input) as unknown as InputStream, stack);
      capped.release(); // not to keep the last parse (and its text) alive
    },
    {
      contextual: f.contextual,
      fallback: f.fallback,
      extend: f.extend,
    },
  );
}

const strings = stringTokenizer();
export const parser = lezerPython.configure({ tokenizers: [{ from: strings, to: boundedStrings(strings) }] });

/**
 * Parse steps spent in error recovery after which the parse stops. Recovery is linear in lezer
 * but costly (tens of µs a step, several stacks tried): a file of 256 KiB of dots, colons or
 * closing brackets took 5-20 s. A few typos take a few dozen steps; past this many the rest of
 * the file is not parsed (CPython stops at the first syntax error, running nothing).
 */
export const MAX_RECOVERY_STEPS = 4000;

export interface BoundedParse {
  tree: Tree;
  /** Where the parse was stopped after MAX_RECOVERY_STEPS, or null when it parsed everything. */
  stoppedAt: number | null;
}

/** `parser.parse` with at most MAX_RECOVERY_STEPS steps of error recovery. */
export function parseBounded(text: string, fragments?: readonly TreeFragment[]): BoundedParse {
  const parse = parser.startParse(text, fragments);
  // `recovering` (lezer's Parse, internal) is > 0 while a step is part of an error recovery.
  const state = parse as unknown as { recovering?: number };
  let steps = 0;
  let stoppedAt: number | null = null;
  for (;;) {
    const tree = parse.advance();
    if (tree) return { tree, stoppedAt };
    if (stoppedAt === null && (state.recovering ?? 0) > 0 && ++steps > MAX_RECOVERY_STEPS) {
      stoppedAt = parse.parsedPos;
      parse.stopAt(stoppedAt);
    }
  }
}
