/**
 * Who is calling, and what they may do. `none` mirrors Glance's no-auth
 * pipeline (an admin context without a project); token mode stands in for
 * keystonemiddleware with a fixed token table; Keystone mode validates each
 * token with a real Keystone (keystone.ts).
 */
import type { IncomingMessage } from 'node:http';
import { httpError, HttpError } from './errors';
import { KeystoneUnavailable, KeystoneValidator } from './keystone';
import type { AuthToken, ResolvedOptions } from './options';

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

export function unauthorized(headers?: Record<string, string>): HttpError {
  return httpError(401, UNAUTHORIZED_MESSAGE, headers);
}

export type Authenticator = (req: IncomingMessage) => Promise<RequestContext>;

function presentedToken(req: IncomingMessage): string | undefined {
  const presented = req.headers['x-auth-token'];
  return typeof presented === 'string' && presented !== '' ? presented : undefined;
}

/** How each request is authenticated: not at all, by a fixed token table, or by Keystone. */
export function authenticator(auth: ResolvedOptions['auth']): Authenticator {
  if (auth === 'none') return async () => NO_AUTH_CONTEXT;
  if ('keystone' in auth) {
    const keystone = new KeystoneValidator(auth.keystone);
    // keystonemiddleware tells a refused client where to authenticate.
    const challenge = { 'WWW-Authenticate': `Keystone uri="${auth.keystone.authUrl.replace(/\/v3\/?$/, '')}"` };
    return async (req) => {
      const token = presentedToken(req);
      let identity: Omit<AuthToken, 'token'> | null;
      try {
        identity = token === undefined ? null : await keystone.validate(token);
      } catch (error) {
        if (!(error instanceof KeystoneUnavailable)) throw error;
        console.error(`reference-server: ${error.message}`);
        throw httpError(503, 'The server is currently unavailable. Please try again at a later time.');
      }
      if (identity === null) throw unauthorized(challenge);
      return contextOf(identity);
    };
  }
  const tokens = auth.tokens;
  return async (req) => {
    const token = presentedToken(req);
    const entry = tokens.find((t) => t.token === token);
    if (!entry) throw unauthorized();
    return contextOf(entry);
  };
}

function contextOf(identity: Omit<AuthToken, 'token'>): RequestContext {
  const roles = identity.roles.map((role) => role.toLowerCase());
  return {
    authenticated: true,
    isAdmin: roles.includes('admin'),
    project: identity.project || null,
    user: identity.user ?? null,
    roles,
  };
}

/** Zed's legacy policy: admins, or anyone in the owning project, may change an image. */
export function canModify(context: RequestContext, owner: string | null): boolean {
  return context.isAdmin || (context.project !== null && context.project === owner);
}

export function forbiddenUnlessOwner(context: RequestContext, owner: string | null): void {
  if (!canModify(context, owner)) throw httpError(403, 'You do not own this image');
}
