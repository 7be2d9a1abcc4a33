import { createHash } from 'node:crypto';
import { expect, requirement, test } from '../fixtures/test';
import type { ImageFactory, ReachableStatus } from '../fixtures/images';
import type { GlanceClient, ImageRecord } from '../harness/glance-client';

/**
 * API 2.17 — the location API: POST /v2/images/{id}/locations adds a location to a queued image
 * and imports it asynchronously; GET lists url and metadata. Calls go out with the service identity
 * (GLANCE_SERVICE_OS_*) when one is set: Glance's default policy keeps both for the service role.
 */

/** Long enough for Glance's location_import task (a few seconds on 30.0). */
const IMPORT_WAIT_MS = 30_000;
const POLL_MS = 250;
/** The first poll comes sooner: an import can be over in milliseconds (the reference server); later ones back off. */
const FIRST_POLL_MS = 10;
/** Statuses of a location import still under way. */
const IMPORTING = new Set(['queued', 'importing']);

const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');

/** Shows the image until `done` holds or the wait ends; every status seen on the way is kept. */
async function watch(images: ImageFactory, id: string, done: (r: ImageRecord) => boolean | Promise<boolean>) {
  const seen = new Set<string>();
  const deadline = Date.now() + IMPORT_WAIT_MS;
  for (let pause = FIRST_POLL_MS; ; pause = Math.min(2 * pause, POLL_MS)) {
    const record = await images.show(id);
    seen.add(record.status);
    if ((await done(record)) || Date.now() > deadline) return { record, seen };
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** The bytes behind a location URL as the suite itself gets them (undefined when it cannot reach it). */
async function bytesBehind(url: string): Promise<Buffer | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether every task of the image (GET /v2/images/{id}/tasks, API 2.12) is over; undefined when the
 * target does not list them, so the caller waits out the import time instead.
 */
async function tasksOver(glance: GlanceClient, id: string): Promise<boolean | undefined> {
  const res = await glance.get(`/v2/images/${id}/tasks`);
  if (res.status !== 200) return undefined;
  const tasks = res.json<{ tasks?: Array<{ status: string }> }>().tasks ?? [];
  return tasks.length > 0 && tasks.every((t) => t.status === 'success' || t.status === 'failure');
}

async function locationUrls(client: GlanceClient, id: string): Promise<string[]> {
  const res = await client.listLocations(id);
  expect(res).toAnswer(200, 'GET /locations');
  return res.json<Array<{ url: string }>>().map((l) => l.url);
}

test(...requirement('LOCATIONS-API-ADD-QUEUED-202'), async ({ images, glance, serviceGlance }) => {
  const image = await images.create({ status: 'queued' });
  const url = images.newLocationUrl();

  const res = await serviceGlance.addLocation(image.id, { url });

  expect(res).toAnswer(202, 'POST /locations on a queued image');
  const { record } = await watch(images, image.id, (r) => !IMPORTING.has(r.status));
  expect(record.status, 'status once the import is over').toBe('active');
  expect(await locationUrls(serviceGlance, image.id), 'the locations of the imported image').toEqual([url]);
  const size = images.locationSize(url);
  if (size !== undefined) expect(record.size, 'size taken from the location').toBe(size);
  const download = await glance.download(image.id);
  expect(download).toAnswer(200);
  const expected = await bytesBehind(url);
  if (expected) expect(download.body.equals(expected), 'the bytes behind the location').toBe(true);
});

const notQueued: ReachableStatus[] = ['saving', 'uploading', 'active', 'deactivated'];
for (const status of notQueued) {
  test(...requirement('LOCATIONS-API-ADD-NOT-QUEUED-409', status), async ({ images, serviceGlance }) => {
    const image = await images.create({ status });

    const res = await serviceGlance.addLocation(image.id, { url: images.newLocationUrl() });

    expect(res).toAnswer(409, `POST /locations on a ${status} image`);
    const after = await images.show(image.id);
    expect(after.status, 'status after the refused POST').toBe(status);
    expect(after.locations, 'locations after the refused POST').toEqual(image.record.locations);
  });
}

const invalidBodies: Array<[string, (url: string) => Record<string, unknown>]> = [
  ['no url', () => ({})],
  ['a url that is not a string', () => ({ url: 42 })],
  [
    'an unknown os_hash_algo',
    (url) => ({ url, validation_data: { os_hash_algo: 'sha999', os_hash_value: 'ab'.repeat(64) } }),
  ],
  [
    'an os_hash_value that is not hex',
    (url) => ({ url, validation_data: { os_hash_algo: 'sha512', os_hash_value: 'zz'.repeat(64) } }),
  ],
  [
    'an os_hash_value of the wrong size',
    (url) => ({ url, validation_data: { os_hash_algo: 'sha512', os_hash_value: 'ab'.repeat(32) } }),
  ],
  ['an unknown validation_data key', (url) => ({ url, validation_data: { checksum: 'ab'.repeat(16) } })],
];

test(...requirement('LOCATIONS-API-ADD-INVALID-400'), async ({ images, serviceGlance }) => {
  const image = await images.create({ status: 'queued' });

  for (const [what, body] of invalidBodies) {
    const res = await serviceGlance.addLocation(image.id, body(images.newLocationUrl()));

    expect(res).toAnswer(400, `POST /locations with ${what}`);
  }

  expect((await images.show(image.id)).status, 'status after the refused POSTs').toBe('queued');
  expect(await locationUrls(serviceGlance, image.id), 'locations after the refused POSTs').toEqual([]);
});

test(...requirement('LOCATIONS-API-HASH-MISMATCH'), async ({ images, glance, serviceGlance }) => {
  const image = await images.create({ status: 'queued' });
  const validation = { os_hash_algo: 'sha512', os_hash_value: sha512(Buffer.from('not the bytes behind the URL')) };

  const res = await serviceGlance.addLocation(image.id, { url: images.newLocationUrl(), validation_data: validation });

  // Refusing at once is as good as refusing after the import: what counts is that it never goes active.
  expect(res).toAnswer([202, 400, 409], 'POST /locations with validation_data of other bytes');
  if (res.status === 202) {
    const { seen } = await watch(
      images,
      image.id,
      async (r) => r.status === 'active' || (await tasksOver(glance, image.id)) === true,
    );
    expect([...seen], 'statuses the image showed until the import was over').not.toContain('active');
  }
  expect((await images.show(image.id)).status, 'status after the import').not.toBe('active');
});

test(...requirement('LOCATIONS-API-GET'), async ({ images, serviceGlance }) => {
  const image = await images.create({ status: 'queued' });
  const url = images.newLocationUrl();
  expect(await serviceGlance.addLocation(image.id, { url }), 'POST /locations on a queued image').toAnswer(202);
  await watch(images, image.id, (r) => !IMPORTING.has(r.status));

  const res = await serviceGlance.listLocations(image.id);

  expect(res).toAnswer(200);
  const body = res.json<unknown>();
  expect(Array.isArray(body), 'GET /locations answers a JSON list').toBe(true);
  for (const item of body as Array<Record<string, unknown>>) {
    expect(Object.keys(item).sort(), 'keys of a listed location').toEqual(['metadata', 'url']);
  }
  expect(
    (body as Array<{ url: string }>).map((l) => l.url),
    'the URL added by POST /locations',
  ).toContain(url);
});
