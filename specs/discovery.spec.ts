import { expect, requirement, test } from '../fixtures/test';
import type { GlanceResponse } from '../harness/glance-client';
import { compiles, versionsErrors } from '../harness/schemas';
import { runTag } from '../harness/target';

/** Discovery: what every client reads first — the versions document and the image schemas. */

const versionIds = (res: GlanceResponse) => res.json<{ versions: Array<{ id: string }> }>().versions.map((v) => v.id);

test(...requirement('DISCOVERY-VERSIONS'), async ({ glance }) => {
  const res = await glance.versions();

  expect(res).toAnswer(200);
  const body = res.json<{ versions: Array<{ id: string; status: string }> }>();
  expect(versionsErrors(body), "the versions document against the suite's schema").toEqual([]);
  const current = body.versions.filter((v) => v.status === 'CURRENT');
  expect(current, 'versions marked CURRENT').toHaveLength(1);
  expect(current[0].id, 'the CURRENT version').toMatch(/^v2(\.\d+)?$/);
});

test(...requirement('DISCOVERY-VERSIONS-ROOT'), async ({ glance }) => {
  const [root, versions] = await Promise.all([glance.root(), glance.versions()]);

  expect(root).toAnswer(300, 'status of GET /');
  expect(versionsErrors(root.json()), "the root document against the suite's schema").toEqual([]);
  expect(versionIds(root), 'versions listed at / and at /versions').toEqual(versionIds(versions));
});

test(...requirement('DISCOVERY-SCHEMA-IMAGE'), async ({ schemas }) => {
  const doc = await schemas.document('image');

  expect(compiles(doc), 'the image schema compiles').toBeUndefined();
  expect(doc.name).toBe('image');
  for (const property of ['id', 'status', 'disk_format', 'container_format']) {
    expect(Object.keys(doc.properties ?? {}), 'properties of the image schema').toContain(property);
  }
});

test(...requirement('DISCOVERY-SCHEMA-IMAGES'), async ({ schemas }) => {
  const [images, image] = await Promise.all([schemas.document('images'), schemas.document('image')]);

  expect(compiles(images), 'the images schema compiles').toBeUndefined();
  expect(images.name).toBe('images');
  expect(images.properties?.images?.type).toBe('array');
  expect(
    Object.keys(images.properties.images.items?.properties ?? {}).sort(),
    'item properties of images = properties of image',
  ).toEqual(Object.keys(image.properties).sort());
});

test(...requirement('DISCOVERY-IMAGE-MATCHES-SCHEMA'), async ({ glance, images, schemas, suiteConfig }) => {
  const image = await images.create({ status: 'queued' });
  const list = await glance.listImages(`tag=${runTag(suiteConfig.runId)}&limit=5`);

  expect(await schemas.errors('image', image.record), 'GET /v2/images/{id} against the image schema').toEqual([]);
  expect(list).toAnswer(200);
  expect(await schemas.errors('images', list.json()), 'GET /v2/images against the images schema').toEqual([]);
});
