// Entry point of the in-host tests. VS Code's extension host require()s this file (the
// `extensionTestsPath` of scripts/run-host-tests.mjs, or `npm run test:desktop` via
// .vscode-test.mjs for the same suites) and calls run(); the run fails when the promise rejects.
//
// Suites use mocha's **TDD** interface (`suite` / `test` / `suiteSetup`) and the `vscode` API
// of the real host. Every `out/host/*.test.js` (built from `test/host/**/*.test.ts`) is loaded.
//
// Output: one spec-like line per test through console.log (the extension host forwards it to
// the workbench log, which the runner prints), then the failures with their errors, then
//   XPERSIST_HOST_RESULT {"passed":N,"failed":N,"pending":N}
// (also written as JSON to $XPERSIST_HOST_RESULT_FILE when set).
//
// Environment (set by scripts/run-host-tests.mjs on the server; the extension host inherits it):
//   XPERSIST_HOST_GREP         only tests whose full title matches this regular expression
//   XPERSIST_HOST_RESULT_FILE  where to write the JSON result
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

const {
  EVENT_RUN_END,
  EVENT_SUITE_BEGIN,
  EVENT_SUITE_END,
  EVENT_TEST_FAIL,
  EVENT_TEST_PASS,
  EVENT_TEST_PENDING,
} = Mocha.Runner.constants;

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

const records: TestRecord[] = [];

function errorText(err: unknown): string {
  const e = err as {
    message?: string;
    stack?: string;
    actual?: unknown;
    expected?: unknown;
    showDiff?: boolean;
    operator?: string;
  };
  let text = e?.stack ?? e?.message ?? String(err);
  // Keep the stack short: the frames inside mocha are noise.
  text = text
    .split('\n')
    .filter((l) => !/node_modules[\\/]mocha[\\/]/.test(l))
    .slice(0, 12)
    .join('\n');
  // Show expected/actual unless node's assert already put a diff in the message, or it is an
  // assert.ok() (expected: true).
  const hasDiff = /actual - expected|expected - actual/.test(text);
  const isOk = e?.operator === '==' && (e.expected === true || e.expected === 'true');
  if (e && e.showDiff !== false && !hasDiff && !isOk && ('actual' in e || 'expected' in e)) {
    const show = (v: unknown) => {
      try {
        return JSON.stringify(v, null, 2)?.slice(0, 2000);
      } catch {
        return String(v);
      }
    };
    text += `\n      expected: ${show(e.expected)}\n      actual:   ${show(e.actual)}`;
  }
  return text;
}

/** Spec-like reporter that only uses console.log (plain strings, no cursor tricks, no colours). */
class HostReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    const indent = () => '  '.repeat(depth);
    const failures: { title: string; err: unknown }[] = [];
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      depth++;
      if (suite.title) console.log(`${indent()}${suite.title}`);
    });
    runner.on(EVENT_SUITE_END, () => {
      depth--;
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      const ms = test.duration ?? 0;
      console.log(`${indent()}  ✔ ${test.title}${ms >= 75 ? ` (${ms}ms)` : ''}`);
      records.push({ title: test.fullTitle(), state: 'passed', durationMs: ms });
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      console.log(`${indent()}  - ${test.title} (pending)`);
      records.push({ title: test.fullTitle(), state: 'pending' });
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: unknown) => {
      failures.push({ title: test.fullTitle(), err });
      console.log(`${indent()}  ✖ ${failures.length}) ${test.title}`);
      records.push({
        title: test.fullTitle(),
        state: 'failed',
        durationMs: test.duration,
        error: errorText(err),
      });
    });
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      console.log('');
      console.log(`  ${s.passes} passing (${s.duration ?? 0}ms)`);
      if (s.pending) console.log(`  ${s.pending} pending`);
      if (s.failures) console.log(`  ${s.failures} failing`);
      failures.forEach((f, i) => {
        console.log('');
        console.log(`  ${i + 1}) ${f.title}:`);
        console.log(
          errorText(f.err)
            .split('\n')
            .map((l) => `     ${l}`)
            .join('\n'),
        );
      });
    });
  }
}

function report(result: { passed: number; failed: number; pending: number }, fatal?: string): void {
  const file = process.env.XPERSIST_HOST_RESULT_FILE;
  if (file) {
    try {
      fs.writeFileSync(file, JSON.stringify({ ...result, fatal, tests: records }, null, 2));
    } catch (err) {
      console.error(`[host-tests] cannot write ${file}: ${err}`);
    }
  }
  console.log(`XPERSIST_HOST_RESULT ${JSON.stringify(result)}`);
}

export function run(): Promise<void> {
  console.log(
    `XPERSIST_HOST_START node=${process.versions.node} pid=${process.pid} workspace=${process.env.XPERSIST_TEST_WORKSPACE ?? '?'}`,
  );
  const grep = process.env.XPERSIST_HOST_GREP;
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: 60_000,
    slow: 5_000,
    reporter: HostReporter,
    ...(grep ? { grep: new RegExp(grep) } : {}),
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        const passed = records.filter((r) => r.state === 'passed').length;
        const pending = records.filter((r) => r.state === 'pending').length;
        // Hook failures count too (they are not tests, but the run failed).
        report({
          passed,
          failed: Math.max(failures, records.filter((r) => r.state === 'failed').length),
          pending,
        });
        if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A suite file that throws while loading.
      console.log(`[host-tests] could not load the suites: ${errorText(err)}`);
      report({ passed: 0, failed: 1, pending: 0 }, String(err));
      reject(err);
    }
  });
}
