import { expect, test } from '@playwright/test';
import { HttpError } from '../../../reference-server/errors';
import {
  canTransition,
  deactivate,
  IMAGE_STATUSES,
  reactivate,
  transition,
  type ImageStatus,
  type StatusSubject,
} from '../../../reference-server/status';

const subject = (status: ImageStatus, formats = true): StatusSubject => ({
  status,
  disk_format: formats ? 'raw' : null,
  container_format: formats ? 'bare' : null,
  size: 5,
  virtual_size: 5,
});

function failure(action: () => void): { status: number } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return { status: (error as HttpError).status };
  }
  throw new Error('expected an HttpError');
}

test("the transition table is Glance's valid_state_targets", () => {
  const allowed = IMAGE_STATUSES.flatMap((from) =>
    IMAGE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
  );
  expect(allowed.sort()).toEqual(
    [
      'queued>saving',
      'queued>uploading',
      'queued>importing',
      'queued>active',
      'queued>deleted',
      'saving>active',
      'saving>killed',
      'saving>deleted',
      'saving>queued',
      'uploading>importing',
      'uploading>queued',
      'uploading>deleted',
      'importing>active',
      'importing>deleted',
      'importing>queued',
      'active>pending_delete',
      'active>deleted',
      'active>deactivated',
      'killed>deleted',
      'pending_delete>deleted',
      'pending_delete>active',
      'deactivated>active',
      'deactivated>deleted',
    ].sort(),
  );
});

test("an invalid transition is a 409 with Glance's message", () => {
  const image = subject('active');
  expect(() => transition(image, 'saving')).toThrow(HttpError);
  expect(failure(() => transition(image, 'saving')).status).toBe(409);
  expect(image.status).toBe('active');
});

test('leaving queued for saving without formats is a 400', () => {
  expect(failure(() => transition(subject('queued', false), 'saving')).status).toBe(400);
  // uploading does not store data yet, so no format is needed
  const staged = subject('queued', false);
  transition(staged, 'uploading');
  expect(staged.status).toBe('uploading');
});

test('going back to queued forgets the size', () => {
  const image = subject('saving');
  transition(image, 'queued');
  expect(image).toMatchObject({ status: 'queued', size: null, virtual_size: null });
});

test('deactivate/reactivate: no-op when already there, 403 from other statuses', () => {
  const image = subject('active');
  deactivate(image);
  deactivate(image);
  expect(image.status).toBe('deactivated');
  reactivate(image);
  reactivate(image);
  expect(image.status).toBe('active');
  expect(failure(() => deactivate(subject('queued'))).status).toBe(403);
  expect(failure(() => reactivate(subject('queued'))).status).toBe(403);
});
