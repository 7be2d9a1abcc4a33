import type { GlanceClient } from '../harness/glance-client';
import { expect, req, test } from '../fixtures/test';
import { findRequirement } from '../catalog/requirements';

/** Spec item 2 — Virtuozzo: the OS::Compute::Hypervisor metadef lists `vz` as a hypervisor_type. */

const NAMESPACE = 'OS::Compute::Hypervisor';

test(findRequirement('HYPERVISOR-NAMESPACE-VZ')!.title, req('HYPERVISOR-NAMESPACE-VZ'), async ({ glance }) => {
  const res = await test.step(`GET /v2/metadefs/namespaces/${NAMESPACE}`, () => glance.metadefNamespace(NAMESPACE));
  expect(res.status, `${NAMESPACE} must exist (metadefs loaded with glance-manage db load_metadefs)`).toBe(200);
  const body = res.json<{ namespace: string; properties?: Record<string, { enum?: string[] }> }>();
  expect(body.namespace).toBe(NAMESPACE);
  expect(body.properties?.hypervisor_type?.enum, 'hypervisor_type values').toContain('vz');
  // Control: the answer is about the namespace named, not any namespace.
  const unknown = await test.step('GET an unknown namespace', () => glance.metadefNamespace('OS::Compute::NoSuchNamespace'));
  expect(unknown.status, 'an unknown namespace').toBe(404);
});

test(findRequirement('HYPERVISOR-PROPERTY-VZ')!.title, req('HYPERVISOR-PROPERTY-VZ'), async ({ glance }) => {
  const res = await test.step('GET …/properties/hypervisor_type', () => glance.metadefProperty(NAMESPACE, 'hypervisor_type'));
  expect(res.status).toBe(200);
  const body = res.json<{ name: string; type: string; enum?: string[] }>();
  expect(body.name).toBe('hypervisor_type');
  expect(body.type).toBe('string');
  expect(body.enum, 'hypervisor_type values').toContain('vz');
  // Control: the answer is about the property named, not any property.
  const unknown = await test.step('GET an unknown property', () => glance.metadefProperty(NAMESPACE, 'no_such_property'));
  expect(unknown.status, 'an unknown property of the namespace').toBe(404);
});

test(findRequirement('HYPERVISOR-SCHEMA-VALID')!.title, req('HYPERVISOR-SCHEMA-VALID'), async ({ glance, schemas }) => {
  const [ns, prop] = await test.step('GET the namespace and its hypervisor_type property', () => Promise.all([glance.metadefNamespace(NAMESPACE), glance.metadefProperty(NAMESPACE, 'hypervisor_type')]));
  expect(ns.status).toBe(200);
  expect(prop.status).toBe(200);
  // Control: the schemas served are the namespace and property schemas, not some laxer document.
  expect((await schemas.document('metadefs/namespace')).name, 'name of /v2/schemas/metadefs/namespace').toBe('namespace');
  expect((await schemas.document('metadefs/property')).name, 'name of /v2/schemas/metadefs/property').toBe('property');
  expect(await schemas.errors('metadefs/namespace', ns.json()), 'namespace against /v2/schemas/metadefs/namespace').toEqual([]);
  expect(await schemas.errors('metadefs/property', prop.json()), 'property against /v2/schemas/metadefs/property').toEqual([]);
});

/** Namespace names of a listing, following next links (at most 50 pages). */
async function listedNamespaces(glance: GlanceClient, first: string): Promise<string[]> {
  const names: string[] = [];
  let next: string | undefined = first;
  for (let page = 0; next && page < 50; page++) {
    const res = await glance.call('GET', next);
    expect(res.status).toBe(200);
    const body = res.json<{ namespaces: Array<{ namespace: string }>; next?: string }>();
    names.push(...body.namespaces.map((n) => n.namespace));
    next = body.namespaces.length ? body.next : undefined;
  }
  return names;
}

test(findRequirement('HYPERVISOR-NAMESPACE-LISTED')!.title, req('HYPERVISOR-NAMESPACE-LISTED'), async ({ glance }) => {
  const names = await test.step('GET /v2/metadefs/namespaces, following next links', () => listedNamespaces(glance, '/v2/metadefs/namespaces?limit=20'));
  expect(names, 'namespaces listed').toContain(NAMESPACE);
});

test(findRequirement('HYPERVISOR-LISTED-FOR-IMAGES')!.title, req('HYPERVISOR-LISTED-FOR-IMAGES'), async ({ glance }) => {
  const names = await test.step('GET /v2/metadefs/namespaces?resource_types=OS::Glance::Image, following next links', () => listedNamespaces(glance, '/v2/metadefs/namespaces?resource_types=OS::Glance::Image&limit=20'));
  expect(names, 'namespaces listed for OS::Glance::Image').toContain(NAMESPACE);
});
