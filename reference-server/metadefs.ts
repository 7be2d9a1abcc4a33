/**
 * Metadata definitions: the namespaces `glance-manage db load_metadefs`
 * would load from ./metadefs, plus whatever clients create, kept per server
 * and rendered the way Glance 25.1 renders them (measured). Loaded records
 * have no `updated_at` and keep their file's property order; created ones
 * carry both timestamps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestContext } from './auth';
import { httpError } from './errors';
import { isoTime } from './image-view';
import type { JsonValue } from './python-format';

export type JsonObject = { [key: string]: JsonValue };

interface NamespaceFile {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility?: string;
  protected?: boolean;
  resource_type_associations?: Array<{ name: string; prefix?: string; properties_target?: string }>;
  properties?: Record<string, JsonObject>;
  objects?: JsonObject[];
}

interface Stamped {
  created_at: Date;
  /** null for what was loaded from files: Glance's loader leaves the column empty. */
  updated_at: Date | null;
}

interface AssociationRecord extends Stamped {
  name: string;
  prefix?: string;
  properties_target?: string;
}

interface PropertyRecord {
  definition: JsonObject;
  /** Loaded definitions are shown type, title, description first; created ones as stored. */
  loaded: boolean;
}

interface ObjectRecord extends Stamped {
  fields: JsonObject;
}

interface TagRecord extends Stamped {
  name: string;
}

export interface NamespaceRecord extends Stamped {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility: string;
  protected: boolean;
  owner: string | null;
  associations: AssociationRecord[];
  properties: Map<string, PropertyRecord>;
  objects: ObjectRecord[];
  tags: TagRecord[];
}

/** The resource types Glance's database migration seeds. */
const RESOURCE_TYPES = [
  'OS::Cinder::Volume',
  'OS::Glance::Image',
  'OS::Nova::Aggregate',
  'OS::Nova::Flavor',
  'OS::Nova::Server',
  'OS::Trove::Instance',
];

/** The owner glance-manage gives the namespaces it loads. */
const LOADER_OWNER = 'admin';

const DATA_DIRECTORY = join(__dirname, 'metadefs');

const stamps = (record: Stamped): JsonObject => ({
  created_at: isoTime(record.created_at),
  ...(record.updated_at ? { updated_at: isoTime(record.updated_at) } : {}),
});

const defined = (fields: Record<string, JsonValue | undefined>): JsonObject =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as JsonObject;

function fromFile(file: NamespaceFile, loadedAt: Date): NamespaceRecord {
  const loaded = { created_at: loadedAt, updated_at: null };
  return {
    ...loaded,
    namespace: file.namespace,
    display_name: file.display_name,
    description: file.description,
    visibility: file.visibility ?? 'private',
    protected: file.protected ?? false,
    owner: LOADER_OWNER,
    associations: (file.resource_type_associations ?? []).map((association) => ({ ...association, ...loaded })),
    properties: new Map(
      Object.entries(file.properties ?? {}).map(([name, definition]) => [name, { definition, loaded: true }]),
    ),
    objects: (file.objects ?? []).map((fields) => ({ fields, ...loaded })),
    tags: [],
  };
}

export function associationView(association: AssociationRecord): JsonObject {
  return {
    ...defined({
      name: association.name,
      prefix: association.prefix,
      properties_target: association.properties_target,
    }),
    ...stamps(association),
  };
}

/** A property as Glance returns it; `name` is set on the single-property answer. */
export function propertyView(record: PropertyRecord, name?: string): JsonObject {
  if (!record.loaded) return record.definition;
  const { type, title, description, ...rest } = record.definition;
  return { ...(name === undefined ? {} : { name }), type, title, description, ...rest };
}

export function objectView(namespace: string, object: ObjectRecord, complete: boolean): JsonObject {
  const { name, description, required, properties, ...rest } = object.fields;
  return {
    ...defined({ name, description }),
    ...(complete ? { required: required ?? [], properties: properties ?? {} } : defined({ required, properties })),
    ...rest,
    ...stamps(object),
    self: `/v2/metadefs/namespaces/${namespace}/objects/${String(name)}`,
    schema: '/v2/schemas/metadefs/object',
  };
}

export const tagView = (tag: TagRecord): JsonObject => ({ name: tag.name, ...stamps(tag) });

export class MetadefCatalog {
  private readonly namespaces: NamespaceRecord[];
  private readonly resourceTypeNames: string[] = [...RESOURCE_TYPES];
  private readonly seededAt: Date;

  constructor(loadedAt: Date, directory = DATA_DIRECTORY) {
    this.seededAt = loadedAt;
    this.namespaces = readdirSync(directory)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => fromFile(JSON.parse(readFileSync(join(directory, file), 'utf8')) as NamespaceFile, loadedAt));
  }

  static canSee(namespace: NamespaceRecord, context: RequestContext): boolean {
    return namespace.visibility === 'public' || context.isAdmin || namespace.owner === context.project;
  }

  /** The namespace, or Glance's 404 when it is unknown or another project's private one. */
  find(name: string, context: RequestContext): NamespaceRecord {
    const found = this.namespaces.find((namespace) => namespace.namespace === name);
    if (!found || !MetadefCatalog.canSee(found, context)) {
      throw httpError(404, `Metadata definition namespace=${name} was not found.`);
    }
    return found;
  }

  visible(context: RequestContext): NamespaceRecord[] {
    return this.namespaces.filter((namespace) => MetadefCatalog.canSee(namespace, context));
  }

  add(namespace: NamespaceRecord): void {
    if (this.namespaces.some((existing) => existing.namespace === namespace.namespace)) {
      throw httpError(409, `The metadata definition namespace=${namespace.namespace} already exists.`);
    }
    this.namespaces.push(namespace);
  }

  rename(namespace: NamespaceRecord, name: string): void {
    if (name !== namespace.namespace && this.namespaces.some((existing) => existing.namespace === name)) {
      throw httpError(409, `The metadata definition namespace=${name} already exists.`);
    }
    namespace.namespace = name;
  }

  remove(namespace: NamespaceRecord): void {
    if (namespace.protected) {
      throw httpError(403, `Metadata definition namespace ${namespace.namespace} is protected and cannot be deleted.`);
    }
    this.namespaces.splice(this.namespaces.indexOf(namespace), 1);
  }

  /** The namespace's own fields; `associations` replaces the stored ones (a create echoes what was sent). */
  summary(namespace: NamespaceRecord, associations?: JsonValue): JsonObject {
    return {
      ...defined({
        namespace: namespace.namespace,
        display_name: namespace.display_name,
        description: namespace.description,
        visibility: namespace.visibility,
        protected: namespace.protected,
        owner: namespace.owner,
      }),
      ...stamps(namespace),
      ...(associations === undefined
        ? { resource_type_associations: namespace.associations.map(associationView) }
        : { resource_type_associations: associations }),
    };
  }

  /** GET /v2/metadefs/resource_types: the seeded types and any a client associated. */
  resourceTypes(): JsonObject {
    const stamp = isoTime(this.seededAt);
    return { resource_types: this.resourceTypeNames.map((name) => ({ name, created_at: stamp, updated_at: stamp })) };
  }

  noteResourceType(name: string): void {
    if (!this.resourceTypeNames.includes(name)) this.resourceTypeNames.push(name);
  }
}
