import { expect, requirement, test } from '../fixtures/test';
import { imageBytes, md5 } from '../harness/data';
import type { ImageRecord } from '../harness/glance-client';
import { runTag } from '../harness/target';

/** Spec item 3 — ploop is a supported disk format: listed in the schema and usable end to end. */

test(...requirement('DISK-FORMAT-PLOOP-SCHEMA'), async ({ schemas }) => {
  const doc = await schemas.document('image');

  expect(doc.properties?.disk_format?.enum, 'disk_format values').toContain('ploop');
});

test(...requirement('DISK-FORMAT-PLOOP-CREATE'), async ({ images, glance, schemas, suiteConfig }) => {
  const res = await images.post({ disk_format: 'ploop' });

  expect(res).toAnswer(201, 'create with disk_format ploop');
  const record = res.json<ImageRecord>();
  expect(res.headers.location, 'Location header of the 201').toBeTruthy();
  expect(record.disk_format).toBe('ploop');
  expect((await images.show(record.id)).disk_format, 'disk_format on GET').toBe('ploop');
  expect(await schemas.errors('image', record), 'the ploop image against the image schema').toEqual([]);
  const listed = await glance.listImages(`disk_format=ploop&tag=${runTag(suiteConfig.runId)}&limit=1000`);
  expect(listed).toAnswer(200);
  const ids = listed.json<{ images: Array<{ id: string }> }>().images.map((i) => i.id);
  expect(ids, 'images listed with disk_format=ploop').toContain(record.id);
});

test(...requirement('DISK-FORMAT-PLOOP-DATA'), async ({ images, glance }) => {
  const data = imageBytes(4096, 'ploop');

  const image = await images.create({ status: 'active', data, props: { disk_format: 'ploop' }, judged: true });

  expect(image.record.disk_format).toBe('ploop');
  expect(image.record.size, 'size after the upload').toBe(data.length);
  expect(image.record.checksum, 'md5 checksum after the upload').toBe(md5(data));
  const res = await glance.download(image.id);
  expect(res).toAnswer(200);
  expect(res.body.equals(data), 'downloaded bytes equal the uploaded ones').toBe(true);
});

test(...requirement('DISK-FORMAT-UNKNOWN-400'), async ({ images }) => {
  const res = await images.post({ disk_format: 'not-a-format' });

  expect(res).toAnswer(400, 'create with an unknown disk_format');
});
