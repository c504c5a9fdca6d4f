// Calls to objects the interpreter knows by their qualified names: xpersist (CacheStore,
// XpersistResult, the serializer registry), Python's builtins and the path functions of
// tempfile / os / os.path / pathlib (their results are path recipes, resolved with the host's
// environment), methods of known strings and paths. Prefect's API is in prefect.ts.
import type { Expr } from '../parse/ast';
import { type Kwargs, pyFormat } from '../template/format';
import { pyStr } from '../template/repr';
import { kindOf, type PyValue } from '../template/values';
import type { PathExpr, ResultInfo } from '../types';
import type { Interpreter } from './interpreter';
import { dictValue } from './interpreter';
import { callPrefect } from './prefect';
import { knownKind, resultClassName } from './scope';
import { type ArgVal, type Env, py, unknown, type Val } from './values';

type Call = Extract<Expr, { k: 'call' }>;

const MAX_RANGE = 1000;

/** A value where a path is expected: a known string, a path recipe, or dynamic (its source). */
export function toPath(v: Val, e: Expr, env: Env): PathExpr {
  if (v.k === 'py' && typeof v.v === 'string') return { k: 'str', value: v.v };
  if (v.k === 'path') return v.p;
  const expression = env.item.text.slice(e.pos, e.end);
  if (v.k === 'unknown' && e.k === 'name' && v.text) {
    return { k: 'dynamic', expression, aliases: [v.text, ...(v.aliases ?? [])] };
  }
  return { k: 'dynamic', expression };
}

const pathVal = (p: PathExpr, pathlib: boolean): Val => ({ k: 'path', p, pathlib });

/** `fn(...)` where fn is known by `qname`; null when the analysis does not know it. */
export function callKnown(
  it: Interpreter,
  qname: string,
  e: Call,
  args: ArgVal[],
  env: Env,
  variable: string | null,
): Val | null {
  const kind = knownKind(qname);
  const prefect = callPrefect(it, kind, e, args, env, variable);
  if (prefect) return prefect;
  switch (kind) {
    case 'CacheStore':
      return { k: 'store', index: it.state.registerStore(e, args, env, variable) };
    case 'register-serializer': {
      const name = args[0]?.val;
      if (name?.k === 'py' && typeof name.v === 'string') it.state.registeredSerializers.add(name.v);
      return { k: 'decorator', kind: 'other', args };
    }
    case 'str':
      if (args.length !== 1 || args[0].name || args[0].star) return unknown('str()');
      if (args[0].val.k === 'py') return py(pyStr(args[0].val.v));
      return args[0].val.k === 'path' ? pathVal(args[0].val.p, false) : unknown('str()');
    case 'dict':
      if (args.some((a) => !a.name)) return unknown('dict(...)');
      return dictValue(args.map((a) => [py(a.name as string), a.val]));
    case 'range':
      return range(args);
    case 'environ.setdefault':
    case 'putenv':
      if (args[0]?.val.k === 'py' && args[0].val.v === 'PREFECT__FLOWS__CHECKPOINTING') {
        it.noteCheckpointEnv(args[1]?.val ?? unknown('no value'), it.line(env, e));
      }
      return unknown(kind);
    case 'environ.update':
      environUpdate(it, args, it.line(env, e));
      return unknown(kind);
    default:
      break;
  }
  const cls = resultClassName(qname);
  if (cls) return { k: 'result', result: resultInfo(it, cls, e, args, env) };
  return pathCall(kind, args, env);
}

function environUpdate(it: Interpreter, args: ArgVal[], line: number): void {
  const d = args[0]?.val;
  if (d?.k === 'py' && kindOf(d.v) === 'dict' && d.v && typeof d.v === 'object') {
    const v = (d.v as Record<string, PyValue>).PREFECT__FLOWS__CHECKPOINTING;
    if (v !== undefined) it.noteCheckpointEnv(py(v), line);
  } else if (d?.k === 'kwdict' && d.items.has('PREFECT__FLOWS__CHECKPOINTING')) {
    it.noteCheckpointEnv(d.items.get('PREFECT__FLOWS__CHECKPOINTING') as Val, line);
  }
}

function range(args: ArgVal[]): Val {
  const nums = args.map((a) => (a.val.k === 'py' && typeof a.val.v === 'number' ? a.val.v : null));
  if (nums.length === 0 || nums.some((n) => n === null) || args.some((a) => a.name || a.star))
    return unknown('range');
  const [a, b, c] = nums as number[];
  const [start, stop, step] = nums.length === 1 ? [0, a, 1] : [a, b, c ?? 1];
  if (step === 0) return unknown('range step 0');
  const out: PyValue[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > MAX_RANGE) return unknown('long range');
  }
  return py(out);
}

/** tempfile / os / os.path / pathlib functions: path recipes. */
function pathCall(kind: string, args: ArgVal[], env: Env): Val | null {
  if (args.some((a) => a.star)) return null;
  const p = (a: ArgVal) => toPath(a.val, a.expr, env);
  const positional = args.filter((a) => !a.name);
  const kw = (name: string) => args.find((a) => a.name === name);
  const one = positional.length === 1 ? positional[0] : null;
  switch (kind) {
    case 'gettempdir':
      return pathVal({ k: 'tmpdir' }, false);
    case 'getcwd':
      return pathVal({ k: 'cwd' }, false);
    case 'Path.cwd':
      return pathVal({ k: 'cwd' }, true);
    case 'Path.home':
      return pathVal({ k: 'home' }, true);
    case 'path.join':
      return positional.length ? pathVal({ k: 'join', parts: positional.map(p) }, false) : null;
    case 'path.expanduser':
      return one ? pathVal({ k: 'expanduser', arg: p(one) }, false) : null;
    case 'path.abspath':
      return one ? pathVal({ k: 'abspath', arg: p(one) }, false) : null;
    case 'path.normpath':
      return one ? pathVal({ k: 'path', parts: [p(one)] }, false) : null;
    case 'path.dirname':
      return one ? pathVal({ k: 'dirname', arg: p(one) }, false) : null;
    case 'Path':
      return pathVal(
        { k: 'path', parts: positional.length ? positional.map(p) : [{ k: 'str', value: '.' }] },
        true,
      );
    case 'getenv': {
      const name = positional[0] ?? kw('key');
      const dflt = positional[1] ?? kw('default');
      if (name?.val.k !== 'py' || typeof name.val.v !== 'string') return null;
      return pathVal({ k: 'env', name: name.val.v, ...(dflt ? { default: p(dflt) } : {}) }, false);
    }
    default:
      return null;
  }
}

/** Methods of known strings (`"...".format(...)`) and of paths (`.expanduser()`, `.joinpath()`). */
export function callMethod(obj: Val, name: string, args: ArgVal[]): Val | null {
  if (obj.k === 'py' && typeof obj.v === 'string' && name === 'format') {
    const kwargs = new Map<string, PyValue>();
    for (const a of args) {
      if (!a.name || a.star || a.val.k !== 'py') return unknown('format');
      kwargs.set(a.name, a.val.v);
    }
    try {
      return py(pyFormat(obj.v, kwargs as Kwargs));
    } catch {
      return unknown('format raises');
    }
  }
  if (obj.k !== 'path' || !obj.pathlib) return null;
  switch (name) {
    case 'expanduser':
      return pathVal({ k: 'path', parts: [{ k: 'expanduser', arg: obj.p }] }, true);
    case 'resolve':
    case 'absolute':
      return pathVal({ k: 'abspath', arg: { k: 'path', parts: [obj.p] } }, true);
    case 'joinpath':
      return pathVal({ k: 'path', parts: [obj.p, ...args.map((a) => toPath(a.val, a.expr, a.env))] }, true);
    case 'as_posix':
    case '__str__':
      return pathVal({ k: 'path', parts: [obj.p] }, false);
    default:
      return null;
  }
}

/** Results whose serializer_dump_kwargs is not a literal (no mode check possible). */
const DUMP_KWARGS_UNKNOWN = new WeakSet<ResultInfo>();

export const dumpKwargsUnknown = (r: ResultInfo): boolean => DUMP_KWARGS_UNKNOWN.has(r);

/** `XpersistResult(store, serializer=..., serializer_dump_kwargs=...)` or another Result class. */
function resultInfo(it: Interpreter, cls: string, e: Call, args: ArgVal[], env: Env): ResultInfo {
  const line = it.line(env, e);
  if (cls !== 'XpersistResult') {
    return { class: cls, store: null, serializer: null, dumpKwargs: null, storeIndex: null, line };
  }
  const pos = args.filter((a) => !a.name && !a.star);
  const kw = (n: string) => args.find((a) => a.name === n);
  const storeArg = pos[0] ?? kw('cache_store');
  const serArg = pos[1] ?? kw('serializer');
  const dumpArg = pos[2] ?? kw('serializer_dump_kwargs');
  let serializer: string | null = 'auto';
  if (serArg) serializer = serArg.val.k === 'py' && typeof serArg.val.v === 'string' ? serArg.val.v : null;
  let dumpKwargs: Record<string, unknown> | null = null;
  let dumpUnknown = false;
  if (dumpArg) {
    const v = dumpArg.val;
    if (v.k === 'py' && kindOf(v.v) === 'dict' && v.v && typeof v.v === 'object' && !Array.isArray(v.v)) {
      dumpKwargs = JSON.parse(JSON.stringify(v.v));
    } else if (!(v.k === 'py' && v.v === null)) dumpUnknown = true;
  }
  const result: ResultInfo = {
    class: 'XpersistResult',
    store: storeArg ? it.text(env, storeArg.expr) : null,
    serializer,
    dumpKwargs,
    storeIndex: storeArg?.val.k === 'store' ? storeArg.val.index : null,
    line,
  };
  if (dumpUnknown) DUMP_KWARGS_UNKNOWN.add(result);
  return result;
}

/** A `result=` argument: the result it is, or a description of what it is not. */
export function resultOf(it: Interpreter, arg: ArgVal): ResultInfo | null {
  const v = arg.val;
  if (v.k === 'result') return v.result;
  if (v.k === 'py' && v.v === null) return null;
  const line = arg.expr.k === 'call' ? it.line(arg.env, arg.expr) : undefined;
  const cls = arg.expr.k === 'call' ? it.text(arg.env, arg.expr.fn) : it.text(arg.env, arg.expr);
  return {
    class: cls,
    store: null,
    serializer: null,
    dumpKwargs: null,
    storeIndex: null,
    ...(line ? { line } : {}),
  };
}
