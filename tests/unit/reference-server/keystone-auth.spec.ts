import { expect, test } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

/**
 * A stand-in for Keystone's token API: the service logs in with POST /v3/auth/tokens, then validates
 * callers' tokens with GET /v3/auth/tokens (X-Subject-Token). Counts validations to show the cache.
 */
const USERS: Record<string, { project: string; roles: string[] }> = {
  'token-a': { project: 'proj-a', roles: ['member', 'reader'] },
  'token-b': { project: 'proj-b', roles: ['member'] },
  'token-admin': { project: 'proj-admin', roles: ['admin'] },
};
const SERVICE_TOKEN = 'service-token';
/** The service login's password as the stub Keystone expects it: a fake that reads as one. */
const SERVICE_PASSWORD = 'fake-password-of-the-service';

let keystone: Server;
let keystoneUrl: string;
let validations = 0;
let serviceLogins = 0;
let server: ReferenceServer;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
  });
}

test.beforeAll(async () => {
  keystone = createServer((req, res) => {
    void (async () => {
      if (req.url !== '/v3/auth/tokens') return res.writeHead(404).end();
      if (req.method === 'POST') {
        const body = JSON.parse(await readBody(req)) as {
          auth: { identity: { password: { user: { password: string } } } };
        };
        serviceLogins += 1;
        if (body.auth.identity.password.user.password !== SERVICE_PASSWORD) return res.writeHead(401).end();
        return res.writeHead(201, { 'X-Subject-Token': SERVICE_TOKEN, 'Content-Type': 'application/json' }).end('{}');
      }
      if (req.headers['x-auth-token'] !== SERVICE_TOKEN) return res.writeHead(401).end();
      validations += 1;
      const user = USERS[String(req.headers['x-subject-token'])];
      if (!user) return res.writeHead(404).end();
      const token = {
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        user: { id: `user-${user.project}` },
        project: { id: user.project },
        roles: user.roles.map((name) => ({ name })),
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token }));
    })();
  });
  await new Promise<void>((resolve) => keystone.listen(0, '127.0.0.1', resolve));
  keystoneUrl = `http://127.0.0.1:${(keystone.address() as AddressInfo).port}`;
  server = await startReferenceServer({
    port: 0,
    auth: {
      keystone: {
        authUrl: `${keystoneUrl}/v3`,
        username: 'glance',
        password: SERVICE_PASSWORD,
        projectName: 'service',
      },
    },
  });
});

test.afterAll(async () => {
  await server.close();
  await new Promise((resolve) => keystone.close(resolve));
});

function call(token: string | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers['X-Auth-Token'] = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

test('tokens are validated with Keystone; owner, visibility and admin follow the token', async () => {
  const missing = await call(undefined, 'GET', '/v2/images');
  expect(missing.status).toBe(401);
  expect(missing.headers.get('www-authenticate')).toBe(`Keystone uri="${keystoneUrl}"`);
  expect((await call('nonsense', 'GET', '/v2/images')).status).toBe(401);

  const created = await call('token-a', 'POST', '/v2/images', { name: 'mine', visibility: 'private' });
  expect(created.status).toBe(201);
  const image = (await created.json()) as { id: string; owner: string };
  expect(image.owner).toBe('proj-a');
  expect((await call('token-b', 'GET', `/v2/images/${image.id}`)).status).toBe(404);
  expect((await call('token-admin', 'GET', `/v2/images/${image.id}`)).status).toBe(200);
  const publicize = await call('token-a', 'POST', '/v2/images', { visibility: 'public' });
  expect(publicize.status).toBe(403);
  expect((await call('token-admin', 'POST', '/v2/images', { visibility: 'public' })).status).toBe(201);
  // One service login; each caller token validated once, then served from the cache.
  expect(serviceLogins).toBe(1);
  expect(validations).toBe(4);
});

test('Keystone out of reach: 503 in keystonemiddleware words', async () => {
  const orphan = await startReferenceServer({
    port: 0,
    auth: {
      keystone: {
        authUrl: 'http://127.0.0.1:9/v3',
        username: 'glance',
        password: 'fake-password',
        projectName: 'service',
      },
    },
  });
  try {
    const res = await fetch(`${orphan.url}/v2/images`, {
      headers: { 'X-Auth-Token': 'token-a', Accept: 'application/json' },
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain('The server is currently unavailable.');
  } finally {
    await orphan.close();
  }
});
