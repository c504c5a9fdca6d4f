// Regression fixtures: every case the long mode (`npm run fuzz -- --minutes N`) found crashing,
// hanging, slow or over memory is kept under test/fixtures/fuzz/<family>/<id>/ (case.json with
// the call and what went wrong, files/ with the bytes), and the bounded suite replays them all.
// test/fixtures/fuzz/known.json names the ones whose defect is known and not fixed yet (with
// the issue item): the suite reports those as todo instead of failing, until they pass.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseCall, Family, FuzzCase } from './families';

interface CaseJson {
  family: Family;
  name: string;
  call: CaseCall;
  /** What went wrong when it was found (the replay judges afresh). */
  found: string[];
}

export interface Regression {
  id: string;
  case: FuzzCase;
  found: string[];
}

/** `<family>/<hash of its call and bytes>`: the same input is kept once, and found again. */
export function caseId(c: FuzzCase): string {
  const h = createHash('sha256').update(c.family).update(JSON.stringify(c.call));
  for (const [rel, bytes] of Object.entries(c.files).sort(([a], [b]) => (a < b ? -1 : 1)))
    h.update(rel).update(bytes);
  return `${c.family}/${h.digest('hex').slice(0, 12)}`;
}

/** Saves a failing case under root/<caseId>; returns its folder. */
export function saveRegression(root: string, c: FuzzCase, problems: string[]): string {
  const dir = path.join(root, caseId(c));
  if (existsSync(dir)) return dir;
  for (const [rel, bytes] of Object.entries(c.files)) {
    const p = path.join(dir, 'files', rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, bytes);
  }
  const json: CaseJson = { family: c.family, name: c.name, call: c.call, found: problems };
  writeFileSync(path.join(dir, 'case.json'), `${JSON.stringify(json, null, 2)}\n`);
  return dir;
}

function readFiles(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else files[r] = new Uint8Array(readFileSync(path.join(dir, r)));
    }
  };
  if (existsSync(dir)) walk('');
  return files;
}

/** Every saved case, `<family>/<id>` in a stable order. */
export function loadRegressions(root: string): Regression[] {
  const out: Regression[] = [];
  if (!existsSync(root)) return out;
  for (const family of readdirSync(root).sort()) {
    const fdir = path.join(root, family);
    if (!statSync(fdir).isDirectory()) continue;
    for (const id of readdirSync(fdir).sort()) {
      const json = JSON.parse(readFileSync(path.join(fdir, id, 'case.json'), 'utf8')) as CaseJson;
      const files = readFiles(path.join(fdir, id, 'files'));
      out.push({ id: `${family}/${id}`, case: { ...json, files }, found: json.found });
    }
  }
  return out;
}

/** `<family>/<id>` -> why it still fails (an issue item), from known.json. */
export function knownDefects(root: string): Record<string, string> {
  const p = path.join(root, 'known.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : {};
}
