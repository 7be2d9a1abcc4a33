/**
 * PATCH /v2/images/{id}: parsing both Glance patch media types and applying
 * the operations to a draft image, with Glance's checks in Glance's order.
 *
 * Parsing (`parsePatch`) is pure and runs before the image is looked up, as
 * Glance's request deserializer does. Applying (`applyPatch`) mutates a draft
 * the caller commits only if every operation succeeds.
 */
import type { RequestContext } from './auth';
import { httpError, httpErrorWithDetail, unsupportedMediaType, type HttpError } from './errors';
import { pythonRepr } from './python-format';
import { transition } from './status';
import { memoryUrl, type ImageLocation, type ImageRecord } from './store';
import type { ImageValidator } from './validation';

export const PATCH_V20 = 'application/openstack-images-v2.0-json-patch';
export const PATCH_V21 = 'application/openstack-images-v2.1-json-patch';
export const ACCEPT_PATCH = `${PATCH_V20}, ${PATCH_V21}`;

export type PatchVerb = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchVerb;
  /** Decoded JSON pointer, e.g. ['locations', '0']. */
  path: string[];
  value?: unknown;
  /** Sent with the v2.0 (draft 4) media type, where add never overwrites. */
  draft4: boolean;
}

const VERBS: readonly PatchVerb[] = ['add', 'remove', 'replace'];

/** Glance's `_readonly_properties`: `stores` is refused on create only; a PATCH finds no such property (409). */
const READ_ONLY = new Set([
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
]);
const RESERVED = new Set(['location', 'deleted', 'deleted_at']);
const RESERVED_PREFIX = 'os_glance_';

/** Attributes of Glance's image domain object that PATCH may set (others are extra properties). */
const SETTABLE = new Set([
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'min_ram',
  'min_disk',
  'owner',
  'disk_format',
  'container_format',
  'tags',
]);

/** How deep each verb may point into `locations`; every other path is one level. */
const LOCATION_DEPTH: Record<PatchVerb, number> = { add: 2, remove: 2, replace: 1 };

/** Rejects anything but Glance's two patch media types (checked before the body is read). */
export function checkPatchMediaType(mediaType: string): HttpError | null {
  if (mediaType === PATCH_V20 || mediaType === PATCH_V21) return null;
  return unsupportedMediaType(mediaType, { 'Accept-Patch': ACCEPT_PATCH });
}

/** Glance's words for a pointer it refuses. */
function pointerMessage(pointer: unknown, why: string): string {
  return `Pointer \`${typeof pointer === 'string' ? pointer : pythonRepr(pointer)}\` ${why}`;
}

/**
 * PATCH-POINTER-ESCAPES, PATCH-POINTER-MALFORMED-400: RFC 6901 `~0`/`~1` decoding (`~1` first), Glance's pointer
 * errors. A pointer of more tokens than its operation allows is refused later, by `checkPath`.
 */
function decodePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) {
    throw httpError(400, pointerMessage(pointer, 'does not start with "/".'));
  }
  if (/\/\s*?\//.test(pointer.slice(1))) throw httpError(400, pointerMessage(pointer, 'contains adjacent "/".'));
  if (pointer.length > 1 && pointer.endsWith('/')) throw httpError(400, pointerMessage(pointer, 'end with "/".'));
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) {
    throw httpError(400, pointerMessage(pointer, 'contains "~" not part of a recognized escape sequence.'));
  }
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

/** PATCH-DOCUMENT-MALFORMED-400: exactly one operation member (v2.0), or an `op` Glance offers (v2.1). */
function verbOf(raw: Record<string, unknown>, draft4: boolean): PatchVerb {
  if (draft4) {
    const present = VERBS.filter((verb) => verb in raw);
    if (present.length !== 1) {
      throw httpError(
        400,
        `Operation objects must contain ${present.length ? 'only' : 'exactly'} one member named "add", "remove", ` +
          'or "replace".',
      );
    }
    return present[0];
  }
  if (!VERBS.includes(raw.op as PatchVerb)) {
    const available = VERBS.join(', ');
    throw httpError(
      400,
      raw.op === undefined || raw.op === null
        ? `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`
        : `Invalid operation: \`${String(raw.op)}\`. It must be one of the following: ${available}.`,
    );
  }
  return raw.op as PatchVerb;
}

function checkPath(op: PatchVerb, path: string[]): void {
  const root = path[0];
  const allowedDepth = root === 'locations' ? LOCATION_DEPTH[op] : 1;
  if (path.length !== allowedDepth) {
    throw httpError(400, `Invalid JSON pointer for this resource: '/${path.join('/')}'`);
  }
  if (READ_ONLY.has(root)) throw httpError(403, `Attribute '${root}' is read-only.`);
  if (RESERVED.has(root) || root.startsWith(RESERVED_PREFIX)) throw httpError(403, `Attribute '${root}' is reserved.`);
  if (root.length > 255) throw httpError(400, 'Custom property should not be greater than 255 characters.');
}

function parseOperation(raw: unknown, draft4: boolean, validate: ImageValidator): PatchOperation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw httpError(400, 'Operations must be JSON objects.');
  }
  const change = raw as Record<string, unknown>;
  const op = verbOf(change, draft4);
  if (!draft4 && !('path' in change)) throw httpError(400, "Unable to find 'path' in JSON Schema change");
  const path = decodePointer(draft4 ? change[op] : change.path);
  if (op !== 'remove' && !('value' in change)) {
    throw httpError(400, `Operation "${op}" requires a member named "value".`);
  }
  checkPath(op, path);
  if (op === 'remove') return { op, path, draft4 };
  // Glance validates the value as a one-property image; a deeper path means one array element.
  validate({ [path[0]]: path.length === 1 ? change.value : [change.value] });
  return { op, path, value: change.value, draft4 };
}

/** Parses and validates a patch document sent with `mediaType` (already accepted). */
export function parsePatch(mediaType: string, body: unknown, validate: ImageValidator): PatchOperation[] {
  if (!Array.isArray(body)) throw httpError(400, 'Request body must be a JSON array of operation objects.');
  return body.map((raw) => parseOperation(raw, mediaType === PATCH_V20, validate));
}

// --- applying ---------------------------------------------------------------

/** What applying a patch needs besides the image. */
export interface PatchEnvironment {
  context: RequestContext;
  showMultipleLocations: boolean;
  /** Size of the data behind an external location URL, or null when it is not usable. */
  probeLocation(url: string): Promise<number | null>;
}

const locationsVerb: Record<PatchVerb, string> = { add: 'add', remove: 'remove', replace: 'update' };

/** LOC-HIDDEN-403 */
function checkLocationsVisible(op: PatchVerb, env: PatchEnvironment): void {
  if (!env.showMultipleLocations) {
    throw httpError(403, `It's not allowed to ${locationsVerb[op]} locations if locations are invisible.`);
  }
}

/**
 * LOC-REMOVE-QUEUED-409, LOC-REMOVE-SAVING-409, LOC-REMOVE-UPLOADING-409, LOC-REMOVE-DEACTIVATED-409,
 * LOC-REPLACE-SAVING-409, LOC-REPLACE-UPLOADING-409, LOC-REPLACE-DEACTIVATED-409, LOC-ADD-DEACTIVATED-409.
 */
function checkLocationsStatus(op: PatchVerb, image: ImageRecord): void {
  const allowed = op === 'remove' ? ['active'] : ['active', 'queued'];
  if (!allowed.includes(image.status)) {
    throw httpError(409, `It's not allowed to ${op} locations if image status is ${image.status}.`);
  }
}

/** LOC-ADD-DUPLICATE-400: duplicate first, then usability (scheme + HEAD); returns the size behind the URL. */
async function checkNewLocation(url: string, existing: ImageLocation[], env: PatchEnvironment): Promise<number> {
  if (existing.some((location) => location.url === url)) {
    throw httpError(400, `The location ${url} already exists`);
  }
  const size = await env.probeLocation(url);
  if (size === null) throw httpError(400, 'Invalid location');
  return size;
}

type ValidationKey = 'checksum' | 'os_hash_algo' | 'os_hash_value';
type ValidationData = Partial<Record<ValidationKey, string>>;
interface LocationValue extends ImageLocation {
  validation_data?: ValidationData;
}

/** Glance's `hashing_algorithm` default, the only os_hash_algo a location's validation data may bring, and its size. */
const HASH_ALGO = 'sha512';
const HASH_BYTES = 64;
/** Python's `bytearray.fromhex` as Glance uses it: the byte count of an even run of hex digits, null otherwise. */
const hexBytes = (text: string): number | null => (/^(?:[0-9a-fA-F]{2})*$/.test(text) ? text.length / 2 : null);

/**
 * LOC-ADD-VALIDATION-DATA-SET, LOC-ADD-VALIDATION-DATA-MATCH-409, LOC-ADD-VALIDATION-DATA-INVALID-409 — Glance's
 * `_validate_validation_data`: the checksum and hashes the new locations vouch for. Values equal to the image's
 * are fine; new ones only on a queued image, well-formed, with Glance's hashing algorithm — else 409.
 */
function validationData(image: ImageRecord, locations: LocationValue[]): ValidationData {
  const given: ValidationData = {};
  for (const location of locations) {
    for (const [key, value] of Object.entries(location.validation_data ?? {}) as Array<[ValidationKey, string]>) {
      if (given[key] !== undefined && given[key] !== value) throw httpError(409, `Conflicting values for ${key}`);
      given[key] = value;
    }
  }
  const fresh: ValidationData = {};
  for (const [key, value] of Object.entries(given) as Array<[ValidationKey, string]>) {
    if (value === image[key]) continue;
    if (image[key]) throw httpError(409, `${key} is already set with a different value`);
    fresh[key] = value;
  }
  const keys = Object.keys(fresh);
  if (keys.length === 0) return {};
  if (image.status !== 'queued') {
    throw httpError(409, `New value(s) for ${keys.join(', ')} may only be provided when image status is 'queued'`);
  }
  const { checksum, os_hash_algo: algo } = fresh;
  // The image schema holds a checksum to 32 characters: hex ones are always md5's 16 bytes.
  if (checksum !== undefined && hexBytes(checksum) !== 16) {
    throw httpError(409, `checksum (${checksum}) is not a valid hexadecimal value`);
  }
  if (algo !== HASH_ALGO) throw httpError(409, `os_hash_algo must be ${HASH_ALGO}, not ${algo ?? 'None'}`);
  // The schema requires os_hash_value beside os_hash_algo, and a queued image has neither: both are fresh here.
  const value = fresh.os_hash_value!;
  if (hexBytes(value) !== HASH_BYTES) {
    throw httpError(
      409,
      hexBytes(value) === null
        ? `os_hash_value (${value}) is not a valid hexadecimal value`
        : `os_hash_value (${value}) is not the correct size for ${algo} (should be ${HASH_BYTES} bytes)`,
    );
  }
  return fresh;
}

/**
 * LOC-REPLACE-QUEUED-ACTIVATES: adding data to a queued image makes it active, sized by the new location, with
 * the checksum and hashes its validation data vouched for.
 */
function activateIfQueued(image: ImageRecord, size: number, validation: ValidationData = {}): void {
  if (image.status !== 'queued') return;
  Object.assign(image, validation);
  transition(image, 'active');
  image.size = size;
}

async function replaceLocations(image: ImageRecord, value: LocationValue[], env: PatchEnvironment): Promise<void> {
  // LOC-REPLACE-EMPTY-403
  if (value.length === 0) throw httpErrorWithDetail(403, 'Cannot set locations to empty list.');
  checkLocationsVisible('replace', env);
  checkLocationsStatus('replace', image);
  const validation = validationData(image, value);
  // LOC-REPLACE-ACTIVE-OTHER-URLS-400: an image with locations keeps its URL set.
  if (image.locations.length > 0) {
    const sorted = (locations: ImageLocation[]): string => JSON.stringify(locations.map((l) => l.url).sort());
    if (sorted(value) !== sorted(image.locations)) {
      throw httpError(400, `Original locations is not empty: ${pythonRepr(image.locations)}`);
    }
    // Same URLs: only metadata (and order) change, nothing to re-check.
    image.locations = value.map(({ url, metadata }) => ({ url, metadata }));
    return;
  }
  const accepted: ImageLocation[] = [];
  const sizes: number[] = [];
  for (const { url, metadata } of value) {
    sizes.push(await checkNewLocation(url, accepted, env));
    accepted.push({ url, metadata });
  }
  image.locations = accepted;
  activateIfQueued(image, sizes[0], validation);
}

/** An RFC 6901 §4 array index: "0" or digits without a leading zero; null for anything else. */
function arrayIndex(token: string): number | null {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : null;
}

async function addLocation(
  image: ImageRecord,
  position: string,
  value: LocationValue,
  env: PatchEnvironment,
): Promise<void> {
  checkLocationsVisible('add', env);
  checkLocationsStatus('add', image);
  const validation = validationData(image, [value]);
  // LOC-INDEX-LEADING-ZERO-400, LOC-ADD-INDEX-PAST-END-400: an RFC 6901 index no greater than the
  // list's length, or '-' (Glance accepts leading zeros and appends past the end: DEVIATIONS.md).
  const index = position === '-' ? image.locations.length : arrayIndex(position);
  if (index === null || index > image.locations.length) {
    throw httpError(400, 'Invalid position for adding a location.');
  }
  const size = await checkNewLocation(value.url, image.locations, env);
  // LOC-ADD-INDEX-INSERTS: a numeric position inserts there (RFC 6902 §4.1).
  image.locations.splice(index, 0, { url: value.url, metadata: value.metadata });
  activateIfQueued(image, size, validation);
}

function removeLocation(image: ImageRecord, position: string, env: PatchEnvironment): void {
  checkLocationsVisible('remove', env);
  checkLocationsStatus('remove', image);
  // LOC-REMOVE-LAST-403
  if (image.locations.length === 1) throw httpErrorWithDetail(403, 'Cannot remove last location in the image.');
  // LOC-REMOVE-DASH-400, LOC-REMOVE-INDEX-MISSING-400, LOC-INDEX-LEADING-ZERO-400: an existing
  // element named by an RFC 6901 index; '-' names none (Glance removes the last: DEVIATIONS.md).
  const index = arrayIndex(position);
  if (index === null || index >= image.locations.length) {
    throw httpError(400, 'Invalid position for removing a location.');
  }
  const [removed] = image.locations.splice(index, 1);
  // Glance's store deletes the bytes behind a removed location.
  if (removed.url === memoryUrl(image.id)) image.data = null;
}

function setAttribute(image: ImageRecord, name: string, value: unknown, context: RequestContext): void {
  if ((name === 'disk_format' || name === 'container_format') && image.status !== 'queued') {
    throw httpError(403, `Attribute ${name} can be only replaced for a queued image.`);
  }
  if (name === 'visibility' && value === 'public' && !context.isAdmin) {
    throw httpError(403, 'You are not authorized to complete publicize_image action.');
  }
  if (name === 'tags') image.tags = [...new Set(value as string[])];
  else Object.assign(image, { [name]: value });
}

async function applyOperation(image: ImageRecord, operation: PatchOperation, env: PatchEnvironment): Promise<void> {
  const { op, path, value } = operation;
  const root = path[0];
  if (root === 'locations') {
    if (op === 'replace') return replaceLocations(image, value as LocationValue[], env);
    if (op === 'add') return addLocation(image, path[1], value as LocationValue, env);
    return removeLocation(image, path[1], env);
  }
  const isAttribute = SETTABLE.has(root);
  const isExtra = Object.hasOwn(image.extra, root);
  if (op === 'remove') {
    if (isAttribute) throw httpErrorWithDetail(403, `Property ${root} may not be removed.`);
    if (!isExtra) throw httpErrorWithDetail(409, `Property ${root} does not exist.`);
    delete image.extra[root];
    return;
  }
  if (op === 'add' && operation.draft4 && (isAttribute || isExtra)) {
    throw httpErrorWithDetail(409, `Property ${root} already present.`);
  }
  if (isAttribute) return setAttribute(image, root, value, env.context);
  if (op === 'replace' && !isExtra) throw httpErrorWithDetail(409, `Property ${root} does not exist.`);
  image.extra[root] = value as string;
}

/** Applies `operations` in order to `draft`; throws the first failure's HttpError. */
export async function applyPatch(
  draft: ImageRecord,
  operations: PatchOperation[],
  env: PatchEnvironment,
): Promise<void> {
  for (const operation of operations) await applyOperation(draft, operation, env);
}

/** A deep-enough copy of an image for applyPatch to modify (the bytes are shared, never mutated). */
export function draftOf(image: ImageRecord): ImageRecord {
  return {
    ...image,
    tags: [...image.tags],
    extra: { ...image.extra },
    locations: image.locations.map(({ url, metadata }) => ({ url, metadata: structuredClone(metadata) })),
  };
}
