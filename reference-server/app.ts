/**
 * The request pipeline, in Glance's order: healthcheck, version negotiation,
 * authentication, then routing. Every failure becomes a webob-style error;
 * anything unexpected is logged and answered with a bare 500.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HttpError, internalError } from './errors';
import type { Exchange, Handler, ServerState } from './handlers/exchange';
import { deactivateImage, reactivateImage } from './handlers/image-actions';
import { downloadImageData, stageImageData, uploadImageData } from './handlers/image-data';
import { importImage } from './handlers/image-import';
import { addImageLocation, listImageLocations } from './handlers/image-locations';
import * as info from './handlers/info';
import * as members from './handlers/members';
import { addTag, deleteTag } from './handlers/tags';
import { createImage, deleteImage, listImages, showImage, updateImage } from './handlers/images';
import * as metadefWrites from './handlers/metadef-writes';
import * as metadefs from './handlers/metadefs';
import { showSchema } from './handlers/schemas';
import { listImageTasks, listTasks, showTask } from './handlers/tasks';
import { origin, sendError, sendJson, sendText } from './http';
import { Router } from './router';
import { apiPath, versionsDocument } from './versions';

/** Routes in the order Glance lists methods in `Allow`. */
export function buildRouter(): Router<Handler> {
  return new Router<Handler>()
    .add('GET', '/v2/images', listImages)
    .add('POST', '/v2/images', createImage)
    .add('GET', '/v2/images/:id', showImage)
    .add('PATCH', '/v2/images/:id', updateImage)
    .add('DELETE', '/v2/images/:id', deleteImage)
    .add('GET', '/v2/images/:id/file', downloadImageData)
    .add('PUT', '/v2/images/:id/file', uploadImageData)
    .add('PUT', '/v2/images/:id/stage', stageImageData)
    .add('POST', '/v2/images/:id/import', importImage)
    .add('POST', '/v2/images/:id/locations', addImageLocation)
    .add('GET', '/v2/images/:id/locations', listImageLocations)
    .add('GET', '/v2/images/:id/tasks', listImageTasks)
    .add('PUT', '/v2/images/:id/tags/:tag', addTag)
    .add('DELETE', '/v2/images/:id/tags/:tag', deleteTag)
    .add('GET', '/v2/images/:id/members', members.listMembers)
    .add('POST', '/v2/images/:id/members', members.createMember)
    .add('GET', '/v2/images/:id/members/:member', members.showMember)
    .add('PUT', '/v2/images/:id/members/:member', members.updateMember)
    .add('DELETE', '/v2/images/:id/members/:member', members.deleteMember)
    .add('GET', '/v2/tasks', listTasks)
    .add('GET', '/v2/tasks/:id', showTask)
    .add('POST', '/v2/images/:id/actions/deactivate', deactivateImage)
    .add('POST', '/v2/images/:id/actions/reactivate', reactivateImage)
    .add('GET', '/v2/info/import', info.showImportInfo)
    .add('GET', '/v2/info/stores', info.showStoresInfo)
    .add('GET', '/v2/info/stores/detail', info.showStoresInfo)
    .add('GET', '/v2/info/usage', info.showUsageInfo)
    .add('GET', '/v2/schemas/:name', showSchema)
    .add('GET', '/v2/schemas/:group/:name', showSchema)
    .add('GET', '/v2/metadefs/namespaces', metadefs.listNamespaces)
    .add('POST', '/v2/metadefs/namespaces', metadefWrites.createNamespace)
    .add('GET', '/v2/metadefs/namespaces/:namespace', metadefs.showNamespace)
    .add('PUT', '/v2/metadefs/namespaces/:namespace', metadefWrites.updateNamespace)
    .add('DELETE', '/v2/metadefs/namespaces/:namespace', metadefWrites.deleteNamespace)
    .add('GET', '/v2/metadefs/namespaces/:namespace/properties', metadefs.listProperties)
    .add('POST', '/v2/metadefs/namespaces/:namespace/properties', metadefWrites.createProperty)
    .add(
      'DELETE',
      '/v2/metadefs/namespaces/:namespace/properties',
      metadefWrites.clearNamespacePart('properties', 'remove_metadef_property'),
    )
    .add('GET', '/v2/metadefs/namespaces/:namespace/properties/:property', metadefs.showProperty)
    .add('PUT', '/v2/metadefs/namespaces/:namespace/properties/:property', metadefWrites.updateProperty)
    .add('DELETE', '/v2/metadefs/namespaces/:namespace/properties/:property', metadefWrites.deleteProperty)
    .add('GET', '/v2/metadefs/namespaces/:namespace/objects', metadefs.listObjects)
    .add('POST', '/v2/metadefs/namespaces/:namespace/objects', metadefWrites.createObject)
    .add(
      'DELETE',
      '/v2/metadefs/namespaces/:namespace/objects',
      metadefWrites.clearNamespacePart('objects', 'delete_metadef_object'),
    )
    .add('GET', '/v2/metadefs/namespaces/:namespace/objects/:object', metadefs.showObject)
    .add('PUT', '/v2/metadefs/namespaces/:namespace/objects/:object', metadefWrites.updateObject)
    .add('DELETE', '/v2/metadefs/namespaces/:namespace/objects/:object', metadefWrites.deleteObject)
    .add('GET', '/v2/metadefs/namespaces/:namespace/tags', metadefs.listTags)
    .add('POST', '/v2/metadefs/namespaces/:namespace/tags', metadefWrites.createTags)
    .add(
      'DELETE',
      '/v2/metadefs/namespaces/:namespace/tags',
      metadefWrites.clearNamespacePart('tags', 'delete_metadef_tags'),
    )
    .add('GET', '/v2/metadefs/namespaces/:namespace/tags/:tag', metadefs.showTag)
    .add('POST', '/v2/metadefs/namespaces/:namespace/tags/:tag', metadefWrites.createTag)
    .add('PUT', '/v2/metadefs/namespaces/:namespace/tags/:tag', metadefWrites.updateTag)
    .add('DELETE', '/v2/metadefs/namespaces/:namespace/tags/:tag', metadefWrites.deleteTag)
    .add('GET', '/v2/metadefs/namespaces/:namespace/resource_types', metadefs.listNamespaceResourceTypes)
    .add('POST', '/v2/metadefs/namespaces/:namespace/resource_types', metadefWrites.createAssociation)
    .add('DELETE', '/v2/metadefs/namespaces/:namespace/resource_types/:resourceType', metadefWrites.deleteAssociation)
    .add('GET', '/v2/metadefs/resource_types', metadefs.listResourceTypes);
}

async function handle(state: ServerState, router: Router<Handler>, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://reference.invalid');
  const path = url.pathname;
  if (path === '/healthcheck') return sendText(res, 200, 'OK');
  if (path === '/versions') return sendJson(res, 200, versionsDocument(origin(req)));
  if (path === '/v2') {
    res.writeHead(302, {
      Location: `${origin(req)}/v2/`,
      'Content-Type': 'text/plain; charset=utf8',
      'Content-Length': '0',
    });
    res.end();
    return;
  }
  const routed = apiPath(path);
  if (routed === null) return sendJson(res, 300, versionsDocument(origin(req)));
  const context = await state.authenticate(req);
  const { handler, params } = router.match(req.method ?? 'GET', routed);
  const exchange: Exchange = { req, res, params, query: url.searchParams, context, state };
  await handler(exchange);
}

export function requestListener(state: ServerState): RequestListener {
  const router = buildRouter();
  return (req, res) => {
    handle(state, router, req, res).catch((error: unknown) => {
      if (res.destroyed) return;
      if (error instanceof HttpError) return sendError(req, res, error);
      console.error('reference-server: unexpected error', error);
      sendError(req, res, internalError());
    });
  };
}
