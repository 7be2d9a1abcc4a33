import { createHash, getHashes } from 'node:crypto';
import { expect, requirement, test } from '../fixtures/test';
import type { ImageFactory, ReachableStatus } from '../fixtures/images';
import type { GlanceClient, ImageRecord } from '../harness/glance-client';
import { policyRefusal } from '../harness/policy';

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

const digest = (algo: string, data: Buffer) => createHash(algo).update(data).digest('hex');

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

/** Watches an image until it is active or its import tasks are over: it must never have shown `active`. */
async function expectNeverActive(images: ImageFactory, glance: GlanceClient, id: string): Promise<void> {
  const { seen } = await watch(
    images,
    id,
    async (r) => r.status === 'active' || (await tasksOver(glance, id)) === true,
  );
  expect([...seen], 'statuses the image showed until the import was over').not.toContain('active');
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
    (url) => ({ url, validation_data: { os_hash_algo: 'sha512', os_hash_value: `zz${'ab'.repeat(63)}` } }),
  ],
  [
    'an os_hash_value with a byte split by a space',
    (url) => ({ url, validation_data: { os_hash_algo: 'sha512', os_hash_value: `a b${'ab'.repeat(63)}` } }),
  ],
  [
    'an os_hash_value of the wrong size',
    (url) => ({ url, validation_data: { os_hash_algo: 'sha512', os_hash_value: 'ab'.repeat(32) } }),
  ],
  ['an unknown validation_data key', (url) => ({ url, validation_data: { checksum: 'ab'.repeat(16) } })],
  ['an os_hash_value without os_hash_algo', (url) => ({ url, validation_data: { os_hash_value: 'ab'.repeat(64) } })],
  ['an os_hash_algo without os_hash_value', (url) => ({ url, validation_data: { os_hash_algo: 'sha512' } })],
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
  const validation = {
    os_hash_algo: 'sha512',
    os_hash_value: digest('sha512', Buffer.from('not the bytes behind the URL')),
  };

  const res = await serviceGlance.addLocation(image.id, { url: images.newLocationUrl(), validation_data: validation });

  // Refusing at once is as good as refusing after the import: what counts is that it never goes active.
  expect(res).toAnswer([202, 400, 409], 'POST /locations with validation_data of other bytes');
  if (res.status === 202) {
    await expectNeverActive(images, glance, image.id);
  }
  expect((await images.show(image.id)).status, 'status after the import').not.toBe('active');
});

test(...requirement('LOCATIONS-API-HASHES'), async ({ images, serviceGlance }) => {
  // Without validation_data Glance hashes after activating, in the operator's hashing_algorithm (sha512 unless
  // configured otherwise); with it, before activating, in the algorithm it names.
  for (const algo of [undefined, 'sha256']) {
    await test.step(algo ? `validation_data of the data in ${algo}` : 'no validation_data', async () => {
      const image = await images.create({ status: 'queued' });
      const url = images.newLocationUrl();
      const data = await bytesBehind(url);
      if (!data) return test.skip(true, `the suite cannot read ${url} itself, so it cannot know its hashes`);
      const validation = algo && { os_hash_algo: algo, os_hash_value: digest(algo, data) };

      const res = await serviceGlance.addLocation(image.id, {
        url,
        ...(validation && { validation_data: validation }),
      });

      expect(res).toAnswer(202, 'POST /locations on a queued image');
      const { record } = await watch(images, image.id, (r) => !IMPORTING.has(r.status) && r.os_hash_value != null);
      expect(record.status, 'status once the import is over').toBe('active');
      const shown = {
        size: record.size,
        checksum: record.checksum,
        algo: record.os_hash_algo,
        hash: record.os_hash_value,
      };
      const used = algo ?? (getHashes().includes(String(shown.algo)) ? String(shown.algo) : 'sha512');
      expect(shown, 'size, checksum (null or md5), hash algorithm and hash of the imported image').toEqual({
        size: data.length,
        checksum: shown.checksum === null ? null : digest('md5', data),
        algo: used,
        hash: digest(used, data),
      });
    });
  }
});

interface FailedImport {
  what: string;
  url: string;
  /** The hashes sent as validation_data: of the data behind `url`, or of other bytes. */
  validation?: 'of the data' | 'of other bytes';
  props?: Record<string, unknown>;
}

const NO_FORMATS = { disk_format: null, container_format: null };

test(...requirement('LOCATIONS-API-FAILED-QUEUED'), async ({ images, glance, serviceGlance, locationSource }) => {
  const failing = locationSource().failing;
  const cases: FailedImport[] = [
    { what: 'validation_data of other bytes', url: images.newLocationUrl(), validation: 'of other bytes' },
    { what: 'an image without disk_format and container_format', url: images.newLocationUrl(), props: NO_FORMATS },
    {
      what: 'an image without formats, validation_data of the data',
      url: images.newLocationUrl(),
      validation: 'of the data',
      props: NO_FORMATS,
    },
  ];
  if (failing) {
    cases.push(
      { what: 'a location that drops the connection', url: failing.unreachable() },
      {
        what: 'a location whose GET answers 500, with validation_data',
        url: failing.unreadable(),
        validation: 'of other bytes',
      },
    );
  } else {
    test.info().annotations.push({
      type: 'note',
      description: 'GLANCE_LOCATION_URLS is set: unreachable and unreadable locations are only served by the suite',
    });
  }

  for (const { what, url, validation, props } of cases) {
    await test.step(what, async () => {
      const image = await images.create({ status: 'queued', props });
      const data = validation === 'of the data' ? await bytesBehind(url) : Buffer.from('not the bytes behind the URL');
      if (!data) return test.skip(true, `the suite cannot read ${url} itself, so it cannot know its hash`);
      const validation_data = validation && { os_hash_algo: 'sha512', os_hash_value: digest('sha512', data) };

      const res = await serviceGlance.addLocation(image.id, { url, ...(validation_data && { validation_data }) });

      // Refusing at once leaves the image as queued as a failed import does.
      expect(res).toAnswer([202, 400], `POST /locations with ${what}`);
      if (res.status === 202) {
        await expectNeverActive(images, glance, image.id);
      }
      const record = await images.show(image.id);
      expect(
        { status: record.status, checksum: record.checksum, algo: record.os_hash_algo, hash: record.os_hash_value },
        'the image once the import is over',
      ).toEqual({ status: 'queued', checksum: null, algo: null, hash: null });
    });
  }
});

test(...requirement('LOCATIONS-API-NON-SERVICE-HTTP-ONLY'), async ({ images, glance }) => {
  const other = await images.create({ status: 'queued' });
  const listed = await glance.listLocations(other.id);
  test.skip(
    listed.status !== 403,
    `GET /locations answered ${listed.status} to the suite's identity: it holds the service role (or nothing is ` +
      'authenticated), so no scheme is kept from it',
  );

  const refused = await glance.addLocation(other.id, {
    url: `swift+https://swift.example.invalid/v1/AUTH_conformance/glance/${other.id}`,
  });

  expect(refused).toAnswer(403, 'POST /locations with a swift+https URL from a caller without the service role');
  expect((await images.show(other.id)).status, 'status after the refused POST').toBe('queued');

  await test.step('an http location from the same caller', async () => {
    const image = await images.create({ status: 'queued' });

    const res = await glance.addLocation(image.id, { url: images.newLocationUrl() });

    const refusal = policyRefusal(res, 'POST /locations');
    if (refusal) return test.skip(true, refusal);
    expect(res).toAnswer(202, 'POST /locations with an http URL from a caller without the service role');
    const { record } = await watch(images, image.id, (r) => !IMPORTING.has(r.status));
    expect(record.status, 'status once the import is over').toBe('active');
  });
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
