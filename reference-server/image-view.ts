/** The image document Glance 25.1 returns, keys in its order. */
import type { ImageRecord } from './store';

/** Glance's timeutils.isotime: UTC, second precision, `Z`. */
export function isoTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** DISCOVERY-IMAGE-MATCHES-SCHEMA: every record validates against the served image schema. */
export function imageView(image: ImageRecord, showLocations: boolean): Record<string, unknown> {
  return {
    // Glance starts from the extra properties, then overlays the base attributes.
    ...image.extra,
    name: image.name,
    disk_format: image.disk_format,
    container_format: image.container_format,
    visibility: image.visibility,
    size: image.size,
    virtual_size: image.virtual_size,
    status: image.status,
    checksum: image.checksum,
    protected: image.protected,
    min_ram: image.min_ram,
    min_disk: image.min_disk,
    owner: image.owner,
    os_hidden: image.os_hidden,
    os_hash_algo: image.os_hash_algo,
    os_hash_value: image.os_hash_value,
    id: image.id,
    created_at: isoTime(image.created_at),
    updated_at: isoTime(image.updated_at),
    ...(showLocations ? { locations: image.locations.map(({ url, metadata }) => ({ url, metadata })) } : {}),
    tags: [...image.tags],
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
  };
}
