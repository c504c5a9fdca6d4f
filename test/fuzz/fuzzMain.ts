// The long fuzz mode (bundled as out/unit/xpersist-fuzz.js, run by scripts/fuzz.mjs):
//   npm run fuzz -- --minutes N [--family zarr]... [--seed S] [--cases C]
// (--seed 1 --cases C replays the bounded suite's first C seeds and keeps its failures)
// Runs fresh seeds of every family (or the named ones) round-robin until the time is up, and
// keeps every case that crashed, hung, went over a budget or escaped its folder as a regression
// fixture under test/fixtures/fuzz/<family>/<id>/, which the bounded suite then replays.
import path from 'node:path';
import { repoRoot } from '../unit/helpers';
import { Campaign } from './campaign';
import { FAMILIES, type Family } from './families';
import { saveRegression } from './regressions';

interface Args {
  minutes: number;
  families: Family[];
  seed: number;
  /** Seeds per family, instead of running until the time is up. */
  cases: number | null;
}

function parseArgs(argv: string[]): Args {
  let minutes = 5;
  let cases: number | null = null;
  let seed = Date.now() % 1_000_000_000;
  const families: Family[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--minutes') minutes = Number(argv[++i]);
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--cases') cases = Number(argv[++i]);
    else if (a === '--family') {
      const f = argv[++i] as Family;
      if (!FAMILIES.includes(f)) throw new Error(`unknown family ${f} (known: ${FAMILIES.join(', ')})`);
      families.push(f);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(minutes > 0)) throw new Error('--minutes takes a positive number');
  if (!Number.isInteger(seed)) throw new Error('--seed takes an integer');
  if (cases !== null && !(cases > 0)) throw new Error('--cases takes a positive number');
  return { minutes, families: families.length ? families : FAMILIES, seed, cases };
}

async function main(): Promise<void> {
  const { minutes, families, seed, cases } = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const campaign = new Campaign(root, __dirname);
  const keep = path.join(root, 'test/fixtures/fuzz');
  const end = cases === null ? Date.now() + minutes * 60_000 : Number.POSITIVE_INFINITY;
  const last = cases === null ? Number.POSITIVE_INFINITY : seed + cases;
  console.log(
    `[fuzz] ${cases === null ? `${minutes} min` : `${cases} seeds each`} over ${families.join(', ')}, seeds from ${seed}`,
  );
  let saved = 0;
  // By default the seeds come from the clock: far from the bounded suite's (1..400), new inputs.
  for (let s = seed; Date.now() < end && s < last; s++) {
    for (const family of families) {
      const [failure] = await campaign.runSeeds(family, s, 1);
      if (!failure) continue;
      const dir = saveRegression(keep, failure.case, failure.problems);
      saved++;
      console.log(
        `[fuzz] ${failure.case.name}\n  ${failure.problems.join('\n  ')}\n  kept: ${path.relative(root, dir)}`,
      );
    }
  }
  for (const family of families) console.log(`[fuzz] ${campaign.summary(family)}`);
  console.log(`[fuzz] ${saved} failing cases kept under test/fixtures/fuzz/`);
  await campaign.close();
  process.exitCode = saved > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
