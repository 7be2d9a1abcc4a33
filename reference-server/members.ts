/**
 * Image members: sharing a `shared` image with other projects, with the
 * pending / accepted / rejected workflow of Glance's legacy (Zed) policy:
 * the owner adds and removes members, each member answers for itself, and
 * everyone else learns nothing.
 */
import { canModify, type RequestContext } from './auth';
import { httpError } from './errors';
import { isoTime } from './image-view';
import type { ImageMember, ImageRecord, MemberStatus } from './store';

export const MEMBER_STATUSES: readonly MemberStatus[] = ['pending', 'accepted', 'rejected'];

/** Glance's `image_member_quota` default. */
export const MEMBER_QUOTA = 128;

const notInList = (image: ImageRecord, memberId: string) =>
  httpError(404, `${memberId} not found in the member list of the image ${image.id}.`);

export function memberView(image: ImageRecord, member: ImageMember): Record<string, unknown> {
  return {
    member_id: member.member_id,
    image_id: image.id,
    status: member.status,
    created_at: isoTime(member.created_at),
    updated_at: isoTime(member.updated_at),
    schema: '/v2/schemas/member',
  };
}

/** The members the caller may see: all for the owner (and admins), else only its own membership. */
export function visibleMembers(image: ImageRecord, context: RequestContext): ImageMember[] {
  if (image.visibility !== 'shared') {
    throw httpError(403, `Not allowed to list members for image ${image.id}: Only shared images have members.`);
  }
  if (canModify(context, image.owner)) return image.members;
  return image.members.filter((member) => member.member_id === context.project);
}

export function findMember(image: ImageRecord, memberId: string, context: RequestContext): ImageMember {
  if (image.visibility !== 'shared') throw httpError(404, 'Only shared images have members.');
  const member = visibleMembers(image, context).find((candidate) => candidate.member_id === memberId);
  if (!member) throw notInList(image, memberId);
  return member;
}

export function addMember(image: ImageRecord, memberId: string, context: RequestContext): ImageMember {
  if (image.visibility !== 'shared' || !canModify(context, image.owner)) {
    throw httpError(403, `Not allowed to create members for image ${image.id}.`);
  }
  if (image.members.some((member) => member.member_id === memberId)) {
    throw httpError(409, `Member ${memberId} is duplicated for image ${image.id}`);
  }
  if (image.members.length >= MEMBER_QUOTA) {
    throw httpError(
      413,
      `Image member limit exceeded for image ${image.id}: The limit has been exceeded on the number of allowed ` +
        `image members for this image. Attempted: ${image.members.length + 1}, Maximum: ${MEMBER_QUOTA}:`,
    );
  }
  const now = new Date();
  const member: ImageMember = { member_id: memberId, status: 'pending', created_at: now, updated_at: now };
  image.members.push(member);
  return member;
}

/** Only the member itself (or an admin) answers; the owner is refused, anyone else does not see the membership. */
export function setMemberStatus(
  image: ImageRecord,
  memberId: string,
  status: MemberStatus,
  context: RequestContext,
): ImageMember {
  const refused = httpError(403, `Not allowed to update members for image ${image.id}.`);
  if (image.visibility !== 'shared') throw refused;
  const member = findMember(image, memberId, context);
  if (context.project !== memberId && !context.isAdmin) throw refused;
  member.status = status;
  member.updated_at = new Date();
  return member;
}

export function removeMember(image: ImageRecord, memberId: string, context: RequestContext): void {
  const member = findMember(image, memberId, context);
  if (!canModify(context, image.owner)) throw httpError(403, `Not allowed to delete members for image ${image.id}.`);
  image.members.splice(image.members.indexOf(member), 1);
}
