// The lines of a task's function, from its first decorator to the last line of its body (by
// indentation), for "did its source change after its artifact was written?".

const indentOf = (l: string) => l.match(/^\s*/)?.[0].length ?? 0;

/** 1-based inclusive [start, end]; `start` is the decorator (or def / call) line. */
export function functionLineRange(text: string, startLine: number): [number, number] {
  const lines = text.split(/\r?\n/);
  const first = startLine - 1;
  if (first < 0 || first >= lines.length) return [startLine, startLine];
  const indent = indentOf(lines[first]);
  // The def that the decorators (possibly spanning lines) belong to; a functional task
  // (`t = task(fn)`) has none, and is just its own statement.
  let def = -1;
  for (let i = first; i < Math.min(lines.length, first + 60); i++) {
    if (/^\s*(async\s+)?def\s/.test(lines[i]) && indentOf(lines[i]) === indent) {
      def = i;
      break;
    }
    if (
      i > first &&
      lines[i].trim() !== '' &&
      indentOf(lines[i]) <= indent &&
      !/^\s*(@|[)\]}])/.test(lines[i])
    )
      break;
  }
  if (def < 0) return [startLine, startLine];
  let end = def;
  for (let i = def + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || /^\s*#/.test(l)) continue;
    if (indentOf(l) <= indent && !/^\s*[)\]}]/.test(l)) break;
    end = i;
  }
  return [startLine, end + 1];
}
