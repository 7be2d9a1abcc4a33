import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

const DATA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const MD5 = '1803a4cd3eebb1d125028db31a0ad281';
const SHA512 = createHash('sha512').update(DATA).digest('hex');

let server: ReferenceServer;
let remote: Server;
let base: string;

test.beforeAll(async () => {
  server = await startReferenceServer({ port: 0 });
  remote = createServer((req, res) => {
    if (req.url !== '/32b.bin') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': String(DATA.length) });
    res.end(DATA);
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await server.close();
  await new Promise((resolve) => remote.close(resolve));
});

type Json = Record<string, unknown>;

function call(method: string, path: string, body?: unknown, type = 'application/json') {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = type;
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${server.url}${path}`, { method, headers, body: payload });
}

async function createImage(fields: Json = { disk_format: 'raw', container_format: 'bare' }): Promise<string> {
  const res = await call('POST', '/v2/images', fields);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function show(id: string): Promise<Json> {
  return (await (await call('GET', `/v2/images/${id}`)).json()) as Json;
}

async function expectError(res: Response, status: number, message: string) {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { message: string }).message).toBe(`${message}<br /><br />\n\n\n`);
}

async function lastTask(id: string): Promise<Json | undefined> {
  return ((await (await call('GET', `/v2/images/${id}/tasks`)).json()) as { tasks: Json[] }).tasks[0];
}

test('info: import methods, no stores without multistore, empty usage', async () => {
  expect(await (await call('GET', '/v2/info/import')).json()).toEqual({
    'import-methods': {
      description: 'Import methods available.',
      type: 'array',
      value: ['glance-direct', 'web-download'],
    },
  });
  for (const path of ['/v2/info/stores', '/v2/info/stores/detail']) {
    await expectError(await call('GET', path), 404, 'Multi backend is not supported at this site.');
  }
  expect(await (await call('GET', '/v2/info/usage')).json()).toEqual({ usage: {} });
});

test('member and task schemas are served', async () => {
  for (const name of ['member', 'members', 'task', 'tasks']) {
    const res = await call('GET', `/v2/schemas/${name}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).name).toBe(name);
  }
});

test('web-download: 202, then active with size, checksum, hash and the bytes; the task succeeds', async () => {
  const id = await createImage();
  const res = await call('POST', `/v2/images/${id}/import`, {
    method: { name: 'web-download', uri: `${base}/32b.bin` },
  });
  expect(res.status).toBe(202);
  expect(await res.text()).toBe('');
  await expect.poll(async () => (await show(id)).status).toBe('active');
  expect(await show(id)).toMatchObject({
    size: 32,
    virtual_size: 32,
    checksum: MD5,
    os_hash_algo: 'sha512',
    os_hash_value: SHA512,
    os_glance_importing_to_stores: '',
    os_glance_failed_import: '',
  });
  expect(await show(id)).not.toHaveProperty('os_glance_import_task');
  expect(await (await fetch(`${server.url}/v2/images/${id}/file`)).text()).toBe(DATA);
  expect(await lastTask(id)).toMatchObject({
    type: 'api_image_import',
    status: 'success',
    result: { image_id: id },
    message: 'Copied 0 MiB',
    deleted: false,
    input: { image_id: id, import_req: { method: { name: 'web-download', uri: `${base}/32b.bin` } }, backend: [null] },
  });
  await expectError(
    await call('POST', `/v2/images/${id}/import`, { method: { name: 'web-download', uri: base } }),
    409,
    'Image with status active cannot be target for import',
  );
  const task = (await lastTask(id)) as Json;
  const shown = await call('GET', `/v2/tasks/${task.id as string}`);
  expect(await shown.json()).toMatchObject({ id: task.id, status: 'success', self: `/v2/tasks/${task.id as string}` });
  const listed = (await (await call('GET', '/v2/tasks')).json()) as { tasks: Json[] };
  expect(listed.tasks.map((entry) => entry.id)).toContain(task.id);
});

test('web-download from a URL that fails: the image goes back to queued, the task fails', async () => {
  const id = await createImage();
  const res = await call('POST', `/v2/images/${id}/import`, {
    method: { name: 'web-download', uri: `${base}/missing` },
  });
  expect(res.status).toBe(202);
  await expect.poll(async () => (await lastTask(id))?.status).toBe('failure');
  expect(await lastTask(id)).toMatchObject({ message: 'Task failed due to Internal Error', result: null });
  expect(await show(id)).toMatchObject({ status: 'queued', size: null, os_glance_failed_import: '' });
});

test('import refusals in Glance 25.1 order and words', async () => {
  const id = await createImage();
  const cases: Array<[unknown, number, string]> = [
    [{}, 400, "Import request requires a 'method' field."],
    [{ method: {} }, 400, "Import request requires a 'name' field."],
    [{ method: 'x' }, 400, "Import request requires a 'name' field."],
    [{ method: { name: 'copy-image' } }, 400, "Unknown import method name 'copy-image'."],
    [{ method: { name: 'web-download' }, all_stores: 'x' }, 400, "'all_stores' must be boolean value only"],
    [{ method: { name: 'glance-direct' } }, 409, "Image needs to be staged before 'glance-direct' method can be used"],
    [{ method: { name: 'web-download' } }, 400, 'URI for web-download does not pass filtering: None'],
    [
      { method: { name: 'web-download', uri: 'ftp://x/y' } },
      400,
      'URI for web-download does not pass filtering: ftp://x/y',
    ],
    [
      { method: { name: 'web-download', uri: `${base}/32b.bin` }, all_stores_must_succeed: false },
      400,
      `All_stores_must_succeed can only be set with enabled_backends ${base}/32b.bin`,
    ],
  ];
  for (const [body, status, message] of cases) {
    await expectError(await call('POST', `/v2/images/${id}/import`, body), status, message);
  }
  const bare = await createImage({});
  await expectError(
    await call('POST', `/v2/images/${bare}/import`, { method: { name: 'web-download', uri: base } }),
    409,
    "'container_format' needs to be set before import",
  );
  expect((await show(id)).status).toBe('queued');
});

test('glance-direct: staged bytes (size shown while uploading) become the image data', async () => {
  const id = await createImage();
  const staged = await fetch(`${server.url}/v2/images/${id}/stage`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: DATA,
  });
  expect(staged.status).toBe(204);
  expect(await show(id)).toMatchObject({ status: 'uploading', size: 32, checksum: null });
  await expectError(
    await call('POST', `/v2/images/${id}/import`, { method: { name: 'web-download', uri: base } }),
    409,
    "Image needs to be in 'queued' state to use 'web-download' method",
  );
  expect((await call('POST', `/v2/images/${id}/import`, { method: { name: 'glance-direct' } })).status).toBe(202);
  await expect.poll(async () => (await show(id)).status).toBe('active');
  expect(await show(id)).toMatchObject({ size: 32, checksum: MD5, os_hash_value: SHA512 });
  expect(await (await fetch(`${server.url}/v2/images/${id}/file`)).text()).toBe(DATA);
});
