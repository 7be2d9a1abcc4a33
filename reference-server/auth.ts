/**
 * Who is calling, and what they may do. `none` mirrors Glance's no-auth
 * pipeline (an admin context without a project); token mode stands in for
 * keystonemiddleware with a fixed token table.
 */
import type { IncomingMessage } from 'node:http';
import { httpError, HttpError } from './errors';
import type { ResolvedOptions } from './options';

export interface RequestContext {
  /** False in no-auth mode, where the reference grants what Glance's policy would refuse (policy.ts). */
  authenticated: boolean;
  isAdmin: boolean;
  project: string | null;
  user: string | null;
  roles: string[];
}

const NO_AUTH_CONTEXT: RequestContext = { authenticated: false, isAdmin: true, project: null, user: null, roles: [] };

const UNAUTHORIZED_MESSAGE =
  'This server could not verify that you are authorized to access the document you requested. ' +
  'Either you supplied the wrong credentials (e.g., bad password), or your browser does not ' +
  'understand how to supply the credentials required.';

export function unauthorized(): HttpError {
  return httpError(401, UNAUTHORIZED_MESSAGE);
}

export function authenticate(req: IncomingMessage, auth: ResolvedOptions['auth']): RequestContext {
  if (auth === 'none') return NO_AUTH_CONTEXT;
  const presented = req.headers['x-auth-token'];
  const entry = typeof presented === 'string' ? auth.tokens.find((t) => t.token === presented) : undefined;
  if (!entry) throw unauthorized();
  const roles = entry.roles.map((role) => role.toLowerCase());
  return { authenticated: true, isAdmin: roles.includes('admin'), project: entry.project, user: entry.user ?? null, roles };
}

/** Zed's legacy policy: admins, or anyone in the owning project, may change an image. */
export function canModify(context: RequestContext, owner: string | null): boolean {
  return context.isAdmin || (context.project !== null && context.project === owner);
}

export function forbiddenUnlessOwner(context: RequestContext, owner: string | null): void {
  if (!canModify(context, owner)) throw httpError(403, 'You do not own this image');
}
