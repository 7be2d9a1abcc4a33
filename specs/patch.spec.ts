import { expect, requirement, test } from '../fixtures/test';
import { PATCH_V20, PATCH_V21, type Draft4PatchOp, type ImageRecord, type PatchOp } from '../harness/glance-client';
import { RUN_TAG, runTag } from '../harness/target';

/**
 * JSON pointers in PATCH paths, as Glance's patch media type defines them: one reference token,
 * "~" and "/" escaped as "~0" and "~1" and decoded per RFC 6901 §4 ("~1" first, then "~0").
 */

test(...requirement('PATCH-POINTER-ESCAPES'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  const escaped = await glance.patchImage(image.id, [
    { op: 'add', path: '/conformance~0x~1y', value: 'escaped' },
    { op: 'add', path: '/conformance~01', value: 'not a slash' },
  ]);
  const invalid = await glance.patchImage(image.id, [{ op: 'add', path: '/conformance~2', value: 'invalid' }]);

  expect(escaped).toAnswer(200, 'add at /conformance~0x~1y and /conformance~01');
  expect(invalid).toAnswer(400, 'add at /conformance~2 ("~" not followed by 0 or 1)');
  const after = await images.show(image.id);
  const shown = Object.fromEntries(Object.entries(after).filter(([k]) => k.startsWith('conformance')));
  expect(shown, 'the properties the pointers named').toEqual({
    'conformance~x/y': 'escaped',
    'conformance~1': 'not a slash',
  });
  expect(after.status, 'status after the patches').toBe('queued');
});

/** The extra properties a test added, by name: what a PATCH left behind. */
const conformanceProperties = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith('conformance')));

test(...requirement('PATCH-MEDIA-TYPE-415'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });
  const ops: PatchOp[] = [{ op: 'add', path: '/conformance_type', value: 'x' }];

  const jsonPatch = await glance.patchImage(image.id, ops, 'application/json-patch+json');
  const json = await glance.patchImage(image.id, ops, 'application/json');

  expect(jsonPatch).toAnswer(415, 'PATCH with Content-Type application/json-patch+json');
  expect(json).toAnswer(415, 'PATCH with Content-Type application/json');
  expect(conformanceProperties(await images.show(image.id)), 'properties after the refused patches').toEqual({});
});

test(...requirement('PATCH-V20-MEDIA-TYPE'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  const added = await glance.patchImage(
    image.id,
    [
      { add: '/conformance_a', value: 'one' },
      { add: '/conformance_b', value: 'two' },
    ],
    PATCH_V20,
  );
  const again = await glance.patchImage(image.id, [{ add: '/conformance_a', value: 'over' }], PATCH_V20);
  const changed = await glance.patchImage(
    image.id,
    [{ replace: '/conformance_a', value: 'three' }, { remove: '/conformance_b' }],
    PATCH_V20,
  );

  expect(added).toAnswer(200, 'v2.0 add of two new properties');
  expect(again).toAnswer(409, 'v2.0 add of a property the image already has (draft 4: add never overwrites)');
  expect(changed).toAnswer(200, 'v2.0 replace of one property and remove of the other');
  expect(conformanceProperties(await images.show(image.id)), 'properties after the patches').toEqual({
    conformance_a: 'three',
  });
});

test(...requirement('PATCH-REPLACE-MISSING-409'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  const replaced = await glance.patchImage(image.id, [{ op: 'replace', path: '/conformance_missing', value: 'x' }]);
  const removed = await glance.patchImage(image.id, [{ op: 'remove', path: '/conformance_missing' }]);

  expect(replaced).toAnswer(409, 'replace of a property the image does not have');
  expect(removed).toAnswer(409, 'remove of a property the image does not have');
  expect(conformanceProperties(await images.show(image.id)), 'properties after the refused patches').toEqual({});
});

/** Glance's read-only image attributes (glance/api/v2/images.py) and its reserved names. */
const READ_ONLY = [
  'id',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'created_at',
  'updated_at',
  'self',
  'file',
  'schema',
  'direct_url',
  'os_hash_algo',
  'os_hash_value',
];
const RESERVED = ['location', 'deleted', 'deleted_at', 'os_glance_conformance'];

test(...requirement('PATCH-READ-ONLY-403'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  const answers = [];
  for (const name of READ_ONLY) {
    answers.push([
      `replace /${name}`,
      await glance.patchImage(image.id, [{ op: 'replace', path: `/${name}`, value: 'x' }]),
    ] as const);
  }
  for (const name of RESERVED) {
    answers.push([
      `add /${name}`,
      await glance.patchImage(image.id, [{ op: 'add', path: `/${name}`, value: 'x' }]),
    ] as const);
  }
  for (const name of ['name', 'min_ram']) {
    answers.push([`remove /${name}`, await glance.patchImage(image.id, [{ op: 'remove', path: `/${name}` }])] as const);
  }

  for (const [what, res] of answers) expect.soft(res).toAnswer(403, what);
  const after = await images.show(image.id);
  const kept = ['id', 'status', 'name', 'min_ram', 'size', 'checksum', 'created_at', ...RESERVED];
  expect(Object.fromEntries(kept.map((k) => [k, after[k]])), 'the attributes after the refused patches').toEqual(
    Object.fromEntries(kept.map((k) => [k, image.record[k]])),
  );
});

test(...requirement('PATCH-ATTRIBUTES-SET'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });
  const values = {
    name: 'conformance renamed',
    // A new image is shared (Glance's default since Rocky): private shows the replace took effect.
    visibility: 'private',
    protected: true,
    os_hidden: true,
    min_ram: 512,
    min_disk: 2,
    disk_format: 'qcow2',
    container_format: 'ovf',
  };

  const res = await glance.patchImage(image.id, [
    ...Object.entries(values).map(([name, value]) => ({ op: 'replace' as const, path: `/${name}`, value })),
    { op: 'replace', path: '/tags', value: ['conformance-a', 'conformance-b', 'conformance-a'] },
  ]);
  const shown = await images.show(image.id);
  // Protection must come off again, not only go on (the factory's cleanup would lift it either way).
  const unprotected = await glance.patchImage(image.id, [{ op: 'replace', path: '/protected', value: false }]);

  expect(res).toAnswer(200, 'replace of every settable attribute');
  expect(Object.fromEntries(Object.keys(values).map((k) => [k, shown[k]])), 'the attributes after the patch').toEqual(
    values,
  );
  expect([...shown.tags].sort(), 'tags after the patch (a duplicate kept once)').toEqual([
    'conformance-a',
    'conformance-b',
  ]);
  expect(unprotected).toAnswer(200, 'replace /protected with false');
  expect((await images.show(image.id)).protected, 'protected after the second patch').toBe(false);
});

/** Documents that are not a list of well-formed operation objects, each with the media type it is sent with. */
const MALFORMED_DOCUMENTS: Array<[string, unknown, string]> = [
  ['an object instead of a list', { op: 'add', path: '/conformance_doc', value: 'x' }, PATCH_V21],
  ['an operation that is a string', ['add /conformance_doc'], PATCH_V21],
  ['an operation that is null', [null], PATCH_V21],
  ['an operation without op', [{ path: '/conformance_doc', value: 'x' }], PATCH_V21],
  [
    'op "move", which Glance does not offer',
    [{ op: 'move', from: '/name', path: '/conformance_doc', value: 'x' }],
    PATCH_V21,
  ],
  ['an operation without path', [{ op: 'add', value: 'x' }], PATCH_V21],
  ['a path that is a number', [{ op: 'add', path: 42, value: 'x' }], PATCH_V21],
  ['add without value', [{ op: 'add', path: '/conformance_doc' }], PATCH_V21],
  ['replace without value', [{ op: 'replace', path: '/name' }], PATCH_V21],
  ['v2.0: two operation members', [{ add: '/conformance_doc', remove: '/conformance_other', value: 'x' }], PATCH_V20],
  ['v2.0: no operation member (a v2.1 operation)', [{ op: 'add', path: '/conformance_doc', value: 'x' }], PATCH_V20],
];

test(...requirement('PATCH-DOCUMENT-MALFORMED-400'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  for (const [what, document, mediaType] of MALFORMED_DOCUMENTS) {
    await test.step(what, async () => {
      const body = Buffer.from(JSON.stringify(document));
      const res = await glance.raw('PATCH', `/v2/images/${image.id}`, [['Content-Type', mediaType]], body);
      expect.soft(res).toAnswer(400, `PATCH with ${what}`);
    });
  }

  const after = await images.show(image.id);
  expect(conformanceProperties(after), 'properties after the refused patches').toEqual({});
  expect(after.name, 'name after the refused patches').toBe(image.record.name);
});

test(...requirement('PATCH-POINTER-MALFORMED-400'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });
  const add = (path: string): PatchOp[] => [{ op: 'add', path, value: 'x' }];
  const cases: Array<[PatchOp[] | Draft4PatchOp[], string]> = [
    [add('conformance_p'), PATCH_V21],
    [add('/conformance_p/'), PATCH_V21],
    [add('/conformance_a//b'), PATCH_V21],
    [add('/conformance_a/b'), PATCH_V21],
    [[{ add: 'conformance_p', value: 'x' }], PATCH_V20],
    // The location list is the one attribute with elements: one token more for add and remove, none for replace.
    [[{ op: 'remove', path: '/locations' }], PATCH_V21],
    [[{ op: 'replace', path: '/locations/0', value: { url: 'http://example.com/x', metadata: {} } }], PATCH_V21],
  ];

  for (const [ops, mediaType] of cases) {
    const what = JSON.stringify(ops);
    await test.step(what, async () => {
      expect.soft(await glance.patchImage(image.id, ops, mediaType)).toAnswer(400, `PATCH ${what}`);
    });
  }

  expect(conformanceProperties(await images.show(image.id)), 'properties after the refused patches').toEqual({});
});

test(...requirement('PATCH-415-ACCEPT-PATCH'), async ({ images, glance }) => {
  const image = await images.create({ status: 'queued' });

  const res = await glance.patchImage(
    image.id,
    [{ op: 'add', path: '/conformance_type', value: 'x' }],
    'application/json-patch+json',
  );

  expect(res).toAnswer(415, 'PATCH with Content-Type application/json-patch+json');
  const offered = (res.headers['accept-patch'] ?? '').split(',').map((type) => type.trim());
  expect(offered, 'the media types in Accept-Patch').toEqual(expect.arrayContaining([PATCH_V20, PATCH_V21]));
});

test(...requirement('PATCH-FORMAT-QUEUED-ONLY-403'), async ({ images, glance }) => {
  const image = await images.create({ status: 'active' });
  const formats = { disk_format: 'qcow2', container_format: 'ovf' };

  for (const [name, value] of Object.entries(formats)) {
    const res = await glance.patchImage(image.id, [{ op: 'replace', path: `/${name}`, value }]);
    expect.soft(res).toAnswer(403, `replace /${name} on an active image`);
  }
  const other = await glance.patchImage(image.id, [{ op: 'replace', path: '/min_ram', value: 256 }]);

  expect(other).toAnswer(200, 'replace /min_ram on the same active image');
  const after = await images.show(image.id);
  expect({ disk_format: after.disk_format, container_format: after.container_format }, 'the formats').toEqual({
    disk_format: image.record.disk_format,
    container_format: image.record.container_format,
  });
  expect(after.min_ram, 'min_ram after its replace').toBe(256);
});

test(
  ...requirement('PATCH-PUBLICIZE-NON-ADMIN-403'),
  async ({ images, glance, adminGlance, adminSession, suiteConfig }) => {
    // Only a caller known not to be an admin may be expected to meet the refusal: without authentication, or with
    // an admin token, Glance's default policy lets the PATCH through.
    test.skip(!adminSession, 'needs an admin identity (GLANCE_ADMIN_OS_*) to show the suite identity is not one');
    const image = await images.create({ status: 'queued' });

    await test.step("the suite identity does not see another project's private image", async () => {
      const probe = await adminGlance.createImage({
        name: `${RUN_TAG} ${suiteConfig.runId} publicize probe`,
        visibility: 'private',
        tags: [RUN_TAG, runTag(suiteConfig.runId)],
      });
      expect(probe).toAnswer(201, 'a private image made by the admin identity');
      const { id, owner } = probe.json<ImageRecord>();
      try {
        test.skip(owner === image.record.owner, "the admin identity is in the suite identity's project");
        const shown = await glance.showImage(id);
        test.skip(
          shown.status !== 404,
          `another project's private image answered ${shown.status} to the suite identity: it is an admin`,
        );
      } finally {
        // The cleanup is not judged: the probe only decides whether the requirement applies.
        await adminGlance.deleteImage(id).catch(() => undefined);
      }
    });

    const res = await glance.patchImage(image.id, [{ op: 'replace', path: '/visibility', value: 'public' }]);

    // The refusal asked for is Glance's policy answer itself, which toAnswer would take for not-applicable.
    expect(res.status, 'the answer to replace /visibility public by a caller who is not an admin').toBe(403);
    expect((await images.show(image.id)).visibility, 'visibility after the refused patch').toBe(
      image.record.visibility,
    );
  },
);
