// Python's `json.loads` accepts what `json.dumps(allow_nan=True)` writes: NaN, Infinity and
// -Infinity tokens, which `JSON.parse` rejects. Sidecars with them are real xpersist output.
//
// Two modes:
// - `parsePythonJson`: plain JS values (what the rest of the core uses).
// - `parsePythonJsonRaw`: a tree that keeps what Python would see and JS would lose (float vs
//   int tokens, big ints, key order of integer-like keys), so a sidecar can be re-emitted
//   byte-for-byte as pydantic would.

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`${message}: line ${line} column ${column} (char ${offset})`);
    this.name = 'JsonSyntaxError';
  }
}

/** A number token Python would parse as float (has `.`, `e`, or is NaN/Infinity). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** An integer token, kept as text so ints beyond 2^53 survive. */
export class PyInt {
  constructor(readonly text: string) {}
}

/** A JSON object with its keys in file order (JS objects move integer-like keys first). */
export class PyDict {
  constructor(readonly entries: [string, RawJson][]) {}
  get(key: string): RawJson | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i][0] === key) return this.entries[i][1];
    return undefined;
  }
}

export type RawJson = null | boolean | string | PyFloat | PyInt | PyDict | RawJson[];

export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // What JSON.parse refuses is mostly NaN/Infinity tokens: rewrite them and let JSON.parse
    // run (a 100 MB sidecar with NaN took 32 s and 3.8 GB in the parser below). A real syntax
    // error still goes to the parser, which reports its position like Python does.
    const fast = parseWithNonFinite(text);
    return fast !== NOT_PARSED ? fast : toPlain(new Parser(text).parseDocument());
  }
}

const NOT_PARSED = Symbol('not parsed');
// A string no document can hold unless it writes the escape \u0000, which parseWithNonFinite
// checks for first: so a sentinel found after parsing is always one it put there.
const NAN_SENTINEL = '\u0000xpersist:NaN';
const NAN_SENTINEL_JSON = ' "\\u0000xpersist:NaN" ';
// Strings are matched whole, as JSON's lexer sees them (an unrolled loop: no backtracking), so
// tokens inside them stay text.
const NON_FINITE = /"[^"\\]*(?:\\[\s\S][^"\\]*)*"|-?Infinity|NaN/g;

/** JSON.parse over the text with NaN/Infinity rewritten; NOT_PARSED when it still fails. */
function parseWithNonFinite(text: string): unknown {
  if (text.includes('\\u0000')) return NOT_PARSED;
  let found = false;
  const rewritten = text.replace(NON_FINITE, (m) => {
    if (m.charCodeAt(0) === 0x22) return m;
    found = true;
    // Spaces keep a token from joining its neighbour into a valid number (`1Infinity`); 1e999
    // parses to Infinity exactly.
    return m === 'NaN' ? NAN_SENTINEL_JSON : m === 'Infinity' ? ' 1e999 ' : ' -1e999 ';
  });
  if (!found) return NOT_PARSED;
  let doc: unknown;
  try {
    doc = JSON.parse(rewritten);
  } catch {
    return NOT_PARSED;
  }
  return restoreNaN(doc) ? doc : NOT_PARSED;
}

/**
 * Puts NaN where the sentinel is, in place, with a stack (JSON.parse nests deeper than a
 * recursion can follow) and no reviver (a reviver made a 82 MB file 4x slower). False when a key
 * is the sentinel: Python refuses NaN as a key (`{NaN: 1}`), the parser gives its message.
 */
function restoreNaN(doc: unknown): boolean {
  if (doc === NAN_SENTINEL) return false; // a bare NaN document is left to the parser
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === NAN_SENTINEL) v[i] = Number.NaN;
        else if (x !== null && typeof x === 'object') stack.push(x);
      }
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (k === NAN_SENTINEL) return false;
        const x = o[k];
        if (x === NAN_SENTINEL) setOwn(o, k, Number.NaN);
        else if (x !== null && typeof x === 'object') stack.push(x);
      }
    }
  }
  return true;
}

/** `o[k] = value`, also for a `__proto__` key (JSON.parse made it an own property). */
function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k !== '__proto__') o[k] = value;
  else Object.defineProperty(o, k, { value, writable: true, enumerable: true, configurable: true });
}

export function parsePythonJsonRaw(text: string): RawJson {
  return new Parser(text).parseDocument();
}

export function toPlain(v: RawJson): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyInt) return Number(v.text);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v.entries) o[k] = toPlain(val);
    return o;
  }
  return v.map(toPlain);
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private i = 0;
  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  parseDocument(): RawJson {
    this.skipWs();
    if (this.i >= this.s.length) this.fail('Expecting value');
    const v = this.value();
    this.skipWs();
    if (this.i < this.s.length) this.fail('Extra data');
    return v;
  }

  private fail(msg: string, at = this.i): never {
    let line = 1;
    let lastNl = -1;
    for (let k = 0; k < at && k < this.s.length; k++) {
      if (this.s.charCodeAt(k) === 0x0a) {
        line++;
        lastNl = k;
      }
    }
    throw new JsonSyntaxError(msg, line, at - lastNl, at);
  }

  private skipWs(): void {
    while (this.i < this.s.length && WS.has(this.s.charCodeAt(this.i))) this.i++;
  }

  private value(): RawJson {
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', new PyFloat(Number.NaN));
      case 'I':
        return this.literal('Infinity', new PyFloat(Number.POSITIVE_INFINITY));
      default:
        if (c === '-' && this.s.startsWith('-Infinity', this.i)) {
          this.i += 9;
          return new PyFloat(Number.NEGATIVE_INFINITY);
        }
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail('Expecting value');
    }
  }

  private literal<T extends RawJson>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('Expecting value');
    this.i += word.length;
    return v;
  }

  private number(): PyFloat | PyInt {
    const re = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m) return this.fail('Expecting value');
    this.i += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return new PyFloat(Number(m[0]));
    return new PyInt(m[0]);
  }

  private string(): string {
    const start = this.i;
    this.i++; // opening quote
    let out = '';
    let chunk = this.i;
    for (;;) {
      if (this.i >= this.s.length) this.fail('Unterminated string starting at', start);
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) {
        out += this.s.slice(chunk, this.i);
        this.i++;
        return out;
      }
      if (code < 0x20) this.fail('Invalid control character at');
      if (code === 0x5c) {
        out += this.s.slice(chunk, this.i);
        const e = this.s[this.i + 1];
        if (e === undefined) this.fail('Unterminated string starting at', start);
        if (e in SIMPLE_ESCAPES) {
          out += SIMPLE_ESCAPES[e];
          this.i += 2;
        } else if (e === 'u') {
          const hex = this.s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.i += 6;
        } else {
          this.fail('Invalid \\escape');
        }
        chunk = this.i;
        continue;
      }
      this.i++;
    }
  }

  private object(): PyDict {
    this.i++;
    const entries: [string, RawJson][] = [];
    this.skipWs();
    if (this.s[this.i] === '}') {
      this.i++;
      return new PyDict(entries);
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.i] !== '"') this.fail('Expecting property name enclosed in double quotes');
      const k = this.string();
      this.skipWs();
      if (this.s[this.i] !== ':') this.fail("Expecting ':' delimiter");
      this.i++;
      this.skipWs();
      entries.push([k, this.value()]);
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return new PyDict(entries);
      }
      this.fail("Expecting ',' delimiter");
    }
  }

  private array(): RawJson[] {
    this.i++;
    const out: RawJson[] = [];
    this.skipWs();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail("Expecting ',' delimiter");
    }
  }
}
