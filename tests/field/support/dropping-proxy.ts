import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DroppingProxy {
  url: string;
  /** `METHOD path` of every request dropped. */
  dropped: string[];
  /** Requests seen, dropped ones included. */
  count(): number;
  close(): Promise<void>;
}

/**
 * A reverse proxy that resets the connection of the requests `drop` picks (by their number, from 1, method and
 * path) before any answer, the way a load balancer drops a stale keep-alive connection; everything else streams
 * through both ways (held-open uploads too).
 */
export async function startDroppingProxy(
  upstream: string,
  drop: (seen: number, method: string, path: string) => boolean,
  /** A status to answer instead of the upstream, e.g. to refuse every DELETE. */
  refuse?: (method: string, path: string) => number | undefined,
): Promise<DroppingProxy> {
  const target = new URL(upstream);
  const dropped: string[] = [];
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen += 1;
    if (drop(seen, req.method ?? 'GET', req.url ?? '/')) {
      dropped.push(`${req.method} ${req.url}`);
      req.socket.resetAndDestroy();
      return;
    }
    const refusal = refuse?.(req.method ?? 'GET', req.url ?? '/');
    if (refusal) {
      req.resume();
      res.writeHead(refusal, { 'content-type': 'text/plain' }).end('refused by the test proxy');
      return;
    }
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped,
    count: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
