// `--flow` of python/xpersist_flow_runner.py, for real (prefect 1.4.1 from the venv): an exact
// name runs that flow only; the name pattern the analysis gives a flow made in a loop
// (`regional-*`) runs every flow it matches, in the order the file builds them; a pattern that
// matches nothing fails naming the file's flows. Without an editor to connect to, the runner
// writes its events to stderr (`XPERSIST_EVENT {...}`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzePython } from '../../../src/python/index';
import { python, removeDir, repoRoot, tempDir } from '../helpers';

const RUNNER = path.join(repoRoot(), 'python/xpersist_flow_runner.py');

const LOOP_FLOWS = `
from prefect import Flow, task

@task
def daily(region):
    return region

for region in ["eu", "us", "asia"]:
    with Flow(f"regional-{region}") as flow:
        daily(region)

with Flow("global") as everywhere:
    daily("all")

if __name__ == "__main__":
    raise SystemExit("the whole-file run must not happen under --flow")
`;

/** Runs the file with `--flow flow`: the exit code, the flows that finished and stderr. */
function runWith(file: string, flow: string): { code: number | null; finished: string[]; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONWARNINGS: 'ignore' };
  delete env.XPERSIST_EVENTS_PORT;
  const r = spawnSync(python(), [RUNNER, file, '--flow', flow], { encoding: 'utf8', env, timeout: 120_000 });
  const events = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('XPERSIST_EVENT '))
    .map((l) => JSON.parse(l.slice('XPERSIST_EVENT '.length)));
  const finished = events.filter((e) => e.event === 'flow' && e.state === 'Success').map((e) => e.flow);
  return { code: r.status, finished, stderr: r.stderr };
}

describe('runner --flow with flows made in a loop', { timeout: 300_000 }, () => {
  let dir = '';
  let file = '';
  before(() => {
    dir = tempDir('xp-flow-select-');
    file = path.join(dir, 'regional.py');
    writeFileSync(file, LOOP_FLOWS);
  });
  after(() => removeDir(dir));

  it("runs every flow the analysis' name pattern matches, in the file's order, and no other", () => {
    const [loop] = analyzePython(LOOP_FLOWS).flows;
    assert.equal(loop.namePattern, 'regional-*');
    const r = runWith(file, loop.namePattern as string);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.finished, ['regional-eu', 'regional-us', 'regional-asia']);
  });

  it('runs only the concrete flow a name chooses', () => {
    const r = runWith(file, 'regional-us');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.finished, ['regional-us']);
  });

  it('fails naming the flows when a pattern matches none', () => {
    const r = runWith(file, 'nordic-*');
    assert.equal(r.code, 1);
    assert.deepEqual(r.finished, []);
    assert.match(
      r.stderr,
      /No flow named 'nordic-\*' in .*regional\.py \(flows: global, regional-asia, regional-eu, regional-us\)/,
    );
  });
});
