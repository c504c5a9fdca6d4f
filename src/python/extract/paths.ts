// `CacheStore(...)` path arguments → PathExpr recipes: literals, f-strings, tempfile, os.path,
// pathlib, environment variables; anything else is `dynamic` with its source text.
import type { Expr } from '../parse/ast';
import type { PathExpr } from '../types';
import { evaluate, isUnknown } from './evaluate';
import { type Item, knownKind, type Scope } from './scope';

interface Env {
  scope: Scope;
  item: Item;
}

const src = (e: Expr, env: Env) => env.item.text.slice(e.pos, e.end);

export function toPathExpr(e: Expr, env: Env, depth = 0): PathExpr {
  const dynamic = (): PathExpr => ({ k: 'dynamic', expression: src(e, env) });
  if (depth > 20) return dynamic();
  const sub = (x: Expr) => toPathExpr(x, env, depth + 1);
  switch (e.k) {
    case 'str':
      return e.bytes ? dynamic() : { k: 'str', value: e.value };
    case 'fstr': {
      const parts: PathExpr[] = [];
      for (const p of e.parts) {
        if (typeof p === 'string') parts.push({ k: 'str', value: p });
        else if (p.spec.length || p.conversion === 'r' || p.conversion === 'a' || p.selfDoc) {
          // A format spec on a path is rare; only constants can honour it.
          const v = evaluate({ k: 'fstr', parts: [p], pos: p.pos, end: p.end }, env);
          parts.push(
            isUnknown(v) ? { k: 'dynamic', expression: src(p.expr, env) } : { k: 'str', value: String(v) },
          );
        } else parts.push(sub(p.expr));
      }
      return { k: 'concat', parts };
    }
    case 'name': {
      if (e.id === '__file__') return { k: 'file' };
      const b = env.scope.get(e.id);
      if (b?.k === 'expr') {
        const inner = toPathExpr(b.expr, { scope: b.scope, item: b.item }, depth + 1);
        // Keep the variable's name for the storeExpressions setting when its value is dynamic.
        if (inner.k !== 'dynamic') return inner;
        return { k: 'dynamic', expression: e.id, aliases: [inner.expression, ...(inner.aliases ?? [])] };
      }
      return dynamic();
    }
    case 'bin': {
      if (e.op === '+') return { k: 'concat', parts: [sub(e.left), sub(e.right)] };
      if (e.op === '/' && isPathLike(e.left, env)) {
        const left = sub(e.left);
        const parts = left.k === 'path' ? [...left.parts, sub(e.right)] : [left, sub(e.right)];
        return { k: 'path', parts };
      }
      return dynamic();
    }
    case 'sub': {
      if (knownKind(e.obj, env.scope) === 'environ' && e.index.k === 'str') {
        return { k: 'env', name: e.index.value, raises: true };
      }
      return dynamic();
    }
    case 'attr': {
      if (e.name === 'parent' && isPathLike(e.obj, env))
        return { k: 'dirname', arg: { k: 'path', parts: [sub(e.obj)] } };
      return dynamic();
    }
    case 'call':
      return callToPath(e, env, depth);
    default: {
      const v = evaluate(e, env);
      return typeof v === 'string' ? { k: 'str', value: v } : dynamic();
    }
  }
}

function callToPath(e: Extract<Expr, { k: 'call' }>, env: Env, depth: number): PathExpr {
  const dynamic = (): PathExpr => ({ k: 'dynamic', expression: src(e, env) });
  const sub = (x: Expr) => toPathExpr(x, env, depth + 1);
  if (e.args.some((a) => a.star)) return dynamic();
  const positional = e.args.filter((a) => !a.name).map((a) => a.value);
  const kw = (name: string) => e.args.find((a) => a.name === name)?.value;
  switch (knownKind(e.fn, env.scope)) {
    case 'gettempdir':
      return { k: 'tmpdir' };
    case 'getcwd':
    case 'Path.cwd':
      return { k: 'cwd' };
    case 'Path.home':
      return { k: 'home' };
    case 'path.join':
      return positional.length ? { k: 'join', parts: positional.map(sub) } : dynamic();
    case 'path.expanduser':
      return positional.length === 1 ? { k: 'expanduser', arg: sub(positional[0]) } : dynamic();
    case 'path.abspath':
      return positional.length === 1 ? { k: 'abspath', arg: sub(positional[0]) } : dynamic();
    case 'path.normpath':
      return positional.length === 1 ? { k: 'path', parts: [sub(positional[0])] } : dynamic();
    case 'path.dirname':
      return positional.length === 1 ? { k: 'dirname', arg: sub(positional[0]) } : dynamic();
    case 'Path':
      return { k: 'path', parts: positional.length ? positional.map(sub) : [{ k: 'str', value: '.' }] };
    case 'str':
      return positional.length === 1 ? sub(positional[0]) : dynamic();
    case 'getenv': {
      const name = positional[0] ?? kw('key');
      const dflt = positional[1] ?? kw('default');
      if (name?.k !== 'str') return dynamic();
      return dflt ? { k: 'env', name: name.value, default: sub(dflt) } : { k: 'env', name: name.value };
    }
    default:
      break;
  }
  // Methods on a path: Path(...).expanduser(), .resolve(), .absolute(), .joinpath(...)
  if (e.fn.k === 'attr' && isPathLike(e.fn.obj, env)) {
    const obj = e.fn.obj;
    switch (e.fn.name) {
      case 'expanduser':
        return { k: 'path', parts: [{ k: 'expanduser', arg: sub(obj) }] };
      case 'resolve':
      case 'absolute':
        return { k: 'abspath', arg: { k: 'path', parts: [sub(obj)] } };
      case 'joinpath':
        return { k: 'path', parts: [sub(obj), ...positional.map(sub)] };
      case 'as_posix':
      case '__str__':
        return { k: 'path', parts: [sub(obj)] };
      default:
        break;
    }
  }
  return dynamic();
}

/** Whether an expression evaluates to a pathlib path (so `/` joins rather than divides). */
function isPathLike(e: Expr, env: Env, depth = 0): boolean {
  if (depth > 20) return false;
  if (e.k === 'call') {
    const kind = knownKind(e.fn, env.scope);
    if (kind === 'Path' || kind === 'Path.home' || kind === 'Path.cwd') return true;
    if (e.fn.k === 'attr' && ['expanduser', 'resolve', 'absolute', 'joinpath'].includes(e.fn.name)) {
      return isPathLike(e.fn.obj, env, depth + 1);
    }
    return false;
  }
  if (e.k === 'bin' && e.op === '/') return isPathLike(e.left, env, depth + 1);
  if (e.k === 'attr' && e.name === 'parent') return isPathLike(e.obj, env, depth + 1);
  if (e.k === 'name') {
    const b = env.scope.get(e.id);
    return b?.k === 'expr' ? isPathLike(b.expr, { scope: b.scope, item: b.item }, depth + 1) : false;
  }
  return false;
}

/** 'literal' for a plain string, 'dynamic' when any part is, else 'folded'. */
export function pathResolution(p: PathExpr): 'literal' | 'folded' | 'dynamic' {
  if (p.k === 'str') return 'literal';
  let dynamic = false;
  const walk = (x: PathExpr) => {
    if (x.k === 'dynamic') dynamic = true;
    else if (x.k === 'concat' || x.k === 'join' || x.k === 'path') x.parts.forEach(walk);
    else if (x.k === 'expanduser' || x.k === 'abspath' || x.k === 'dirname') walk(x.arg);
    else if (x.k === 'env' && x.default) walk(x.default);
  };
  walk(p);
  if (dynamic) return 'dynamic';
  if (p.k === 'concat' && p.parts.every((x) => x.k === 'str')) return 'literal';
  return 'folded';
}
