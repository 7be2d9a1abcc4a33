/** /v2/images/{id}/members and /v2/images/{id}/members/{member_id}. */
import { httpError, parentImageNotFound } from '../errors';
import { readJson, sendJson, sendNoData } from '../http';
import {
  addMember,
  findMember,
  MEMBER_STATUSES,
  memberView,
  removeMember,
  setMemberStatus,
  visibleMembers,
} from '../members';
import type { MemberStatus } from '../store';
import type { Exchange } from './exchange';

function imageOf(exchange: Exchange) {
  return exchange.state.store.get(exchange.params.id, exchange.context, parentImageNotFound);
}

async function objectBody(exchange: Exchange, shape: string): Promise<Record<string, unknown>> {
  const body = await readJson(exchange.req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw httpError(400, shape);
  return body as Record<string, unknown>;
}

export function listMembers(exchange: Exchange): void {
  const image = imageOf(exchange);
  const members = visibleMembers(image, exchange.context).map((member) => memberView(image, member));
  sendJson(exchange.res, 200, { members, schema: '/v2/schemas/members' });
}

export function showMember(exchange: Exchange): void {
  const image = imageOf(exchange);
  sendJson(exchange.res, 200, memberView(image, findMember(image, exchange.params.member, exchange.context)));
}

export async function createMember(exchange: Exchange): Promise<void> {
  const body = await objectBody(exchange, 'Expected a member in the form: {"member": "image_id"}');
  if (!('member' in body)) throw httpError(400, 'Member to be added not specified');
  const image = imageOf(exchange);
  const member = addMember(image, String(body.member), exchange.context);
  exchange.state.store.touch(image);
  sendJson(exchange.res, 200, memberView(image, member));
}

export async function updateMember(exchange: Exchange): Promise<void> {
  const body = await objectBody(exchange, 'Expected a status in the form: {"status": "status"}');
  if (!('status' in body)) throw httpError(400, 'Status not specified');
  if (!MEMBER_STATUSES.includes(body.status as MemberStatus)) {
    throw httpError(400, 'Incorrect request: Status must be "pending", "accepted" or "rejected".');
  }
  const image = imageOf(exchange);
  const member = setMemberStatus(image, exchange.params.member, body.status as MemberStatus, exchange.context);
  sendJson(exchange.res, 200, memberView(image, member));
}

export function deleteMember(exchange: Exchange): void {
  const image = imageOf(exchange);
  removeMember(image, exchange.params.member, exchange.context);
  exchange.state.store.touch(image);
  // Glance's member DELETE is a bare 204, like a download without data.
  sendNoData(exchange.res);
}
