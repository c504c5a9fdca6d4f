// A small Python AST, converted once per top-level statement from lezer's tree. Positions are
// UTF-16 offsets relative to the start of the top-level statement, so a converted statement
// stays valid when edits elsewhere move it.

export interface Span {
  pos: number;
  end: number;
}

/** A piece of an f-string: literal text (braces already unescaped) or an interpolation. */
export type FPart = string | FInterp;

export interface FInterp extends Span {
  expr: Expr;
  conversion: string;
  spec: FPart[];
  /** `{x=}`: the source text that precedes the value. */
  selfDoc: string | null;
}

export type Expr =
  | (Span & { k: 'name'; id: string })
  | (Span & { k: 'attr'; obj: Expr; name: string })
  | (Span & { k: 'call'; fn: Expr; args: Arg[] })
  | (Span & { k: 'str'; value: string; bytes: boolean })
  /** An f-string, or an implicit concatenation that contains one. */
  | (Span & { k: 'fstr'; parts: FPart[] })
  | (Span & { k: 'num'; value: number | bigint; float: boolean })
  | (Span & { k: 'const'; value: null | boolean })
  | (Span & { k: 'list' | 'tuple' | 'set'; items: Expr[] })
  | (Span & { k: 'dict'; items: { key: Expr | null; value: Expr }[] })
  | (Span & { k: 'sub'; obj: Expr; index: Expr })
  /** `chain`: a comparison whose left operand is a comparison, `a < b < c` (b runs once). */
  | (Span & { k: 'bin'; op: string; left: Expr; right: Expr; chain?: true })
  | (Span & { k: 'unary'; op: string; arg: Expr })
  | (Span & { k: 'cond'; test: Expr; body: Expr; orelse: Expr })
  | (Span & { k: 'lambda'; params: Param[]; body: Expr })
  | (Span & { k: 'star'; arg: Expr; double: boolean })
  | (Span & { k: 'other' });

export interface Arg {
  name: string | null;
  value: Expr;
  star: '' | '*' | '**';
}

export interface Param {
  name: string;
  kind: 'positional' | 'vararg' | 'kwonly' | 'kwarg';
  default: Expr | null;
}

export interface Decorator extends Span {
  expr: Expr;
}

export type Stmt =
  | (Span & { k: 'import'; names: { module: string; as: string | null }[] })
  | (Span & { k: 'from'; module: string; level: number; names: { name: string; as: string | null }[] })
  | (Span & { k: 'assign'; targets: Expr[]; value: Expr })
  | (Span & { k: 'expr'; value: Expr })
  | (Span & {
      k: 'def';
      name: string;
      params: Param[];
      decorators: Decorator[];
      body: Stmt[];
      isAsync: boolean;
      /** The return annotation (`-> Tuple[int, int]` gives a task its `nout`). */
      returns: Expr | null;
    })
  | (Span & { k: 'class'; name: string; bases: Arg[]; decorators: Decorator[]; body: Stmt[] })
  | (Span & { k: 'with'; items: { ctx: Expr; as: Expr | null }[]; body: Stmt[] })
  | (Span & { k: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Span & { k: 'if'; branches: { test: Expr | null; body: Stmt[] }[] })
  /** try / while / match: only the statements inside matter. */
  | (Span & { k: 'block'; bodies: Stmt[][] })
  | (Span & { k: 'return'; value: Expr | null })
  | (Span & { k: 'other' });

/** A top-level statement as converted: its statements (several for `a; b`) and parse errors. */
/** A comparison operator (what chains: `a < b < c` is `a < b and b < c`). */
export const COMPARISONS: ReadonlySet<string> = new Set([
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  'in',
  'not in',
  'is',
  'is not',
]);

export interface ConvertedStatement {
  text: string;
  stmts: Stmt[];
  /** Offsets (relative) of lezer error nodes inside. */
  errors: number[];
}

/** `a.b.c` → 'a.b.c'; null when the expression is not a plain dotted name. */
export function dottedName(e: Expr): string | null {
  if (e.k === 'name') return e.id;
  if (e.k === 'attr') {
    const base = dottedName(e.obj);
    return base === null ? null : `${base}.${e.name}`;
  }
  return null;
}
