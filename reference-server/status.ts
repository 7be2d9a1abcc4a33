/**
 * The image status machine. Every status change goes through `transition`,
 * which enforces Glance's `Image.valid_state_targets` table and the
 * format requirement Glance attaches to leaving queued/uploading.
 */
import { httpError } from './errors';

export const IMAGE_STATUSES = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'uploading',
  'importing',
  'pending_delete',
  'deactivated',
] as const;

export type ImageStatus = (typeof IMAGE_STATUSES)[number];

const VALID_TARGETS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ['saving', 'uploading', 'importing', 'active', 'deleted'],
  saving: ['active', 'killed', 'deleted', 'queued'],
  uploading: ['importing', 'queued', 'deleted'],
  importing: ['active', 'deleted', 'queued'],
  active: ['pending_delete', 'deleted', 'deactivated'],
  killed: ['deleted'],
  pending_delete: ['deleted', 'active'],
  deleted: [],
  deactivated: ['active', 'deleted'],
};

export function canTransition(from: ImageStatus, to: ImageStatus): boolean {
  return VALID_TARGETS[from].includes(to);
}

/** The parts of an image the status machine reads and writes. */
export interface StatusSubject {
  status: ImageStatus;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
}

/**
 * Moves `image` to `to`, or throws the HttpError Glance answers with:
 * 409 for a transition outside the table, 400 when data would be stored
 * without disk and container formats.
 */
export function transition(image: StatusSubject, to: ImageStatus): void {
  if (!canTransition(image.status, to)) {
    throw httpError(409, `Image status transition from ${image.status} to ${to} is not allowed`);
  }
  const storesData = ['saving', 'active', 'importing'].includes(to);
  if ((image.status === 'queued' || image.status === 'uploading') && storesData) {
    const missing = (['disk_format', 'container_format'] as const).filter((key) => !image[key]);
    if (missing.length === 1) throw httpError(400, `Property ${missing[0]} must be set prior to saving data.`);
    if (missing.length > 1) throw httpError(400, `Properties ${missing.join(', ')} must be set prior to saving data.`);
  }
  // Glance forgets the size of data it no longer has when an image goes back to queued.
  if (to === 'queued') {
    image.size = null;
    image.virtual_size = null;
  }
  image.status = to;
}

/** POST …/actions/deactivate: a no-op on an already deactivated image. */
export function deactivate(image: StatusSubject): void {
  if (image.status === 'deactivated') return;
  if (image.status !== 'active') {
    throw httpError(403, `Not allowed to deactivate image in status '${image.status}'`);
  }
  transition(image, 'deactivated');
}

/** POST …/actions/reactivate: a no-op on an already active image. */
export function reactivate(image: StatusSubject): void {
  if (image.status === 'active') return;
  if (image.status !== 'deactivated') {
    throw httpError(403, `Not allowed to reactivate image in status '${image.status}'`);
  }
  transition(image, 'active');
}
