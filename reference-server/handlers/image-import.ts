/** POST /v2/images/{id}/import: interoperable import, with Glance 25.1's checks in its order. */
import { forbiddenUnlessOwner } from '../auth';
import { httpError } from '../errors';
import { readJson, sendEmptyAccepted } from '../http';
import { runImageImport, type ImportSource } from '../image-import';
import { acquireImportLock } from '../import-lock';
import type { ImageRecord } from '../store';
import type { Exchange } from './exchange';
import { IMPORT_METHODS } from './info';

type ImportMethod = (typeof IMPORT_METHODS)[number];

interface ImportRequest {
  body: Record<string, unknown>;
  method: ImportMethod;
  uri: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `_validate_import_body`; where Glance answers 500 (a method that is not an object), a 400. */
function parseImportRequest(body: unknown): ImportRequest {
  if (!isObject(body) || !('method' in body)) throw httpError(400, "Import request requires a 'method' field.");
  const method = body.method;
  if (!isObject(method) || !('name' in method)) throw httpError(400, "Import request requires a 'name' field.");
  if (!(IMPORT_METHODS as readonly unknown[]).includes(method.name)) {
    throw httpError(400, `Unknown import method name '${String(method.name)}'.`);
  }
  for (const flag of ['all_stores_must_succeed', 'all_stores']) {
    if (flag in body && typeof body[flag] !== 'boolean') throw httpError(400, `'${flag}' must be boolean value only`);
  }
  return { body, method: method.name as ImportMethod, uri: method.uri };
}

function checkTarget(image: ImageRecord, method: ImportMethod): void {
  if (image.status === 'active') throw httpError(409, 'Image with status active cannot be target for import');
  if (method === 'web-download' && image.status !== 'queued') {
    throw httpError(409, "Image needs to be in 'queued' state to use 'web-download' method");
  }
  if (method === 'glance-direct' && image.status !== 'uploading') {
    throw httpError(409, "Image needs to be staged before 'glance-direct' method can be used");
  }
  if (!image.container_format) throw httpError(409, "'container_format' needs to be set before import");
  if (!image.disk_format) throw httpError(409, "'disk_format' needs to be set before import");
}

/** Glance's `validate_import_uri` with upstream defaults: http or https, any host (DEVIATIONS.md I2). */
function importSource(request: ImportRequest): ImportSource {
  if (request.method === 'glance-direct') return { method: 'glance-direct' };
  const uri = request.uri;
  const text = uri === undefined || uri === null ? 'None' : String(uri);
  let parsed: URL | null;
  try {
    parsed = typeof uri === 'string' ? new URL(uri) : null;
  } catch {
    parsed = null;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw httpError(400, `URI for web-download does not pass filtering: ${text}`);
  }
  return { method: 'web-download', uri: parsed.href };
}

export async function importImage(exchange: Exchange): Promise<void> {
  const { req, res, params, context, state } = exchange;
  const request = parseImportRequest(await readJson(req));
  const image = state.store.get(params.id, context);
  checkTarget(image, request.method);
  forbiddenUnlessOwner(context, image.owner);
  if (request.body.all_stores_must_succeed === false) {
    throw httpError(400, `All_stores_must_succeed can only be set with enabled_backends ${String(request.uri)}`);
  }
  const source = importSource(request);
  const task = state.tasks.create(
    'api_image_import',
    { image_id: image.id, import_req: request.body, backend: [null] },
    context,
    image.id,
  );
  acquireImportLock(image, task, state.tasks);
  state.store.touch(image);
  sendEmptyAccepted(res);
  void runImageImport({ images: state.store, tasks: state.tasks }, image, task, source);
}
