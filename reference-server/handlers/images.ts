/** /v2/images and /v2/images/{id}: create, list, show, update, delete. */
import { randomUUID } from 'node:crypto';
import { forbiddenUnlessOwner, type RequestContext } from '../auth';
import { httpError } from '../errors';
import { mediaType, origin, readJson, sendJson, sendNoContent } from '../http';
import { parseImageQuery } from '../image-query';
import { imageView } from '../image-view';
import { applyPatch, checkPatchMediaType, draftOf, parsePatch } from '../patch';
import { pythonRepr } from '../python-format';
import { canSee, type Visibility } from '../store';
import type { Exchange } from './exchange';

/** Clients may not send these at all (Glance's request deserializer). */
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];
/** Glance's image factory refuses these as read-only… */
const READ_ONLY = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
];
/** …and these as reserved. */
const RESERVED = ['owner', 'locations', 'deleted', 'deleted_at'];

const BASE_KEYS = [
  'id',
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
];

const PATCH_ATTEMPTS = 3;

function readOnlyError(key: string) {
  return httpError(403, `Attribute '${key}' is read-only.`);
}

function checkCreateBody(body: Record<string, unknown>, exchange: Exchange): void {
  const disallowed = DISALLOWED.find((key) => key in body);
  if (disallowed) throw readOnlyError(disallowed);
  exchange.state.validateImage(body);
  const readOnly = READ_ONLY.find((key) => key in body);
  if (readOnly) throw readOnlyError(readOnly);
  const extraKeys = Object.keys(body).filter((key) => !BASE_KEYS.includes(key));
  const reserved = extraKeys.find((key) => RESERVED.includes(key) || key.startsWith('os_glance_'));
  if (reserved) throw httpError(403, `Attribute '${reserved}' is reserved.`);
  if (extraKeys.some((key) => key.length > 255)) {
    throw httpError(400, 'Custom property should not be greater than 255 characters.');
  }
}

function ownerFor(body: Record<string, unknown>, context: RequestContext): string | null {
  if (!('owner' in body)) return context.project;
  const owner = body.owner as string | null;
  if (!context.isAdmin && owner !== context.project) {
    throw httpError(403, `You are not permitted to create images owned by '${owner}'.`);
  }
  return owner;
}

export async function createImage(exchange: Exchange): Promise<void> {
  const { req, res, context, state } = exchange;
  const body = await readJson(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw httpError(400, `Provided object does not match schema 'image': ${pythonRepr(body)} is not of type 'object'`);
  }
  const fields = body as Record<string, unknown>;
  checkCreateBody(fields, exchange);
  const visibility = (fields.visibility as Visibility | undefined) ?? 'shared';
  if (visibility === 'public' && !context.isAdmin) {
    throw httpError(403, 'You are not authorized to complete publicize_image action.');
  }
  const extra: Record<string, string> = {};
  for (const key of Object.keys(fields).filter((k) => !BASE_KEYS.includes(k))) extra[key] = fields[key] as string;
  const now = new Date();
  const image = state.store.add({
    id: ((fields.id as string | undefined) ?? randomUUID()).toLowerCase(),
    name: (fields.name as string | null | undefined) ?? null,
    disk_format: (fields.disk_format as string | null | undefined) ?? null,
    container_format: (fields.container_format as string | null | undefined) ?? null,
    visibility,
    protected: (fields.protected as boolean | undefined) ?? false,
    os_hidden: (fields.os_hidden as boolean | undefined) ?? false,
    min_ram: (fields.min_ram as number | undefined) ?? 0,
    min_disk: (fields.min_disk as number | undefined) ?? 0,
    owner: ownerFor(fields, context),
    status: 'queued',
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    created_at: now,
    updated_at: now,
    tags: [...new Set((fields.tags as string[] | undefined) ?? [])],
    extra,
    locations: [],
    members: [],
    data: null,
    staged: null,
  });
  sendJson(res, 201, imageView(image, state.options.show_multiple_locations), {
    Location: `${origin(req)}/v2/images/${image.id}`,
    'OpenStack-image-import-methods': 'glance-direct,web-download',
  });
}

/** Glance's `dict(request.params)`: one value per name, the last one. */
function singleValued(query: URLSearchParams, marker?: string): string {
  const params = new URLSearchParams([...new Map(query)]);
  params.delete('marker');
  if (marker !== undefined) params.set('marker', marker);
  return params.toString();
}

export function listImages(exchange: Exchange): void {
  const { res, query, context, state } = exchange;
  const { filters, compare, limit, marker } = parseImageQuery(query, context);
  const visible = state.store.visible(context);
  let images = visible.filter((image) => filters.every((keep) => keep(image))).sort(compare);
  if (marker !== null) {
    // Keyset paging, as Glance's database does: whatever sorts after the marker image, listed or not.
    const from = visible.find((image) => image.id === marker.toLowerCase());
    if (!from) throw httpError(400, `No image found with ID ${marker}`);
    images = images.filter((image) => compare(image, from) > 0);
  }
  const page = images.slice(0, limit);
  const first = singleValued(query);
  const body: Record<string, unknown> = {
    images: page.map((image) => imageView(image, state.options.show_multiple_locations)),
    first: first ? `/v2/images?${first}` : '/v2/images',
    schema: '/v2/schemas/images',
  };
  if (page.length > 0 && page.length === limit)
    body.next = `/v2/images?${singleValued(query, page[page.length - 1].id)}`;
  sendJson(res, 200, body, {}, false);
}

export function showImage(exchange: Exchange): void {
  const { res, params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  sendJson(res, 200, imageView(image, state.options.show_multiple_locations));
}

export function deleteImage(exchange: Exchange): void {
  const { res, params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  forbiddenUnlessOwner(context, image.owner);
  state.store.delete(image);
  sendNoContent(res);
}

export async function updateImage(exchange: Exchange): Promise<void> {
  const { req, res, params, context, state } = exchange;
  const type = mediaType(req);
  const mediaError = checkPatchMediaType(type);
  if (mediaError) throw mediaError;
  const operations = parsePatch(type, await readJson(req), state.validateImage);
  const environment = {
    context,
    showMultipleLocations: state.options.show_multiple_locations,
    probeLocation: state.probeLocation,
  };
  // Location checks await HEAD requests; if the image changed meanwhile, start over on the new state.
  for (let attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
    const image = state.store.get(params.id, context);
    forbiddenUnlessOwner(context, image.owner);
    const revision = image.revision;
    const draft = draftOf(image);
    await applyPatch(draft, operations, environment);
    if (state.store.isLive(image) && image.revision === revision && canSee(image, context)) {
      state.store.commit(image, draft);
      sendJson(res, 200, imageView(image, state.options.show_multiple_locations));
      return;
    }
  }
  throw httpError(409, 'The image kept changing while the patch was applied; retry the request.');
}
