/**
 * The versions document of Glance 29.0.0+ (30.0 measured) for a single-store
 * deployment without an image cache: v2.15 and v2.9 SUPPORTED, v2.17 CURRENT
 * (it carries the 2.17 location API), then v2.7 … v2.0 SUPPORTED — Glance's
 * own order. Everything else the reference answers like 25.1 (DEVIATIONS.md V1).
 */

const CURRENT = 'v2.17';
const SUPPORTED_BEFORE = ['v2.15', 'v2.9'];
const SUPPORTED_AFTER = ['v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'];

/** URL prefixes Glance routes to the v2 API in this configuration. */
const ROUTED_PREFIXES = new Set(['v2', CURRENT, ...SUPPORTED_BEFORE, ...SUPPORTED_AFTER]);

type VersionStatus = 'CURRENT' | 'SUPPORTED';

export interface VersionsDocument {
  versions: Array<{ id: string; status: VersionStatus; links: Array<{ rel: 'self'; href: string }> }>;
}

/** DISCOVERY-VERSIONS, DISCOVERY-VERSIONS-ROOT: exactly one CURRENT v2.x. */
export function versionsDocument(origin: string): VersionsDocument {
  const links = [{ rel: 'self' as const, href: `${origin}/v2/` }];
  const entry = (id: string, status: VersionStatus) => ({ id, status, links });
  return {
    versions: [
      ...SUPPORTED_BEFORE.map((id) => entry(id, 'SUPPORTED')),
      entry(CURRENT, 'CURRENT'),
      ...SUPPORTED_AFTER.map((id) => entry(id, 'SUPPORTED')),
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
