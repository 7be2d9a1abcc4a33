/**
 * The in-memory image store: records, their bytes, and who can see them.
 * Each server has its own store; nothing here is module-level state.
 */
import type { RequestContext } from './auth';
import type { ChunkedBytes } from './chunks';
import { httpError, imageNotFound, type HttpError } from './errors';
import { transition, type StatusSubject } from './status';

export type Visibility = 'public' | 'private' | 'shared' | 'community';

export interface ImageLocation {
  url: string;
  metadata: Record<string, unknown>;
}

export type MemberStatus = 'pending' | 'accepted' | 'rejected';

export interface ImageMember {
  /** A project id. Glance also takes other JSON values (`{"member": 5}`); the reference keeps their text. */
  member_id: string;
  status: MemberStatus;
  created_at: Date;
  updated_at: Date;
}

export interface ImageRecord extends StatusSubject {
  id: string;
  name: string | null;
  visibility: Visibility;
  protected: boolean;
  os_hidden: boolean;
  min_ram: number;
  min_disk: number;
  owner: string | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  created_at: Date;
  updated_at: Date;
  tags: string[];
  /** Extra (non-base) properties; Glance stores them as strings. */
  extra: Record<string, string>;
  locations: ImageLocation[];
  /** Projects a `shared` image is shared with, in the order they were added. */
  members: ImageMember[];
  /** Bytes uploaded to this server; referenced by the `memory://<id>` location. */
  data: ChunkedBytes | null;
  /** Bytes staged for a `glance-direct` import (PUT …/stage), until the import takes them. */
  staged: ChunkedBytes | null;
  /** Creation order, to sort images created within the same second. */
  sequence: number;
  /** Bumped on every committed change, so a PATCH can tell it raced with another change. */
  revision: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const memoryUrl = (id: string): string => `memory://${id}`;

/** The caller's membership of a `shared` image, whatever its status. */
export function membershipOf(image: ImageRecord, context: RequestContext): ImageMember | undefined {
  if (image.visibility !== 'shared' || context.project === null) return undefined;
  return image.members.find((member) => member.member_id === context.project);
}

/** Glance's read access: admin, public, community, the owner, or a member of a shared image (any status). */
export function canSee(image: ImageRecord, context: RequestContext): boolean {
  if (context.isAdmin || image.visibility === 'public' || image.visibility === 'community') return true;
  if (context.project !== null && image.owner === context.project) return true;
  return membershipOf(image, context) !== undefined;
}

export class ImageStore {
  private readonly images = new Map<string, ImageRecord>();
  // Glance keeps deleted rows, so an id can never be used twice.
  private readonly usedIds = new Set<string>();
  private nextSequence = 0;

  add(image: Omit<ImageRecord, 'sequence' | 'revision'>): ImageRecord {
    if (this.usedIds.has(image.id)) throw httpError(409, `Image with identifier ${image.id} already exists!`);
    const record: ImageRecord = { ...image, sequence: this.nextSequence++, revision: 0 };
    this.usedIds.add(record.id);
    this.images.set(record.id, record);
    return record;
  }

  /**
   * The image, or Glance's 404 when it is unknown, deleted or invisible to the caller
   * (sub-resources such as tags and members word it `Image <id> not found.`).
   */
  get(id: string, context: RequestContext, missing: (id: string) => HttpError = imageNotFound): ImageRecord {
    const image = UUID.test(id) ? this.images.get(id.toLowerCase()) : undefined;
    if (!image || !canSee(image, context)) throw missing(id);
    return image;
  }

  /** Images visible to the caller, newest first (Glance's default sort). */
  visible(context: RequestContext): ImageRecord[] {
    return [...this.images.values()].filter((image) => canSee(image, context)).sort((a, b) => b.sequence - a.sequence);
  }

  /** Records that `image` changed. */
  touch(image: ImageRecord): void {
    image.revision += 1;
    image.updated_at = new Date();
  }

  /** Commits a patched copy of `image` in place, so holders of the record see the change. */
  commit(image: ImageRecord, draft: ImageRecord): void {
    Object.assign(image, draft);
    this.touch(image);
  }

  delete(image: ImageRecord): void {
    if (image.protected) throw httpError(403, `Image ${image.id} is protected and cannot be deleted.`);
    transition(image, 'deleted');
    image.data = null;
    image.staged = null;
    this.touch(image);
    this.images.delete(image.id);
  }

  isLive(image: ImageRecord): boolean {
    return this.images.get(image.id) === image;
  }
}
