import { expect, req, test } from '../fixtures/test';
import { compiles, versionsErrors } from '../harness/schemas';
import { runTag } from '../harness/target';
import { findRequirement } from '../catalog/requirements';

/** Discovery: what every client reads first — the versions document and the image schemas. */

test(findRequirement('DISCOVERY-VERSIONS')!.title, req('DISCOVERY-VERSIONS'), async ({ glance }) => {
  const res = await test.step('GET /versions', () => glance.call('GET', '/versions'));
  expect(res.status).toBe(200);
  const body = res.json<{ versions: Array<{ id: string; status: string }> }>();
  expect(versionsErrors(body), 'the versions document against the suite\'s schema').toEqual([]);
  const current = body.versions.filter((v) => v.status === 'CURRENT');
  expect(current, 'versions marked CURRENT').toHaveLength(1);
  expect(current[0].id, 'the CURRENT version').toMatch(/^v2(\.\d+)?$/);
});

test(findRequirement('DISCOVERY-VERSIONS-ROOT')!.title, req('DISCOVERY-VERSIONS-ROOT'), async ({ glance }) => {
  const [root, versions] = await test.step('GET / and GET /versions', () => Promise.all([glance.call('GET', '/'), glance.call('GET', '/versions')]));
  expect(root.status, 'status of GET /').toBe(300);
  expect(versionsErrors(root.json()), 'the root document against the suite\'s schema').toEqual([]);
  const ids = (res: typeof root) => res.json<{ versions: Array<{ id: string }> }>().versions.map((v) => v.id);
  expect(ids(root), 'versions listed at / and at /versions').toEqual(ids(versions));
});

test(findRequirement('DISCOVERY-SCHEMA-IMAGE')!.title, req('DISCOVERY-SCHEMA-IMAGE'), async ({ schemas }) => {
  const doc = await test.step('GET /v2/schemas/image', () => schemas.document('image'));
  expect(compiles(doc), 'the image schema compiles').toBeUndefined();
  expect(doc.name).toBe('image');
  for (const property of ['id', 'status', 'disk_format', 'container_format']) {
    expect(Object.keys(doc.properties ?? {}), 'properties of the image schema').toContain(property);
  }
});

test(findRequirement('DISCOVERY-SCHEMA-IMAGES')!.title, req('DISCOVERY-SCHEMA-IMAGES'), async ({ schemas }) => {
  const [images, image] = await test.step('GET /v2/schemas/images and /v2/schemas/image', () => Promise.all([schemas.document('images'), schemas.document('image')]));
  expect(compiles(images), 'the images schema compiles').toBeUndefined();
  expect(images.name).toBe('images');
  expect(images.properties?.images?.type).toBe('array');
  expect(Object.keys(images.properties.images.items?.properties ?? {}).sort(), 'item properties of images = properties of image').toEqual(Object.keys(image.properties).sort());
});

test(findRequirement('DISCOVERY-IMAGE-MATCHES-SCHEMA')!.title, req('DISCOVERY-IMAGE-MATCHES-SCHEMA'), async ({ glance, images, schemas, suiteConfig }) => {
  const image = await test.step('create an image', () => images.create({ status: 'queued' }));
  expect(await schemas.errors('image', image.record), 'GET /v2/images/{id} against the image schema').toEqual([]);
  const list = await test.step('list it', () => glance.listImages(`tag=${runTag(suiteConfig.runId)}&limit=5`));
  expect(list.status).toBe(200);
  expect(await schemas.errors('images', list.json()), 'GET /v2/images against the images schema').toEqual([]);
});
