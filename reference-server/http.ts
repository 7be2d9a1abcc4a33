/**
 * Request and response helpers: JSON bodies, Glance's success headers, and
 * error rendering in the format webob picks from the Accept header.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTitle, HttpError, httpError, reasonPhrase, type Escape } from './errors';
import { pythonJson } from './python-format';

/** Cap on JSON request bodies; image data never goes through readJson. */
export const MAX_JSON_BODY = 1024 * 1024;

type ErrorFormat = 'plain' | 'json' | 'html';

/** webob: best of text/html and application/json by q-value (offer order breaks ties), else text/plain. */
export function errorFormat(accept: string | undefined): ErrorFormat {
  if (accept === undefined || accept.trim() === '') return 'plain';
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const quality = (offer: string): number => {
    const [major] = offer.split('/');
    const exact = ranges.find((range) => range.type === offer);
    const family = ranges.find((range) => range.type === `${major}/*`);
    const any = ranges.find((range) => range.type === '*/*');
    return (exact ?? family ?? any)?.q ?? 0;
  };
  const html = quality('text/html');
  const json = quality('application/json');
  if (html <= 0 && json <= 0) return 'plain';
  return html >= json ? 'html' : 'json';
}

const escapeHtml: Escape = (text) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');

/** webob's strip_tags: newlines fold to spaces, <br /> becomes a newline, other tags vanish. */
function stripTags(text: string): string {
  return text
    .replace(/\n/g, ' ')
    .replace(/\r/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '');
}

export function renderError(error: HttpError, accept: string | undefined): { contentType: string; body: string } {
  const title = bodyTitle(error.status);
  const status = `${error.status} ${title}`;
  const raw = error.template((text) => text);
  switch (errorFormat(accept)) {
    case 'json':
      return { contentType: 'application/json', body: pythonJson({ message: raw, code: status, title }) };
    case 'html':
      return {
        contentType: 'text/html; charset=UTF-8',
        body:
          `<html>\n <head>\n  <title>${status}</title>\n </head>\n <body>\n  <h1>${status}</h1>\n  ` +
          `${error.template(escapeHtml)}\n </body>\n</html>`,
      };
    case 'plain':
      return { contentType: 'text/plain; charset=UTF-8', body: `${status}\n\n${stripTags(raw)}` };
  }
}

/** Glance tags every response with a request id. */
export function setRequestId(res: ServerResponse): void {
  res.setHeader('X-Openstack-Request-Id', `req-${randomUUID()}`);
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { contentType, body } = renderError(error, req.headers.accept);
  setRequestId(res);
  res.writeHead(error.status, reasonPhrase(error.status), {
    ...error.headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  ensureAscii = true,
): void {
  const body = pythonJson(value, ensureAscii);
  setRequestId(res);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Glance's empty successes (DELETE, actions, uploads) are typed text/html. */
export function sendNoContent(res: ServerResponse): void {
  setRequestId(res);
  res.writeHead(204, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '0' });
  res.end();
}

/** Glance's 202 for asynchronous work (import, location import): empty, typed text/html. */
export function sendEmptyAccepted(res: ServerResponse): void {
  setRequestId(res);
  res.writeHead(202, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '0' });
  res.end();
}

/** A download of an image without data: Glance's 204 here carries no Content-Type. */
export function sendNoData(res: ServerResponse): void {
  setRequestId(res);
  res.writeHead(204, { 'Content-Length': '0' });
  res.end();
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  setRequestId(res);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The media type of a request, lower-cased and without parameters ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): HttpError {
  return httpError(413, 'Request is too large.', { Connection: 'close' });
}

/** Parses a JSON request body; Glance's 400 for anything that is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') throw httpError(400, 'Body expected in request.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw httpError(400, 'Malformed JSON in request body.');
  }
}

/** The request's own origin, for absolute URLs (Location, versions). */
export function origin(req: IncomingMessage): string {
  return `http://${req.headers.host ?? 'localhost'}`;
}

/**
 * Feeds each body chunk to `onChunk` as it arrives. Resolves true when the
 * whole body arrived, false when the client went away first. Unlike async
 * iteration, stopping early never destroys the socket, so a response can
 * still be sent.
 */
export function consumeBody(req: IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  return new Promise((resolve) => {
    req.on('data', onChunk);
    req.once('end', () => resolve(true));
    req.once('close', () => resolve(req.complete));
    // An aborted upload surfaces as 'close'; the error itself carries nothing to report.
    req.once('error', () => resolve(false));
  });
}
