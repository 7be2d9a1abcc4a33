import { expect, requirement, test } from '../fixtures/test';
import { listedNamespaces } from './metadef-listing';

/** Spec item 2 — Virtuozzo: the OS::Compute::Hypervisor metadef lists `vz` as a hypervisor_type. */

const NAMESPACE = 'OS::Compute::Hypervisor';

test(...requirement('HYPERVISOR-NAMESPACE-VZ'), async ({ glance }) => {
  const res = await glance.metadefNamespace(NAMESPACE);

  expect(res).toAnswer(200, `${NAMESPACE} must exist (metadefs loaded with glance-manage db load_metadefs)`);
  const body = res.json<{ namespace: string; properties?: Record<string, { enum?: string[] }> }>();
  expect(body.namespace).toBe(NAMESPACE);
  expect(body.properties?.hypervisor_type?.enum, 'hypervisor_type values').toContain('vz');
  // Control: the answer is about the namespace named, not any namespace.
  expect(await glance.metadefNamespace('OS::Compute::NoSuchNamespace')).toAnswer(404, 'an unknown namespace');
});

test(...requirement('HYPERVISOR-PROPERTY-VZ'), async ({ glance }) => {
  const res = await glance.metadefProperty(NAMESPACE, 'hypervisor_type');

  expect(res).toAnswer(200);
  const body = res.json<{ name: string; type: string; enum?: string[] }>();
  expect(body.name).toBe('hypervisor_type');
  expect(body.type).toBe('string');
  expect(body.enum, 'hypervisor_type values').toContain('vz');
  // Control: the answer is about the property named, not any property.
  const unknown = await glance.metadefProperty(NAMESPACE, 'no_such_property');
  expect(unknown).toAnswer(404, 'an unknown property of the namespace');
});

test(...requirement('HYPERVISOR-SCHEMA-VALID'), async ({ glance, schemas }) => {
  const [ns, prop] = await Promise.all([
    glance.metadefNamespace(NAMESPACE),
    glance.metadefProperty(NAMESPACE, 'hypervisor_type'),
  ]);

  expect(ns).toAnswer(200);
  expect(prop).toAnswer(200);
  // Control: the schemas served are the namespace and property schemas, not some laxer document.
  expect((await schemas.document('metadefs/namespace')).name, 'name of /v2/schemas/metadefs/namespace').toBe(
    'namespace',
  );
  expect((await schemas.document('metadefs/property')).name, 'name of /v2/schemas/metadefs/property').toBe('property');
  expect(
    await schemas.errors('metadefs/namespace', ns.json()),
    'namespace against /v2/schemas/metadefs/namespace',
  ).toEqual([]);
  expect(
    await schemas.errors('metadefs/property', prop.json()),
    'property against /v2/schemas/metadefs/property',
  ).toEqual([]);
});

test(...requirement('HYPERVISOR-NAMESPACE-LISTED'), async ({ glance }) => {
  const names = (await listedNamespaces(glance, '/v2/metadefs/namespaces?limit=20')).map((n) => n.namespace);

  expect(names, 'namespaces listed').toContain(NAMESPACE);
});

test(...requirement('HYPERVISOR-LISTED-FOR-IMAGES'), async ({ glance }) => {
  const listed = await listedNamespaces(glance, '/v2/metadefs/namespaces?resource_types=OS::Glance::Image&limit=20');
  const names = listed.map((n) => n.namespace);

  expect(names, 'namespaces listed for OS::Glance::Image').toContain(NAMESPACE);
});
