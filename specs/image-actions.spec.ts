import { expect, requirement, test } from '../fixtures/test';

/**
 * The status actions of API 2.3: POST /v2/images/{id}/actions/deactivate and …/reactivate, sent by the
 * identity that may deactivate (the admin identity when one is set, as the image fixture does).
 */

test(...requirement('ACTIONS-REACTIVATE-204'), async ({ images, adminGlance }) => {
  const image = await images.create({ status: 'deactivated' });

  const res = await adminGlance.action(image.id, 'reactivate');

  expect(res).toAnswer(204, 'reactivate of a deactivated image');
  expect((await images.show(image.id)).status, 'status after reactivating').toBe('active');
});

test(...requirement('ACTIONS-REPEAT-NOOP-204'), async ({ images, adminGlance }) => {
  const image = await images.create({ status: 'deactivated' });

  const deactivated = await adminGlance.action(image.id, 'deactivate');
  const statusThen = (await images.show(image.id)).status;
  await adminGlance.action(image.id, 'reactivate');
  const reactivated = await adminGlance.action(image.id, 'reactivate');

  expect(deactivated).toAnswer(204, 'deactivate of a deactivated image');
  expect(statusThen, 'status after the second deactivate').toBe('deactivated');
  expect(reactivated).toAnswer(204, 'reactivate of an active image');
  expect((await images.show(image.id)).status, 'status after the second reactivate').toBe('active');
});

test(...requirement('ACTIONS-QUEUED-403'), async ({ images, adminGlance }) => {
  const image = await images.create({ status: 'queued' });

  const deactivated = await adminGlance.action(image.id, 'deactivate');
  const reactivated = await adminGlance.action(image.id, 'reactivate');

  expect(deactivated).toAnswer(403, 'deactivate of a queued image');
  expect(reactivated).toAnswer(403, 'reactivate of a queued image');
  expect((await images.show(image.id)).status, 'status after the refused actions').toBe('queued');
});
