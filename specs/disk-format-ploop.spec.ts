import { expect, req, test } from '../fixtures/test';
import { imageBytes, md5 } from '../harness/data';
import { RUN_TAG, runTag } from '../harness/target';
import { findRequirement } from '../catalog/requirements';

/** Spec item 3 — ploop is a supported disk format: listed in the schema and usable end to end. */

test(findRequirement('DISK-FORMAT-PLOOP-SCHEMA')!.title, req('DISK-FORMAT-PLOOP-SCHEMA'), async ({ schemas }) => {
  const doc = await test.step('GET /v2/schemas/image', () => schemas.document('image'));
  expect(doc.properties?.disk_format?.enum, 'disk_format values').toContain('ploop');
});

test(findRequirement('DISK-FORMAT-PLOOP-CREATE')!.title, req('DISK-FORMAT-PLOOP-CREATE'), async ({ images, glance, schemas, suiteConfig }) => {
  const image = await test.step('POST /v2/images with disk_format ploop', () => images.create({ status: 'queued', props: { disk_format: 'ploop' } }));
  expect(image.record.disk_format).toBe('ploop');
  expect(await schemas.errors('image', image.record), 'the ploop image against the image schema').toEqual([]);
  const listed = await test.step('list images with disk_format=ploop', () => glance.listImages(`disk_format=ploop&tag=${runTag(suiteConfig.runId)}&limit=1000`));
  expect(listed.status).toBe(200);
  expect(listed.json<{ images: Array<{ id: string }> }>().images.map((i) => i.id), 'images listed with disk_format=ploop').toContain(image.id);
});

test(findRequirement('DISK-FORMAT-PLOOP-DATA')!.title, req('DISK-FORMAT-PLOOP-DATA'), async ({ images, glance }) => {
  const data = imageBytes(4096, 'ploop');
  const image = await test.step('create a ploop image and upload 4 KiB', () => images.create({ status: 'active', data, props: { disk_format: 'ploop' } }));
  expect(image.record.disk_format).toBe('ploop');
  expect(image.record.size, 'size after the upload').toBe(data.length);
  expect(image.record.checksum, 'md5 checksum after the upload').toBe(md5(data));
  const res = await test.step('download it', () => glance.download(image.id));
  expect(res.status).toBe(200);
  expect(res.body.equals(data), 'downloaded bytes equal the uploaded ones').toBe(true);
});

test(findRequirement('DISK-FORMAT-UNKNOWN-400')!.title, req('DISK-FORMAT-UNKNOWN-400'), async ({ glance, suiteConfig }) => {
  const props = { name: `${RUN_TAG} unknown-format`, tags: [RUN_TAG, runTag(suiteConfig.runId)], disk_format: 'not-a-format', container_format: 'bare' };
  const res = await test.step('POST /v2/images with disk_format not-a-format', () => glance.createImage(props));
  if (res.status === 201) await glance.deleteImage(res.json<{ id: string }>().id);
  expect(res.status, 'create with an unknown disk_format').toBe(400);
});
