import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../../reference-server';

/** Admin (p1) and member (p2) identities, as Tempest's admin metadef tests and a plain user. */
const TOKENS = [
  { token: 'fake-t-admin', project: 'p1', roles: ['admin', 'member'] },
  { token: 'fake-t-member', project: 'p2', roles: ['member'] },
];
const NS = '/v2/metadefs/namespaces';

let server: ReferenceServer;

test.beforeAll(async () => {
  server = await startReferenceServer({ port: 0, auth: { tokens: TOKENS } });
});

test.afterAll(async () => {
  await server.close();
});

type Json = Record<string, unknown>;

async function call(token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Auth-Token': token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const res = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

test('namespace life cycle: create (201), protected delete (403), update, delete (204), then 404', async () => {
  const created = await call('fake-t-admin', 'POST', NS, {
    namespace: 'ns-a',
    visibility: 'public',
    display_name: 'A',
    resource_type_associations: [{ name: 'OS::Glance::Image' }],
    protected: true,
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ namespace: 'ns-a', owner: 'p1', protected: true, self: `${NS}/ns-a` });
  expect(created.body.resource_type_associations).toEqual([{ name: 'OS::Glance::Image' }]);
  expect((await call('fake-t-admin', 'POST', NS, { namespace: 'ns-a' })).body.message).toContain(
    'The metadata definition namespace=ns-a already exists.',
  );
  const refused = await call('fake-t-member', 'POST', NS, { namespace: 'ns-member' });
  expect(refused.status).toBe(403);
  expect(refused.body.message).toContain('You are not authorized to complete add_metadef_namespace action.');
  const protectedDelete = await call('fake-t-admin', 'DELETE', `${NS}/ns-a`);
  expect(protectedDelete.status).toBe(403);
  expect(protectedDelete.body.message).toContain(
    'Metadata definition namespace ns-a is protected and cannot be deleted.',
  );
  const updated = await call('fake-t-admin', 'PUT', `${NS}/ns-a`, { namespace: 'ns-a', visibility: 'private' });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ visibility: 'private', protected: false });
  expect(updated.body).not.toHaveProperty('display_name');
  expect((await call('fake-t-member', 'GET', `${NS}/ns-a`)).status).toBe(404);
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-a`)).status).toBe(204);
  expect((await call('fake-t-admin', 'GET', `${NS}/ns-a`)).status).toBe(404);
});

test('objects, properties, tags and resource type associations: create, show, rename, delete', async () => {
  expect((await call('fake-t-admin', 'POST', NS, { namespace: 'ns-b', visibility: 'public' })).status).toBe(201);
  const object = await call('fake-t-admin', 'POST', `${NS}/ns-b/objects`, { name: 'obj1' });
  expect(object.status).toBe(201);
  expect((await call('fake-t-admin', 'PUT', `${NS}/ns-b/objects/obj1`, { name: 'obj2' })).body.name).toBe('obj2');
  expect((await call('fake-t-admin', 'GET', `${NS}/ns-b/objects/obj2`)).body).toMatchObject({
    required: [],
    properties: {},
  });
  expect((await call('fake-t-admin', 'GET', `${NS}/ns-b/objects/obj1`)).body.message).toContain(
    'Could not find metadata object obj1',
  );
  const property = { name: 'p1', title: 'T', type: 'string', enum: ['a', 'b'] };
  expect((await call('fake-t-admin', 'POST', `${NS}/ns-b/properties`, property)).body).toEqual(property);
  const renamed = await call('fake-t-admin', 'PUT', `${NS}/ns-b/properties/p1`, { ...property, title: 'T2' });
  expect(renamed.body).toEqual({ ...property, title: 'T2' });
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-b/properties/p1`)).status).toBe(204);
  const tags = await call('fake-t-admin', 'POST', `${NS}/ns-b/tags`, { tags: [{ name: 't1' }, { name: 't2' }] });
  expect(tags).toMatchObject({ status: 201, body: { tags: [{ name: 't1' }, { name: 't2' }] } });
  expect((await call('fake-t-admin', 'POST', `${NS}/ns-b/tags/t3`)).status).toBe(201);
  expect((await call('fake-t-admin', 'PUT', `${NS}/ns-b/tags/t3`, { name: 't4' })).body.name).toBe('t4');
  expect((await call('fake-t-admin', 'GET', `${NS}/ns-b/tags`)).body.tags).toEqual([
    { name: 't4' },
    { name: 't2' },
    { name: 't1' },
  ]);
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-b/tags`)).status).toBe(204);
  expect((await call('fake-t-admin', 'GET', `${NS}/ns-b/tags`)).body.tags).toEqual([]);
  const association = await call('fake-t-admin', 'POST', `${NS}/ns-b/resource_types`, { name: 'OS::Nova::Flavor' });
  expect(association).toMatchObject({ status: 201, body: { name: 'OS::Nova::Flavor' } });
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-b/resource_types/OS::Nova::Flavor`)).status).toBe(204);
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-b/resource_types/nope`)).body.message).toContain(
    'Failed to find resource type nope to delete',
  );
  expect((await call('fake-t-admin', 'DELETE', `${NS}/ns-b`)).status).toBe(204);
});
