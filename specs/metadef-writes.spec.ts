import { expect, requirement, test } from '../fixtures/test';
import type { GlanceResponse } from '../harness/glance-client';
import { runTag } from '../harness/target';

/**
 * The metadef write API (admin by default policy): a namespace of the run's own, its property, object and
 * tag, shown back, the namespace updated, then deleted. Sent by the admin identity when one is set.
 */

/** Named after the run, so that the final sweep and `cleanup --run` find it if the run stops midway. */
const namespaceName = (runId: string, part = '') => `${runTag(runId)}-${part}${Date.now().toString(36)}`;
const namespacePath = (name: string) => `namespaces/${encodeURIComponent(name)}`;

/**
 * A seeded resource type besides OS::Glance::Image: associating a name Glance does not know would create a resource
 * type, and Glance has no call that deletes one — the run would leave it on the target for good.
 */
const SECOND_RESOURCE_TYPE = 'OS::Nova::Flavor';

test(...requirement('METADEF-NAMESPACE-WRITE'), async ({ adminGlance: admin, suiteConfig }) => {
  const name = namespaceName(suiteConfig.runId);
  const ns = namespacePath(name);
  const property = { name: 'conformance_property', title: 'Conformance', type: 'string', enum: ['a', 'b'] };
  const associations = [{ name: 'OS::Glance::Image', prefix: 'conformance_' }, { name: SECOND_RESOURCE_TYPE }];

  let deleted: GlanceResponse | undefined;
  const created = await admin.metadef('POST', 'namespaces', {
    namespace: name,
    display_name: 'Conformance',
    visibility: 'private',
    protected: false,
    resource_type_associations: associations,
  });
  try {
    expect(created).toAnswer(201, 'POST /v2/metadefs/namespaces');
    const addedProperty = await admin.metadef('POST', `${ns}/properties`, property);
    const addedObject = await admin.metadef('POST', `${ns}/objects`, {
      name: 'conformance_object',
      properties: { size: { title: 'Size', type: 'integer' } },
    });
    const addedTag = await admin.metadef('POST', `${ns}/tags/conformance-tag`);
    const shown = await admin.metadef('GET', ns);
    const updated = await admin.metadef('PUT', ns, { namespace: name, display_name: 'Renamed', visibility: 'private' });

    const answer = created.json<{ namespace: string; resource_type_associations?: unknown }>();
    expect(answer.namespace, 'the namespace created').toBe(name);
    expect(answer.resource_type_associations, 'the associations echoed as sent').toEqual(associations);
    const types = await admin.metadef('GET', 'resource_types');
    expect(types).toAnswer(200, 'GET /v2/metadefs/resource_types');
    const typeNames = types.json<{ resource_types: Array<{ name: string }> }>().resource_types.map((t) => t.name);
    expect(typeNames, 'the associated resource types listed').toEqual(
      expect.arrayContaining(associations.map((a) => a.name)),
    );
    expect(new Set(typeNames).size, 'each resource type listed once').toBe(typeNames.length);
    expect(addedProperty).toAnswer(201, 'POST …/properties');
    expect(addedProperty.json(), 'the property created').toMatchObject(property);
    expect(addedObject).toAnswer(201, 'POST …/objects');
    expect(addedTag).toAnswer(201, 'POST …/tags/conformance-tag');
    expect(shown).toAnswer(200, 'GET the namespace');
    const body = shown.json<{
      display_name?: string;
      properties?: Record<string, unknown>;
      objects?: Array<{ name: string; properties?: Record<string, { type?: string }> }>;
      resource_type_associations?: Array<{ name: string; prefix?: string }>;
    }>();
    expect(body.display_name, 'display_name shown').toBe('Conformance');
    expect(
      body.resource_type_associations?.map((a) => [a.name, a.prefix]).sort(),
      'the associations shown in the namespace',
    ).toEqual(associations.map((a) => [a.name, a.prefix]).sort());
    expect(body.properties?.conformance_property, 'the property shown in the namespace').toMatchObject({
      title: 'Conformance',
      type: 'string',
      enum: ['a', 'b'],
    });
    expect(
      body.objects?.map((o) => [o.name, o.properties?.size?.type]),
      'the objects shown in the namespace',
    ).toEqual([['conformance_object', 'integer']]);
    const tags = await admin.metadef('GET', `${ns}/tags`);
    expect(
      tags.json<{ tags: Array<{ name: string }> }>().tags.map((t) => t.name),
      'the tags of the namespace',
    ).toEqual(['conformance-tag']);
    expect(updated).toAnswer(200, 'PUT the namespace');
    expect(updated.json<{ display_name?: string }>().display_name, 'display_name after the update').toBe('Renamed');
    deleted = await admin.metadef('DELETE', ns);
    expect(deleted).toAnswer(204, 'DELETE the namespace');
    expect(await admin.metadef('GET', ns)).toAnswer(404, 'GET the deleted namespace');
  } finally {
    // After a failure above the namespace is only cleaned up, unjudged: that failure is the verdict.
    if (created.status === 201 && !deleted) await admin.metadef('DELETE', ns).catch(() => undefined);
  }
});

test(...requirement('METADEF-NAMESPACE-CONFLICTS'), async ({ adminGlance: admin, suiteConfig }) => {
  const name = namespaceName(suiteConfig.runId, 'a-');
  const protectedName = namespaceName(suiteConfig.runId, 'p-');
  const fields = { display_name: 'Conformance', visibility: 'private' };

  const created = await admin.metadef('POST', 'namespaces', { namespace: name, ...fields });
  const createdProtected = await admin.metadef('POST', 'namespaces', {
    namespace: protectedName,
    ...fields,
    protected: true,
  });
  let deleted: GlanceResponse | undefined;
  try {
    expect(created).toAnswer(201, 'POST /v2/metadefs/namespaces');
    expect(createdProtected).toAnswer(201, 'POST a protected namespace');
    await test.step('a second namespace of the same name is refused', async () => {
      const again = await admin.metadef('POST', 'namespaces', { namespace: name, ...fields });
      expect(again).toAnswer(409, 'POST a namespace whose name exists');
    });
    await test.step("a rename onto another namespace's name is refused", async () => {
      const renamed = await admin.metadef('PUT', namespacePath(name), { namespace: protectedName, ...fields });
      expect(renamed).toAnswer(409, 'PUT a namespace with the name of another');
      expect(await admin.metadef('GET', namespacePath(name))).toAnswer(200, 'GET the namespace under its own name');
    });
    await test.step('a protected namespace is not deleted until unprotected', async () => {
      const refused = await admin.metadef('DELETE', namespacePath(protectedName));
      expect(refused).toAnswer(403, 'DELETE a protected namespace');
      expect(await admin.metadef('GET', namespacePath(protectedName))).toAnswer(200, 'GET it after the refusal');
      const unprotected = await admin.metadef('PUT', namespacePath(protectedName), {
        namespace: protectedName,
        ...fields,
        protected: false,
      });
      expect(unprotected).toAnswer(200, 'PUT protected: false');
      deleted = await admin.metadef('DELETE', namespacePath(protectedName));
      expect(deleted).toAnswer(204, 'DELETE it once unprotected');
    });
  } finally {
    // Cleanup only, unjudged: a failure above is the verdict.
    const cleanup = async () => {
      if (created.status === 201) await admin.metadef('DELETE', namespacePath(name));
      if (createdProtected.status === 201 && deleted?.status !== 204) {
        await admin.metadef('PUT', namespacePath(protectedName), { namespace: protectedName, ...fields });
        await admin.metadef('DELETE', namespacePath(protectedName));
      }
    };
    await cleanup().catch(() => undefined);
  }
});
