import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of the reference server that breaks one behaviour on purpose, the way a real
 * implementation might get it wrong. Image data streams through (so uploads can be held open); JSON
 * request bodies are buffered so a mutation can rewrite them, and responses so it can rewrite those.
 */
export interface Exchange {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The JSON request body as the upstream got it (empty for streamed bodies). */
  requestBody: Buffer;
  status: number;
  responseHeaders: Record<string, string>;
  body: Buffer;
}

export interface Mutation {
  /** Rewrites the request headers before they go upstream. */
  request?(method: string, path: string, headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders;
  /** Rewrites a JSON request body (PATCH documents, POST bodies) before it goes upstream. */
  requestBody?(method: string, path: string, body: Buffer): Buffer;
  /** Returns the answer to send instead, or undefined to pass the upstream answer through. */
  response?(exchange: Exchange): Partial<Pick<Exchange, 'status' | 'responseHeaders' | 'body'>> | undefined;
}

const isJson = (headers: http.IncomingHttpHeaders) => /json/i.test(headers['content-type'] ?? '');

async function bodyOf(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startBrokenProxy(
  upstream: string,
  mutation: Mutation,
): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server = http.createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const headers = mutation.request ? mutation.request(method, path, { ...req.headers }) : { ...req.headers };
    const buffered = isJson(req.headers);
    let requestBody: Buffer = Buffer.alloc(0);
    if (buffered) {
      requestBody = await bodyOf(req);
      if (mutation.requestBody) requestBody = mutation.requestBody(method, path, requestBody);
      if (headers['content-length'] !== undefined) headers['content-length'] = String(requestBody.length);
    }
    const out = http.request({ host: target.hostname, port: target.port, method, path, headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const responseHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(up.headers)) {
          if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection') {
            responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          }
        }
        const exchange: Exchange = {
          method,
          path,
          headers: req.headers,
          requestBody,
          status: up.statusCode ?? 502,
          responseHeaders,
          body: Buffer.concat(chunks),
        };
        const changed = { ...exchange, ...mutation.response?.(exchange) };
        if (changed.body !== exchange.body || changed.responseHeaders['content-length'] !== undefined) {
          changed.responseHeaders['content-length'] = String(changed.body.length);
        }
        res.writeHead(changed.status, changed.responseHeaders).end(changed.body);
      });
    });
    out.on('error', () => res.writeHead(502).end());
    if (buffered) out.end(requestBody);
    else req.pipe(out);
    req.on('aborted', () => out.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** JSON body rewrite helper: parse, change, serialise. */
export function rewriteJson(body: Buffer, change: (doc: any) => void): Buffer {
  const doc = JSON.parse(body.toString('utf8'));
  change(doc);
  return Buffer.from(JSON.stringify(doc));
}
