import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

const DATA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const MD5 = createHash('md5').update(DATA).digest('hex');
const SHA256 = createHash('sha256').update(DATA).digest('hex');
const SHA512 = createHash('sha512').update(DATA).digest('hex');
const TOKENS = {
  service: { token: 'fake-service-token', project: 'p-service', roles: ['service'] },
  member: { token: 'fake-member-token', project: 'p-member', roles: ['member', 'reader'] },
  other: { token: 'fake-other-token', project: 'p-other', roles: ['member'] },
};

let open: ReferenceServer;
let guarded: ReferenceServer;
let remote: Server;
let dataUrl: string;

test.beforeAll(async () => {
  open = await startReferenceServer({ port: 0 });
  guarded = await startReferenceServer({ port: 0, auth: { tokens: Object.values(TOKENS) } });
  remote = createServer((req, res) => {
    if (req.url !== '/32b.bin') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': String(DATA.length) });
    res.end(req.method === 'HEAD' ? undefined : DATA);
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  dataUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/32b.bin`;
});

test.afterAll(async () => {
  await open.close();
  await guarded.close();
  await new Promise((resolve) => remote.close(resolve));
});

type Json = Record<string, unknown>;

function call(server: ReferenceServer, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['X-Auth-Token'] = token;
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createImage(server: ReferenceServer, token?: string): Promise<string> {
  const res = await call(server, 'POST', '/v2/images', { disk_format: 'raw', container_format: 'bare' }, token);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function waitForStatus(server: ReferenceServer, id: string, wanted: string, token?: string): Promise<Json> {
  let image: Json = {};
  await expect
    .poll(async () => {
      image = (await (await call(server, 'GET', `/v2/images/${id}`, undefined, token)).json()) as Json;
      return image.status;
    })
    .toBe(wanted);
  return image;
}

async function errorMessage(res: Response): Promise<string> {
  return ((await res.json()) as { message: string }).message;
}

test('versions document: v2.17 CURRENT in Glance 30.0 order, /v2.17/ routed', async () => {
  const res = await call(open, 'GET', '/versions');
  const { versions } = (await res.json()) as { versions: Array<{ id: string; status: string }> };
  expect(versions.map((v) => `${v.id} ${v.status}`)).toEqual([
    'v2.15 SUPPORTED',
    'v2.9 SUPPORTED',
    'v2.17 CURRENT',
    'v2.7 SUPPORTED',
    'v2.6 SUPPORTED',
    'v2.5 SUPPORTED',
    'v2.4 SUPPORTED',
    'v2.3 SUPPORTED',
    'v2.2 SUPPORTED',
    'v2.1 SUPPORTED',
    'v2.0 SUPPORTED',
  ]);
  expect((await call(open, 'GET', '/v2.17/images')).status).toBe(200);
  expect((await call(open, 'GET', '/v2.18/images')).status).toBe(300);
});

test('POST on a queued image: 202 with an empty body, then active with size, checksum and sha512', async () => {
  const id = await createImage(open);
  const res = await call(open, 'POST', `/v2/images/${id}/locations`, { url: dataUrl });
  expect(res.status).toBe(202);
  expect(await res.text()).toBe('');
  const image = await waitForStatus(open, id, 'active');
  expect(image.size).toBe(DATA.length);
  expect(image.locations).toEqual([{ url: dataUrl, metadata: {} }]);
  await expect
    .poll(async () => ((await (await call(open, 'GET', `/v2/images/${id}`)).json()) as Json).os_hash_value)
    .toBe(SHA512);
  const done = (await (await call(open, 'GET', `/v2/images/${id}`)).json()) as Json;
  expect(done).toMatchObject({ checksum: MD5, os_hash_algo: 'sha512' });
  expect(done).not.toHaveProperty('os_glance_import_task');
  const download = await fetch(`${open.url}/v2/images/${id}/file`);
  expect(await download.text()).toBe(DATA);
  const locations = await call(open, 'GET', `/v2/images/${id}/locations`);
  expect(locations.status).toBe(200);
  expect(await locations.json()).toEqual([{ url: dataUrl, metadata: {} }]);
});

test('POST with matching validation_data: active with that algorithm; a mismatch leaves it queued', async () => {
  const good = await createImage(open);
  const ok = await call(open, 'POST', `/v2/images/${good}/locations`, {
    url: dataUrl,
    validation_data: { os_hash_algo: 'sha256', os_hash_value: SHA256 },
  });
  expect(ok.status).toBe(202);
  expect(await waitForStatus(open, good, 'active')).toMatchObject({
    checksum: MD5,
    os_hash_algo: 'sha256',
    os_hash_value: SHA256,
    size: DATA.length,
  });

  const bad = await createImage(open);
  const wrong = 'ab'.repeat(32);
  const refused = await call(open, 'POST', `/v2/images/${bad}/locations`, {
    url: dataUrl,
    validation_data: { os_hash_algo: 'sha256', os_hash_value: wrong },
  });
  expect(refused.status).toBe(202);
  const tasks = async () => {
    const res = await call(open, 'GET', `/v2/images/${bad}/tasks`);
    return res.status === 200 ? ((await res.json()) as { tasks: Json[] }).tasks : [];
  };
  await expect.poll(async () => (await tasks())[0]?.status ?? 'none').toBe('failure');
  const image = (await (await call(open, 'GET', `/v2/images/${bad}`)).json()) as Json;
  expect(image).toMatchObject({ status: 'queued', checksum: null, os_hash_algo: null, os_hash_value: null });
  expect((await tasks())[0].message).toContain(wrong);
});

test('POST on an image that is not queued: 409, image unchanged', async () => {
  const id = await createImage(open);
  await fetch(`${open.url}/v2/images/${id}/file`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: DATA,
  });
  const res = await call(open, 'POST', `/v2/images/${id}/locations`, { url: dataUrl });
  expect(res.status).toBe(409);
  expect(await errorMessage(res)).toContain("It's not allowed to add locations if image status is active.");
  const image = (await (await call(open, 'GET', `/v2/images/${id}`)).json()) as Json;
  expect(image.locations).toEqual([{ url: `memory://${id}`, metadata: {} }]);
});

test('malformed bodies and validation data: 400 with Glance wording, image stays queued', async () => {
  const id = await createImage(open);
  const cases: Array<[unknown, string]> = [
    [{}, "Provided object does not match schema 'location': 'url' is a required property"],
    [{ url: 5 }, "Provided object does not match schema 'location': 5 is not of type 'string'"],
    [[], "Provided object does not match schema 'location': [] is not of type 'object'"],
    [{ url: dataUrl, validation_data: { os_hash_value: SHA512 } }, "'os_hash_algo' is a dependency of 'os_hash_value'"],
    [
      { url: dataUrl, validation_data: { os_hash_algo: 'sha123', os_hash_value: SHA512 } },
      "'sha123' is not one of ['sha1', 'sha256', 'sha512', 'md5']",
    ],
    [
      { url: dataUrl, validation_data: { os_hash_algo: 'sha512', os_hash_value: 'dbc9e0f80d131e64b94913a7b40bb5' } },
      'os_hash_value: (dbc9e0f80d131e64b94913a7b40bb5) is not the correct size for (sha512) (should be (64) bytes)',
    ],
    [
      { url: dataUrl, validation_data: { os_hash_algo: 'md5', os_hash_value: 'zz' } },
      'os_hash_value (zz) is not a valid hexadecimal value',
    ],
    [
      { url: dataUrl, validation_data: { checksum: MD5 } },
      "Additional properties are not allowed ('checksum' was unexpected)",
    ],
  ];
  for (const [body, message] of cases) {
    const res = await call(open, 'POST', `/v2/images/${id}/locations`, body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(await errorMessage(res)).toContain(message);
  }
  expect(((await (await call(open, 'GET', `/v2/images/${id}`)).json()) as Json).status).toBe('queued');
});

test('a second POST while the first import holds the image: 409', async () => {
  const id = await createImage(open);
  const body = { url: dataUrl, validation_data: { os_hash_algo: 'sha512', os_hash_value: SHA512 } };
  const [first, second] = await Promise.all([
    call(open, 'POST', `/v2/images/${id}/locations`, body),
    call(open, 'POST', `/v2/images/${id}/locations`, body),
  ]);
  expect([first.status, second.status].sort()).toEqual([202, 409]);
  await waitForStatus(open, id, 'active');
});

test('policies with Keystone-like identities: add for service or owning member, fetch for service only', async () => {
  const mine = await createImage(guarded, TOKENS.member.token);
  const fetchRefused = await call(guarded, 'GET', `/v2/images/${mine}/locations`, undefined, TOKENS.member.token);
  expect(fetchRefused.status).toBe(403);
  expect(await errorMessage(fetchRefused)).toContain('You are not authorized to complete fetch_image_location action.');

  const notHttp = await call(
    guarded,
    'POST',
    `/v2/images/${mine}/locations`,
    { url: 'swift://x/y' },
    TOKENS.member.token,
  );
  expect(notHttp.status).toBe(403);
  expect(await errorMessage(notHttp)).toContain('http store must be enabled to use location API by normal user.');

  const shared = await createImage(guarded, TOKENS.other.token);
  // A private image of another project is invisible: 404 before any policy.
  expect(
    (await call(guarded, 'POST', `/v2/images/${shared}/locations`, { url: dataUrl }, TOKENS.member.token)).status,
  ).toBe(404);
  const added = await call(guarded, 'POST', `/v2/images/${mine}/locations`, { url: dataUrl }, TOKENS.member.token);
  expect(added.status).toBe(202);
  await waitForStatus(guarded, mine, 'active', TOKENS.member.token);

  const serviceImage = await createImage(guarded, TOKENS.service.token);
  const bySvc = await call(
    guarded,
    'POST',
    `/v2/images/${serviceImage}/locations`,
    { url: dataUrl },
    TOKENS.service.token,
  );
  expect(bySvc.status).toBe(202);
  await waitForStatus(guarded, serviceImage, 'active', TOKENS.service.token);
  const listed = await call(guarded, 'GET', `/v2/images/${serviceImage}/locations`, undefined, TOKENS.service.token);
  expect(listed.status).toBe(200);
});

test('a member without the member role is refused add_image_location', async () => {
  const server = await startReferenceServer({
    port: 0,
    auth: { tokens: [{ token: 'fake-reader-token', project: 'p-r', roles: ['reader'] }, TOKENS.member] },
  });
  try {
    const id = await createImage(server, 'fake-reader-token');
    const res = await call(server, 'POST', `/v2/images/${id}/locations`, { url: dataUrl }, 'fake-reader-token');
    expect(res.status).toBe(403);
    expect(await errorMessage(res)).toContain('You are not authorized to complete add_image_location action.');
  } finally {
    await server.close();
  }
});

test('an unreachable URL: 202, then the task fails and the image stays queued without locations', async () => {
  const id = await createImage(open);
  const res = await call(open, 'POST', `/v2/images/${id}/locations`, { url: `${dataUrl}.missing` });
  expect(res.status).toBe(202);
  await expect
    .poll(
      async () =>
        ((await (await call(open, 'GET', `/v2/images/${id}/tasks`)).json()) as { tasks: Json[] }).tasks[0]?.status,
    )
    .toBe('failure');
  const image = (await (await call(open, 'GET', `/v2/images/${id}`)).json()) as Json;
  expect(image).toMatchObject({ status: 'queued', locations: [] });
});
