/** Public entry point: start an in-memory Glance Image API v2 reference server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { requestListener } from './app';
import { authenticator } from './auth';
import { reasonPhrase } from './errors';
import { startHashingWorker } from './hashing';
import { StagingBuffers } from './staging';
import type { ServerState } from './handlers/exchange';
import { probeLocation } from './locations';
import { MetadefCatalog } from './metadefs';
import { resolveOptions, type ReferenceServerOptions } from './options';
import { ImageStore } from './store';
import { TaskStore } from './tasks';
import { imageValidator } from './validation';

export type { AuthToken, KeystoneCredentials, ReferenceServerOptions } from './options';

export interface ReferenceServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Requests Node's parser refuses (header fields over 16 KB, a bad Content-Length, a broken request
 * line) get a plain-text error that says what was wrong, instead of Node's bare status line.
 */
function answerUnparsable(error: NodeJS.ErrnoException & { reason?: unknown }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const why =
    status === 431
      ? 'Request header fields are too large.'
      : status === 408
        ? 'The request was not received in time.'
        : `The request could not be parsed${typeof error.reason === 'string' ? `: ${error.reason}` : ''}.`;
  const title = reasonPhrase(status);
  const body = `${status} ${title}\n\n${why}`;
  const head = `HTTP/1.1 ${status} ${title}\r\nContent-Type: text/plain; charset=UTF-8\r\n`;
  socket.end(`${head}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const resolved = resolveOptions(options);
  const state: ServerState = {
    options: resolved,
    authenticate: authenticator(resolved.auth),
    store: new ImageStore(),
    tasks: new TaskStore(),
    validateImage: imageValidator(resolved.disk_formats, resolved.container_formats),
    metadefs: new MetadefCatalog(new Date()),
    probeLocation,
    staging: new StagingBuffers(),
  };
  // Uploads may legitimately take longer than Node's default 5-minute request timeout.
  const server = createServer({ requestTimeout: 0 }, requestListener(state));
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  startHashingWorker();
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Held-open uploads and keep-alive sockets would otherwise keep close() waiting.
        server.closeAllConnections();
      }),
  };
}
