/** /v2/images/{id}/file and /stage: streaming upload, staging, ranged download. */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { forbiddenUnlessOwner } from '../auth';
import { ChunkedBytes } from '../chunks';
import { UploadHasher } from '../hashing';
import { httpError, httpErrorWithDetail, unsupportedMediaType } from '../errors';
import { consumeBody, mediaType, sendError, sendNoContent, sendNoData, setRequestId } from '../http';
import { fetchLocation } from '../locations';
import { decideRange } from '../range';
import type { StagingBuffers } from '../staging';
import { transition } from '../status';
import { memoryUrl, type ImageRecord } from '../store';
import type { Exchange } from './exchange';

function requireOctetStream(exchange: Exchange): void {
  if (mediaType(exchange.req) !== 'application/octet-stream') {
    throw unsupportedMediaType(exchange.req.headers['content-type'] ?? '');
  }
}

function goneAfterUpload(image: ImageRecord) {
  return httpError(
    410,
    `Image ${image.id} could not be found after upload. The image may have been deleted during the upload, ` +
      'cleaning up the chunks uploaded.',
  );
}

function tooLarge(cap: number) {
  return httpError(413, `The incoming image is too large: The provided image exceeds the size cap of ${cap} bytes.`, {
    Connection: 'close',
  });
}

/** Puts an image whose transfer failed back to queued, unless it was deleted meanwhile. */
function restoreQueued(exchange: Exchange, image: ImageRecord, from: 'saving' | 'uploading'): void {
  if (exchange.state.store.isLive(image) && image.status === from) {
    transition(image, 'queued');
    exchange.state.store.touch(image);
  }
}

/** Starts a transfer: the image leaves queued as soon as the request arrives. */
function beginTransfer(exchange: Exchange, to: 'saving' | 'uploading'): ImageRecord {
  const { params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  forbiddenUnlessOwner(context, image.owner);
  requireOctetStream(exchange);
  transition(image, to);
  state.store.touch(image);
  return image;
}

export async function uploadImageData(exchange: Exchange): Promise<void> {
  const { req, res, state } = exchange;
  const cap = state.options.image_size_cap;
  const image = beginTransfer(exchange, 'saving');
  if (Number(req.headers['content-length']) > cap) {
    restoreQueued(exchange, image, 'saving');
    throw tooLarge(cap);
  }
  const received = new ChunkedBytes();
  const hasher = new UploadHasher();
  let rejected = false;
  const complete = await consumeBody(req, (chunk) => {
    // After a delete or a refusal the rest of the body is read and dropped.
    if (rejected || image.status !== 'saving') return;
    if (received.size + chunk.length > cap) {
      rejected = true;
      restoreQueued(exchange, image, 'saving');
      sendError(req, res, tooLarge(cap));
      return;
    }
    received.append(chunk);
    hasher.update(chunk);
  });
  if (rejected || !complete) {
    hasher.discard();
    // Nothing of an incomplete upload is kept, let alone served.
    if (!rejected) restoreQueued(exchange, image, 'saving');
    return;
  }
  const digests = await hasher.digests();
  if (!state.store.isLive(image)) throw goneAfterUpload(image);
  image.data = received;
  image.size = received.size;
  // Only raw data has a virtual size we can know without inspecting the format.
  image.virtual_size = image.disk_format === 'raw' ? received.size : null;
  image.checksum = digests.md5;
  image.os_hash_algo = 'sha512';
  image.os_hash_value = digests.sha512;
  image.locations = [{ url: memoryUrl(image.id), metadata: {} }];
  transition(image, 'active');
  state.store.touch(image);
  sendNoContent(res);
}

/** Staging for interoperable import: the bytes wait in `staged` for a glance-direct import. */
export async function stageImageData(exchange: Exchange): Promise<void> {
  const image = beginTransfer(exchange, 'uploading');
  const staged = new ChunkedBytes();
  const complete = await consumeBody(exchange.req, (chunk) => staged.append(chunk));
  if (!complete) {
    restoreQueued(exchange, image, 'uploading');
    return;
  }
  if (!exchange.state.store.isLive(image)) throw goneAfterUpload(image);
  // Kept for a glance-direct import (image-import.ts); Glance shows the staged size meanwhile.
  image.staged = staged;
  image.size = staged.size;
  exchange.state.store.touch(image);
  sendNoContent(exchange.res);
}

/** The bytes behind an image: uploaded chunks, else its first external location. */
interface DataSource {
  size: number;
  open(first: number, last: number, signal: AbortSignal): Promise<Iterable<Buffer> | AsyncIterable<Buffer>>;
}

function dataSource(image: ImageRecord): DataSource | null {
  const stored = image.data;
  if (stored) return { size: stored.size, open: async (first, last) => stored.slices(first, last) };
  const external = image.locations.find((location) => /^https?:\/\//.test(location.url));
  if (!external || image.size === null) return null;
  return {
    size: image.size,
    open: async (first, last, signal) => window(await fetchLocation(external.url, signal), first, last),
  };
}

/** Bytes first..last of a remote body, failing if the remote sends fewer. */
async function* window(body: Readable, first: number, last: number): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const from = Math.max(first - offset, 0);
    const to = Math.min(last + 1 - offset, chunk.length);
    offset += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    if (offset > last) {
      body.destroy();
      return;
    }
  }
  throw new Error('external location ended before the expected size');
}

function header(exchange: Exchange, name: string): string | undefined {
  const value = exchange.req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export async function downloadImageData(exchange: Exchange): Promise<void> {
  const { res, params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  if (image.status === 'deactivated' && !context.isAdmin) {
    throw httpError(403, 'The requested image has been deactivated. Image data download is forbidden.');
  }
  const source = dataSource(image);
  // No data: 204 whatever Range/Content-Range say (Glance answers 500 to those).
  if (!source) return sendNoData(res);
  const etag = image.checksum ? `"${image.checksum}"` : null;
  const decision = decideRange(
    {
      range: header(exchange, 'range'),
      ifRange: header(exchange, 'if-range'),
      contentRange: header(exchange, 'content-range'),
    },
    source.size,
    etag,
  );
  if (decision.kind === 'unsatisfiable') {
    throw httpErrorWithDetail(416, decision.message, { 'Content-Range': `bytes */${source.size}` });
  }
  const [first, last] = decision.kind === 'partial' ? [decision.first, decision.last] : [0, source.size - 1];
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  let body: Iterable<Buffer> | AsyncIterable<Buffer>;
  try {
    body = await source.open(first, last, abort.signal);
  } catch {
    // Glance answers 204 when the store cannot find the data.
    return sendNoData(res);
  }
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(last - first + 1),
    'Accept-Ranges': 'bytes',
  };
  if (image.checksum) headers['Content-MD5'] = image.checksum;
  if (etag) headers.ETag = etag;
  if (decision.kind === 'partial') headers['Content-Range'] = `bytes ${first}-${last}/${source.size}`;
  setRequestId(res);
  res.writeHead(decision.kind === 'partial' ? 206 : 200, headers);
  try {
    if (Symbol.iterator in body) await writeViews(res, body, state.staging);
    else await pipeline(Readable.from(body, { objectMode: false }), res);
  } catch {
    // The client left or the remote failed mid-body; the connection is already torn down.
    res.destroy();
  }
}

/**
 * Stored bytes go to the socket through staging buffers (see StagingBuffers), no stream in between (a Readable.from
 * + pipeline cost an async step and several short-lived objects per chunk). One full buffer waits queued behind the
 * one the kernel is taking: waiting for 'drain' instead (the queue empty) left the socket idle while the next buffer
 * was being filled. A buffer goes back to the pool when its write completes, or fails on a closed connection.
 */
async function writeViews(res: ServerResponse, views: Iterable<Buffer>, staging: StagingBuffers): Promise<void> {
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  let inKernel: Promise<unknown> = Promise.resolve();
  let buffer: Buffer | undefined;
  let filled = 0;
  const send = async (full: Buffer, length: number) => {
    const written = new Promise<void>((resolve) =>
      res.write(full.subarray(0, length), () => {
        staging.give(full);
        resolve();
      }),
    );
    await Promise.race([inKernel, closed]);
    inKernel = written;
  };
  for (const view of views) {
    for (let at = 0; at < view.length;) {
      if (res.destroyed) return;
      buffer ??= staging.take();
      const copied = view.copy(buffer, filled, at);
      filled += copied;
      at += copied;
      if (filled === buffer.length) {
        await send(buffer, filled);
        buffer = undefined;
        filled = 0;
      }
    }
  }
  if (buffer) await send(buffer, filled);
  if (!res.destroyed) res.end();
}
