// Makes the demo workspace (default: <repo>/demo-workspace, git-ignored) from demo/ plus caches
// written by the real xpersist (test/fixtures/xpersist-caches), and optionally seeds the seed flow's
// own store <TMPDIR>/my-cache.
//   node scripts/prepare-demo.mjs [--dest DIR] [--reset] [--tmpdir DIR]
//   node scripts/prepare-demo.mjs --host [--dest DIR]   the in-host test workspace instead
//                                 (default .cache/host-workspace; used by F5 "Extension Tests")
// Without --reset an existing workspace is kept (flows you ran and files you edited stay); its
// settings are refreshed and missing caches are copied again.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { flag, option } from './lib/cli.mjs';
import { ROOT } from './lib/codeServer.mjs';
import {
  DEMO_CACHES,
  HOST_CACHES,
  HOST_TEMPLATE,
  prepareWorkspace,
  seedTempStore,
} from './lib/workspaces.mjs';

export const DEMO_WORKSPACE = path.join(ROOT, 'demo-workspace');

/** @returns {{ dest: string, created: boolean }} */
export function prepareDemo({ dest = DEMO_WORKSPACE, reset = false, tmpdir } = {}) {
  const fresh = reset || !existsSync(path.join(dest, 'flows/seed_flow.py'));
  if (fresh) {
    prepareWorkspace(dest, { reset: true, caches: DEMO_CACHES, tmpdir });
  } else {
    const missing = Object.fromEntries(
      Object.entries(DEMO_CACHES).filter(([, rel]) => !existsSync(path.join(dest, rel))),
    );
    prepareWorkspace(dest, { template: null, caches: missing, tmpdir });
  }
  if (tmpdir) seedTempStore(tmpdir);
  return { dest, created: fresh };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (flag('--host')) {
    const dest = path.resolve(option('--dest') ?? path.join(ROOT, '.cache/host-workspace'));
    prepareWorkspace(dest, { template: HOST_TEMPLATE, caches: HOST_CACHES, reset: true });
    console.log(`[prepare-demo] in-host test workspace ${dest}`);
    process.exit(0);
  }
  const dest = path.resolve(option('--dest') ?? DEMO_WORKSPACE);
  const tmpdir = option('--tmpdir');
  const r = prepareDemo({ dest, reset: flag('--reset'), tmpdir: tmpdir && path.resolve(tmpdir) });
  console.log(`[prepare-demo] ${r.created ? 'created' : 'kept (use --reset to recreate)'} ${dest}`);
  if (tmpdir) console.log(`[prepare-demo] seeded ${path.join(path.resolve(tmpdir), 'my-cache')}`);
}
