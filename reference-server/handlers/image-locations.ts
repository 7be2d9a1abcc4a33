/** API 2.17: POST and GET /v2/images/{id}/locations, Glance 29.0.0+'s service-facing location API. */
import { httpError } from '../errors';
import { readJson, sendEmptyAccepted, sendJson } from '../http';
import { acquireImportLock } from '../import-lock';
import { runLocationImport, DEFAULT_HASH_ALGO, type ValidationData } from '../location-import';
import { digestLocation, HASH_DIGEST_BYTES } from '../locations';
import { enforce } from '../policy';
import { documentValidator } from '../validation';
import type { Exchange } from './exchange';

/** Glance's `location` schema (`get_add_location_properties`); `dependencies` stands for `dependentRequired`. */
const validateAddLocation = documentValidator('location', {
  type: 'object',
  properties: {
    url: { type: 'string' },
    validation_data: {
      type: 'object',
      additionalProperties: false,
      properties: {
        os_hash_algo: { type: 'string', maxLength: 64, enum: Object.keys(HASH_DIGEST_BYTES) },
        os_hash_value: { type: 'string', maxLength: 128 },
      },
      dependencies: { os_hash_value: ['os_hash_algo'], os_hash_algo: ['os_hash_value'] },
    },
  },
  required: ['url'],
});

/** Python's bytes.fromhex: pairs of hex digits, whitespace allowed between pairs. */
const HEX_PAIRS = /^(?:\s*[0-9a-fA-F]{2})*\s*$/;

/** `_validate_hashing_data`: a hex value of the algorithm's digest size. */
function checkHashingData(validation: ValidationData): void {
  const value = validation.os_hash_value;
  if (value === undefined) return;
  if (!HEX_PAIRS.test(value)) throw httpError(400, `os_hash_value (${value}) is not a valid hexadecimal value`);
  const algo = validation.os_hash_algo ?? DEFAULT_HASH_ALGO;
  const want = HASH_DIGEST_BYTES[algo];
  if (value.replace(/\s/g, '').length / 2 !== want) {
    throw httpError(400, `os_hash_value: (${value}) is not the correct size for (${algo}) (should be (${want}) bytes)`);
  }
}

/**
 * LOCATIONS-API-*: the checks in Glance's order — body schema (400), image (404), status other than
 * queued (409), policy `add_image_location` (403), a caller without the service role limited to the
 * http store (403), validation data (400), import lock (409); then 202 and the task runs on its own.
 */
export async function addImageLocation(exchange: Exchange): Promise<void> {
  const { req, res, params, context, state } = exchange;
  const body = await readJson(req);
  validateAddLocation(body); // LOCATIONS-API-ADD-INVALID-400
  const { url, validation_data: validation = {} } = body as { url: string; validation_data?: ValidationData };
  const image = state.store.get(params.id, context);
  if (image.status !== 'queued') {
    // LOCATIONS-API-ADD-NOT-QUEUED-409
    throw httpError(409, `It's not allowed to add locations if image status is ${image.status}.`);
  }
  enforce(context, 'add_image_location', image);
  if (context.authenticated && !context.roles.includes('service') && !/^https?:\/\//.test(url)) {
    throw httpError(403, 'http store must be enabled to use location API by normal user.');
  }
  checkHashingData(validation); // LOCATIONS-API-ADD-INVALID-400
  const task = state.tasks.create(
    'location_import',
    { image_id: image.id, loc_url: url, validation_data: validation },
    context,
    image.id,
  );
  acquireImportLock(image, task, state.tasks);
  state.store.touch(image);
  sendEmptyAccepted(res); // LOCATIONS-API-ADD-QUEUED-202
  const environment = { images: state.store, tasks: state.tasks, probeLocation: state.probeLocation, digestLocation };
  void runLocationImport(environment, image, task, url, validation);
}

/** LOCATIONS-API-GET: a bare array of `{url, metadata}`; policy `fetch_image_location` (service role). */
export function listImageLocations(exchange: Exchange): void {
  const { res, params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  enforce(context, 'fetch_image_location', image);
  sendJson(
    res,
    200,
    image.locations.map(({ url, metadata }) => ({ url, metadata })),
  );
}
