/**
 * Glance 25.1's version document for a single-store deployment without an
 * image cache: v2.15 CURRENT, then v2.9 and v2.7 … v2.0 SUPPORTED.
 */

const CURRENT = 'v2.15';
const SUPPORTED = ['v2.9', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'];

/** URL prefixes Glance routes to the v2 API in this configuration. */
const ROUTED_PREFIXES = new Set(['v2', CURRENT, ...SUPPORTED]);

export interface VersionsDocument {
  versions: Array<{ id: string; status: 'CURRENT' | 'SUPPORTED'; links: Array<{ rel: 'self'; href: string }> }>;
}

export function versionsDocument(origin: string): VersionsDocument {
  const links = [{ rel: 'self' as const, href: `${origin}/v2/` }];
  return {
    versions: [
      { id: CURRENT, status: 'CURRENT', links },
      ...SUPPORTED.map((id) => ({ id, status: 'SUPPORTED' as const, links })),
    ],
  };
}

/**
 * Maps `/v2.N/rest` to `/v2/rest` when v2.N is served; returns null for any
 * other path, which Glance answers with the versions document (300).
 */
export function apiPath(path: string): string | null {
  const match = /^\/(v[0-9]+(?:\.[0-9]+)?)(\/.*)$/.exec(path);
  if (!match || !ROUTED_PREFIXES.has(match[1])) return null;
  return `/v2${match[2]}`;
}
