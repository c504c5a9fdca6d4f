// Lists processes started by our code-server runs that are still alive (every process started by
// scripts/lib/codeServer.mjs - server, extension host, terminals, browser - carries
// XPERSIST_CS_STATE=<state dir> in its environment). Exit 1 when there are any.
//   node scripts/check-processes.mjs [--kill]   (--kill: SIGKILL them)
import { readdirSync, readFileSync } from 'node:fs';

const found = [];
for (const name of readdirSync('/proc')) {
  if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
  try {
    const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
    const marker = env.find((e) => e.startsWith('XPERSIST_CS_STATE='));
    if (!marker) continue;
    if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, 'latin1'))) continue; // zombie: already dead
    const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
    found.push({ pid: Number(name), state: marker.slice('XPERSIST_CS_STATE='.length), cmd });
  } catch {
    // gone, or not readable
  }
}
if (found.length === 0) {
  console.log('[check-processes] no code-server/extension-host/browser processes left');
  process.exit(0);
}
console.log(`[check-processes] ${found.length} process(es) left from code-server runs:`);
for (const p of found) console.log(`  ${p.pid}  (state ${p.state})  ${p.cmd.slice(0, 160)}`);
if (process.argv.includes('--kill')) {
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  console.log('[check-processes] killed them');
}
process.exit(1);
