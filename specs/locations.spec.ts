import { expect, requirement, test } from '../fixtures/test';
import type { ImageFactory, ImageSpec, ManagedImage, ReachableStatus } from '../fixtures/images';
import type { GlanceClient, PatchOp } from '../harness/glance-client';
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
  // Glance accepts a replace on an active image when the URL set stays the same (new metadata only).
  const value = (image.record.locations ?? []).map((l) =>
    l.url === added ? { url: l.url, metadata: { conformance: 'replaced' } } : l,
  );

  const res = await glance.patchImage(image.id, [{ op: 'replace', path: '/locations', value }]);

  expect(res).toAnswer(200, 'replace of the locations of an active image (same URLs, new metadata)');
  const after = await images.show(image.id);
  expect(after.status).toBe('active');
  expect(urlsOf(after)).toEqual(urlsOf(image.record));
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
