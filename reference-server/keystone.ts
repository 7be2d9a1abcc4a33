/**
 * Token validation against Keystone v3, the way keystonemiddleware's
 * auth_token does it: the server logs in with its own service credentials,
 * asks `GET /v3/auth/tokens` about each caller's token (X-Subject-Token),
 * and takes project, user and roles from the answer. Valid answers are
 * cached until the token expires or for CACHE_MS, whichever comes first
 * (keystonemiddleware's `token_cache_time` is 300 s).
 */
import type { AuthToken, KeystoneCredentials } from './options';

/** Who a valid token belongs to, as Keystone says. */
export type KeystoneIdentity = Omit<AuthToken, 'token'>;

const domain = (name?: string, id?: string) => (name ? { name } : { id: id ?? 'default' });

/** A failure to reach or use Keystone itself (not a bad caller token). */
export class KeystoneUnavailable extends Error {}

const CACHE_MS = 300_000;
const TIMEOUT_MS = 10_000;

interface CachedIdentity {
  identity: KeystoneIdentity;
  until: number;
}

interface TokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string };
    project?: { id?: string };
    roles?: Array<{ name?: string }>;
  };
}

export function v3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v3') ? trimmed : `${trimmed}/v3`;
}

export class KeystoneValidator {
  private serviceToken: Promise<string> | null = null;
  private readonly cache = new Map<string, CachedIdentity>();
  private readonly base: string;

  constructor(private readonly credentials: KeystoneCredentials) {
    this.base = v3Url(credentials.authUrl);
  }

  /** Whose token it is, or null when Keystone does not know the token (401 for the caller). */
  async validate(token: string): Promise<KeystoneIdentity | null> {
    const cached = this.cache.get(token);
    if (cached && cached.until > Date.now()) return cached.identity;
    this.cache.delete(token);
    let response = await this.check(token, await this.service());
    if (response.status === 401 || response.status === 403) {
      // Our own token expired or was revoked: log in again once.
      this.serviceToken = null;
      response = await this.check(token, await this.service());
    }
    if (response.status === 404) return null;
    if (response.status !== 200) {
      throw new KeystoneUnavailable(`Keystone answered ${response.status} to a token validation`);
    }
    const body = (await response.json()) as TokenBody;
    const identity: KeystoneIdentity = {
      project: body.token?.project?.id ?? '',
      user: body.token?.user?.id,
      roles: (body.token?.roles ?? []).map((role) => role.name ?? ''),
    };
    const expires = Date.parse(body.token?.expires_at ?? '');
    this.cache.set(token, { identity, until: Math.min(Date.now() + CACHE_MS, Number.isNaN(expires) ? 0 : expires) });
    return identity;
  }

  private check(token: string, serviceToken: string): Promise<Response> {
    return this.request(`${this.base}/auth/tokens`, {
      headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': token, Accept: 'application/json' },
    });
  }

  private service(): Promise<string> {
    this.serviceToken ??= this.login().catch((error: unknown) => {
      this.serviceToken = null;
      throw error;
    });
    return this.serviceToken;
  }

  private async login(): Promise<string> {
    const { username, password, projectName } = this.credentials;
    const { userDomainName, userDomainId, projectDomainName, projectDomainId } = this.credentials;
    const response = await this.request(`${this.base}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: username, domain: domain(userDomainName, userDomainId), password } },
          },
          scope: { project: { name: projectName, domain: domain(projectDomainName, projectDomainId) } },
        },
      }),
    });
    const token = response.headers.get('x-subject-token');
    if (response.status !== 201 || !token) {
      throw new KeystoneUnavailable(`Keystone refused the reference server's service credentials (${response.status})`);
    }
    return token;
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new KeystoneUnavailable(`Keystone at ${url} did not answer: ${(error as Error).message}`);
    }
  }
}
