import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubKeystone {
  /** …/v3, the OS_AUTH_URL */
  authUrl: string;
  /** The identity part of every login body received, in order. */
  logins: Array<{ methods: string[] } & Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Just enough Keystone v3 for the login: any POST /v3/auth/tokens gets a one-hour token whose catalog lists
 * `imageUrl` as the public image endpoint of RegionOne.
 */
export async function startStubKeystone(imageUrl: string): Promise<StubKeystone> {
  const logins: StubKeystone['logins'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      logins.push(JSON.parse(text).auth.identity);
      const now = Date.now();
      const catalog = [{ type: 'image', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: imageUrl }] }];
      const token = {
        issued_at: new Date(now).toISOString(),
        expires_at: new Date(now + 3600_000).toISOString(),
        catalog,
      };
      res
        .writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'stub-token' })
        .end(JSON.stringify({ token }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    authUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`,
    logins,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
