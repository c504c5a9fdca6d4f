// Shared by the unit tests: where the repository and its fixtures are, a Python with the real
// xpersist, and throw-away copies of fixture caches (tests never touch the committed ones).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'esbuild.mjs'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const fixturesDir = (): string => path.join(repoRoot(), 'test/fixtures');
export const cachesDir = (): string => path.join(fixturesDir(), 'xpersist-caches');

/** The venv made by scripts/setup-python.sh (xpersist 2021.12.17, prefect 1.4.1, xarray, ...). */
export function python(): string {
  const p = process.env.XPERSIST_TEST_PYTHON ?? path.join(repoRoot(), '.venv/bin/python');
  if (!existsSync(p)) throw new Error(`no Python venv at ${p}: run npm run setup:python`);
  return p;
}

export function runPython(code: string, args: string[] = [], opts: { cwd?: string } = {}): string {
  return execFileSync(python(), ['-c', code, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function tempDir(prefix = 'xp-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Copy a fixture cache kind (`seed-demo`, `all-serializers`, `broken`, ...) into a fresh temp
 * directory and recreate the empty directories git cannot keep (MANIFEST.json).
 */
export function copyFixtureKind(kind: string): string {
  const dst = path.join(tempDir('xp-fixture-'), kind);
  cpSync(path.join(cachesDir(), kind), dst, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(cachesDir(), 'MANIFEST.json'), 'utf8'));
  for (const rel of manifest.empty_dirs_to_recreate as string[]) {
    if (rel === kind || rel.startsWith(`${kind}/`)) {
      mkdirSync(path.join(path.dirname(dst), rel), { recursive: true });
    }
  }
  return dst;
}

/** A `<kind>.expected.json` oracle: the fields the tests read are typed where they are used. */
// biome-ignore lint/suspicious/noExplicitAny: the oracle is free-form JSON written by Python
export function readExpected(kind: string): any {
  return JSON.parse(readFileSync(path.join(cachesDir(), `${kind}.expected.json`), 'utf8'));
}
