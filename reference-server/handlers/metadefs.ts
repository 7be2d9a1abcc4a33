/**
 * GET /v2/metadefs/*: the lookups of the metadef catalog (namespaces, properties, objects, tags, resource
 * types). The writes are in metadef-writes.ts.
 */
import { httpError } from '../errors';
import { sendJson } from '../http';
import { associationView, objectView, propertyView, tagView, type JsonObject, type NamespaceRecord } from '../metadefs';
import type { Exchange } from './exchange';

/** Metadef documents are sent as raw UTF-8, like Glance's metadef serializer. */
export function send(exchange: Exchange, document: unknown, status = 200, headers: Record<string, string> = {}): void {
  sendJson(exchange.res, status, document, headers, false);
}

export const namespaceOf = (exchange: Exchange): NamespaceRecord =>
  exchange.state.metadefs.find(exchange.params.namespace, exchange.context);

export const links = (namespace: NamespaceRecord): JsonObject => ({
  self: `/v2/metadefs/namespaces/${namespace.namespace}`,
  schema: '/v2/schemas/metadefs/namespace',
});

function propertiesOf(namespace: NamespaceRecord): JsonObject {
  return Object.fromEntries([...namespace.properties].map(([name, record]) => [name, propertyView(record)]));
}

/** Sorted as Glance lists tags: newest first. */
const tagsOf = (namespace: NamespaceRecord): JsonObject[] =>
  [...namespace.tags].reverse().map((tag) => ({ name: tag.name }));

/** HYPERVISOR-NAMESPACE-LISTED, HYPERVISOR-LISTED-FOR-IMAGES (`?resource_types=OS::Glance::Image`). */
export function listNamespaces(exchange: Exchange): void {
  const { query, context, state } = exchange;
  const types = query.get('resource_types');
  const resourceTypes =
    types === null
      ? []
      : types
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean);
  const visibility = query.get('visibility');
  const selected = state.metadefs
    .visible(context)
    .filter(
      (namespace) =>
        (resourceTypes.length === 0 || namespace.associations.some((a) => resourceTypes.includes(a.name))) &&
        (visibility === null || namespace.visibility === visibility),
    );
  send(exchange, {
    namespaces: selected.map((namespace) => ({ ...state.metadefs.summary(namespace), ...links(namespace) })),
    schema: '/v2/schemas/metadefs/namespaces',
    first: '/v2/metadefs/namespaces',
  });
}

/**
 * HYPERVISOR-NAMESPACE-VZ. Empty properties, objects and tags are left out, as Glance does. METADEF-PREFIX:
 * `?resource_type=` names the properties, and the objects' properties and required ones, with that association's
 * prefix; a type without an association or a prefix changes nothing.
 */
export function showNamespace(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  const resourceType = exchange.query.get('resource_type');
  const prefix = namespace.associations.find((a) => a.name === resourceType)?.prefix ?? '';
  const prefixed = (record: JsonObject): JsonObject =>
    Object.fromEntries(Object.entries(record).map(([name, value]) => [prefix + name, value]));
  const properties = prefixed(propertiesOf(namespace));
  const objects = namespace.objects.map((object) => {
    const view = objectView(namespace.namespace, object, true);
    const required = (view.required as string[]).map((name) => prefix + name);
    return { ...view, required, properties: prefixed(view.properties as JsonObject) };
  });
  const tags = tagsOf(namespace);
  send(exchange, {
    ...exchange.state.metadefs.summary(namespace),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(objects.length > 0 ? { objects } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...links(namespace),
  });
}

export function listProperties(exchange: Exchange): void {
  send(exchange, { properties: propertiesOf(namespaceOf(exchange)) });
}

/**
 * HYPERVISOR-*: GET …/properties/{name}. With `?resource_type=`, the name must carry that association's
 * prefix (Glance's 404 wording names a missing prefix 'None').
 */
export function showProperty(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  const requested = exchange.params.property;
  const resourceType = exchange.query.get('resource_type');
  let key = requested;
  if (resourceType !== null) {
    const prefix = namespace.associations.find((a) => a.name === resourceType)?.prefix;
    if (prefix === undefined || !requested.startsWith(prefix)) {
      throw httpError(
        404,
        `Property ${requested} does not start with the expected resource type association prefix of ` +
          `'${prefix ?? 'None'}'.`,
      );
    }
    key = requested.slice(prefix.length);
  }
  const record = namespace.properties.get(key);
  if (!record) throw httpError(404, `Could not find property ${requested}`);
  send(exchange, propertyView(record, key));
}

export function listObjects(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  send(exchange, {
    objects: namespace.objects.map((object) => objectView(namespace.namespace, object, true)),
    schema: 'v2/schemas/metadefs/objects',
  });
}

export function showObject(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  send(exchange, objectView(namespace.namespace, findObject(namespace, exchange.params.object), true));
}

export function listNamespaceResourceTypes(exchange: Exchange): void {
  send(exchange, { resource_type_associations: namespaceOf(exchange).associations.map(associationView) });
}

export function listResourceTypes(exchange: Exchange): void {
  send(exchange, exchange.state.metadefs.resourceTypes());
}

export function listTags(exchange: Exchange): void {
  send(exchange, { tags: tagsOf(namespaceOf(exchange)) });
}

export function showTag(exchange: Exchange): void {
  send(exchange, tagView(findTag(namespaceOf(exchange), exchange.params.tag)));
}

export function findObject(namespace: NamespaceRecord, name: string) {
  const object = namespace.objects.find((candidate) => candidate.fields.name === name);
  if (!object) throw httpError(404, `Could not find metadata object ${name}`);
  return object;
}

export function findTag(namespace: NamespaceRecord, name: string) {
  const tag = namespace.tags.find((candidate) => candidate.name === name);
  if (!tag) throw httpError(404, `Could not find metadata tag ${name}`);
  return tag;
}
