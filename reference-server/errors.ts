/**
 * HTTP errors shaped like the webob exceptions Glance raises.
 *
 * webob builds every error body from one HTML-ish template, then renders it as
 * text/plain, JSON or HTML depending on Accept (see http.ts). We keep that
 * template as a function of an escaper so the three renderings stay byte-for-byte
 * what Glance 25.1 sends.
 */

export type Escape = (text: string) => string;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  // RFC 7233 §4.4 wording; webob still says "Request Range Not Satisfiable" (DEVIATIONS.md).
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** webob's class-level explanations, shown before a message passed positionally. */
const DEFAULT_EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

/** The title inside error bodies: webob's, which keeps RFC 2616's name for 416. */
export function bodyTitle(status: number): string {
  return status === 416 ? 'Request Range Not Satisfiable' : reasonPhrase(status);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** The webob body template, before format-specific rendering. */
    readonly template: (escape: Escape) => string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${reasonPhrase(status)}`);
  }
}

/** Glance's `HTTPxxx(explanation=msg)`: the message alone. */
export function httpError(status: number, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, (esc) => `${esc(message)}<br /><br />\n\n\n`, headers);
}

/** Glance's `HTTPxxx(msg)`: webob's default explanation first, the message as detail. */
export function httpErrorWithDetail(status: number, detail: string, headers?: Record<string, string>): HttpError {
  const explanation = DEFAULT_EXPLANATIONS[status] ?? '';
  return new HttpError(status, (esc) => `${esc(explanation)}<br /><br />\n${esc(detail)}\n\n`, headers);
}

export function methodNotAllowed(method: string, allow: string[]): HttpError {
  return new HttpError(405, (esc) => `The method ${esc(method)} is not allowed for this resource. <br /><br />\n`, {
    Allow: allow.join(', '),
  });
}

export function unsupportedMediaType(contentType: string, headers?: Record<string, string>): HttpError {
  return new HttpError(
    415,
    (esc) => `The request media type ${esc(contentType)} is not supported by this server.\n<br /><br />\n`,
    headers,
  );
}

export const notFound = (): HttpError => httpError(404, 'The resource could not be found.');

export const imageNotFound = (id: string): HttpError => httpError(404, `No image found with ID ${id}`);

/** The wording of image sub-resources (tags, members). */
export const parentImageNotFound = (id: string): HttpError => httpError(404, `Image ${id} not found.`);

export const internalError = (): HttpError => httpError(500, DEFAULT_EXPLANATIONS[500]);
