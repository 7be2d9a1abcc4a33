import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

/** Three projects, as in the measurements on Glance 25.1 (`headers` flavour, member role). */
const TOKENS = ['p1', 'p2', 'p3'].map((project) => ({ token: `t-${project}`, project, roles: ['member', 'reader'] }));

let server: ReferenceServer;

test.beforeAll(async () => {
  server = await startReferenceServer({ port: 0, auth: { tokens: TOKENS } });
});

test.afterAll(async () => {
  await server.close();
});

type Json = Record<string, unknown>;

function call(project: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Auth-Token': `t-${project}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expectError(res: Response, status: number, message: string) {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { message: string }).message).toBe(`${message}<br /><br />\n\n\n`);
}

async function createImage(project: string, fields: Json = {}): Promise<string> {
  const res = await call(project, 'POST', '/v2/images', { disk_format: 'raw', container_format: 'bare', ...fields });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function listed(project: string, query = ''): Promise<string[]> {
  const res = await call(project, 'GET', `/v2/images${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { images: Json[] }).images.map((image) => image.id as string);
}

test('tags: add twice, delete, 404 for an unknown tag, 403 for a visible image of another project', async () => {
  const id = await createImage('p1', { visibility: 'shared' });
  for (let i = 0; i < 2; i++) {
    const res = await call('p1', 'PUT', `/v2/images/${id}/tags/foo`);
    expect(res.status).toBe(204);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
  }
  expect(((await (await call('p1', 'GET', `/v2/images/${id}`)).json()) as Json).tags).toEqual(['foo']);
  await expectError(await call('p1', 'DELETE', `/v2/images/${id}/tags/nope`), 404, 'The resource could not be found.');
  await expectError(await call('p2', 'PUT', `/v2/images/${id}/tags/x`), 404, `Image ${id} not found.`);
  const tooLong = await call('p1', 'PUT', `/v2/images/${id}/tags/${'a'.repeat(256)}`);
  expect(tooLong.status).toBe(400);
  expect((await call('p1', 'POST', `/v2/images/${id}/members`, { member: 'p2' })).status).toBe(200);
  await expectError(
    await call('p2', 'PUT', `/v2/images/${id}/tags/z`),
    403,
    `Not allowed to update tags for image ${id}.`,
  );
  await expectError(
    await call('p2', 'DELETE', `/v2/images/${id}/tags/foo`),
    403,
    `Not allowed to delete tags for image ${id}.`,
  );
  expect((await call('p1', 'DELETE', `/v2/images/${id}/tags/foo`)).status).toBe(204);
});

test('members: pending, accepted, rejected as Glance 25.1 answers them, and what each project sees', async () => {
  const id = await createImage('p1', { visibility: 'shared' });
  const added = await call('p1', 'POST', `/v2/images/${id}/members`, { member: 'p2' });
  expect(added.status).toBe(200);
  expect(await added.json()).toMatchObject({
    member_id: 'p2',
    image_id: id,
    status: 'pending',
    schema: '/v2/schemas/member',
  });
  await expectError(
    await call('p1', 'POST', `/v2/images/${id}/members`, { member: 'p2' }),
    409,
    `Member p2 is duplicated for image ${id}`,
  );
  await expectError(
    await call('p1', 'POST', `/v2/images/${id}/members`, { member_id: 'p2' }),
    400,
    'Member to be added not specified',
  );
  await expectError(
    await call('p1', 'POST', `/v2/images/${id}/members`, []),
    400,
    'Expected a member in the form: {"member": "image_id"}',
  );
  expect((await call('p1', 'POST', `/v2/images/${id}/members`, { member: 'p3' })).status).toBe(200);

  // Pending: the image can be shown, but is listed only when asked for.
  expect((await call('p2', 'GET', `/v2/images/${id}`)).status).toBe(200);
  expect(await listed('p2')).not.toContain(id);
  expect(await listed('p2', '?member_status=pending')).toContain(id);
  expect(await listed('p2', '?visibility=shared')).not.toContain(id);
  await expectError(await call('p2', 'GET', '/v2/images?member_status=bogus'), 400, 'Invalid status: bogus');

  const own = (await (await call('p2', 'GET', `/v2/images/${id}/members`)).json()) as { members: Json[] };
  expect(own.members.map((member) => member.member_id)).toEqual(['p2']);
  await expectError(
    await call('p1', 'PUT', `/v2/images/${id}/members/p2`, { status: 'accepted' }),
    403,
    `Not allowed to update members for image ${id}.`,
  );
  await expectError(
    await call('p2', 'PUT', `/v2/images/${id}/members/p2`, { status: 'foo' }),
    400,
    'Incorrect request: Status must be "pending", "accepted" or "rejected".',
  );
  await expectError(await call('p2', 'PUT', `/v2/images/${id}/members/p2`, {}), 400, 'Status not specified');
  await expectError(
    await call('p2', 'PUT', `/v2/images/${id}/members/p3`, { status: 'accepted' }),
    404,
    `p3 not found in the member list of the image ${id}.`,
  );
  const accepted = await call('p2', 'PUT', `/v2/images/${id}/members/p2`, { status: 'accepted' });
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toMatchObject({ member_id: 'p2', status: 'accepted' });
  expect(await listed('p2')).toContain(id);
  expect(await listed('p2', '?visibility=shared')).toContain(id);

  await expectError(
    await call('p3', 'GET', `/v2/images/${id}/members/p2`),
    404,
    `p2 not found in the member list of the image ${id}.`,
  );
  expect((await call('p3', 'PUT', `/v2/images/${id}/members/p3`, { status: 'rejected' })).status).toBe(200);
  expect((await call('p3', 'GET', `/v2/images/${id}`)).status).toBe(200);
  expect(await listed('p3', '?member_status=all')).toContain(id);
  await expectError(
    await call('p3', 'PUT', `/v2/images/${id}/tags/z`),
    403,
    `Not allowed to update tags for image ${id}.`,
  );

  const all = (await (await call('p1', 'GET', `/v2/images/${id}/members`)).json()) as { members: Json[] };
  expect(all.members.map((member) => [member.member_id, member.status])).toEqual([
    ['p2', 'accepted'],
    ['p3', 'rejected'],
  ]);
  await expectError(
    await call('p2', 'DELETE', `/v2/images/${id}/members/p2`),
    403,
    `Not allowed to delete members for image ${id}.`,
  );
  const removed = await call('p1', 'DELETE', `/v2/images/${id}/members/p3`);
  expect(removed.status).toBe(204);
  expect(removed.headers.get('content-type')).toBeNull();
  await expectError(
    await call('p1', 'DELETE', `/v2/images/${id}/members/p9`),
    404,
    `p9 not found in the member list of the image ${id}.`,
  );
  await expectError(await call('p3', 'GET', `/v2/images/${id}`), 404, `No image found with ID ${id}`);

  // Not shared any more: members keep their rows but lose access.
  const patch = await fetch(`${server.url}/v2/images/${id}`, {
    method: 'PATCH',
    headers: { 'X-Auth-Token': 't-p1', 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
    body: JSON.stringify([{ op: 'replace', path: '/visibility', value: 'private' }]),
  });
  expect(patch.status).toBe(200);
  expect((await call('p2', 'GET', `/v2/images/${id}`)).status).toBe(404);
  await expectError(
    await call('p1', 'GET', `/v2/images/${id}/members`),
    403,
    `Not allowed to list members for image ${id}: Only shared images have members.`,
  );
  await expectError(await call('p1', 'GET', `/v2/images/${id}/members/p2`), 404, 'Only shared images have members.');
  await expectError(
    await call('p1', 'POST', `/v2/images/${id}/members`, { member: 'p3' }),
    403,
    `Not allowed to create members for image ${id}.`,
  );
});
