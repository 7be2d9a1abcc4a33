import { expect, test } from '@playwright/test';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

const DATA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const MD5 = '1803a4cd3eebb1d125028db31a0ad281';
const PATCH = 'application/openstack-images-v2.1-json-patch';

let server: ReferenceServer;
let remote: Server;
let remoteUrl: string;

test.beforeAll(async () => {
  server = await startReferenceServer({ port: 0 });
  // A stand-in for an external http store: HEAD gives the size, GET the bytes.
  remote = createServer((req, res) => {
    if (req.url !== '/12b.bin') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': '12' });
    res.end(req.method === 'HEAD' ? undefined : 'hello world!');
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/12b.bin`;
});

test.afterAll(async () => {
  await server.close();
  await new Promise((resolve) => remote.close(resolve));
});

async function createImage(body: Record<string, unknown> = { disk_format: 'raw', container_format: 'bare' }) {
  const response = await fetch(`${server.url}/v2/images`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; status: string };
}

async function upload(id: string, data: string | Uint8Array = DATA) {
  return fetch(`${server.url}/v2/images/${id}/file`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: data,
  });
}

async function image(id: string) {
  return (await (await fetch(`${server.url}/v2/images/${id}`)).json()) as Record<string, unknown>;
}

function patch(id: string, ops: unknown[], accept = 'application/json') {
  return fetch(`${server.url}/v2/images/${id}`, {
    method: 'PATCH',
    headers: { 'Content-Type': PATCH, Accept: accept },
    body: JSON.stringify(ops),
  });
}

/** Starts a chunked upload that stays open until the returned `finish` or `abort` is called. */
function heldOpenUpload(id: string) {
  const { hostname, port } = new URL(server.url);
  const req = request({
    hostname,
    port,
    method: 'PUT',
    path: `/v2/images/${id}/file`,
    headers: { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  req.write(DATA.slice(0, 16));
  return {
    response,
    finish: () => req.end(DATA.slice(16)),
    abort: () => req.destroy(),
  };
}

async function waitForStatus(id: string, status: string) {
  await expect.poll(async () => (await image(id)).status).toBe(status);
}

test('create answers 201 with an absolute Location and the import-methods header', async () => {
  const response = await fetch(`${server.url}/v2/images`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'p', disk_format: 'ploop', container_format: 'bare' }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string };
  expect(response.headers.get('location')).toBe(`${server.url}/v2/images/${body.id}`);
  expect(response.headers.get('openstack-image-import-methods')).toBe('glance-direct,web-download');
  expect(body).toMatchObject({ status: 'queued', visibility: 'shared', owner: null, locations: [] });
});

test('upload, full download and a 206 range', async () => {
  const { id } = await createImage();
  const put = await upload(id);
  expect(put.status).toBe(204);
  expect(put.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  expect(await image(id)).toMatchObject({ status: 'active', size: 32, checksum: MD5, os_hash_algo: 'sha512' });

  const full = await fetch(`${server.url}/v2/images/${id}/file`);
  expect(full.status).toBe(200);
  expect(full.headers.get('etag')).toBe(`"${MD5}"`);
  expect(await full.text()).toBe(DATA);

  const part = await fetch(`${server.url}/v2/images/${id}/file`, { headers: { Range: 'bytes=12-30' } });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe('bytes 12-30/32');
  expect(part.headers.get('content-length')).toBe('19');
  expect(await part.text()).toBe('MNOPQRSTUVWXYZ01234');
});

test('downloads spanning staging buffers, several at once, carry exactly their bytes', async () => {
  // 5 MiB + 3 bytes: bodies span several 1 MiB staging buffers and end in a partial one.
  const size = 5 * 1024 * 1024 + 3;
  const images = await Promise.all(
    [7, 13].map(async (step) => {
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * step + (i >>> 16)) & 0xff;
      const { id } = await createImage();
      expect((await upload(id, data)).status).toBe(204);
      return { id, data };
    }),
  );
  const downloads: Array<{ range?: string; first: number; last: number }> = [
    { first: 0, last: size - 1 },
    { range: 'bytes=1048570-3145735', first: 1048570, last: 3145735 },
    { range: `bytes=-${1024 * 1024 + 1}`, first: size - 1024 * 1024 - 1, last: size - 1 },
  ];
  await Promise.all(
    images.flatMap(({ id, data }) =>
      downloads.map(async ({ range, first, last }) => {
        const res = await fetch(`${server.url}/v2/images/${id}/file`, { headers: range ? { Range: range } : {} });
        const body = Buffer.from(await res.arrayBuffer());
        expect(res.status).toBe(range ? 206 : 200);
        expect(body.length).toBe(last - first + 1);
        expect(body.equals(data.subarray(first, last + 1))).toBe(true);
      }),
    ),
  );
});

test("416 carries Content-Range: bytes */size and Glance's text body", async () => {
  const { id } = await createImage();
  await upload(id);
  const response = await fetch(`${server.url}/v2/images/${id}/file`, {
    headers: { Range: 'bytes=32-', Accept: 'text/plain' },
  });
  expect(response.status).toBe(416);
  expect(response.headers.get('content-range')).toBe('bytes */32');
  expect(await response.text()).toBe(
    '416 Request Range Not Satisfiable\n\nThe Range requested is not available.\n\n' +
      ' Invalid start position in Range header. Start position MUST be in the inclusive range [0, 31].  ',
  );
});

test('an image without data answers 204 whatever the Range headers say', async () => {
  const { id } = await createImage();
  const variants: Record<string, string>[] = [
    {},
    { Range: 'bytes=0-4' },
    { 'Content-Range': 'bytes */32' },
    { Range: 'bytes=-' },
  ];
  for (const headers of variants) {
    expect((await fetch(`${server.url}/v2/images/${id}/file`, { headers })).status).toBe(204);
  }
});

test('held-open upload: saving at once, back to queued with no data after a disconnect', async () => {
  const { id } = await createImage();
  const transfer = heldOpenUpload(id);
  transfer.response.catch(() => undefined);
  await waitForStatus(id, 'saving');
  expect((await patch(id, [{ op: 'remove', path: '/locations/0' }])).status).toBe(409);
  transfer.abort();
  await waitForStatus(id, 'queued');
  expect(await image(id)).toMatchObject({ size: null, checksum: null, locations: [] });
  expect((await fetch(`${server.url}/v2/images/${id}/file`)).status).toBe(204);
});

test('held-open upload completes to active; deleting meanwhile makes it answer 410', async () => {
  const first = await createImage();
  const done = heldOpenUpload(first.id);
  await waitForStatus(first.id, 'saving');
  done.finish();
  expect((await done.response).status).toBe(204);
  expect(await image(first.id)).toMatchObject({ status: 'active', size: 32, checksum: MD5 });

  const second = await createImage();
  const doomed = heldOpenUpload(second.id);
  await waitForStatus(second.id, 'saving');
  expect((await fetch(`${server.url}/v2/images/${second.id}`, { method: 'DELETE' })).status).toBe(204);
  doomed.finish();
  expect((await doomed.response).status).toBe(410);
  expect((await fetch(`${server.url}/v2/images/${second.id}`)).status).toBe(404);
});

test('409 on location remove while queued, in every error format', async () => {
  const { id } = await createImage();
  const message = "It's not allowed to remove locations if image status is queued.";
  const json = await patch(id, [{ op: 'remove', path: '/locations/0' }]);
  expect(json.status).toBe(409);
  expect(await json.json()).toEqual({
    message: `${message}<br /><br />\n\n\n`,
    code: '409 Conflict',
    title: 'Conflict',
  });
  const plain = await patch(id, [{ op: 'remove', path: '/locations/0' }], 'text/plain');
  expect(await plain.text()).toBe(`409 Conflict\n\n${message}\n\n   `);
  const html = await patch(id, [{ op: 'remove', path: '/locations/0' }], '*/*');
  expect(html.headers.get('content-type')).toBe('text/html; charset=UTF-8');
});

test('an http location activates a queued image and serves its bytes', async () => {
  const { id } = await createImage();
  const response = await patch(id, [{ op: 'add', path: '/locations/-', value: { url: remoteUrl, metadata: {} } }]);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'active', size: 12, checksum: null });
  const part = await fetch(`${server.url}/v2/images/${id}/file`, { headers: { Range: 'bytes=6-' } });
  expect(part.status).toBe(206);
  expect(await part.text()).toBe('world!');
  const bad = await patch(id, [
    { op: 'add', path: '/locations/-', value: { url: `${remoteUrl}.missing`, metadata: {} } },
  ]);
  expect(bad.status).toBe(400);
});

test('routing: 405 with Allow, HEAD /file is 405, unknown routes 404, versions 300', async () => {
  const deleteList = await fetch(`${server.url}/v2/images`, { method: 'DELETE' });
  expect(deleteList.status).toBe(405);
  expect(deleteList.headers.get('allow')).toBe('GET, POST');
  const { id } = await createImage();
  const head = await fetch(`${server.url}/v2/images/${id}/file`, { method: 'HEAD' });
  expect(head.status).toBe(405);
  expect(head.headers.get('allow')).toBe('GET, PUT');
  expect((await fetch(`${server.url}/v2/nope`)).status).toBe(404);
  const root = await fetch(`${server.url}/`);
  expect(root.status).toBe(300);
  const { versions } = (await root.json()) as { versions: Array<{ status: string }> };
  expect(versions.find((version) => version.status === 'CURRENT')).toEqual({
    id: 'v2.17',
    status: 'CURRENT',
    links: [{ rel: 'self', href: `${server.url}/v2/` }],
  });
});

test("token auth: 401 without a token, other projects' private images are 404", async () => {
  const guarded = await startReferenceServer({
    port: 0,
    auth: {
      tokens: [
        { token: 'fake-token-p1', project: 'p1', roles: ['member'] },
        { token: 'fake-token-p2', project: 'p2', roles: ['member'] },
      ],
    },
  });
  try {
    expect((await fetch(`${guarded.url}/v2/images`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/versions`)).status).toBe(200);
    const created = await fetch(`${guarded.url}/v2/images`, {
      method: 'POST',
      headers: { 'X-Auth-Token': 'fake-token-p1', 'Content-Type': 'application/json' },
      body: '{"name": "mine"}',
    });
    const { id, owner } = (await created.json()) as { id: string; owner: string };
    expect(owner).toBe('p1');
    expect(
      (await fetch(`${guarded.url}/v2/images/${id}`, { headers: { 'X-Auth-Token': 'fake-token-p2' } })).status,
    ).toBe(404);
  } finally {
    await guarded.close();
  }
});
