import { expect, requirement, test } from '../fixtures/test';
import type { ImageFactory, ImageSpec, ManagedImage, ReachableStatus } from '../fixtures/images';
import { HarnessError } from '../harness/errors';
import type { GlanceClient, ImageRecord, PatchOp } from '../harness/glance-client';
import { RUN_TAG } from '../harness/target';
import type { RequirementId } from '../catalog/requirements';

/**
 * Spec item 1 — location updates vs. image status (show_multiple_locations = True).
 * Remove is allowed only on active images, replace (and add) only on active or queued ones.
 * Each test: arrange (an image in a status), act (one PATCH), assert (the answer, then the image).
 */

type LocationOp = 'remove' | 'replace' | 'add';

/** Builds the patch for `op`, aimed so that only the image's status can make it fail. */
function patchFor(op: LocationOp, image: ManagedImage, freshUrl: string): PatchOp[] {
  switch (op) {
    case 'remove':
      // On an image with locations, remove one the suite added: never the one holding uploaded data.
      return [
        {
          op: 'remove',
          path: `/locations/${image.addedLocations.length ? indexOf(image, image.addedLocations[0]) : 0}`,
        },
      ];
    case 'replace':
      return [{ op: 'replace', path: '/locations', value: [{ url: freshUrl, metadata: {} }] }];
    case 'add':
      return [{ op: 'add', path: '/locations/-', value: { url: freshUrl, metadata: {} } }];
  }
}

function indexOf(image: ManagedImage, url: string): number {
  // A deactivated image may be shown without its locations (Glance 25.1, to a non-admin): their
  // order is the one seen while it was active.
  const shown = image.record.locations?.length ? image.record.locations : image.activeLocations;
  const i = (shown ?? []).findIndex((l) => l.url === url);
  if (i < 0) throw new Error(`location ${url} is missing from image ${image.id}`);
  return i;
}

const urlsOf = (record: { locations?: Array<{ url: string }> }) => (record.locations ?? []).map((l) => l.url);

interface ConflictCase {
  id: RequirementId;
  op: LocationOp;
  status: ReachableStatus;
  spec: ImageSpec;
}

const conflicts: ConflictCase[] = [
  { id: 'LOC-REMOVE-QUEUED-409', op: 'remove', status: 'queued', spec: { status: 'queued' } },
  { id: 'LOC-REMOVE-SAVING-409', op: 'remove', status: 'saving', spec: { status: 'saving' } },
  { id: 'LOC-REMOVE-UPLOADING-409', op: 'remove', status: 'uploading', spec: { status: 'uploading' } },
  {
    id: 'LOC-REMOVE-DEACTIVATED-409',
    op: 'remove',
    status: 'deactivated',
    spec: { status: 'deactivated', extraLocations: 1 },
  },
  { id: 'LOC-REPLACE-SAVING-409', op: 'replace', status: 'saving', spec: { status: 'saving' } },
  { id: 'LOC-REPLACE-UPLOADING-409', op: 'replace', status: 'uploading', spec: { status: 'uploading' } },
  { id: 'LOC-REPLACE-DEACTIVATED-409', op: 'replace', status: 'deactivated', spec: { status: 'deactivated' } },
  { id: 'LOC-ADD-DEACTIVATED-409', op: 'add', status: 'deactivated', spec: { status: 'deactivated' } },
];

for (const c of conflicts) {
  test(...requirement(c.id), async ({ images, glance }) => {
    const image = await images.create(c.spec);

    const res = await glance.patchImage(image.id, patchFor(c.op, image, images.newLocationUrl()));

    expect(res).toAnswer(409, `${c.op} of a location on a ${c.status} image`);
    const after = await images.show(image.id);
    expect(after.status, 'status after the refused update').toBe(c.status);
    expect(urlsOf(after), 'locations after the refused update').toEqual(urlsOf(image.record));
  });
}

test(...requirement('LOC-REMOVE-ACTIVE-OK'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active', extraLocations: 1 });
  expect(image.record.locations, 'locations of the prepared image').toHaveLength(2);
  const added = image.addedLocations[0];
  // RFC 6902 §4.1: "-" is the end of the array, so the location added at /locations/- comes last.
  expect(urlsOf(image.record).at(-1), 'the location added with PATCH add /locations/-').toBe(added);

  const res = await glance.patchImage(image.id, [{ op: 'remove', path: `/locations/${indexOf(image, added)}` }]);

  expect(res).toAnswer(200, 'remove of one of two locations on an active image');
  const after = await images.show(image.id);
  expect(after.status).toBe('active');
  expect(urlsOf(after), 'exactly the other location remains').toEqual(urlsOf(image.record).filter((u) => u !== added));
  const download = await glance.download(image.id);
  expect(download, 'download after removing the other location').toAnswer(200);
  expect(download.body.equals(image.data), 'the uploaded bytes').toBe(true);
});

test(...requirement('LOC-REPLACE-ACTIVE-OK'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active', extraLocations: 1, props: { conformance_extra: 'kept' } });
  const added = image.addedLocations[0];
  // Glance accepts a replace on an active image when the URL set stays the same, in any order (new metadata only).
  const value = (image.record.locations ?? [])
    .map((l) => (l.url === added ? { url: l.url, metadata: { conformance: 'replaced' } } : l))
    .reverse();

  const res = await glance.patchImage(image.id, [{ op: 'replace', path: '/locations', value }]);

  expect(res).toAnswer(200, 'replace of the locations of an active image (same URLs in reverse order, new metadata)');
  const after = await images.show(image.id);
  expect(after.status).toBe('active');
  expect(urlsOf(after), 'the locations in the order sent').toEqual(urlsOf({ locations: value }));
  expect(after.locations?.find((l) => l.url === added)?.metadata, 'the new metadata').toEqual({
    conformance: 'replaced',
  });
  // A location update changes the locations only: name, tags and extra properties stay as they were.
  expect(after.name, 'name after the location update').toBe(image.record.name);
  expect(after.tags, 'tags after the location update').toEqual(expect.arrayContaining([RUN_TAG]));
  expect(after.conformance_extra, 'an extra property after the location update').toBe('kept');
});

test(...requirement('LOC-REPLACE-QUEUED-ACTIVATES'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });
  const url = images.newLocationUrl();

  const res = await glance.patchImage(image.id, [
    { op: 'replace', path: '/locations', value: [{ url, metadata: {} }] },
  ]);

  expect(res).toAnswer(200, 'replace of the locations of a queued image');
  const after = await images.show(image.id);
  expect(after.status, 'status after the replace').toBe('active');
  expect(urlsOf(after)).toEqual([url]);
  const size = images.locationSize(url);
  if (size !== undefined) expect(after.size, 'size taken from the location').toBe(size);
});

test(...requirement('LOC-REMOVE-LAST-403'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active' });
  expect(image.record.locations, 'locations of the uploaded image').toHaveLength(1);

  const res = await glance.patchImage(image.id, [{ op: 'remove', path: '/locations/0' }]);

  expect(res).toAnswer(403, 'remove of the only location');
  const after = await images.show(image.id);
  expect(after.status).toBe('active');
  expect(urlsOf(after)).toEqual(urlsOf(image.record));
  const download = await glance.download(image.id);
  expect(download).toAnswer(200);
  expect(download.body.equals(image.data), 'downloaded bytes equal the uploaded ones').toBe(true);
});

test(...requirement('LOC-REPLACE-EMPTY-403'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active' });

  const res = await glance.patchImage(image.id, [{ op: 'replace', path: '/locations', value: [] }]);

  expect(res).toAnswer(403, 'replace of the locations with an empty list');
  expect(urlsOf(await images.show(image.id)), 'the image keeps its locations').toEqual(urlsOf(image.record));
});

test(...requirement('LOC-HIDDEN-403'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });
  expect(Object.keys(image.record), 'keys of an image record with locations hidden').not.toContain('locations');

  for (const op of ['add', 'replace', 'remove'] as const) {
    const res = await glance.patchImage(image.id, patchFor(op, image, images.newLocationUrl()));
    expect(res).toAnswer(403, `${op} of a location while locations are hidden`);
  }

  expect((await images.show(image.id)).status, 'status after the refused updates').toBe('queued');
});

// ── positions and list rules: RFC 6901/6902 as Glance's patch media type adopts them ─────────────

/** A test body: each patch, sent to an active image with two locations, is refused and changes nothing. */
function eachRefused(patches: Array<(image: ManagedImage, freshUrl: string) => PatchOp[]>) {
  return async ({ images, glance }: { images: ImageFactory; glance: GlanceClient }) => {
    const image = await images.create({ status: 'active', extraLocations: 1 });

    for (const patch of patches) {
      const ops = patch(image, images.newLocationUrl());
      const res = await glance.patchImage(image.id, ops);

      expect(res).toAnswer(400, ops.map((o) => `${o.op} ${o.path}`).join(', '));
      expect(urlsOf(await images.show(image.id)), 'locations after the refused update').toEqual(urlsOf(image.record));
    }
  };
}

const addAt =
  (position: string) =>
  (_: ManagedImage, url: string): PatchOp[] => [
    { op: 'add', path: `/locations/${position}`, value: { url, metadata: {} } },
  ];
const removeAt = (position: string) => (): PatchOp[] => [{ op: 'remove', path: `/locations/${position}` }];

test(...requirement('LOC-ADD-INDEX-PAST-END-400'), eachRefused([addAt('3'), addAt('9')]));
test(...requirement('LOC-REMOVE-INDEX-MISSING-400'), eachRefused([removeAt('5'), removeAt('2'), removeAt('x')]));
test(...requirement('LOC-REMOVE-DASH-400'), eachRefused([removeAt('-')]));
test(...requirement('LOC-INDEX-LEADING-ZERO-400'), eachRefused([addAt('01'), removeAt('01')]));
test(...requirement('LOC-ADD-DUPLICATE-400'), eachRefused([(image) => addAt('-')(image, image.addedLocations[0])]));

test(...requirement('LOC-ADD-INDEX-INSERTS'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active', extraLocations: 1 });
  const url = images.newLocationUrl();

  const res = await glance.patchImage(image.id, addAt('0')(image, url));

  expect(res).toAnswer(200, 'add at /locations/0');
  expect(urlsOf(await images.show(image.id)), 'the new location first, the others after it').toEqual([
    url,
    ...urlsOf(image.record),
  ]);
});

test(...requirement('LOC-REPLACE-ACTIVE-OTHER-URLS-400'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active' });
  const value = [{ url: images.newLocationUrl(), metadata: {} }];

  const res = await glance.patchImage(image.id, [{ op: 'replace', path: '/locations', value }]);

  expect(res).toAnswer(400, "replace of an active image's locations with another URL");
  expect(urlsOf(await images.show(image.id)), 'locations after the refused replace').toEqual(urlsOf(image.record));
  const download = await glance.download(image.id);
  expect(download).toAnswer(200);
  expect(download.body.equals(image.data), 'the image still serves the uploaded bytes').toBe(true);
});

// ── validation_data: the checksum and hash a location added by PATCH vouches for ──────────────────

interface ValidationData {
  checksum?: string;
  os_hash_algo: string;
  os_hash_value: string;
}

const validationOf = (record: ImageRecord) => ({
  checksum: record.checksum,
  os_hash_algo: record.os_hash_algo,
  os_hash_value: record.os_hash_value,
});

/** Another well-formed hex digest of the same size: every digit changed. */
const otherHex = (hex: string) => [...hex].map((c) => (parseInt(c, 16) ^ 1).toString(16)).join('');

/**
 * The checksum and hash the target computed for an upload: well-formed validation data in its own
 * `hashing_algorithm`. Glance takes a PATCH's validation data on trust (checking it against the bytes is the
 * client's part), so they need not be the digests of the bytes behind the location.
 */
function digestsOf(uploaded: ImageRecord): Required<ValidationData> {
  const { checksum, os_hash_algo, os_hash_value } = validationOf(uploaded);
  if (typeof checksum !== 'string' || typeof os_hash_algo !== 'string' || typeof os_hash_value !== 'string') {
    throw new HarnessError(`image ${uploaded.id} shows no checksum or hash after its upload`);
  }
  return { checksum, os_hash_algo, os_hash_value };
}

/** add /locations/- for one vouching location, replace /locations for several (the only way to send two). */
function vouching(urls: string[], data: ValidationData[]): PatchOp[] {
  const value = urls.map((url, i) => ({ url, metadata: {}, validation_data: data[i] }));
  return value.length === 1
    ? [{ op: 'add', path: '/locations/-', value: value[0] }]
    : [{ op: 'replace', path: '/locations', value }];
}

const newUrls = (images: ImageFactory, n: number) => Array.from({ length: n }, () => images.newLocationUrl());

test(...requirement('LOC-ADD-VALIDATION-DATA-SET'), async ({ images, glance }) => {
  const digests = digestsOf((await images.create({ status: 'active' })).record);
  const hashOnly = { os_hash_algo: digests.os_hash_algo, os_hash_value: digests.os_hash_value };
  const cases: Array<[string, ValidationData[]]> = [
    ['add with checksum, os_hash_algo and os_hash_value', [digests]],
    ['add with os_hash_algo and os_hash_value only', [hashOnly]],
    ['replace with two locations vouching for the same values', [digests, digests]],
  ];

  for (const [what, data] of cases) {
    await test.step(what, async () => {
      const image = await images.create({ status: 'queued' });
      const urls = newUrls(images, data.length);

      const res = await glance.patchImage(image.id, vouching(urls, data));

      expect(res).toAnswer(200, `${what} on a queued image`);
      const after = await images.show(image.id);
      expect(after.status, 'status after the update').toBe('active');
      expect(urlsOf(after), 'the locations').toEqual(urls);
      expect(validationOf(after), 'checksum and hash the image shows').toEqual({ checksum: null, ...data[0] });
    });
  }
});

test(...requirement('LOC-ADD-VALIDATION-DATA-MATCH-409'), async ({ images, glance }) => {
  const uploaded = await images.create({ status: 'active' });
  const own = digestsOf(uploaded.record);
  const byLocation = await images.create({ status: 'queued' });
  const activated = await glance.patchImage(byLocation.id, patchFor('add', byLocation, images.newLocationUrl()));
  expect(activated, 'add /locations/- without validation_data on a queued image').toAnswer(200);
  const bare = await images.show(byLocation.id);
  const cases: Array<[string, ImageRecord, ValidationData, number]> = [
    ["the uploaded image's own values", uploaded.record, own, 200],
    [
      'another os_hash_value than the uploaded image has',
      uploaded.record,
      { ...own, os_hash_value: otherHex(own.os_hash_value) },
      409,
    ],
    [
      'another checksum than the uploaded image has',
      uploaded.record,
      { ...own, checksum: otherHex(own.checksum) },
      409,
    ],
    ['values for an image made active by a location, which has none', bare, own, 409],
  ];

  for (const [what, record, data, status] of cases) {
    await test.step(what, async () => {
      const before = await images.show(record.id);
      const url = images.newLocationUrl();

      const res = await glance.patchImage(record.id, vouching([url], [data]));

      expect(res).toAnswer(status, `add /locations/- with ${what}`);
      const after = await images.show(record.id);
      const urls = status === 200 ? [...urlsOf(before), url] : urlsOf(before);
      expect(urlsOf(after), 'the locations after the update').toEqual(urls);
      expect(validationOf(after), 'checksum and hash after the update').toEqual(validationOf(before));
    });
  }
});

test(...requirement('LOC-ADD-VALIDATION-DATA-INVALID-409'), async ({ images, glance }) => {
  const good = digestsOf((await images.create({ status: 'active' })).record);
  const image = await images.create({ status: 'queued' });
  const otherAlgo = good.os_hash_algo === 'sha512' ? 'sha256' : 'sha512';
  const cases: Array<[string, ValidationData[]]> = [
    ['a checksum that is not hex', [{ ...good, checksum: 'z'.repeat(32) }]],
    [`os_hash_algo ${otherAlgo}, not the target's ${good.os_hash_algo}`, [{ ...good, os_hash_algo: otherAlgo }]],
    ['an os_hash_value that is not hex', [{ ...good, os_hash_value: 'z'.repeat(good.os_hash_value.length) }]],
    [
      'an os_hash_value of half the size',
      [{ ...good, os_hash_value: good.os_hash_value.slice(0, good.os_hash_value.length / 2) }],
    ],
    ['two locations vouching for different hashes', [good, { ...good, os_hash_value: otherHex(good.os_hash_value) }]],
  ];

  for (const [what, data] of cases) {
    await test.step(what, async () => {
      const res = await glance.patchImage(image.id, vouching(newUrls(images, data.length), data));

      expect(res).toAnswer(409, `validation_data with ${what} on a queued image`);
      const after = await images.show(image.id);
      expect(after.status, 'status after the refused update').toBe('queued');
      expect(urlsOf(after), 'locations after the refused update').toEqual([]);
      expect(validationOf(after), 'checksum and hash after the refused update').toEqual(validationOf(image.record));
    });
  }
});
