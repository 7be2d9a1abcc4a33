/** Public entry point: start an in-memory Glance Image API v2 reference server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestListener } from './app';
import type { ServerState } from './handlers/exchange';
import { probeLocation } from './locations';
import { MetadefCatalog } from './metadefs';
import { resolveOptions, type ReferenceServerOptions } from './options';
import { ImageStore } from './store';
import { imageValidator } from './validation';

export type { AuthToken, ReferenceServerOptions } from './options';

export interface ReferenceServer {
  url: string;
  close(): Promise<void>;
}

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const resolved = resolveOptions(options);
  const state: ServerState = {
    options: resolved,
    store: new ImageStore(),
    validateImage: imageValidator(resolved.disk_formats, resolved.container_formats),
    metadefs: new MetadefCatalog(new Date()),
    probeLocation,
  };
  // Uploads may legitimately take longer than Node's default 5-minute request timeout.
  const server = createServer({ requestTimeout: 0 }, requestListener(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
