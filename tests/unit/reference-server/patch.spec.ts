import { expect, test } from '@playwright/test';
import { HttpError } from '../../../reference-server/errors';
import { renderError } from '../../../reference-server/http';
import {
  applyPatch,
  checkPatchMediaType,
  draftOf,
  parsePatch,
  PATCH_V20,
  PATCH_V21,
  type PatchEnvironment,
} from '../../../reference-server/patch';
import { GLANCE_CONTAINER_FORMATS, GLANCE_DISK_FORMATS } from '../../../reference-server/options';
import type { ImageRecord } from '../../../reference-server/store';
import { imageValidator } from '../../../reference-server/validation';

const validate = imageValidator(GLANCE_DISK_FORMATS, GLANCE_CONTAINER_FORMATS);
const GOOD = 'http://example.test/32b.bin';
const OTHER = 'http://example.test/12b.bin';

function image(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const now = new Date(0);
  return {
    id: '11111111-2222-3333-4444-555555555555',
    name: 'x',
    disk_format: 'raw',
    container_format: 'bare',
    visibility: 'shared',
    protected: false,
    os_hidden: false,
    min_ram: 0,
    min_disk: 0,
    owner: null,
    status: 'queued',
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    created_at: now,
    updated_at: now,
    tags: [],
    extra: {},
    locations: [],
    members: [],
    data: null,
    staged: null,
    sequence: 0,
    revision: 0,
    ...overrides,
  };
}

function environment(overrides: Partial<PatchEnvironment> = {}): PatchEnvironment {
  return {
    context: { authenticated: false, isAdmin: true, project: null, user: null, roles: [] },
    showMultipleLocations: true,
    probeLocation: async (url) => (url === GOOD ? 32 : url === OTHER ? 12 : null),
    ...overrides,
  };
}

/** Status and plain-text message of the HttpError `promise` rejects with. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return `${error.status} ${renderError(error, undefined).body.split('\n\n')[1].trim()}`;
  }
}

const ops21 = (...ops: unknown[]) => parsePatch(PATCH_V21, ops, validate);
const apply = (target: ImageRecord, ops: unknown[], env = environment()) =>
  outcome(applyPatch(target, ops21(...ops), env));
const active2 = () =>
  image({
    status: 'active',
    size: 32,
    locations: [
      { url: 'memory://11111111-2222-3333-4444-555555555555', metadata: {} },
      { url: GOOD, metadata: {} },
    ],
  });

test.describe('parsePatch', () => {
  test('only the two Glance media types are accepted (415 with Accept-Patch)', () => {
    expect(checkPatchMediaType(PATCH_V21)).toBeNull();
    expect(checkPatchMediaType(PATCH_V20)).toBeNull();
    const error = checkPatchMediaType('application/json');
    expect(error?.status).toBe(415);
    expect(error?.headers['Accept-Patch']).toBe(`${PATCH_V20}, ${PATCH_V21}`);
  });

  test('v2.0 operations name the verb as the key', async () => {
    expect(parsePatch(PATCH_V20, [{ remove: '/locations/0' }], validate)).toEqual([
      { op: 'remove', path: ['locations', '0'], draft4: true },
    ]);
    return expect(
      outcome(Promise.resolve().then(() => parsePatch(PATCH_V20, [{ op: 'remove', path: '/locations/0' }], validate))),
    ).resolves.toBe('400 Operation objects must contain exactly one member named "add", "remove", or "replace".');
  });

  test('pointer depth is limited per verb for locations', async () => {
    expect(await outcome(Promise.resolve().then(() => ops21({ op: 'remove', path: '/locations' })))).toBe(
      "400 Invalid JSON pointer for this resource: '/locations'",
    );
    expect(
      await outcome(
        Promise.resolve().then(() =>
          ops21({ op: 'replace', path: '/locations/0', value: { url: GOOD, metadata: {} } }),
        ),
      ),
    ).toBe("400 Invalid JSON pointer for this resource: '/locations/0'");
    expect(await outcome(Promise.resolve().then(() => ops21({ op: 'add', path: '/tags/-', value: 'a' })))).toMatch(
      /^400 Invalid JSON pointer/,
    );
  });

  test('read-only attributes are 403, schema violations 400', async () => {
    expect(
      await outcome(Promise.resolve().then(() => ops21({ op: 'replace', path: '/status', value: 'active' }))),
    ).toBe("403 Attribute 'status' is read-only.");
    expect(
      await outcome(Promise.resolve().then(() => ops21({ op: 'replace', path: '/disk_format', value: 'foo' }))),
    ).toMatch(/^400 Provided object does not match schema 'image': 'foo' is not one of \[None, 'ami'/);
    expect(
      await outcome(Promise.resolve().then(() => ops21({ op: 'add', path: '/locations/-', value: { url: GOOD } }))),
    ).toBe("400 Provided object does not match schema 'image': 'metadata' is a required property");
  });
});

test.describe('applyPatch: locations, in Glance order', () => {
  test('replace with [] is 403 before visibility and status checks', async () => {
    const target = image({ status: 'deactivated' });
    expect(
      await apply(
        target,
        [{ op: 'replace', path: '/locations', value: [] }],
        environment({ showMultipleLocations: false }),
      ),
    ).toBe('403 Access was denied to this resource.');
  });

  test('hidden locations are 403 for every verb', async () => {
    const env = environment({ showMultipleLocations: false });
    expect(await apply(active2(), [{ op: 'remove', path: '/locations/0' }], env)).toBe(
      "403 It's not allowed to remove locations if locations are invisible.",
    );
    expect(
      await apply(active2(), [{ op: 'add', path: '/locations/-', value: { url: OTHER, metadata: {} } }], env),
    ).toBe("403 It's not allowed to add locations if locations are invisible.");
    expect(
      await apply(active2(), [{ op: 'replace', path: '/locations', value: [{ url: GOOD, metadata: {} }] }], env),
    ).toBe("403 It's not allowed to update locations if locations are invisible.");
  });

  test('remove is 409 unless active; add/replace 409 unless active or queued', async () => {
    expect(await apply(image(), [{ op: 'remove', path: '/locations/0' }])).toBe(
      "409 It's not allowed to remove locations if image status is queued.",
    );
    for (const status of ['saving', 'uploading', 'deactivated', 'importing', 'killed', 'pending_delete'] as const) {
      const target = image({ status, locations: [{ url: GOOD, metadata: {} }] });
      expect(await apply(target, [{ op: 'remove', path: '/locations/0' }])).toBe(
        `409 It's not allowed to remove locations if image status is ${status}.`,
      );
      expect(await apply(target, [{ op: 'add', path: '/locations/-', value: { url: OTHER, metadata: {} } }])).toBe(
        `409 It's not allowed to add locations if image status is ${status}.`,
      );
      expect(await apply(target, [{ op: 'replace', path: '/locations', value: [{ url: OTHER, metadata: {} }] }])).toBe(
        `409 It's not allowed to replace locations if image status is ${status}.`,
      );
    }
  });

  test('last-location 403 comes before the index check; bad indexes are 400', async () => {
    const single = image({ status: 'active', locations: [{ url: GOOD, metadata: {} }] });
    expect(await apply(single, [{ op: 'remove', path: '/locations/5' }])).toBe(
      '403 Access was denied to this resource.',
    );
    expect(await apply(active2(), [{ op: 'remove', path: '/locations/5' }])).toBe(
      '400 Invalid position for removing a location.',
    );
    expect(await apply(active2(), [{ op: 'add', path: '/locations/x', value: { url: OTHER, metadata: {} } }])).toBe(
      '400 Invalid position for adding a location.',
    );
  });

  test('replace on a non-empty list must keep the URL set; duplicates and bad URLs are 400', async () => {
    expect(
      await apply(active2(), [{ op: 'replace', path: '/locations', value: [{ url: OTHER, metadata: {} }] }]),
    ).toMatch(/^400 Original locations is not empty: \[\{'url': 'memory:\/\//);
    expect(await apply(active2(), [{ op: 'add', path: '/locations/-', value: { url: GOOD, metadata: {} } }])).toBe(
      `400 The location ${GOOD} already exists`,
    );
    for (const url of ['file:///etc/passwd', 'memory://x', 'bogus://x/y', 'http://example.test/404']) {
      expect(await apply(image(), [{ op: 'add', path: '/locations/-', value: { url, metadata: {} } }]), url).toBe(
        '400 Invalid location',
      );
    }
  });

  test('add on a queued image activates it with the remote size; remove /locations/- names no location', async () => {
    const queued = image();
    expect(await apply(queued, [{ op: 'add', path: '/locations/-', value: { url: GOOD, metadata: {} } }])).toBe('ok');
    expect(queued).toMatchObject({
      status: 'active',
      size: 32,
      checksum: null,
      locations: [{ url: GOOD, metadata: {} }],
    });
    const two = active2();
    const before = two.locations.map((l) => l.url);
    const removeDash = [{ op: 'remove' as const, path: '/locations/-' }];
    expect(await apply(two, removeDash)).toBe('400 Invalid position for removing a location.');
    expect(two.locations.map((l) => l.url)).toEqual(before);
  });

  test('location indices are RFC 6901 indices: no leading zero, no add past the end', async () => {
    const add = (path: string) => [{ op: 'add' as const, path, value: { url: OTHER, metadata: {} } }];
    expect(await apply(active2(), add('/locations/01'))).toBe('400 Invalid position for adding a location.');
    expect(await apply(active2(), add('/locations/3'))).toBe('400 Invalid position for adding a location.');
    const removeAt01 = [{ op: 'remove' as const, path: '/locations/01' }];
    expect(await apply(active2(), removeAt01)).toBe('400 Invalid position for removing a location.');
    const inserted = active2();
    expect(await apply(inserted, add('/locations/0'))).toBe('ok');
    expect(inserted.locations[0].url).toBe(OTHER);
  });

  test('removing the memory location drops the stored bytes', async () => {
    const target = active2();
    expect(await apply(target, [{ op: 'remove', path: '/locations/0' }])).toBe('ok');
    expect(target.data).toBeNull();
    expect(target.locations).toEqual([{ url: GOOD, metadata: {} }]);
  });

  test('a failing operation leaves the original untouched when applied to a draft', async () => {
    const original = image();
    const draft = draftOf(original);
    expect(
      await apply(draft, [
        { op: 'replace', path: '/name', value: 'renamed' },
        { op: 'remove', path: '/locations/0' },
      ]),
    ).toMatch(/^409/);
    expect(original.name).toBe('x');
  });
});

test.describe('applyPatch: other properties', () => {
  test('extra properties: add, replace, remove, and their 409s', async () => {
    const target = image();
    expect(await apply(target, [{ op: 'add', path: '/foo', value: 'bar' }])).toBe('ok');
    expect(await apply(target, [{ op: 'replace', path: '/nope', value: 'x' }])).toBe(
      '409 There was a conflict when trying to complete your request.',
    );
    expect(await apply(target, [{ op: 'remove', path: '/foo' }])).toBe('ok');
    expect(target.extra).toEqual({});
    expect(
      await outcome(applyPatch(target, parsePatch(PATCH_V20, [{ add: '/name', value: 'y' }], validate), environment())),
    ).toMatch(/^409/);
  });

  test('formats can only change while queued; base properties cannot be removed', async () => {
    expect(await apply(image({ status: 'active' }), [{ op: 'replace', path: '/disk_format', value: 'qcow2' }])).toBe(
      '403 Attribute disk_format can be only replaced for a queued image.',
    );
    expect(await apply(image(), [{ op: 'remove', path: '/name' }])).toBe('403 Access was denied to this resource.');
  });
});

// Glance's _validate_validation_data, as Tempest's ImageLocationsTest exercises it.
test.describe('validation_data on location add/replace', () => {
  const vouched = { checksum: '1'.repeat(32), os_hash_value: 'deadbeef'.repeat(16), os_hash_algo: 'sha512' };
  const add = (validation: Record<string, string>) => ({
    op: 'add',
    path: '/locations/-',
    value: { url: GOOD, metadata: {}, validation_data: validation },
  });

  test('a queued image takes the vouched values, and the stored location drops them', async () => {
    const target = image();
    expect(await apply(target, [add(vouched)])).toBe('ok');
    expect(target).toMatchObject({ status: 'active', size: 32, ...vouched, locations: [{ url: GOOD, metadata: {} }] });
  });

  test('matching values are fine later; different ones, or new ones on an active image, are 409', async () => {
    const target = image({ status: 'active', size: 32, ...vouched, locations: [{ url: OTHER, metadata: {} }] });
    expect(await apply(draftOf(target), [add(vouched)])).toBe('ok');
    expect(await apply(draftOf(target), [add({ ...vouched, checksum: '2'.repeat(32) })])).toBe(
      '409 checksum is already set with a different value',
    );
    const bare = image({ status: 'active', size: 32, locations: [{ url: OTHER, metadata: {} }] });
    expect(await apply(bare, [add(vouched)])).toBe(
      "409 New value(s) for checksum, os_hash_value, os_hash_algo may only be provided when image status is 'queued'",
    );
  });

  test('malformed or foreign-algorithm values are 409 on a queued image', async () => {
    expect(await apply(image(), [add({ ...vouched, os_hash_algo: 'sha256' })])).toBe(
      '409 os_hash_algo must be sha512, not sha256',
    );
    expect(await apply(image(), [add({ ...vouched, checksum: 'z'.repeat(32) })])).toBe(
      `409 checksum (${'z'.repeat(32)}) is not a valid hexadecimal value`,
    );
    expect(await apply(image(), [add({ os_hash_algo: 'sha512', os_hash_value: 'ab' })])).toBe(
      '409 os_hash_value (ab) is not the correct size for sha512 (should be 64 bytes)',
    );
  });
});
