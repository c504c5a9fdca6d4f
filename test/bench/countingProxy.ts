// An HTTP proxy in front of a local object server that counts every request by kind (listing,
// HEAD, GET, other), for the benches' request counts: they are taken in a pass of their own, so
// the proxy's hop never enters a timed round. S3 listings carry `list-type`, Azure's `comp=list`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RequestCounts {
  list: number;
  head: number;
  get: number;
  other: number;
}

export interface CountingProxy {
  /** The proxy's base URL (same path as the target's, e.g. Azurite's `/devstoreaccount1`). */
  endpoint: string;
  /** The requests since the last take(), and the counter reset. */
  take(): RequestCounts;
  close(): void;
}

/** Sends `req` on to `target` and its answer back as it came (the proxies of benches and tests). */
export function forward(target: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const fwd = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  fwd.on('error', () => res.destroy());
  req.pipe(fwd);
}

/** Listens on a free port of 127.0.0.1; resolves to the port. */
export async function listenLocal(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const zero = (): RequestCounts => ({ list: 0, head: 0, get: 0, other: 0 });

export async function countingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  let counts = zero();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const list =
      req.method === 'GET' && (u.searchParams.has('list-type') || u.searchParams.get('comp') === 'list');
    counts[req.method === 'HEAD' ? 'head' : list ? 'list' : req.method === 'GET' ? 'get' : 'other']++;
    forward(t, req, res);
  });
  const port = await listenLocal(server);
  return {
    endpoint: `http://127.0.0.1:${port}${t.pathname.replace(/\/+$/, '')}`,
    take() {
      const c = counts;
      counts = zero();
      return c;
    },
    close: () => server.close(),
  };
}
