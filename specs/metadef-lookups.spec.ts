import { expect, requirement, test } from '../fixtures/test';
import type { GlanceResponse } from '../harness/glance-client';
import { runTag } from '../harness/target';
import { listedNamespaces } from './metadef-listing';

/**
 * The metadef lookups a client relies on: the catalog's resource types and prefixes (read from the namespaces
 * `glance-manage db load_metadefs` loads), the visibility filter, and what a namespace holds, looked up by name.
 */

const HYPERVISOR = 'OS::Compute::Hypervisor';
const LIBVIRT = 'OS::Compute::Libvirt';
const IMAGE = 'OS::Glance::Image';
const FLAVOR = 'OS::Nova::Flavor';

const namespacePath = (name: string) => `namespaces/${encodeURIComponent(name)}`;
const forType = (type: string) => `resource_type=${encodeURIComponent(type)}`;

interface Association {
  name: string;
  prefix?: string;
}

const associationsOf = (res: GlanceResponse) =>
  res.json<{ resource_type_associations: Association[] }>().resource_type_associations;

const propertyNames = (res: GlanceResponse) => Object.keys(res.json<{ properties?: object }>().properties ?? {});

test(...requirement('METADEF-RESOURCE-TYPES'), async ({ glance, schemas }) => {
  const [types, hypervisor, libvirt, unknown] = await Promise.all([
    glance.metadef('GET', 'resource_types'),
    glance.metadef('GET', `${namespacePath(HYPERVISOR)}/resource_types`),
    glance.metadef('GET', `${namespacePath(LIBVIRT)}/resource_types`),
    glance.metadef('GET', `${namespacePath('OS::Compute::NoSuchNamespace')}/resource_types`),
  ]);

  expect(hypervisor).toAnswer(200, `the resource type associations of ${HYPERVISOR}`);
  expect(libvirt).toAnswer(200, `the resource type associations of ${LIBVIRT}`);
  expect(types).toAnswer(200, 'GET /v2/metadefs/resource_types');
  expect(unknown).toAnswer(404, 'the resource type associations of an unknown namespace');
  expect(
    associationsOf(hypervisor).map((a) => a.name),
    `${HYPERVISOR} is for images`,
  ).toContain(IMAGE);
  expect(
    associationsOf(libvirt).map(({ name, prefix }) => ({ name, prefix })),
    `${LIBVIRT}: hw_ on images, hw: on flavors`,
  ).toEqual(
    expect.arrayContaining([
      { name: IMAGE, prefix: 'hw_' },
      { name: FLAVOR, prefix: 'hw:' },
    ]),
  );
  for (const res of [hypervisor, libvirt]) {
    expect(await schemas.errors('metadefs/resource_types', res.json()), 'against metadefs/resource_types').toEqual([]);
  }
  const listed = types.json<{ resource_types: Array<{ name: string; created_at?: unknown }> }>().resource_types;
  expect(
    listed.map((t) => t.name),
    'the resource types listed',
  ).toEqual(expect.arrayContaining([IMAGE, FLAVOR]));
  expect(
    listed.filter((t) => typeof t.created_at !== 'string').map((t) => t.name),
    'resource types without created_at',
  ).toEqual([]);

  await test.step('namespaces are listed by the resource types they are associated with', async () => {
    const listedFor = async (types: string) =>
      (await listedNamespaces(glance, `/v2/metadefs/namespaces?resource_types=${types}&limit=20`)).map(
        (n) => n.namespace,
      );
    const [forFlavors, forBoth] = await Promise.all([listedFor(FLAVOR), listedFor(`${FLAVOR},${IMAGE}`)]);
    expect(forFlavors, `namespaces for ${FLAVOR}`).toContain(LIBVIRT);
    expect(forFlavors, `namespaces for ${FLAVOR}`).not.toContain(HYPERVISOR);
    expect(forBoth, `namespaces for ${FLAVOR} or ${IMAGE}`).toEqual(expect.arrayContaining([LIBVIRT, HYPERVISOR]));
  });
});

test(...requirement('METADEF-PREFIX'), async ({ glance }) => {
  const ns = namespacePath(LIBVIRT);
  const property = (name: string, query = '') =>
    glance.metadef('GET', `${ns}/properties/${encodeURIComponent(name)}${query && `?${query}`}`);

  await test.step('the namespace shown for a resource type names its properties with that prefix', async () => {
    const [plain, forImages, unassociated] = await Promise.all([
      glance.metadef('GET', ns),
      glance.metadef('GET', `${ns}?${forType(IMAGE)}`),
      glance.metadef('GET', `${ns}?${forType('OS::Cinder::Volume')}`),
    ]);
    expect(plain).toAnswer(200, LIBVIRT);
    expect(forImages).toAnswer(200, `${LIBVIRT} for ${IMAGE}`);
    expect(unassociated).toAnswer(200, `${LIBVIRT} for a resource type it has no association with`);
    const names = propertyNames(plain);
    expect(names, `the properties of ${LIBVIRT}`).toContain('boot_menu');
    expect(propertyNames(forImages).sort(), `the properties for ${IMAGE}`).toEqual(
      names.map((name) => `hw_${name}`).sort(),
    );
    expect(propertyNames(unassociated).sort(), 'the properties for an unassociated type').toEqual([...names].sort());
  });

  await test.step('a property looked up by its prefixed name is the property', async () => {
    const [boot, forImages, forFlavors, unprefixed, withoutType] = await Promise.all([
      property('boot_menu'),
      property('hw_boot_menu', forType(IMAGE)),
      property('hw:boot_menu', forType(FLAVOR)),
      property('boot_menu', forType(IMAGE)),
      property('hw_boot_menu'),
    ]);
    expect(boot).toAnswer(200, 'boot_menu');
    expect(forImages).toAnswer(200, `hw_boot_menu for ${IMAGE}`);
    expect(forImages.json(), `hw_boot_menu for ${IMAGE}`).toEqual(boot.json());
    expect(forFlavors).toAnswer(200, `hw:boot_menu for ${FLAVOR}`);
    expect(forFlavors.json(), `hw:boot_menu for ${FLAVOR}`).toEqual(boot.json());
    expect(unprefixed).toAnswer(404, `boot_menu for ${IMAGE}: without the prefix hw_`);
    expect(withoutType).toAnswer(404, 'hw_boot_menu without a resource type: no such property');
  });
});

test(...requirement('METADEF-VISIBILITY-FILTER'), async ({ glance, schemas }) => {
  const [publicOnes, privateOnes] = await Promise.all([
    listedNamespaces(glance, '/v2/metadefs/namespaces?visibility=public&limit=20'),
    listedNamespaces(glance, '/v2/metadefs/namespaces?visibility=private&limit=20'),
  ]);

  expect(
    publicOnes.map((n) => n.namespace),
    'the public namespaces',
  ).toContain(HYPERVISOR);
  const visibilities = (listed: typeof publicOnes) => [...new Set(listed.map((n) => n.visibility))];
  expect(visibilities(publicOnes), 'visibilities listed for ?visibility=public').toEqual(['public']);
  expect(visibilities(privateOnes), 'visibilities listed for ?visibility=private').not.toContain('public');
  expect(visibilities(privateOnes), 'visibilities listed for ?visibility=private').not.toContain(undefined);
  const page = await glance.get('/v2/metadefs/namespaces?visibility=public&limit=20');
  expect(await schemas.errors('metadefs/namespaces', page.json()), 'against metadefs/namespaces').toEqual([]);
});

/** A namespace name of the run: the final sweep and `cleanup --run` find it if the run stops midway. */
const namespaceOfRun = (runId: string, what: string) => `${runTag(runId)}-${Date.now().toString(36)}-${what}`;

test(...requirement('METADEF-NAMESPACE-LOOKUPS'), async ({ adminGlance: admin, suiteConfig, schemas }) => {
  const name = namespaceOfRun(suiteConfig.runId, 'lookups');
  const ns = namespacePath(name);
  const prefix = 'conformance_';
  const created = await admin.metadef('POST', 'namespaces', {
    namespace: name,
    visibility: 'private',
    // Named: without authentication Glance has no project to own it and answers the create with 500.
    owner: runTag(suiteConfig.runId),
    resource_type_associations: [{ name: IMAGE, prefix }],
  });
  try {
    expect(created).toAnswer(201, 'POST /v2/metadefs/namespaces');
    await test.step('a property, an object and a tag are added', async () => {
      const added = await Promise.all([
        admin.metadef('POST', `${ns}/properties`, { name: 'colour', title: 'Colour', type: 'string' }),
        admin.metadef('POST', `${ns}/objects`, {
          name: 'disk',
          required: ['size'],
          properties: { size: { title: 'Size', type: 'integer' } },
        }),
        admin.metadef('POST', `${ns}/tags/conformance-tag`),
      ]);
      for (const res of added) expect(res).toAnswer(201);
    });

    const documents = await test.step('they are listed and shown by name', async () => {
      const [properties, objects, object, unknownObject, tags, tag, unknownTag] = await Promise.all([
        admin.metadef('GET', `${ns}/properties`),
        admin.metadef('GET', `${ns}/objects`),
        admin.metadef('GET', `${ns}/objects/disk`),
        admin.metadef('GET', `${ns}/objects/no-such-object`),
        admin.metadef('GET', `${ns}/tags`),
        admin.metadef('GET', `${ns}/tags/conformance-tag`),
        admin.metadef('GET', `${ns}/tags/no-such-tag`),
      ]);
      for (const res of [properties, objects, object, tags, tag]) expect(res).toAnswer(200);
      expect(unknownObject).toAnswer(404, 'an unknown object');
      expect(unknownTag).toAnswer(404, 'an unknown tag');
      expect(propertyNames(properties), 'the properties listed').toEqual(['colour']);
      const listedObjects = objects.json<{ objects: Array<{ name: string }>; schema?: string }>();
      expect(
        listedObjects.objects.map((o) => o.name),
        'the objects listed',
      ).toEqual(['disk']);
      expect(listedObjects.schema, 'the schema of the object list').toMatch(/schemas\/metadefs\/objects$/);
      expect(object.json(), 'the object shown').toMatchObject({
        name: 'disk',
        required: ['size'],
        properties: { size: { title: 'Size', type: 'integer' } },
        self: `/v2/metadefs/${ns}/objects/disk`,
        schema: '/v2/schemas/metadefs/object',
        created_at: expect.any(String),
      });
      expect(
        tags.json<{ tags: Array<{ name: string }> }>().tags.map((t) => t.name),
        'the tags listed',
      ).toEqual(['conformance-tag']);
      expect(tag.json(), 'the tag shown').toMatchObject({ name: 'conformance-tag', created_at: expect.any(String) });
      return { properties, objects, object, tags, tag };
    });

    await test.step(`the namespace shown for ${IMAGE} gives the names its prefix`, async () => {
      const shown = await admin.metadef('GET', `${ns}?${forType(IMAGE)}`);
      expect(shown).toAnswer(200);
      const body = shown.json<{ objects?: Array<{ required?: string[]; properties?: object }> }>();
      expect(shown.json<{ self?: string }>().self, 'the self link').toBe(`/v2/metadefs/${ns}`);
      expect(propertyNames(shown), 'the properties').toEqual([`${prefix}colour`]);
      expect(
        body.objects?.map((o) => [o.required, Object.keys(o.properties ?? {})]),
        "the objects' required and properties",
      ).toEqual([[[`${prefix}size`], [`${prefix}size`]]]);
      expect(await schemas.errors('metadefs/namespace', shown.json()), 'against metadefs/namespace').toEqual([]);
    });

    await test.step("each document validates against the target's schema", async () => {
      for (const [schema, res] of Object.entries(documents)) {
        expect(
          await schemas.errors(`metadefs/${schema as keyof typeof documents}`, res.json()),
          `against metadefs/${schema}`,
        ).toEqual([]);
      }
    });
  } finally {
    // The cleanup is not judged: a failure above is the verdict.
    if (created.status === 201) await admin.metadef('DELETE', ns).catch(() => undefined);
  }
});

test(
  ...requirement('METADEF-PRIVATE-HIDDEN'),
  async ({ glance, adminGlance: admin, adminSession, images, suiteConfig }) => {
    test.skip(!adminSession, 'needs an admin identity (GLANCE_ADMIN_OS_*) besides the suite identity');
    const owner = (await images.create({ status: 'queued' })).record.owner;
    test.skip(typeof owner !== 'string', "the suite identity's images have no owner: no project to own a namespace");
    const own = namespaceOfRun(suiteConfig.runId, 'own');
    const other = namespaceOfRun(suiteConfig.runId, 'other');
    const [createdOwn, createdOther] = await Promise.all([
      admin.metadef('POST', 'namespaces', { namespace: own, visibility: 'private', owner }),
      admin.metadef('POST', 'namespaces', {
        namespace: other,
        visibility: 'private',
        owner: runTag(suiteConfig.runId),
      }),
    ]);
    try {
      expect(createdOwn).toAnswer(201, "a private namespace owned by the suite identity's project");
      expect(createdOther).toAnswer(201, 'a private namespace owned by another project');
      const [shownOwn, shownOther, shownToAdmin, listed] = await Promise.all([
        glance.metadef('GET', namespacePath(own)),
        glance.metadef('GET', namespacePath(other)),
        admin.metadef('GET', namespacePath(other)),
        listedNamespaces(glance, '/v2/metadefs/namespaces?visibility=private&limit=20'),
      ]);
      expect(shownOwn).toAnswer(200, "the suite identity's own private namespace");
      expect(shownOther).toAnswer(404, "another project's private namespace");
      expect(shownToAdmin).toAnswer(200, "another project's private namespace, to the admin");
      const names = listed.map((n) => n.namespace);
      expect(names, 'the private namespaces listed').toContain(own);
      expect(names, 'the private namespaces listed').not.toContain(other);
    } finally {
      // The cleanup is not judged: a failure above is the verdict.
      for (const [res, name] of [
        [createdOwn, own],
        [createdOther, other],
      ] as const) {
        if (res.status === 201) await admin.metadef('DELETE', namespacePath(name)).catch(() => undefined);
      }
    }
  },
);
