/**
 * The `location_import` task behind `POST /v2/images/{id}/locations` (API
 * 2.17), in the order of Glance's flow with `do_secure_hash = True`:
 * add the location (the http store sizes it), then
 * - with `validation_data`: `importing`, hash the data, compare, `active` —
 *   a mismatch puts the image back to `queued` without checksum or hashes
 *   (the http location and its size stay: Glance's http store cannot delete it);
 * - without: `active` at once, checksum and hash filled in afterwards.
 */
import { releaseImportLock } from './import-lock';
import type { LocationDigest } from './locations';
import { transition } from './status';
import type { ImageRecord, ImageStore } from './store';
import type { TaskRecord, TaskStore } from './tasks';

/** Glance's `hashing_algorithm` default. */
export const DEFAULT_HASH_ALGO = 'sha512';

export interface ValidationData {
  os_hash_algo?: string;
  os_hash_value?: string;
}

export interface LocationImportEnvironment {
  images: ImageStore;
  tasks: TaskStore;
  probeLocation(url: string): Promise<number | null>;
  digestLocation(url: string, algo: string): Promise<LocationDigest>;
}

class LocationImportFailure extends Error {}

function applyDigest(image: ImageRecord, digest: LocationDigest): void {
  image.checksum = digest.checksum;
  image.os_hash_value = digest.hash;
}

async function addLocation(env: LocationImportEnvironment, image: ImageRecord, url: string): Promise<void> {
  const size = await env.probeLocation(url);
  if (!env.images.isLive(image)) throw new LocationImportFailure(`Image ${image.id} was deleted`);
  if (size === null) throw new LocationImportFailure(`Invalid location: ${url}`);
  image.locations.push({ url, metadata: {} });
  image.size ??= size;
  env.images.touch(image);
}

async function verifyAndActivate(
  env: LocationImportEnvironment,
  image: ImageRecord,
  url: string,
  validation: Required<ValidationData>,
): Promise<void> {
  transition(image, 'importing');
  image.os_hash_algo = validation.os_hash_algo;
  env.images.touch(image);
  let digest: LocationDigest | null = null;
  try {
    digest = await env.digestLocation(url, validation.os_hash_algo);
  } catch {
    // Handled below like a mismatch: the image must not become active with unverified data.
  }
  if (!env.images.isLive(image)) throw new LocationImportFailure(`Image ${image.id} was deleted`);
  // LOCATIONS-API-HASH-MISMATCH, LOCATIONS-API-FAILED-QUEUED: unverified or mismatched data never makes the image
  // active. Glance compares the strings as sent (an upper-case digest does not match) and its revert keeps the size
  // the location gave.
  if (digest === null || digest.hash !== validation.os_hash_value) {
    const { size } = image;
    transition(image, 'queued');
    image.size = size;
    image.checksum = null;
    image.os_hash_algo = null;
    image.os_hash_value = null;
    env.images.touch(image);
    throw new LocationImportFailure(
      digest === null
        ? `Hash calculation failed for image ${image.id} data`
        : `os_hash_value: (${validation.os_hash_value}) not matched with actual os_hash_value: (${digest.hash})`,
    );
  }
  applyDigest(image, digest);
  transition(image, 'active');
  env.images.touch(image);
}

async function activateThenHash(env: LocationImportEnvironment, image: ImageRecord, url: string): Promise<void> {
  transition(image, 'active');
  image.os_hash_algo = DEFAULT_HASH_ALGO;
  env.images.touch(image);
  try {
    const digest = await env.digestLocation(url, DEFAULT_HASH_ALGO);
    if (!env.images.isLive(image)) return;
    applyDigest(image, digest);
    env.images.touch(image);
  } catch {
    // Glance only logs a warning here: the image is already active.
  }
}

/** Runs the task to its end; never throws (failures are recorded on the task). */
export async function runLocationImport(
  env: LocationImportEnvironment,
  image: ImageRecord,
  task: TaskRecord,
  url: string,
  validation: ValidationData,
): Promise<void> {
  env.tasks.start(task);
  try {
    await addLocation(env, image, url);
    if (validation.os_hash_algo !== undefined && validation.os_hash_value !== undefined) {
      await verifyAndActivate(env, image, url, {
        os_hash_algo: validation.os_hash_algo,
        os_hash_value: validation.os_hash_value,
      });
    } else {
      await activateThenHash(env, image, url);
    }
    env.tasks.succeed(task, { image_id: image.id });
  } catch (error) {
    env.tasks.fail(task, error instanceof Error ? error.message : String(error));
  } finally {
    releaseImportLock(image, task);
  }
}
