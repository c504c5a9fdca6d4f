// lezer-python syntax nodes → our AST. lezer's trees are flat in places (ArgList, ParamList,
// Decorator, AssignStatement hold token sequences, not one node per argument), so each of
// those is regrouped here.
import type { SyntaxNode } from '@lezer/common';
import {
  type Arg,
  COMPARISONS,
  type ConvertedStatement,
  type Decorator,
  type Expr,
  type FPart,
  type Param,
  type Stmt,
} from './ast';
import { BODY_MATTERS } from './lazyBodies';
import { parser } from './parser';
import { repairStatement } from './repair';
import { decodeFStringText, decodeString, scanStringToken } from './strings';

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';']);

/**
 * A node's children without comments: lezer puts a comment wherever it stands (inside an
 * argument list, a dict, a decorator's call), where it would break the regrouping of tokens.
 */
function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

const NO_LAZY: ReadonlySet<number> = new Set();

/** Nesting beyond this (a generated 10,000-term sum) is kept as an opaque expression. */
const MAX_NESTING = 400;

class Converter {
  private depth = 0;

  constructor(
    readonly src: string,
    readonly base: number,
    /** Offsets (in `src`) of the `:` of each decorated body blanked before parsing (lazyBodies.ts). */
    readonly lazy: ReadonlySet<number> = NO_LAZY,
  ) {}

  text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }

  span(n: SyntaxNode): { pos: number; end: number } {
    return { pos: n.from - this.base, end: n.to - this.base };
  }

  other(n: SyntaxNode): Expr {
    return { k: 'other', ...this.span(n) };
  }

  expr(n: SyntaxNode | null | undefined): Expr {
    if (!n) return { k: 'other', pos: 0, end: 0 };
    if (this.depth > MAX_NESTING) return this.other(n);
    this.depth++;
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: SyntaxNode): Expr {
    const convert = EXPRESSIONS[n.name];
    return convert ? convert.call(this, n) : this.other(n);
  }

  nameExpr(n: SyntaxNode): Expr {
    return { k: 'name', id: this.text(n), ...this.span(n) };
  }

  /** `obj.name`, or a subscript `obj[index]` (a slice is kept opaque). */
  memberExpr(n: SyntaxNode): Expr {
    const sp = this.span(n);
    const ch = children(n);
    const obj = this.expr(ch[0]);
    if (ch[1]?.name === '.') return { k: 'attr', obj, name: ch[2] ? this.text(ch[2]) : '', ...sp };
    const inner = ch.slice(2, -1);
    if (inner.length === 1 && inner[0].name !== ':')
      return { k: 'sub', obj, index: this.expr(inner[0]), ...sp };
    const items = inner.filter((c) => !PUNCT.has(c.name));
    if (inner.some((c) => c.name === ':') || items.length === 0) {
      return { k: 'sub', obj, index: { k: 'other', ...sp }, ...sp };
    }
    return { k: 'sub', obj, index: { k: 'tuple', items: items.map((c) => this.expr(c)), ...sp }, ...sp };
  }

  callExpr(n: SyntaxNode): Expr {
    const ch = children(n);
    const argList = ch.find((c) => c.name === 'ArgList');
    return { k: 'call', fn: this.expr(ch[0]), args: argList ? this.args(argList) : [], ...this.span(n) };
  }

  stringExpr(n: SyntaxNode): Expr {
    const { value, bytes } = decodeString(this.text(n));
    return { k: 'str', value, bytes, ...this.span(n) };
  }

  fstringExpr(n: SyntaxNode): Expr {
    return { k: 'fstr', parts: this.fstringParts(n), ...this.span(n) };
  }

  /** Implicit concatenation: a plain string unless one piece is an f-string. */
  continuedStringExpr(n: SyntaxNode): Expr {
    const sp = this.span(n);
    const pieces = children(n).filter((c) => c.name === 'String' || c.name === 'FormatString');
    if (pieces.every((c) => c.name === 'String')) {
      let value = '';
      let bytes = false;
      for (const p of pieces) {
        const d = decodeString(this.text(p));
        value += d.value;
        bytes = d.bytes;
      }
      return { k: 'str', value, bytes, ...sp };
    }
    const parts: FPart[] = [];
    for (const p of pieces) {
      if (p.name === 'String') parts.push(decodeString(this.text(p)).value);
      else parts.push(...this.fstringParts(p));
    }
    return { k: 'fstr', parts, ...sp };
  }

  constExpr(n: SyntaxNode): Expr {
    return { k: 'const', value: n.name === 'None' ? null : this.text(n) === 'True', ...this.span(n) };
  }

  parenExpr(n: SyntaxNode): Expr {
    const inner = children(n).filter((c) => !PUNCT.has(c.name));
    return inner.length === 1 ? this.expr(inner[0]) : this.other(n);
  }

  displayExpr(n: SyntaxNode): Expr {
    const k = n.name === 'TupleExpression' ? 'tuple' : n.name === 'ArrayExpression' ? 'list' : 'set';
    return { k, items: this.items(n), ...this.span(n) };
  }

  dictExpr(n: SyntaxNode): Expr {
    return { k: 'dict', items: this.dictItems(n), ...this.span(n) };
  }

  binaryExpr(n: SyntaxNode): Expr {
    const ch = children(n);
    if (ch.length < 3) return this.other(n);
    const op = ch
      .slice(1, -1)
      .map((c) => this.text(c))
      .join(' ');
    const left = this.expr(ch[0]);
    const right = this.expr(ch[ch.length - 1]);
    // lezer nests `a < b < c` as `(a < b) < c`; Python chains it (a parenthesised left operand
    // is a ParenthesizedExpression, not a BinaryExpression, and does not chain).
    const chain =
      COMPARISONS.has(op) &&
      ch[0].name === 'BinaryExpression' &&
      left.k === 'bin' &&
      COMPARISONS.has(left.op);
    return chain
      ? { k: 'bin', op, left, right, chain: true, ...this.span(n) }
      : { k: 'bin', op, left, right, ...this.span(n) };
  }

  /** `x += v` is `x = x + v` (Task has no `__iadd__`; a list's in-place update is not modelled). */
  updateStmt(n: SyntaxNode): Stmt {
    const ch = children(n);
    const opNode = ch.find((c) => c.name === 'UpdateOp');
    if (!opNode || ch.length < 3) return { k: 'other', ...this.span(n) };
    const target = this.expr(ch[0]);
    const value = this.exprList(ch.slice(ch.indexOf(opNode) + 1));
    const op = this.text(opNode).slice(0, -1);
    const sp = this.span(n);
    return {
      k: 'assign',
      targets: [target],
      value: { k: 'bin', op, left: target, right: value, ...sp },
      ...sp,
    };
  }

  unaryExpr(n: SyntaxNode): Expr {
    const ch = children(n);
    if (ch.length < 2) return this.other(n);
    return { k: 'unary', op: this.text(ch[0]), arg: this.expr(ch[ch.length - 1]), ...this.span(n) };
  }

  conditionalExpr(n: SyntaxNode): Expr {
    const ch = children(n).filter((c) => c.name !== 'if' && c.name !== 'else');
    if (ch.length !== 3) return this.other(n);
    return {
      k: 'cond',
      body: this.expr(ch[0]),
      test: this.expr(ch[1]),
      orelse: this.expr(ch[2]),
      ...this.span(n),
    };
  }

  lambdaExpr(n: SyntaxNode): Expr {
    const ch = children(n);
    const pl = ch.find((c) => c.name === 'ParamList');
    const colon = ch.findIndex((c) => c.name === ':');
    const body = colon >= 0 ? ch[colon + 1] : null;
    return { k: 'lambda', params: pl ? this.params(pl) : [], body: this.expr(body), ...this.span(n) };
  }

  number(n: SyntaxNode): Expr {
    const sp = this.span(n);
    const raw = this.text(n).replace(/_/g, '');
    if (/[jJ]$/.test(raw)) return { k: 'other', ...sp };
    if (/^0[xX]/.test(raw)) return { k: 'num', value: BigInt(raw), float: false, ...sp };
    if (/^0[oO]/.test(raw)) return { k: 'num', value: BigInt(`0o${raw.slice(2)}`), float: false, ...sp };
    if (/^0[bB]/.test(raw)) return { k: 'num', value: BigInt(`0b${raw.slice(2)}`), float: false, ...sp };
    if (/^[0-9]+$/.test(raw)) {
      const big = BigInt(raw);
      return {
        k: 'num',
        value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big,
        float: false,
        ...sp,
      };
    }
    return { k: 'num', value: Number(raw), float: true, ...sp };
  }

  /** Items of a list/tuple/set display, `*x` included as star expressions. */
  items(n: SyntaxNode): Expr[] {
    const out: Expr[] = [];
    let star: '' | '*' | '**' = '';
    for (const c of children(n)) {
      if (PUNCT.has(c.name)) continue;
      if (c.name === '*' || c.name === '**') {
        star = c.name;
        continue;
      }
      const e = this.expr(c);
      out.push(star ? { k: 'star', arg: e, double: star === '**', pos: e.pos, end: e.end } : e);
      star = '';
    }
    return out;
  }

  dictItems(n: SyntaxNode): { key: Expr | null; value: Expr }[] {
    const out: { key: Expr | null; value: Expr }[] = [];
    let group: SyntaxNode[] = [];
    const flush = () => {
      if (group.length === 0) return;
      if (group[0].name === '**' && group[1]) out.push({ key: null, value: this.expr(group[1]) });
      else {
        const colon = group.findIndex((c) => c.name === ':');
        if (colon > 0 && group[colon + 1])
          out.push({ key: this.expr(group[0]), value: this.expr(group[colon + 1]) });
      }
      group = [];
    };
    for (const c of children(n)) {
      if (c.name === '{' || c.name === '}') continue;
      if (c.name === ',') flush();
      else group.push(c);
    }
    flush();
    return out;
  }

  args(argList: SyntaxNode): Arg[] {
    const out: Arg[] = [];
    let group: SyntaxNode[] = [];
    const flush = () => {
      if (group.length === 0) return;
      if (group.length >= 3 && group[1].name === 'AssignOp') {
        out.push({ name: this.text(group[0]), value: this.expr(group[2]), star: '' });
      } else if (group[0].name === '*' || group[0].name === '**') {
        out.push({ name: null, value: this.expr(group[1]), star: group[0].name as '*' | '**' });
      } else {
        out.push({ name: null, value: this.expr(group[group.length - 1]), star: '' });
      }
      group = [];
    };
    for (const c of children(argList)) {
      if (c.name === '(' || c.name === ')') continue;
      if (c.name === ',') flush();
      else group.push(c);
    }
    flush();
    return out;
  }

  params(pl: SyntaxNode): Param[] {
    const out: Param[] = [];
    let kind: Param['kind'] = 'positional';
    let pendingStar: '' | '*' | '**' = '';
    let last: Param | null = null;
    let expectDefault = false;
    for (const c of children(pl)) {
      switch (c.name) {
        case '(':
        case ')':
        case 'TypeDef':
          break;
        case ',':
          pendingStar = '';
          expectDefault = false;
          break;
        case '*':
          pendingStar = '*';
          kind = 'kwonly';
          break;
        case '**':
          pendingStar = '**';
          break;
        case 'AssignOp':
          expectDefault = true;
          break;
        case 'VariableName':
          if (expectDefault && last) {
            last.default = this.expr(c);
            expectDefault = false;
            break;
          }
          last = {
            name: this.text(c),
            kind: pendingStar === '*' ? 'vararg' : pendingStar === '**' ? 'kwarg' : kind,
            default: null,
          };
          out.push(last);
          break;
        default:
          if (expectDefault && last) {
            last.default = this.expr(c);
            expectDefault = false;
          }
      }
    }
    return out;
  }

  fstringParts(n: SyntaxNode): FPart[] {
    const text = this.text(n);
    const tok = scanStringToken(text);
    const parts: FPart[] = [];
    let cursor = n.from + tok.bodyStart;
    const bodyEnd = n.from + tok.bodyEnd;
    const pushText = (from: number, to: number) => {
      if (to > from) parts.push(decodeFStringText(this.src.slice(from, to), tok.raw));
    };
    for (const c of children(n)) {
      if (c.name !== 'FormatReplacement') continue;
      pushText(cursor, c.from);
      parts.push(this.replacement(c, tok.raw));
      cursor = c.to;
    }
    pushText(cursor, bodyEnd);
    return parts;
  }

  replacement(r: SyntaxNode, raw: boolean): FPart {
    let expr: Expr | null = null;
    let conversion = '';
    let spec: FPart[] = [];
    let selfDoc: string | null = null;
    for (const c of children(r)) {
      if (c.name === '{' || c.name === '}') continue;
      if (c.name === 'FormatConversion') conversion = this.text(c).slice(1);
      else if (c.name === 'FormatSelfDoc') selfDoc = this.src.slice(r.from + 1, c.to);
      else if (c.name === 'FormatSpec') {
        spec = [];
        let cursor = c.from + 1;
        for (const s of children(c)) {
          if (s.name !== 'FormatReplacement') continue;
          if (s.from > cursor) spec.push(decodeFStringText(this.src.slice(cursor, s.from), raw));
          spec.push(this.replacement(s, raw));
          cursor = s.to;
        }
        if (c.to > cursor) spec.push(decodeFStringText(this.src.slice(cursor, c.to), raw));
      } else if (!expr) expr = this.expr(c);
    }
    return { expr: expr ?? this.other(r), conversion, spec, selfDoc, ...this.span(r) };
  }

  /**
   * A function body is only read for flows or stores built inside it, a Task's `__init__`, or a
   * target function's single `return`: most task bodies (the bulk of a file) are skipped.
   */
  bodyMatters(body: SyntaxNode): boolean {
    let count = 0;
    for (let c = body.firstChild; c; c = c.nextSibling) if (c.name !== ':' && c.name !== 'Comment') count++;
    if (count <= 3) return true;
    return BODY_MATTERS.test(this.src.slice(body.from, body.to));
  }

  body(n: SyntaxNode | null | undefined): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of children(n)) this.stmtInto(c, out);
    return out;
  }

  stmtInto(n: SyntaxNode, out: Stmt[]): void {
    if (n.name === 'StatementGroup') {
      for (const c of children(n)) this.stmtInto(c, out);
      return;
    }
    if (n.name === 'Comment' || n.name === ':' || n.name === ';' || PUNCT.has(n.name)) return;
    out.push(this.stmt(n));
  }

  decorator(d: SyntaxNode): Decorator {
    const parts = children(d).filter((c) => c.name !== 'At');
    let expr: Expr | null = null;
    for (const p of parts) {
      if (p.name === 'VariableName' || p.name === 'PropertyName') {
        expr = expr
          ? { k: 'attr', obj: expr, name: this.text(p), pos: expr.pos, end: p.to - this.base }
          : this.expr(p);
      } else if (p.name === 'ArgList' && expr) {
        expr = { k: 'call', fn: expr, args: this.args(p), pos: expr.pos, end: p.to - this.base };
      } else if (p.name !== '.' && !expr) {
        expr = this.expr(p);
      }
    }
    return { expr: expr ?? this.other(d), ...this.span(d) };
  }

  /** One statement node; kinds the analysis does not read become `other`. */
  stmt(n: SyntaxNode): Stmt {
    const convert = STATEMENTS[n.name];
    return convert ? convert.call(this, n) : { k: 'other', ...this.span(n) };
  }

  /** `a = b = value`, `a, b = value` (annotations dropped). */
  assignStmt(n: SyntaxNode): Stmt {
    const groups: SyntaxNode[][] = [[]];
    for (const c of children(n)) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    if (groups.length < 2) return { k: 'other', ...this.span(n) };
    const exprs = groups.map((g) => this.exprList(g));
    return { k: 'assign', targets: exprs.slice(0, -1), value: exprs[exprs.length - 1], ...this.span(n) };
  }

  /** Comma-separated expressions as one expression (a tuple when there is a comma). */
  exprList(g: SyntaxNode[]): Expr {
    const items = g.filter((c) => c.name !== ',');
    if (items.length === 1 && items.length === g.length) return this.expr(items[0]);
    const es = items.map((c) => this.expr(c));
    return { k: 'tuple', items: es, pos: es[0]?.pos ?? 0, end: es[es.length - 1]?.end ?? 0 };
  }

  exprStmt(n: SyntaxNode): Stmt {
    const sp = this.span(n);
    const ch = children(n).filter((c) => c.name !== ',');
    if (ch.length === 1) return { k: 'expr', value: this.expr(ch[0]), ...sp };
    return { k: 'expr', value: { k: 'tuple', items: ch.map((c) => this.expr(c)), ...sp }, ...sp };
  }

  decoratedStmt(n: SyntaxNode): Stmt {
    const sp = this.span(n);
    const ch = children(n);
    const decorators = ch.filter((c) => c.name === 'Decorator').map((d) => this.decorator(d));
    const def = ch.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
    if (!def) return { k: 'other', ...sp };
    const s = def.name === 'FunctionDefinition' ? this.functionStmt(def, true) : this.stmt(def);
    if (s.k === 'def' || s.k === 'class') return { ...s, decorators, pos: sp.pos };
    return s;
  }

  /** A decorated function's body (a task's, mostly) is read only when it may matter. */
  functionStmt(n: SyntaxNode, decorated = false): Stmt {
    const ch = children(n);
    const nameNode = ch.find((c) => c.name === 'VariableName');
    const pl = ch.find((c) => c.name === 'ParamList');
    const bodyNode = ch.find((c) => c.name === 'Body');
    const annotation = ch.find((c) => c.name === 'TypeDef')?.lastChild;
    return {
      k: 'def',
      name: nameNode ? this.text(nameNode) : '',
      params: pl ? this.params(pl) : [],
      decorators: [],
      // A blanked body is one bodyMatters() would not read in the original text.
      body:
        bodyNode && (!decorated || (!this.lazy.has(bodyNode.from) && this.bodyMatters(bodyNode)))
          ? this.body(bodyNode)
          : [],
      isAsync: ch.some((c) => c.name === 'async'),
      returns: annotation && annotation.name !== '->' ? this.expr(annotation) : null,
      ...this.span(n),
    };
  }

  classStmt(n: SyntaxNode): Stmt {
    const ch = children(n);
    const nameNode = ch.find((c) => c.name === 'VariableName');
    const al = ch.find((c) => c.name === 'ArgList');
    return {
      k: 'class',
      name: nameNode ? this.text(nameNode) : '',
      bases: al ? this.args(al) : [],
      decorators: [],
      body: this.body(ch.find((c) => c.name === 'Body')),
      ...this.span(n),
    };
  }

  withStmt(n: SyntaxNode): Stmt {
    const items: { ctx: Expr; as: Expr | null }[] = [];
    let body: Stmt[] = [];
    let pendingAs = false;
    for (const c of children(n)) {
      if (WITH_TOKENS.has(c.name)) continue;
      if (c.name === 'as') pendingAs = true;
      else if (c.name === 'Body') body = this.body(c);
      else if (pendingAs && items.length > 0) {
        items[items.length - 1].as = this.expr(c);
        pendingAs = false;
      } else items.push({ ctx: this.expr(c), as: null });
    }
    return { k: 'with', items, body, ...this.span(n) };
  }

  forStmt(n: SyntaxNode): Stmt {
    const sp = this.span(n);
    const ch = children(n);
    const inIdx = ch.findIndex((c) => c.name === 'in');
    const bodies = ch.filter((c) => c.name === 'Body');
    const targets = ch
      .slice(0, inIdx)
      .filter((c) => c.name !== 'for' && c.name !== 'async' && c.name !== ',');
    const iterNodes = ch
      .slice(inIdx + 1)
      .filter((c) => c.name !== 'Body' && c.name !== 'else' && c.name !== ',');
    const target: Expr =
      targets.length === 1
        ? this.expr(targets[0])
        : { k: 'tuple', items: targets.map((c) => this.expr(c)), ...sp };
    return {
      k: 'for',
      target,
      iter: this.expr(iterNodes[0]),
      body: this.body(bodies[0]),
      orelse: this.body(bodies[1]),
      ...sp,
    };
  }

  ifStmt(n: SyntaxNode): Stmt {
    const branches: { test: Expr | null; body: Stmt[] }[] = [];
    let test: Expr | null = null;
    let expectTest = false;
    for (const c of children(n)) {
      if (c.name === 'if' || c.name === 'elif') expectTest = true;
      else if (c.name === 'else') test = null;
      else if (c.name === 'Body') {
        branches.push({ test, body: this.body(c) });
        test = null;
      } else if (expectTest) {
        test = this.expr(c);
        expectTest = false;
      }
    }
    return { k: 'if', branches, ...this.span(n) };
  }

  /** while / try: only the statements inside matter. */
  blockStmt(n: SyntaxNode): Stmt {
    const bodies = children(n)
      .filter((c) => c.name === 'Body')
      .map((b) => this.body(b));
    return { k: 'block', bodies, ...this.span(n) };
  }

  matchStmt(n: SyntaxNode): Stmt {
    const bodies: Stmt[][] = [];
    const mb = children(n).find((c) => c.name === 'MatchBody');
    for (const clause of mb ? children(mb) : []) {
      const b = children(clause).find((c) => c.name === 'Body');
      if (b) bodies.push(this.body(b));
    }
    return { k: 'block', bodies, ...this.span(n) };
  }

  returnStmt(n: SyntaxNode): Stmt {
    const v = children(n).find((c) => c.name !== 'return');
    return { k: 'return', value: v ? this.expr(v) : null, ...this.span(n) };
  }

  importStmt(n: SyntaxNode): Stmt {
    const sp = this.span(n);
    const ch = children(n);
    if (ch[0]?.name === 'from') {
      let level = 0;
      const modParts: string[] = [];
      let i = 1;
      for (; i < ch.length && ch[i].name !== 'import'; i++) {
        const c = ch[i];
        if (c.name === '.') level += modParts.length === 0 ? 1 : 0;
        else if (c.name === 'Ellipsis') level += 3;
        else if (c.name === 'VariableName') modParts.push(this.text(c));
      }
      const names: { name: string; as: string | null }[] = [];
      for (i++; i < ch.length; i++) {
        const c = ch[i];
        if (c.name === 'VariableName' || c.name === '*') {
          if (ch[i - 1]?.name === 'as' && names.length > 0) names[names.length - 1].as = this.text(c);
          else names.push({ name: c.name === '*' ? '*' : this.text(c), as: null });
        }
      }
      return { k: 'from', module: modParts.join('.'), level, names, ...sp };
    }
    const names: { module: string; as: string | null }[] = [];
    let parts: string[] = [];
    let as: string | null = null;
    let afterAs = false;
    const flush = () => {
      if (parts.length) names.push({ module: parts.join('.'), as });
      parts = [];
      as = null;
      afterAs = false;
    };
    for (const c of ch) {
      if (c.name === 'import') continue;
      if (c.name === ',') flush();
      else if (c.name === 'as') afterAs = true;
      else if (c.name === 'VariableName') {
        if (afterAs) as = this.text(c);
        else parts.push(this.text(c));
      }
    }
    flush();
    return { k: 'import', names, ...sp };
  }
}

const WITH_TOKENS = new Set(['with', 'async', ',', '(', ')']);

/** lezer expression node → its converter. */
const EXPRESSIONS: Record<string, (this: Converter, n: SyntaxNode) => Expr> = {
  VariableName: Converter.prototype.nameExpr,
  MemberExpression: Converter.prototype.memberExpr,
  CallExpression: Converter.prototype.callExpr,
  String: Converter.prototype.stringExpr,
  FormatString: Converter.prototype.fstringExpr,
  ContinuedString: Converter.prototype.continuedStringExpr,
  Number: Converter.prototype.number,
  Boolean: Converter.prototype.constExpr,
  None: Converter.prototype.constExpr,
  ParenthesizedExpression: Converter.prototype.parenExpr,
  TupleExpression: Converter.prototype.displayExpr,
  ArrayExpression: Converter.prototype.displayExpr,
  SetExpression: Converter.prototype.displayExpr,
  DictionaryExpression: Converter.prototype.dictExpr,
  BinaryExpression: Converter.prototype.binaryExpr,
  UnaryExpression: Converter.prototype.unaryExpr,
  ConditionalExpression: Converter.prototype.conditionalExpr,
  LambdaExpression: Converter.prototype.lambdaExpr,
};

/** lezer statement node → its converter. */
const STATEMENTS: Record<string, (this: Converter, n: SyntaxNode) => Stmt> = {
  ImportStatement: Converter.prototype.importStmt,
  AssignStatement: Converter.prototype.assignStmt,
  UpdateStatement: Converter.prototype.updateStmt,
  ExpressionStatement: Converter.prototype.exprStmt,
  DecoratedStatement: Converter.prototype.decoratedStmt,
  FunctionDefinition: Converter.prototype.functionStmt,
  ClassDefinition: Converter.prototype.classStmt,
  WithStatement: Converter.prototype.withStmt,
  ForStatement: Converter.prototype.forStmt,
  IfStatement: Converter.prototype.ifStmt,
  WhileStatement: Converter.prototype.blockStmt,
  TryStatement: Converter.prototype.blockStmt,
  MatchStatement: Converter.prototype.matchStmt,
  ReturnStatement: Converter.prototype.returnStmt,
};

/** Offsets of lezer error nodes under `n`, relative to `base`. */
function errorOffsets(n: SyntaxNode, base: number): number[] {
  const out: number[] = [];
  const cur = n.cursor();
  let depth = 0;
  for (;;) {
    if (cur.type.isError) out.push(cur.from - base);
    if (cur.firstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) return out;
      if (cur.nextSibling()) break;
      cur.parent();
      depth--;
    }
  }
}

/** Longest top-level statement that a syntax error is repaired in (a few thousand lines). */
export const MAX_REPAIR_CHARS = 64 * 1024;

/**
 * Converts one top-level syntax node (a statement, a comment or an error node) of `src`, the text
 * lezer parsed; `lazy`: the offsets of the bodies blanked in it (lazyBodies.ts).
 */
export function convertTopLevel(
  node: SyntaxNode,
  src: string,
  lazy: ReadonlySet<number> = NO_LAZY,
): ConvertedStatement {
  const text = src.slice(node.from, node.to);
  const conv = new Converter(src, node.from, lazy);
  const errors = errorOffsets(node, node.from);
  if (node.type.isError) errors.push(0);
  const stmts: Stmt[] = [];
  // Repair parses the statement up to ~10 times: a broken statement over MAX_REPAIR_CHARS (one
  // unclosed call swallowing the rest of a 256 KiB file) is reported, not repaired.
  const repaired = errors.length && text.length <= MAX_REPAIR_CHARS ? repairStatement(text) : null;
  if (repaired !== null) {
    // Same length and lines as the original: positions stay valid against `text`.
    const fixed = new Converter(repaired, 0, new Set([...lazy].map((x) => x - node.from)));
    for (let c = parser.parse(repaired).topNode.firstChild; c; c = c.nextSibling) fixed.stmtInto(c, stmts);
  } else if (!node.type.isError) conv.stmtInto(node, stmts);
  return { text, stmts, errors: [...new Set(errors)] };
}
