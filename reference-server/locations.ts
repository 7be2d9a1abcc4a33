/**
 * External (http/https) image locations, checked and read the way Glance's
 * http store does: a HEAD must answer 2xx with a positive Content-Length,
 * which becomes the image size; downloads GET the URL.
 */
import { Readable } from 'node:stream';

const PROBE_TIMEOUT_MS = 5000;

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
