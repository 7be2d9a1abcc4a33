import { expect, requirement, test } from '../fixtures/test';

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
