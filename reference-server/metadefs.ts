/**
 * Read-only metadata definitions, loaded from Glance-format files in
 * ./metadefs (as `glance-manage db load_metadefs` would) and rendered the
 * way Glance 25.1 renders them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpError } from './errors';
import { isoTime } from './image-view';
import type { JsonValue } from './python-format';

type JsonObject = { [key: string]: JsonValue };

interface Association {
  name: string;
  prefix?: string;
  properties_target?: string;
}

interface NamespaceFile {
  namespace: string;
  display_name?: string;
  description?: string;
  visibility?: string;
  protected?: boolean;
  resource_type_associations?: Association[];
  properties?: Record<string, JsonObject>;
  objects?: JsonObject[];
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

function loadNamespaces(directory: string): NamespaceFile[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as NamespaceFile);
}

/** Glance stores a property's JSON schema and returns type, title, description first. */
function propertyView(definition: JsonObject, name?: string): JsonObject {
  const { type, title, description, ...rest } = definition;
  return { ...(name === undefined ? {} : { name }), type, title, description, ...rest };
}

export class MetadefCatalog {
  private readonly namespaces: NamespaceFile[];
  private readonly createdAt: string;

  constructor(loadedAt: Date, directory = DATA_DIRECTORY) {
    this.namespaces = loadNamespaces(directory);
    this.createdAt = isoTime(loadedAt);
  }

  private find(name: string): NamespaceFile {
    const found = this.namespaces.find((namespace) => namespace.namespace === name);
    if (!found) throw httpError(404, `Metadata definition namespace=${name} was not found.`);
    return found;
  }

  private associations(namespace: NamespaceFile): JsonObject[] {
    return (namespace.resource_type_associations ?? []).map((association) => ({
      name: association.name,
      ...(association.prefix === undefined ? {} : { prefix: association.prefix }),
      ...(association.properties_target === undefined ? {} : { properties_target: association.properties_target }),
      created_at: this.createdAt,
    }));
  }

  private summary(namespace: NamespaceFile): JsonObject {
    return {
      namespace: namespace.namespace,
      ...(namespace.display_name === undefined ? {} : { display_name: namespace.display_name }),
      ...(namespace.description === undefined ? {} : { description: namespace.description }),
      visibility: namespace.visibility ?? 'private',
      protected: namespace.protected ?? false,
      owner: LOADER_OWNER,
      created_at: this.createdAt,
      resource_type_associations: this.associations(namespace),
    };
  }

  private links(namespace: NamespaceFile): JsonObject {
    return { self: `/v2/metadefs/namespaces/${namespace.namespace}`, schema: '/v2/schemas/metadefs/namespace' };
  }

  /** GET /v2/metadefs/namespaces, optionally filtered by resource type and visibility. */
  list(resourceTypes: string[], visibility: string | null): JsonObject {
    const selected = this.namespaces.filter(
      (namespace) =>
        (resourceTypes.length === 0 ||
          (namespace.resource_type_associations ?? []).some((a) => resourceTypes.includes(a.name))) &&
        (visibility === null || (namespace.visibility ?? 'private') === visibility),
    );
    return {
      namespaces: selected.map((namespace) => ({ ...this.summary(namespace), ...this.links(namespace) })),
      schema: '/v2/schemas/metadefs/namespaces',
      first: '/v2/metadefs/namespaces',
    };
  }

  /** GET /v2/metadefs/namespaces/{ns}: empty properties/objects are left out, as Glance does. */
  show(name: string): JsonObject {
    const namespace = this.find(name);
    const properties = this.properties(name).properties as JsonObject;
    const objects = namespace.objects ?? [];
    return {
      ...this.summary(namespace),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(objects.length > 0 ? { objects } : {}),
      ...this.links(namespace),
    };
  }

  properties(name: string): JsonObject {
    const definitions = this.find(name).properties ?? {};
    const properties: JsonObject = {};
    for (const [key, definition] of Object.entries(definitions)) properties[key] = propertyView(definition);
    return { properties };
  }

  /**
   * GET …/properties/{name}. With `?resource_type=`, the name must carry that
   * association's prefix (Glance's 404 wording names a missing prefix 'None').
   */
  property(namespaceName: string, propertyName: string, resourceType: string | null): JsonObject {
    const namespace = this.find(namespaceName);
    let key = propertyName;
    if (resourceType !== null) {
      const prefix = (namespace.resource_type_associations ?? []).find((a) => a.name === resourceType)?.prefix;
      if (prefix === undefined || !propertyName.startsWith(prefix)) {
        throw httpError(
          404,
          `Property ${propertyName} does not start with the expected resource type association prefix of '${prefix ?? 'None'}'.`,
        );
      }
      key = propertyName.slice(prefix.length);
    }
    const definition = namespace.properties?.[key];
    if (!definition) throw httpError(404, `Could not find property ${propertyName}`);
    return propertyView(definition, key);
  }

  objects(name: string): JsonObject {
    return { objects: this.find(name).objects ?? [], schema: 'v2/schemas/metadefs/objects' };
  }

  namespaceResourceTypes(name: string): JsonObject {
    return { resource_type_associations: this.associations(this.find(name)) };
  }

  resourceTypes(): JsonObject {
    return {
      resource_types: RESOURCE_TYPES.map((name) => ({ name, created_at: this.createdAt, updated_at: this.createdAt })),
    };
  }
}
