// One fuzz campaign: cases of some families run through the harness, with per-family counts and
// the slowest call of each family (the figures the issue asks to report).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Family, type FuzzCase, makeCase, setFixtureRoot } from './families';
import { FuzzHarness, type Verdict } from './harness';
import { caseId } from './regressions';

export interface FamilyStats {
  cases: number;
  calls: number;
  failed: number;
  slowest: { ms: number; fn: string; case: string };
  peakMb: number;
}

export interface Failure {
  case: FuzzCase;
  problems: string[];
  /** The reason from test/fixtures/fuzz/known.json when this input is a known defect. */
  known?: string;
}

export class Campaign {
  readonly stats = new Map<Family, FamilyStats>();
  private readonly sandbox: string;
  private readonly harness: FuzzHarness;

  /** `known`: test/fixtures/fuzz/known.json (case id -> the issue item it waits for). */
  constructor(
    repo: string,
    bundleDir: string,
    private readonly known: Record<string, string> = {},
  ) {
    setFixtureRoot(path.join(repo, 'test/fixtures'));
    this.sandbox = mkdtempSync(path.join(os.tmpdir(), 'xp-fuzz-'));
    this.harness = new FuzzHarness(path.join(bundleDir, 'xpersist-fuzz-worker.js'), this.sandbox);
  }

  /** Runs one case and adds it to its family's figures. */
  async run(c: FuzzCase): Promise<Verdict> {
    const v = await this.harness.run(c);
    const s = this.stats.get(c.family) ?? {
      cases: 0,
      calls: 0,
      failed: 0,
      slowest: { ms: 0, fn: '-', case: '-' },
      peakMb: 0,
    };
    s.cases++;
    s.calls += v.calls;
    if (!v.ok) s.failed++;
    if (v.slowest.ms > s.slowest.ms) s.slowest = { ms: v.slowest.ms, fn: v.slowest.fn, case: c.name };
    s.peakMb = Math.max(s.peakMb, v.peakMb);
    this.stats.set(c.family, s);
    return v;
  }

  /**
   * Seeds first..first+count-1 of a family; the failures with their cases. A seed whose input is
   * a kept regression fixture (`skip`: their ids) is left to the fixture's replay: a hang costs
   * its deadline once.
   */
  async runSeeds(family: Family, first: number, count: number, skip?: Set<string>): Promise<Failure[]> {
    const failures: Failure[] = [];
    for (let seed = first; seed < first + count; seed++) {
      const c = makeCase(family, seed);
      if (skip?.has(caseId(c))) continue;
      const v = await this.run(c);
      if (!v.ok) failures.push({ case: c, problems: v.problems, known: this.known[caseId(c)] });
    }
    return failures;
  }

  summary(family: Family): string {
    const s = this.stats.get(family);
    if (!s) return `${family}: no cases`;
    return (
      `${family}: ${s.cases} cases, ${s.calls} calls, ${s.failed} over budget; slowest call ` +
      `${Math.round(s.slowest.ms)} ms (${s.slowest.fn} on ${s.slowest.case.slice(0, 120)}); ` +
      `peak memory +${Math.round(s.peakMb)} MB`
    );
  }

  async close(): Promise<void> {
    await this.harness.close();
    rmSync(this.sandbox, { recursive: true, force: true });
  }
}
