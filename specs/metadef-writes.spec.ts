import { expect, requirement, test } from '../fixtures/test';
import type { GlanceResponse } from '../harness/glance-client';
import { runTag } from '../harness/target';

/**
 * The metadef write API (admin by default policy): a namespace of the run's own, its property, object and
 * tag, shown back, the namespace updated, then deleted. Sent by the admin identity when one is set.
 */

test(...requirement('METADEF-NAMESPACE-WRITE'), async ({ adminGlance: admin, suiteConfig }) => {
  // Named after the run, so that the final sweep and `cleanup --run` find it if the run stops midway.
  const name = `${runTag(suiteConfig.runId)}-${Date.now().toString(36)}`;
  const ns = `namespaces/${encodeURIComponent(name)}`;
  const property = { name: 'conformance_property', title: 'Conformance', type: 'string', enum: ['a', 'b'] };

  let deleted: GlanceResponse | undefined;
  const created = await admin.metadef('POST', 'namespaces', {
    namespace: name,
    display_name: 'Conformance',
    visibility: 'private',
    protected: false,
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

    expect(created.json<{ namespace: string }>().namespace, 'the namespace created').toBe(name);
    expect(addedProperty).toAnswer(201, 'POST …/properties');
    expect(addedProperty.json(), 'the property created').toMatchObject(property);
    expect(addedObject).toAnswer(201, 'POST …/objects');
    expect(addedTag).toAnswer(201, 'POST …/tags/conformance-tag');
    expect(shown).toAnswer(200, 'GET the namespace');
    const body = shown.json<{
      display_name?: string;
      properties?: Record<string, unknown>;
      objects?: Array<{ name: string; properties?: Record<string, { type?: string }> }>;
    }>();
    expect(body.display_name, 'display_name shown').toBe('Conformance');
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
