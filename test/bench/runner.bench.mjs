// The cost of live task states: one flow of 1,000 mapped children run by flow.run() in a fresh
// Python process, with the runner's state handlers (every state of every child sent as JSON over
// TCP to a sink in this process, as the editor receives them) and without, interleaved rounds,
// medians. LocalExecutor shows the handlers' cost most plainly (no parallelism hides it);
// LocalDaskExecutor (threads) is the common parallel case.
//   node test/bench/runner.bench.mjs [--rounds N] [--children N]
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { option } from '../../scripts/lib/cli.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const python = process.env.XPERSIST_TEST_PYTHON || path.join(root, '.venv/bin/python');
const rounds = Number(option('--rounds', '3'));
const children = Number(option('--children', '1000'));
const log = (m) => console.error(`[bench runner] ${m}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

// The editor's side: authenticate, split lines, parse every event.
let events = 0;
const token = 'bench';
const server = net.createServer((socket) => {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line !== token) {
        JSON.parse(line);
        events++;
      }
    }
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

// Each round asynchronously: a blocking spawn would stop this process's event loop (the sink).
function once(mode, executor) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      python,
      [path.join(root, 'scripts/bench/runner_overhead.py'), mode, String(children), JSON.stringify(executor)],
      {
        env: {
          ...process.env,
          XPERSIST_EVENTS_PORT: String(port),
          XPERSIST_EVENTS_TOKEN: token,
          PYTHONWARNINGS: 'ignore',
        },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${mode} exited ${code}`));
      else {
        const r = JSON.parse(out.trim().split('\n').pop());
        resolve({ wall: r.seconds * 1000, cpu: r.cpu * 1000 });
      }
    });
  });
}

const executors = {
  LocalExecutor: { type: 'LocalExecutor' },
  'LocalDaskExecutor(threads)': { type: 'LocalDaskExecutor', scheduler: 'threads', num_workers: 2 },
};
const result = {
  children,
  rounds,
  note: 'flow.run() wall and CPU time (all threads) in a fresh Python process, warm OS cache; medians of interleaved rounds',
};
for (const [name, executor] of Object.entries(executors)) {
  const plain = [];
  const handlers = [];
  const plainCpu = [];
  const handlersCpu = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so a drift in machine load does not favour one.
    const order = i % 2 ? ['handlers', 'plain'] : ['plain', 'handlers'];
    for (const mode of order) {
      const before = events;
      const { wall, cpu } = await once(mode, executor);
      (mode === 'plain' ? plain : handlers).push(wall);
      (mode === 'plain' ? plainCpu : handlersCpu).push(cpu);
      if (mode === 'handlers' && events - before < children * 2)
        throw new Error(`only ${events - before} events for ${children} children`);
    }
    log(
      `${name} round ${i + 1}: plain ${plain.at(-1).toFixed(0)} ms, handlers ${handlers.at(-1).toFixed(0)} ms`,
    );
  }
  const p = median(plain);
  const h = median(handlers);
  const pc = median(plainCpu);
  const hc = median(handlersCpu);
  const pct = (a, b) => Number((((b - a) / a) * 100).toFixed(1));
  result[name] = {
    plainMs: Math.round(p),
    withLiveStatesMs: Math.round(h),
    overheadPct: pct(p, h),
    plainCpuMs: Math.round(pc),
    withLiveStatesCpuMs: Math.round(hc),
    cpuOverheadPct: pct(pc, hc),
    rounds: { plain: plain.map(Math.round), handlers: handlers.map(Math.round) },
  };
}
server.close();
console.log(JSON.stringify(result));
