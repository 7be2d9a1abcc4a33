/**
 * The documents served under /v2/schemas/*, built the way Glance 25.1 builds
 * them (same keys, same order, no schema-image.json loaded). The image schema
 * depends on the configured disk and container formats.
 */
import type { JsonValue } from './python-format';
import { IMAGE_STATUSES } from './status';

type Schema = { [key: string]: JsonValue };

const readOnlyString = (description: string): Schema => ({ type: 'string', readOnly: true, description });

function imageProperties(diskFormats: string[], containerFormats: string[]): Schema {
  return {
    id: {
      type: 'string',
      description: 'An identifier for the image',
      pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    },
    name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
    status: { type: 'string', readOnly: true, description: 'Status of the image', enum: [...IMAGE_STATUSES] },
    visibility: {
      type: 'string',
      description: 'Scope of image accessibility',
      enum: ['community', 'public', 'private', 'shared'],
    },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: { type: ['null', 'string'], readOnly: true, description: 'md5 hash of image contents.', maxLength: 32 },
    os_hash_algo: {
      type: ['null', 'string'],
      readOnly: true,
      description: 'Algorithm to calculate the os_hash_value',
      maxLength: 64,
    },
    os_hash_value: {
      type: ['null', 'string'],
      readOnly: true,
      description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
      maxLength: 128,
    },
    owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
    size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
    container_format: {
      type: ['null', 'string'],
      description: 'Format of the container',
      enum: [null, ...containerFormats],
    },
    disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...diskFormats] },
    created_at: readOnlyString('Date and time of image registration'),
    updated_at: readOnlyString('Date and time of the last image modification'),
    tags: {
      type: 'array',
      description: 'List of strings related to the image',
      items: { type: 'string', maxLength: 255 },
    },
    direct_url: readOnlyString('URL to access the image file kept in external store'),
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: readOnlyString('An image self url'),
    file: readOnlyString('An image file url'),
    stores: readOnlyString(
      'Store in which image data resides.  Only present when the operator has enabled multiple stores.  ' +
        'May be a comma-separated list of store identifiers.',
    ),
    schema: readOnlyString('An image schema url'),
    locations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          url: { type: 'string', maxLength: 255 },
          metadata: { type: 'object' },
          validation_data: {
            description:
              'Values to be used to populate the corresponding image properties. ' +
              "If the image status is not 'queued', values must exactly match those already contained in the " +
              'image properties.',
            type: 'object',
            writeOnly: true,
            additionalProperties: false,
            properties: {
              checksum: { type: 'string', minLength: 32, maxLength: 32 },
              os_hash_algo: { type: 'string', maxLength: 64 },
              os_hash_value: { type: 'string', maxLength: 128 },
            },
            required: ['os_hash_algo', 'os_hash_value'],
          },
        },
        required: ['url', 'metadata'],
      },
      description: 'A set of URLs to access the image file kept in external store',
    },
  };
}

const ITEM_LINKS: JsonValue = [
  { rel: 'self', href: '{self}' },
  { rel: 'enclosure', href: '{file}' },
  { rel: 'describedby', href: '{schema}' },
];

const COLLECTION_LINKS: JsonValue = [
  { rel: 'first', href: '{first}' },
  { rel: 'next', href: '{next}' },
  { rel: 'describedby', href: '{schema}' },
];

/** DISCOVERY-SCHEMA-IMAGE, DISK-FORMAT-PLOOP-SCHEMA (ploop is among Glance's default disk formats, options.ts). */
export function imageSchema(diskFormats: string[], containerFormats: string[]): Schema {
  return {
    name: 'image',
    properties: imageProperties(diskFormats, containerFormats),
    additionalProperties: { type: 'string' },
    links: ITEM_LINKS,
  };
}

function collection(name: string, items: Schema, extra: Schema = {}): Schema {
  return {
    name,
    properties: {
      [name]: { type: 'array', items },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: COLLECTION_LINKS,
    ...extra,
  };
}

/** DISCOVERY-SCHEMA-IMAGES */
export function imagesSchema(diskFormats: string[], containerFormats: string[]): Schema {
  return collection('images', imageSchema(diskFormats, containerFormats));
}

// --- metadefs -------------------------------------------------------------

const TYPE_ENUM: JsonValue = ['array', 'boolean', 'integer', 'number', 'object', 'string', null];

const timestamp = (description: string): Schema => ({
  type: 'string',
  readOnly: true,
  description,
  format: 'date-time',
});

function propertyFields(): Schema {
  return {
    name: { type: 'string', maxLength: 80 },
    title: { type: 'string' },
    description: { type: 'string' },
    operators: { type: 'array', items: { type: 'string' } },
    type: { type: 'string', enum: TYPE_ENUM },
    required: { $ref: '#/definitions/stringArray' },
    minimum: { type: 'number' },
    maximum: { type: 'number' },
    maxLength: { $ref: '#/definitions/positiveInteger' },
    minLength: { $ref: '#/definitions/positiveIntegerDefault0' },
    pattern: { type: 'string', format: 'regex' },
    enum: { type: 'array' },
    readonly: { type: 'boolean' },
    default: {},
    items: { type: 'object', properties: { type: { type: 'string', enum: TYPE_ENUM }, enum: { type: 'array' } } },
    maxItems: { $ref: '#/definitions/positiveInteger' },
    minItems: { $ref: '#/definitions/positiveIntegerDefault0' },
    uniqueItems: { type: 'boolean', default: false },
    additionalItems: { type: 'boolean' },
  };
}

function baseDefinitions(stringArrayMinItems: boolean): Schema {
  return {
    positiveInteger: { type: 'integer', minimum: 0 },
    positiveIntegerDefault0: { allOf: [{ $ref: '#/definitions/positiveInteger' }, { default: 0 }] },
    stringArray: stringArrayMinItems
      ? { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }
      : { type: 'array', items: { type: 'string' }, uniqueItems: true },
  };
}

function definitionsWithProperty(): Schema {
  return {
    ...baseDefinitions(false),
    property: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['title', 'type'], properties: propertyFields() },
    },
  };
}

function namespaceItem(): Schema {
  return {
    name: 'namespace',
    properties: {
      namespace: { type: 'string', description: 'The unique namespace text.', maxLength: 80 },
      display_name: {
        type: 'string',
        description: 'The user friendly name for the namespace. Used by UI if available.',
        maxLength: 80,
      },
      description: {
        type: 'string',
        description: 'Provides a user friendly description of the namespace.',
        maxLength: 500,
      },
      visibility: { type: 'string', description: 'Scope of namespace accessibility.', enum: ['public', 'private'] },
      protected: { type: 'boolean', description: 'If true, namespace will not be deletable.' },
      owner: { type: 'string', description: 'Owner of the namespace.', maxLength: 255 },
      created_at: timestamp('Date and time of namespace creation'),
      updated_at: timestamp('Date and time of the last namespace modification'),
      schema: { readOnly: true, type: 'string' },
      self: { readOnly: true, type: 'string' },
      resource_type_associations: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, prefix: { type: 'string' }, properties_target: { type: 'string' } },
        },
      },
      properties: { $ref: '#/definitions/property' },
      objects: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            description: { type: 'string' },
            required: { $ref: '#/definitions/stringArray' },
            properties: { $ref: '#/definitions/property' },
          },
        },
      },
      tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    },
    additionalProperties: false,
  };
}

function objectItem(): Schema {
  return {
    name: 'object',
    properties: {
      name: { type: 'string', maxLength: 80 },
      description: { type: 'string' },
      required: { $ref: '#/definitions/stringArray' },
      properties: { $ref: '#/definitions/property' },
      schema: { readOnly: true, type: 'string' },
      self: { readOnly: true, type: 'string' },
      created_at: timestamp('Date and time of object creation'),
      updated_at: timestamp('Date and time of the last object modification'),
    },
    additionalProperties: false,
  };
}

function resourceTypeItem(): Schema {
  return {
    name: 'resource_type_association',
    properties: {
      name: {
        type: 'string',
        description:
          'Resource type names should be aligned with Heat resource types whenever possible: ' +
          'https://docs.openstack.org/heat/latest/template_guide/openstack.html',
        maxLength: 80,
      },
      prefix: {
        type: 'string',
        description:
          'Specifies the prefix to use for the given resource type. Any properties in the namespace should be ' +
          'prefixed with this prefix when being applied to the specified resource type. Must include prefix ' +
          'separator (e.g. a colon :).',
        maxLength: 80,
      },
      properties_target: {
        type: 'string',
        description:
          'Some resource types allow more than one key / value pair per instance.  For example, Cinder allows ' +
          'user and image metadata on volumes. Only the image properties metadata is evaluated by Nova ' +
          '(scheduling or drivers). This property allows a namespace target to remove the ambiguity.',
        maxLength: 80,
      },
      created_at: timestamp('Date and time of resource type association'),
      updated_at: timestamp('Date and time of the last resource type association modification'),
    },
    additionalProperties: false,
    required: ['name'],
  };
}

function tagItem(): Schema {
  return {
    name: 'tag',
    properties: {
      name: { type: 'string', maxLength: 80 },
      created_at: timestamp('Date and time of tag creation'),
      updated_at: timestamp('Date and time of the last tag modification'),
    },
    additionalProperties: false,
    required: ['name'],
  };
}

const METADEF_SCHEMAS: Record<string, () => Schema> = {
  namespace: () => ({ ...namespaceItem(), definitions: definitionsWithProperty(), required: ['namespace'] }),
  namespaces: () =>
    collection(
      'namespaces',
      { ...namespaceItem(), required: ['namespace'] },
      { definitions: definitionsWithProperty() },
    ),
  object: () => ({ ...objectItem(), definitions: definitionsWithProperty(), required: ['name'] }),
  objects: () =>
    collection('objects', { ...objectItem(), required: ['name'] }, { definitions: definitionsWithProperty() }),
  property: () => ({
    name: 'property',
    properties: propertyFields(),
    additionalProperties: false,
    definitions: baseDefinitions(true),
    required: ['type', 'title', 'name'],
  }),
  properties: () => ({
    name: 'properties',
    properties: {
      properties: {
        type: 'object',
        additionalProperties: {
          name: 'property',
          properties: propertyFields(),
          additionalProperties: false,
          required: ['type', 'title'],
        },
      },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: COLLECTION_LINKS,
    definitions: baseDefinitions(true),
  }),
  resource_type: resourceTypeItem,
  resource_types: () => ({ ...collection('resource_type_associations', resourceTypeItem()) }),
  tag: tagItem,
  tags: () => collection('tags', tagItem()),
};

const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';
const described = (type: JsonValue, description: string): Schema => ({ type, description });

function memberSchema(): Schema {
  return {
    name: 'member',
    properties: {
      member_id: described('string', 'An identifier for the image member (tenantId)'),
      image_id: { ...described('string', 'An identifier for the image'), pattern: UUID_PATTERN },
      created_at: described('string', 'Date and time of image member creation'),
      updated_at: described('string', 'Date and time of last modification of image member'),
      status: { ...described('string', 'The status of this image member'), enum: ['pending', 'accepted', 'rejected'] },
      schema: { readOnly: true, type: 'string' },
    },
  };
}

/** Glance's task schema; the list drops input, result and message. Keys in Glance's order. */
function taskSchema(inList: boolean): Schema {
  const properties: Schema = {
    id: { description: 'An identifier for the task', pattern: UUID_PATTERN, type: 'string' },
    type: {
      description: 'The type of task represented by this content',
      enum: ['import', 'api_image_import'],
      type: 'string',
    },
    status: {
      description: 'The current status of this task',
      enum: ['pending', 'processing', 'success', 'failure'],
      type: 'string',
    },
    input: { description: 'The parameters required by task, JSON blob', type: ['null', 'object'] },
    result: { description: 'The result of current task, JSON blob', type: ['null', 'object'] },
    owner: { description: 'An identifier for the owner of this task', type: 'string' },
    message: {
      description: 'Human-readable informative message only included when appropriate (usually on failure)',
      type: 'string',
    },
    image_id: { description: 'Image associated with the task', type: 'string' },
    request_id: { description: 'Human-readable informative request-id', type: 'string' },
    user_id: { description: 'User associated with the task', type: 'string' },
    expires_at: { description: 'Datetime when this resource would be subject to removal', type: ['null', 'string'] },
    created_at: { description: 'Datetime when this resource was created', type: 'string' },
    updated_at: { description: 'Datetime when this resource was updated', type: 'string' },
    self: { readOnly: true, type: 'string' },
    schema: { readOnly: true, type: 'string' },
  };
  if (inList) for (const key of ['input', 'result', 'message']) delete properties[key];
  return { name: 'task', properties };
}

/** Members and tasks collections: the items and `schema`, no paging links. */
function plainCollection(name: string, items: Schema): Schema {
  return {
    name,
    properties: { [name]: { type: 'array', items }, schema: { type: 'string' } },
    links: [{ rel: 'describedby', href: '{schema}' }],
  };
}

const OTHER_SCHEMAS: Record<string, () => Schema> = {
  member: memberSchema,
  members: () => plainCollection('members', memberSchema()),
  task: () => taskSchema(false),
  tasks: () => plainCollection('tasks', taskSchema(true)),
};

/** The schema served at /v2/schemas/{path}, or undefined for an unknown path. */
export function schemaFor(path: string, diskFormats: string[], containerFormats: string[]): Schema | undefined {
  if (path === 'image') return imageSchema(diskFormats, containerFormats);
  if (path === 'images') return imagesSchema(diskFormats, containerFormats);
  if (Object.hasOwn(OTHER_SCHEMAS, path)) return OTHER_SCHEMAS[path]();
  const metadef = /^metadefs\/([a-z_]+)$/.exec(path);
  return metadef && Object.hasOwn(METADEF_SCHEMAS, metadef[1]) ? METADEF_SCHEMAS[metadef[1]]() : undefined;
}
