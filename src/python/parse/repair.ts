// Syntax-error recovery, statement by statement. In a top-level statement that does not parse,
// each inner statement (a line at its block's indentation with its continuation lines) that
// does not parse is blanked out — its characters replaced by spaces, newlines kept, so offsets
// and lines stay those of the original — and the rest is kept. A half-typed line inside a
// `with Flow` body, or a broken decorator, then loses only itself.
import { parseBounded } from './parser';

const MAX_DEPTH = 8;

function parses(lines: string[]): boolean {
  const { tree, stoppedAt } = parseBounded(lines.join('\n'));
  let ok = stoppedAt === null;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) ok = false;
      return ok;
    },
  });
  return ok;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isCode = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
const blank = (s: string) => s.replace(/[^\n]/g, ' ');
const dedent = (lines: string[], n: number) =>
  lines.map((l) => (indentOf(l) >= n ? l.slice(n) : l.trimStart()));

/** Lines that continue the statement above although they are not indented. */
const CONTINUES = /^(else\b|elif\b|except\b|finally\b|case\b|[)\]}])/;

/** The statements at indentation `base`: [first line, end line) of each. */
function statementsAt(lines: string[], base: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const last = out[out.length - 1];
    const startsOne = isCode(l) && indentOf(l) <= base && !CONTINUES.test(l.trimStart());
    // A decorator belongs to the definition below it.
    const afterDecorator = last && lines[last[0]].trimStart().startsWith('@') && isDecoratorOnly(lines, last);
    if (startsOne && !(afterDecorator && !l.trimStart().startsWith('@'))) out.push([i, i + 1]);
    else if (last) last[1] = i + 1;
  }
  return out;
}

function isDecoratorOnly(lines: string[], [s, e]: [number, number]): boolean {
  return lines
    .slice(s, e)
    .every(
      (l) =>
        !isCode(l) ||
        indentOf(l) > indentOf(lines[s]) ||
        l.trimStart().startsWith('@') ||
        CONTINUES.test(l.trimStart()),
    );
}

/** Puts a repaired (dedented) copy back: its blanked lines are blanked in the original. */
function mapBack(original: string[], repaired: string[]): string[] {
  return original.map((l, i) => (isCode(l) && !isCode(repaired[i] ?? '') ? blank(l) : l));
}

/** The first line of a compound statement's body (after a header line ending with ':'). */
function bodyStart(lines: string[], base: number): number {
  let prev = '';
  for (let i = 0; i < lines.length; i++) {
    if (!isCode(lines[i])) continue;
    if (i > 0 && indentOf(lines[i]) > base && /:\s*(#.*)?$/.test(prev)) return i;
    prev = lines[i];
  }
  return -1;
}

function repair(lines: string[], depth: number): string[] {
  if (parses(lines)) return lines;
  if (depth > MAX_DEPTH) return lines.map(blank);
  const base = indentOf(lines.find(isCode) ?? '');
  const stmts = statementsAt(lines, base);
  if (stmts.length > 1) {
    const out = [...lines];
    for (const [s, e] of stmts) {
      const own = lines.slice(s, e);
      out.splice(s, e - s, ...mapBack(own, repair(dedent(own, base), depth + 1)));
    }
    return out;
  }
  const start = bodyStart(lines, base);
  if (start >= 0) {
    const body = lines.slice(start);
    const inner = indentOf(body.find(isCode) ?? '');
    const out = [...lines.slice(0, start), ...mapBack(body, repair(dedent(body, inner), depth + 1))];
    if (parses(out)) return out;
  }
  return withoutDecorators(lines) ?? lines.map(blank);
}

/** A definition whose decorator is broken: the definition without its decorators. */
function withoutDecorators(lines: string[]): string[] | null {
  const def = lines.findIndex((l) => /^\s*(async\s+)?(def|class)\b/.test(l));
  if (def <= 0) return null;
  const out = [...lines.slice(0, def).map(blank), ...lines.slice(def)];
  return parses(out) ? out : null;
}

/** The statement's text with what does not parse blanked out; null when nothing parses apart. */
export function repairStatement(text: string): string | null {
  const lines = text.split('\n');
  const out = repair(lines, 0);
  if (out.every((l) => !isCode(l)) || !parses(out)) return null;
  return out.join('\n');
}
