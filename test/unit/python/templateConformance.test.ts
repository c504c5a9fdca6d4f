// The template engine against CPython itself: a generated table of thousands of
// `template.format(**kwargs)` cases (ints, floats, strings, conversions, field access, errors,
// strftime directives and pendulum tokens on pendulum DateTimes, Prefect-context-like dicts),
// each evaluated by the venv's Python, then by our engine.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PyDateTime } from '../../../src/python/template/datetime';
import { pyFormat } from '../../../src/python/template/format';
import {
  PyDict,
  PyError,
  PyFloat,
  PySet,
  PyTuple,
  type PyValue,
  WILDCARD,
} from '../../../src/python/template/values';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

import { runPython } from '../helpers';

const GENERATOR = String.raw`
import json, random, sys, math
import pendulum

rnd = random.Random(20211217)

def enc(v):
    if isinstance(v, bool): return {"t": "bool", "v": v}
    if isinstance(v, int): return {"t": "int", "v": str(v)}
    if isinstance(v, float): return {"t": "float", "v": repr(v)}
    if isinstance(v, str): return {"t": "str", "v": v}
    if v is None: return {"t": "none"}
    if isinstance(v, list): return {"t": "list", "v": [enc(x) for x in v]}
    if isinstance(v, tuple): return {"t": "tuple", "v": [enc(x) for x in v]}
    if isinstance(v, (set, frozenset)): return {"t": "set", "v": [enc(x) for x in v]}
    if isinstance(v, dict): return {"t": "dict", "v": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, pendulum.DateTime):
        return {"t": "dt", "v": [v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond,
                                 int(v.utcoffset().total_seconds()), v.tzname()]}
    raise TypeError(type(v))

cases = []
def case(group, tpl, **kw):
    try:
        out = {"out": tpl.format(**kw)}
    except Exception as e:
        out = {"err": [type(e).__name__, str(e) if not isinstance(e, KeyError) else repr(e.args[0])]}
    cases.append({"g": group, "tpl": tpl, "kw": {k: enc(v) for k, v in kw.items()}, **out})

def random_spec(types):
    parts = []
    r = rnd.random()
    if r < 0.15: parts.append(rnd.choice("<>^="))
    elif r < 0.3: parts.append(rnd.choice("*#0x_") + rnd.choice("<>^="))
    if rnd.random() < 0.3: parts.append(rnd.choice("+- "))
    if rnd.random() < 0.08: parts.append("z")
    if rnd.random() < 0.2: parts.append("#")
    if rnd.random() < 0.25: parts.append("0")
    if rnd.random() < 0.5: parts.append(str(rnd.choice([1, 2, 5, 8, 10, 13, 20])))
    if rnd.random() < 0.2: parts.append(rnd.choice([",", "_", ",", "_,"]))
    if rnd.random() < 0.35: parts.append("." + str(rnd.choice([0, 1, 2, 3, 6, 10, 17, 25])))
    if rnd.random() < 0.85: parts.append(rnd.choice(types))
    return "".join(parts)

INT_TYPES = list("bcdoxXneEfFgG%s") + ["", "d", "x", "d"]
FLOAT_TYPES = list("eEfFgGn%ds") + ["", "", "f", "g", "e"]
STR_TYPES = ["s", "", "", "s", "d", "r"]

ints = [0, 1, -1, 7, 42, -42, 65, 255, 1000, 1234, -1234, 65535, 1234567, -9876543210, 10**20, -(2**70), True, False]
floats = [0.0, -0.0, 1.0, -1.5, 0.1, 0.5, 2.5, -2.5, 3.14159, 1e16, 1e15, 1e-5, 1e-4, 123456.789, -987654.321,
          1e300, 5e-324, 2.2250738585072014e-308, float("inf"), float("-inf"), float("nan"), 0.125, 0.375,
          1234.5, 9.995, 99.95, 1e22, 2.0**53 + 2, 0.3, 1/3, 2/3, 100.0, 12345678901234567890.0, 1.5e-7]
strs = ["", "a", "abc", "hello world", "héllo", "it's", 'say "hi"', "both ' and \"", "tab\tnew\nline",
        "\x00\x1f\x7f", "é😀", "\u00a0nbsp", "\u200bzw", "back\\slash", "x" * 12]

for v in ints:
    for spec in ["", "d", "5", "05", "<5", "^7", "=8", "*^9", "+", " ", "+05", ",", "_", "010,", "012_", "09,",
                 "b", "o", "x", "X", "#b", "#o", "#x", "#X", "#010x", "_b", "_x", "#_X", "08_b", "c", "n",
                 "e", "f", ".2f", "g", "%", ".1%", "x<10", "0<5", "0^6", ",x", ".2", "z", "s", "#c", "+c"]:
        case("int", "{v:" + spec + "}", v=v)
    for _ in range(60):
        case("int-random", "{v:" + random_spec(INT_TYPES) + "}", v=v)
for v in floats:
    for spec in ["", "f", ".0f", ".1f", ".2f", ".3f", ".10f", "e", ".0e", ".3e", "E", "g", ".0g", ".1g", ".2g",
                 ".3g", ".10g", ".17g", "G", "#g", "#.3g", "#.0f", "#.0e", "n", ".3", ".1", ".12", "%", ".1%",
                 "+", " ", "10.2f", "<10.2f", "^12.3e", "=+12.2f", "010.2f", "012,.2f", "015_.3f", ",", "_g",
                 "z.1f", "z", "+z.2f", "d", "s", ",.2%", "020,.4f", "0=30", "x>15g"]:
        case("float", "{v:" + spec + "}", v=v)
    for _ in range(60):
        case("float-random", "{v:" + random_spec(FLOAT_TYPES) + "}", v=v)
for v in strs:
    for spec in ["", "s", "10", "<10", ">10", "^10", "*^11", "-^4", ".2", "10.3", "^9.1", "05", "0>6", "+", " ",
                 "#", "=5", ",", "_", "d", "z"]:
        case("str", "{v:" + spec + "}", v=v)
    for _ in range(25):
        case("str-random", "{v:" + random_spec(STR_TYPES) + "}", v=v)

objects = [None, [1, "a", 2.5], (1,), (), (1, "b"), {"a": 1, "b": [None, True]}, {1: "x", (2,): 3.0}, set(), {"only"},
           [], {}, [[1, [2]], {"k": (3, 4.0)}], 1e16, -0.0, "quote'd", "é😀\x01"]
for v in objects + ints[:8] + floats[:12] + strs:
    for conv in ["", "!r", "!s", "!a"]:
        for spec in ["", ":>20", ":.3", ":^30", ":x", ":d"]:
            case("convert", "{v" + conv + spec + "}", v=v)

ctx = {"d": {"key": "value", "n": 3, "nested": {"x": [10, 20, 30]}, "0": "zero-str", 5: "five-int"},
       "l": [1, "two", 3.0, [4, 5]], "t": ("a", ("b", "c")), "s": "string", "i": 42, "f": 2.5, "n": None,
       "e": ""}
templates = ["{d[key]}", "{d[n]:03d}", "{d[nested][x][1]}", "{d[0]}", "{d[5]}", "{d[missing]}", "{l[0]}",
             "{l[3][1]}", "{l[9]}", "{l[x]}", "{t[1][0]}", "{s[0]}", "{s[99]}", "{s[x]}", "{i.real}", "{i.imag}",
             "{i.numerator}/{i.denominator}", "{f.real}", "{i.nope}", "{s.nope}", "{n[0]}", "{i[0]}",
             "{missing}", "{}", "{0}", "{1}", "{d!r}", "{l!s}", "{d:}", "{e}", "x{{y}}z", "{{}}", "}}{{",
             "{", "}", "x}", "{x", "{d", "{d[}", "{d[key]", "{d.}", "{d[]}", "{d[key]x}", "{d]key}", "{s!}",
             "{s!rx}", "{s!x}", "{s!r:>{i}}", "{i:{s}}", "{i:{i}}", "{f:{i}.{i}}", "{i:{e}}", "{i:{i:{i}}}",
             "{s:{{}}}", "{i:{missing}}", "{s!r}{missing}", "{missing}{", "{s}{", "{s:}", "{s!s:}",
             "{a{b}", "{d[{]}", "{d[a:b]}", "{d[a!b]}", "{i:>{i}d}", "{i:0{i}}", "{s:{s}}", "{ s}", "{s }",
             "{i.__class__}", "{l.append}", "{s.upper}", "{d.keys}", "{t.count}", "{f.hex}", "{n.x}",
             "literal only", "", "{i}{i}{i}", "{i:,}|{f:.1%}|{s!r:^12}", "{s:\u00e9^9}", "{i:\U0001F600>5}"]
for tpl in templates:
    case("fields", tpl, **ctx)

dates = [pendulum.datetime(2026, 11, 25, 12, 23, 23, 802867, tz="UTC"),
         pendulum.datetime(2021, 12, 17, 0, 0, 0, tz="UTC"),
         pendulum.datetime(2024, 2, 29, 23, 59, 59, 999999, tz="UTC"),
         pendulum.datetime(2021, 1, 1, 7, 5, 9, 120000, tz="UTC"),
         pendulum.datetime(2021, 1, 3, 12, 0, 0, tz="UTC"),
         pendulum.datetime(2020, 12, 31, 13, 30, 0, tz="UTC"),
         pendulum.datetime(2019, 12, 30, 1, 2, 3, tz="UTC"),
         pendulum.datetime(2027, 1, 1, 11, 59, 0, tz="UTC"),
         pendulum.datetime(2008, 12, 29, 15, 45, 30, 5, tz="UTC"),
         pendulum.datetime(2010, 1, 3, 9, 9, 9, tz="UTC"),
         pendulum.datetime(1999, 7, 4, 22, 10, 0, tz="UTC"),
         pendulum.datetime(2026, 3, 8, 2, 30, 0, tz="UTC"),
         pendulum.datetime(2025, 6, 15, 18, 0, 0, 500, tz=pendulum.tz.fixed_timezone(7200)),
         pendulum.datetime(2023, 10, 1, 4, 0, 0, tz=pendulum.tz.fixed_timezone(-19800))]
directives = list("aAbBcCdDeFgGhHIjklmMnpPrRStTuUVwWxXyYzZf%") + ["Q", "Ey", "EY", "Od", "OH", "Ec", "Ex", "EX", "Oy"]
flags = ["", "-", "_", "0", "^", "#", "10", "-5", "_4", "03", "^10", "#8"]
for dt in dates:
    for d in directives:
        for fl in flags:
            case("strftime", "{date:%" + fl + d + "}", date=dt)
    for fmt in ["%Y-%m-%d", "%A", "%a %d %b %Y", "%j", "%H:%M:%S.%f", "%Y%m%dT%H%M%S%z", "%G-W%V-%u", "%U/%W",
                "%%Y", "100%", "%", "% ", "%-", "%e|%k|%l", "%s"]:
        case("strftime-mixed", "{date:" + fmt + "}", date=dt)
    for tok in ["YYYY", "YY", "Y", "Q", "Qo", "M", "MM", "MMM", "MMMM", "Mo", "D", "DD", "Do", "DDD", "DDDD",
                "DDDo", "d", "dd", "ddd", "dddd", "do", "E", "EE", "H", "HH", "h", "hh", "m", "mm", "s", "ss", "S",
                "SS", "SSS", "SSSS", "SSSSS", "SSSSSS", "SSSSSSS", "A", "a", "X", "x", "z", "zz", "Z", "ZZ", "W",
                "Wo", "w", "wo", "ww", "gg", "gggg", "GGGG", "k", "LT", "LTS", "L", "LL", "LLL", "LLLL",
                "YYYY-MM-DD", "YYYYMMDD", "[at] HH:mm", "\\YYYY", "[]", "[[x]", "dddd Do MMMM", "YYYYY"]:
        case("pendulum", "{date:" + tok + "}", date=dt)
    for tpl in ["{date}", "{date!r}", "{date!s}", "{date.year}-{date.month:02d}", "{date.day_of_week}",
                "{date.day_of_year:03d}", "{date.week_of_year}", "{date.week_of_month}", "{date.quarter}",
                "{date.days_in_month}", "{date.hour}", "{date[0]}", "{date:>30}", "{date.int_timestamp}"]:
        case("date-fields", tpl, date=dt)

for now in dates[:6]:
    base = {"date": now, "today": now.strftime("%Y-%m-%d"), "yesterday": now.add(days=-1).strftime("%Y-%m-%d"),
            "tomorrow": now.add(days=1).strftime("%Y-%m-%d"), "today_nodash": now.strftime("%Y%m%d"),
            "flow_name": "sample_flow", "task_name": "foo_task", "task_full_name": "foo_task",
            "task_slug": "foo_task-1", "map_index": None, "parameters": {"region": "eu", "year": 2020},
            "region": "eu", "year": 2020, "task_tags": set(), "task_run_count": 1}
    for mi in [None, 0, 7, 123]:
        kw = dict(base, map_index=mi)
        for tpl in ["{date:%A}-{flow_name}-{task_name}.zarr", "bar.zarr", "{today}/{task_slug}.nc",
                    "{flow_name}/{map_index}.zarr", "{flow_name}/{map_index:03d}.zarr", "{parameters[region]}-{year}",
                    "{parameters[nope]}", "{region}_{date:YYYY}_{date:%j}", "{task_tags}", "{task_run_count:02}",
                    "{yesterday}..{tomorrow}", "{today_nodash}{task_full_name!r}", "{date:%Y/%m/%d}/{task_name}",
                    "{parameters}"]:
            case("prefect", tpl, **kw)

json.dump(cases, sys.stdout)
`;

type Enc = { t: string; v?: unknown };

function decode(e: Enc): PyValue {
  switch (e.t) {
    case 'bool':
      return e.v as boolean;
    case 'int':
      return BigInt(e.v as string);
    case 'float': {
      const s = e.v as string;
      const x = s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s);
      return new PyFloat(x);
    }
    case 'str':
      return e.v as string;
    case 'none':
      return null;
    case 'list':
      return (e.v as Enc[]).map(decode);
    case 'tuple':
      return new PyTuple((e.v as Enc[]).map(decode));
    case 'set':
      return new PySet((e.v as Enc[]).map(decode));
    case 'dict':
      return new PyDict((e.v as [Enc, Enc][]).map(([k, x]) => [decode(k), decode(x)] as const));
    case 'dt': {
      const [year, month, day, hour, minute, second, microsecond, offsetSeconds, tzName] = e.v as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        string,
      ];
      return new PyDateTime({ year, month, day, hour, minute, second, microsecond, offsetSeconds, tzName });
    }
    default:
      throw new Error(`unknown encoding ${e.t}`);
  }
}

interface Case {
  g: string;
  tpl: string;
  kw: Record<string, Enc>;
  out?: string;
  err?: [string, string];
}

describe('str.format conformance with CPython', () => {
  let cases: Case[] = [];
  before(() => {
    cases = JSON.parse(runPython(GENERATOR));
  });

  it('generates a large table', () => {
    assert.ok(cases.length > 8000, `only ${cases.length} cases`);
    assert.ok(cases.filter((c) => c.err).length > 300, 'too few error cases');
  });

  for (const group of [
    'int',
    'int-random',
    'float',
    'float-random',
    'str',
    'str-random',
    'convert',
    'fields',
    'strftime',
    'strftime-mixed',
    'pendulum',
    'date-fields',
    'prefect',
  ]) {
    it(`matches Python for group ${group}`, () => {
      const mine = cases.filter((c) => c.g === group);
      assert.ok(mine.length > 0, `no cases in group ${group}`);
      const failures: string[] = [];
      for (const c of mine) {
        const kwargs = new Map(Object.entries(c.kw).map(([k, v]) => [k, decode(v)]));
        let got: { out?: string; err?: [string, string] };
        try {
          got = { out: pyFormat(c.tpl, kwargs) };
        } catch (e) {
          if (!(e instanceof PyError)) throw e;
          got = { err: [e.type, e.message] };
        }
        // A wildcard stands for what only the running process knows (a method's address).
        const globMatch = (ours: string, theirs: string) =>
          new RegExp(`^${ours.split(WILDCARD).map(escapeRegExp).join('.*')}$`, 's').test(theirs);
        const same =
          c.out !== undefined
            ? got.out !== undefined &&
              (got.out.includes(WILDCARD) ? globMatch(got.out, c.out) : got.out === c.out)
            : got.err !== undefined && got.err[0] === c.err![0] && got.err[1] === c.err![1];
        if (!same) {
          failures.push(
            `${JSON.stringify(c.tpl)} kw=${JSON.stringify(c.kw).slice(0, 120)}\n   python: ${JSON.stringify(c.out ?? c.err)}\n   ours:   ${JSON.stringify(got.out ?? got.err)}`,
          );
        }
      }
      assert.equal(
        failures.length,
        0,
        `${failures.length}/${mine.length} differ:\n${failures.slice(0, 25).join('\n')}`,
      );
    });
  }
});
