/** GET /v2/metadefs/*: read-only views of the loaded catalog (request bodies are ignored). */
import { sendJson } from '../http';
import type { Exchange } from './exchange';

/** Metadef documents are sent as raw UTF-8, like Glance's metadef serializer. */
function send(exchange: Exchange, document: unknown): void {
  sendJson(exchange.res, 200, document, {}, false);
}

export function listNamespaces(exchange: Exchange): void {
  const types = exchange.query.get('resource_types');
  const resourceTypes = types === null ? [] : types.split(',').map((type) => type.trim()).filter(Boolean);
  send(exchange, exchange.state.metadefs.list(resourceTypes, exchange.query.get('visibility')));
}

export function showNamespace(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.show(exchange.params.namespace));
}

export function listProperties(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.properties(exchange.params.namespace));
}

export function showProperty(exchange: Exchange): void {
  const { namespace, property } = exchange.params;
  send(exchange, exchange.state.metadefs.property(namespace, property, exchange.query.get('resource_type')));
}

export function listObjects(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.objects(exchange.params.namespace));
}

export function listNamespaceResourceTypes(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.namespaceResourceTypes(exchange.params.namespace));
}

export function listResourceTypes(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.resourceTypes());
}
