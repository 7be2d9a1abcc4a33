/**
 * External (http/https) image locations, checked and read the way Glance's
 * http store does: a HEAD must answer 2xx with a positive Content-Length,
 * which becomes the image size; downloads GET the URL.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const PROBE_TIMEOUT_MS = 5000;
/** A location import reads the whole remote body; generous, but never forever. */
const DIGEST_TIMEOUT_MS = 10 * 60 * 1000;

function externalUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}

/** Size of the data at `url`, or null when Glance would call it an invalid location. */
export async function probeLocation(url: string): Promise<number | null> {
  const target = externalUrl(url);
  if (!target) return null;
  try {
    const response = await fetch(target, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const length = Number(response.headers.get('content-length'));
    return response.ok && Number.isSafeInteger(length) && length > 0 ? length : null;
  } catch {
    return null;
  }
}

/** The body of `url` as a stream; rejects when the remote does not answer 2xx. */
export async function fetchLocation(url: string, signal: AbortSignal): Promise<Readable> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

/** Hash algorithms Glance accepts in `validation_data` (`os_hash_algo`), with their digest sizes in bytes. */
export const HASH_DIGEST_BYTES: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64, md5: 16 };

/** The size comes from the probe (Glance's http store HEAD), not from here. */
export interface LocationDigest {
  checksum: string;
  hash: string;
}

/** Reads the data at `url` once, as Glance's location import does: md5 checksum and the `algo` hash. */
export async function digestLocation(url: string, algo: string): Promise<LocationDigest> {
  const body = await fetchLocation(url, AbortSignal.timeout(DIGEST_TIMEOUT_MS));
  const md5 = createHash('md5');
  const hash = createHash(algo);
  for await (const chunk of body as AsyncIterable<Buffer>) {
    md5.update(chunk);
    hash.update(chunk);
  }
  return { checksum: md5.digest('hex'), hash: hash.digest('hex') };
}
