// resolveTarget: the public entry point of the template engine (the engine itself is checked
// against CPython in templateConformance.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PyDateTime, PyFloat, PyTuple, resolveTarget } from '../../../src/python/index';

describe('resolveTarget', () => {
  it('formats known fields into a key', () => {
    assert.deepEqual(
      resolveTarget('{date:%A}-{flow_name}-{task_name}.zarr', {
        date: new Date('2026-11-25T10:00:00Z'),
        flow_name: 'sample_flow',
        task_name: 'foo_task',
      }),
      { key: 'Wednesday-sample_flow-foo_task.zarr' },
    );
  });

  it('maps JS values to Python ones: int vs float, tuples, dicts, None, bools', () => {
    assert.deepEqual(
      resolveTarget('{a}|{b}|{c}|{d}|{e}|{f}|{g}', {
        a: 1,
        b: new PyFloat(1),
        c: 2.5,
        d: new PyTuple([1, 'x']),
        e: { k: [true, null] },
        f: 10n ** 20n,
        g: false,
      }),
      { key: "1|1.0|2.5|(1, 'x')|{'k': [True, None]}|100000000000000000000|False" },
    );
  });

  it('turns run-time fields into wildcards, even through attributes, indexes and specs', () => {
    assert.deepEqual(
      resolveTarget('{flow_name}/{map_index:03d}-{x.y[0]}.zarr', { flow_name: 'f' }, ['map_index', 'x']),
      {
        pattern: 'f/*-*.zarr',
      },
    );
    assert.deepEqual(resolveTarget('{a}{b}', {}, ['a', 'b']), { pattern: '*' });
  });

  it('gives a wildcard for the time of day of a date known only to the day', () => {
    const day = new PyDateTime({ year: 2026, month: 11, day: 25, timeKnown: false });
    assert.deepEqual(resolveTarget('{d:%Y-%m-%d}', { d: day }), { key: '2026-11-25' });
    assert.deepEqual(resolveTarget('{d:%Y-%m-%dT%H}', { d: day }), { pattern: '2026-11-25T*' });
    assert.deepEqual(resolveTarget('{d}', { d: day }), { pattern: '2026-11-25T*' });
    assert.deepEqual(resolveTarget('{d:YYYY-MM-DD HH:mm}', { d: day }), { pattern: '2026-11-25 *:*' });
  });

  it('reports what would raise, with the Python exception', () => {
    assert.deepEqual(resolveTarget('{nope}.zarr', {}), { error: "KeyError: 'nope'" });
    assert.deepEqual(resolveTarget('{0}', {}), {
      error: 'IndexError: Replacement index 0 out of range for positional args tuple',
    });
    assert.deepEqual(resolveTarget('{a:03d}', { a: 'x' }), {
      error: "ValueError: Unknown format code 'd' for object of type 'str'",
    });
    assert.deepEqual(resolveTarget('oops}', {}), {
      error: "ValueError: Single '}' encountered in format string",
    });
  });

  it('prefers the error Python meets first, as it formats left to right', () => {
    assert.deepEqual(resolveTarget('{a}{', { a: 1 }), {
      error: "ValueError: Single '{' encountered in format string",
    });
    assert.deepEqual(resolveTarget('{b}{', {}), { error: "KeyError: 'b'" });
  });
});

describe('resolveTarget: output longer than a path is refused before it is built (issue 16)', () => {
  const TOO_LONG = { error: 'OSError: [Errno 36] File name too long' };
  it('refuses a huge precision or width quickly, with the errors CPython and the OS give', () => {
    const t0 = performance.now();
    // CPython builds these (500 MB, 900 MB); Prefect then fails writing with ENAMETOOLONG.
    assert.deepEqual(resolveTarget('{f:.500000000e}', { f: 1.5 }), TOO_LONG);
    assert.deepEqual(resolveTarget('{f:>900000000}', { f: 'a' }), TOO_LONG);
    assert.deepEqual(resolveTarget('{f:0900000000,d}', { f: 7 }), TOO_LONG);
    assert.deepEqual(resolveTarget('{f:#.9000g}', { f: 1.5 }), TOO_LONG);
    assert.deepEqual(resolveTarget('{f:.5000%}', { f: 1.5 }), TOO_LONG);
    // Precision over INT_MAX: CPython's own ValueError (checked with CPython 3.11).
    assert.deepEqual(resolveTarget('{f:.3000000000e}', { f: 1.5 }), {
      error: 'ValueError: precision too big',
    });
    assert.deepEqual(resolveTarget('{f:.2147483648g}', { f: 3 }), { error: 'ValueError: precision too big' });
    assert.ok(performance.now() - t0 < 100, 'well under 100 ms');
  });

  it('keeps what CPython builds at or under the bound, and huge precisions that stay short', () => {
    assert.equal((resolveTarget('{f:>4096}', { f: 'a' }) as { key: string }).key.length, 4096);
    assert.equal((resolveTarget('{f:.4096f}', { f: 1.5 }) as { key: string }).key.length, 4098);
    // format(1.5, '.2147483647g') == '1.5'; format('ab', '.3000000000') == 'ab'.
    assert.deepEqual(resolveTarget('{f:.2147483647g}', { f: 1.5 }), { key: '1.5' });
    assert.deepEqual(resolveTarget('{f:.3000000000}', { f: 'ab' }), { key: 'ab' });
    assert.deepEqual(resolveTarget('{f:>8.2e}', { f: 1.5 }), { key: '1.50e+00' });
  });
});
