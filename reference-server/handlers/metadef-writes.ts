/**
 * POST, PUT and DELETE under /v2/metadefs: the write API Tempest and the clients use (namespaces, objects,
 * properties, tags, resource type associations). Writes follow Zed's default policy: admins only.
 */
import { httpError } from '../errors';
import { origin, readJson, sendNoContent } from '../http';
import { associationView, objectView, propertyView, tagView, type JsonObject, type NamespaceRecord } from '../metadefs';
import { policyRefusal } from '../policy';
import { documentValidator } from '../validation';
import type { Exchange } from './exchange';
import { findObject, findTag, links, namespaceOf, send } from './metadefs';

/** Zed's metadef write rules are `role:admin`. */
function admin(exchange: Exchange, rule: string): void {
  if (!exchange.context.isAdmin) throw policyRefusal(rule);
}

const validateNamespace = documentValidator('namespace', {
  type: 'object',
  properties: {
    namespace: { type: 'string', maxLength: 80 },
    display_name: { type: 'string', maxLength: 80 },
    description: { type: 'string', maxLength: 500 },
    visibility: { type: 'string', enum: ['public', 'private'] },
    protected: { type: 'boolean' },
    owner: { type: 'string', maxLength: 255 },
  },
  required: ['namespace'],
});

const validateNamed = (schema: string) =>
  documentValidator(schema, {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 255 } },
    required: ['name'],
  });
const validateObject = validateNamed('object');
const validateProperty = validateNamed('property');
const validateTag = validateNamed('tag');
const validateAssociation = validateNamed('resource_type_association');

async function body(exchange: Exchange, validate: (document: unknown) => void): Promise<JsonObject> {
  const document = await readJson(exchange.req);
  validate(document);
  return document as JsonObject;
}

function touch(namespace: NamespaceRecord): void {
  namespace.updated_at = new Date();
}

/** What a create or update sets: the fields sent; display name and description vanish when left out. */
function namespaceFields(fields: JsonObject) {
  return {
    display_name: fields.display_name as string | undefined,
    description: fields.description as string | undefined,
    visibility: (fields.visibility as string | undefined) ?? 'private',
    protected: (fields.protected as boolean | undefined) ?? false,
  };
}

export async function createNamespace(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateNamespace);
  admin(exchange, 'add_metadef_namespace');
  const now = new Date();
  const associations = (Array.isArray(fields.resource_type_associations) ? fields.resource_type_associations : [])
    .filter((a): a is JsonObject => typeof a === 'object' && a !== null && !Array.isArray(a))
    .map((a) => ({
      ...(a as { name: string; prefix?: string; properties_target?: string }),
      created_at: now,
      updated_at: now,
    }));
  const namespace: NamespaceRecord = {
    namespace: fields.namespace as string,
    ...namespaceFields(fields),
    owner: (fields.owner as string | undefined) ?? exchange.context.project,
    created_at: now,
    updated_at: now,
    associations,
    properties: new Map(),
    objects: [],
    tags: [],
  };
  exchange.state.metadefs.add(namespace);
  for (const association of associations) exchange.state.metadefs.noteResourceType(association.name);
  // The create answer echoes the associations as sent, without timestamps.
  const summary = exchange.state.metadefs.summary(namespace, fields.resource_type_associations ?? []);
  // Glance names the new namespace in Location, as it does a new image.
  const location = `${origin(exchange.req)}/v2/metadefs/namespaces/${namespace.namespace}`;
  send(exchange, { ...summary, ...links(namespace) }, 201, { Location: location });
}

/** PUT: the namespace as sent (a new name renames it); the answer leaves the associations out, as Glance. */
export async function updateNamespace(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateNamespace);
  const namespace = namespaceOf(exchange);
  admin(exchange, 'modify_metadef_namespace');
  exchange.state.metadefs.rename(namespace, fields.namespace as string);
  Object.assign(namespace, namespaceFields(fields));
  touch(namespace);
  const { resource_type_associations: _, ...summary } = exchange.state.metadefs.summary(namespace);
  send(exchange, { ...summary, ...links(namespace) });
}

export function deleteNamespace(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  admin(exchange, 'delete_metadef_namespace');
  exchange.state.metadefs.remove(namespace);
  sendNoContent(exchange.res);
}

/** DELETE …/objects, …/properties, …/tags: empty one part of the namespace. */
export function clearNamespacePart(part: 'objects' | 'properties' | 'tags', rule: string) {
  return (exchange: Exchange): void => {
    const namespace = namespaceOf(exchange);
    admin(exchange, rule);
    if (namespace.protected) {
      throw httpError(403, `Metadata definition namespace ${namespace.namespace} is protected and cannot be deleted.`);
    }
    if (part === 'properties') namespace.properties.clear();
    else namespace[part].splice(0);
    touch(namespace);
    sendNoContent(exchange.res);
  };
}

function uniqueObjectName(namespace: NamespaceRecord, name: string, except?: unknown): void {
  if (namespace.objects.some((object) => object.fields.name === name && object !== except)) {
    throw httpError(
      409,
      `A metadata definition object with name=${name} already exists in namespace=${namespace.namespace}.`,
    );
  }
}

export async function createObject(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateObject);
  const namespace = namespaceOf(exchange);
  admin(exchange, 'add_metadef_object');
  uniqueObjectName(namespace, fields.name as string);
  const now = new Date();
  const object = { fields, created_at: now, updated_at: now };
  namespace.objects.push(object);
  send(exchange, objectView(namespace.namespace, object, false), 201);
}

export async function updateObject(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateObject);
  const namespace = namespaceOf(exchange);
  const object = findObject(namespace, exchange.params.object);
  admin(exchange, 'modify_metadef_object');
  uniqueObjectName(namespace, fields.name as string, object);
  object.fields = fields;
  object.updated_at = new Date();
  send(exchange, objectView(namespace.namespace, object, false));
}

export function deleteObject(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  const object = findObject(namespace, exchange.params.object);
  admin(exchange, 'delete_metadef_object');
  namespace.objects.splice(namespace.objects.indexOf(object), 1);
  sendNoContent(exchange.res);
}

/** Glance stores a created property as name, type, title, then the rest of what was sent. */
function propertyDefinition(fields: JsonObject): JsonObject {
  const { name, type, title, ...rest } = fields;
  return Object.fromEntries(
    Object.entries({ name, type, title, ...rest }).filter(([, v]) => v !== undefined),
  ) as JsonObject;
}

function uniquePropertyName(namespace: NamespaceRecord, name: string, except?: string): void {
  if (name !== except && namespace.properties.has(name)) {
    throw httpError(
      409,
      `A metadata definition property with name=${name} already exists in namespace=${namespace.namespace}.`,
    );
  }
}

export async function createProperty(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateProperty);
  const namespace = namespaceOf(exchange);
  admin(exchange, 'add_metadef_property');
  uniquePropertyName(namespace, fields.name as string);
  const record = { definition: propertyDefinition(fields), loaded: false };
  namespace.properties.set(fields.name as string, record);
  send(exchange, propertyView(record), 201);
}

function findPropertyName(namespace: NamespaceRecord, name: string): string {
  if (!namespace.properties.has(name)) throw httpError(404, `Could not find property ${name}`);
  return name;
}

export async function updateProperty(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateProperty);
  const namespace = namespaceOf(exchange);
  const current = findPropertyName(namespace, exchange.params.property);
  admin(exchange, 'modify_metadef_property');
  uniquePropertyName(namespace, fields.name as string, current);
  const record = { definition: propertyDefinition(fields), loaded: false };
  // A rename keeps the property's place in the namespace.
  const entries = [...namespace.properties].map(([name, old]): [string, typeof old] =>
    name === current ? [fields.name as string, record] : [name, old],
  );
  namespace.properties.clear();
  for (const [name, value] of entries) namespace.properties.set(name, value);
  send(exchange, propertyView(record));
}

export function deleteProperty(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  const name = findPropertyName(namespace, exchange.params.property);
  admin(exchange, 'remove_metadef_property');
  namespace.properties.delete(name);
  sendNoContent(exchange.res);
}

function uniqueTagName(namespace: NamespaceRecord, name: string, except?: unknown): void {
  // Glance compares tag names case-insensitively.
  if (namespace.tags.some((tag) => tag.name.toLowerCase() === name.toLowerCase() && tag !== except)) {
    throw httpError(
      409,
      `A metadata tag with name=${name} already exists in namespace=${namespace.namespace}. ` +
        '(Please note that metadata tag names are case insensitive).',
    );
  }
}

/** POST …/tags: the given tags replace the namespace's (unless `X-Openstack-Append: true`). */
export async function createTags(exchange: Exchange): Promise<void> {
  const fields = await body(
    exchange,
    documentValidator('tags', {
      type: 'object',
      properties: {
        tags: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
      },
      required: ['tags'],
    }),
  );
  const namespace = namespaceOf(exchange);
  admin(exchange, 'add_metadef_tags');
  const append = String(exchange.req.headers['x-openstack-append']).toLowerCase() === 'true';
  const names = (fields.tags as Array<{ name: string }>).map((tag) => tag.name);
  const kept = append ? namespace.tags : [];
  const seen = new Set(kept.map((tag) => tag.name.toLowerCase()));
  for (const name of names) {
    if (seen.has(name.toLowerCase())) throw httpError(409, `Duplicate tag ${name} in the request.`);
    seen.add(name.toLowerCase());
  }
  const now = new Date();
  namespace.tags = [...kept, ...names.map((name) => ({ name, created_at: now, updated_at: now }))];
  send(exchange, { tags: names.map((name) => ({ name })) }, 201);
}

export function createTag(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  admin(exchange, 'add_metadef_tag');
  uniqueTagName(namespace, exchange.params.tag);
  const now = new Date();
  const tag = { name: exchange.params.tag, created_at: now, updated_at: now };
  namespace.tags.push(tag);
  send(exchange, tagView(tag), 201);
}

export async function updateTag(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateTag);
  const namespace = namespaceOf(exchange);
  const tag = findTag(namespace, exchange.params.tag);
  admin(exchange, 'modify_metadef_tag');
  uniqueTagName(namespace, fields.name as string, tag);
  tag.name = fields.name as string;
  tag.updated_at = new Date();
  send(exchange, tagView(tag));
}

export function deleteTag(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  const tag = findTag(namespace, exchange.params.tag);
  admin(exchange, 'delete_metadef_tag');
  namespace.tags.splice(namespace.tags.indexOf(tag), 1);
  sendNoContent(exchange.res);
}

export async function createAssociation(exchange: Exchange): Promise<void> {
  const fields = await body(exchange, validateAssociation);
  const namespace = namespaceOf(exchange);
  admin(exchange, 'add_metadef_resource_type_association');
  const name = fields.name as string;
  if (namespace.associations.some((association) => association.name === name)) {
    throw httpError(
      409,
      `The metadata definition resource-type association of resource-type=${name} to ` +
        `namespace=${namespace.namespace}, already exists.`,
    );
  }
  const now = new Date();
  const association = {
    name,
    prefix: fields.prefix as string | undefined,
    properties_target: fields.properties_target as string | undefined,
    created_at: now,
    updated_at: now,
  };
  namespace.associations.push(association);
  exchange.state.metadefs.noteResourceType(name);
  send(exchange, associationView(association), 201);
}

export function deleteAssociation(exchange: Exchange): void {
  const namespace = namespaceOf(exchange);
  admin(exchange, 'remove_metadef_resource_type_association');
  const index = namespace.associations.findIndex((association) => association.name === exchange.params.resourceType);
  if (index < 0) throw httpError(404, `Failed to find resource type ${exchange.params.resourceType} to delete`);
  namespace.associations.splice(index, 1);
  sendNoContent(exchange.res);
}
