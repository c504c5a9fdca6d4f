// Helpers for test/bench/*.bench.ts: timing with medians, and the data folder.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const benchData = (...parts: string[]): string => {
  const dir = process.env.BENCH_DATA ?? path.resolve('bench-data');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, ...parts);
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs fn `runs` times (after `warmup` runs) and returns the milliseconds of each run. */
export async function timeRuns(fn: () => unknown, runs = 7, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    await fn();
    out.push(nowMs() - t);
  }
  return out;
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export function summary(xs: number[]): { median: number; min: number; max: number; runs: number } {
  return {
    median: round(median(xs)),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
    runs: xs.length,
  };
}

/** Prints the result object as the last stdout line (scripts/bench.mjs reads it). */
export function report(result: Record<string, unknown>): void {
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}
