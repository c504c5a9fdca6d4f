// How a store path was found: a literal, folded from literals and the environment, or dynamic.
import type { PathExpr } from '../types';

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
