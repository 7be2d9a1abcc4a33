/**
 * Shared pieces of the robustness tests: how many cases a property runs, a raw HTTP client that sends
 * header values exactly as given, and an independent reading of RFC 7233 to judge range answers by.
 */
import net from 'node:net';
import { Agent, request } from 'undici';

/** `PROPERTIES=long` (npm run test:properties:long) multiplies every property's case count. */
export const LONG = process.env.PROPERTIES === 'long';

/** Case count for a property: `quick` in npm test, `long` behind npm run test:properties:long. */
export function runs(quick: number, long: number): number {
  return LONG ? long : quick;
}

/** Every property's seed is printed on failure by fast-check; PROPERTIES_SEED replays one. */
export const SEED = process.env.PROPERTIES_SEED ? Number(process.env.PROPERTIES_SEED) : undefined;

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A keep-alive client for one server; header values go out byte for byte (undici validates only syntax). */
export class RawClient {
  private readonly agent = new Agent({ connections: 16, pipelining: 1 });

  constructor(readonly base: string) {}

  async send(
    method: string,
    path: string,
    headers: Array<[string, string]> = [],
    body?: Buffer | string,
  ): Promise<RawResponse> {
    const res = await request(`${this.base}${path}`, {
      method: method as 'GET',
      headers: headers.flat(),
      body,
      dispatcher: this.agent,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(res.headers))
      flat[key] = Array.isArray(value) ? value.join(', ') : String(value);
    return { status: res.statusCode, headers: flat, body: Buffer.concat(chunks) };
  }

  /** Creates a queued image (raw/bare unless `props` says otherwise) and answers its id; anything but 201 throws. */
  async createImage(props: Record<string, unknown> = {}): Promise<string> {
    const body = JSON.stringify({ disk_format: 'raw', container_format: 'bare', ...props });
    const res = await this.send('POST', '/v2/images', [['Content-Type', 'application/json']], body);
    if (res.status !== 201) throw new Error(`POST /v2/images answered ${res.status}: ${res.body.toString('utf8')}`);
    return this.json<{ id: string }>(res).id;
  }

  json<T>(res: RawResponse): T {
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * Sends `bytes` on a fresh socket and collects whatever comes back until the server closes or
 * `waitMs` passes. For requests no HTTP client would send (broken framing, invalid bytes).
 */
export function rawExchange(
  base: string,
  bytes: Buffer | string,
  options: { waitMs?: number; end?: boolean } = {},
): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received).toString('latin1'));
    };
    const timer = setTimeout(finish, options.waitMs ?? 2_000);
    socket.on('data', (d) => received.push(d));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes, () => {
      if (options.end) socket.end();
    });
  });
}

/** An HTTP/1.1 request head, for rawExchange. */
export function requestHead(method: string, target: string, headers: Array<[string, string]>): string {
  return `${method} ${target} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}

/** The head of an octet-stream upload; `framing` is its Content-Length or Transfer-Encoding header. */
export const uploadHead = (target: string, framing: [string, string]): string =>
  requestHead('PUT', target, [['Host', 'x'], ['Content-Type', 'application/octet-stream'], framing]);

/** Status code of the first response in a raw exchange (0 when there is none). */
export const statusOf = (raw: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

// ── RFC 7233, read independently of reference-server/range.ts ────────────────────────────────────

export type Expected = { kind: 'full' } | { kind: 'partial'; first: number; last: number } | { kind: 'unsatisfiable' };

const OWS = /^[ \t]*|[ \t]*$/g;
/** A position numeral; beyond 2^53 it lies past the end of any image (RFC 7233 §2.1 large numerals). */
const position = (digits: string): number => (Number.isSafeInteger(Number(digits)) ? Number(digits) : Infinity);

/**
 * What a `Range` request header must produce on an image of `size` bytes, by RFC 7233 plus the
 * reference server's declared choices (DEVIATIONS.md R1–R7): invalid, other units and several
 * ranges are ignored (whole image); 206 for one satisfiable range; 416 otherwise.
 */
export function expectedForRange(value: string, size: number): Expected {
  const field = value.replace(OWS, '');
  const m = /^([^=]*)=(.*)$/s.exec(field);
  if (!m || m[1].toLowerCase() !== 'bytes') return { kind: 'full' };
  const elements = m[2]
    .split(',')
    .map((e) => e.replace(OWS, ''))
    .filter((e) => e !== '');
  if (elements.length === 0) return { kind: 'full' };
  const specs: Array<{ first?: number; last?: number; suffix?: number }> = [];
  for (const element of elements) {
    const spec = /^(?:([0-9]+)-([0-9]*)|-([0-9]+))$/.exec(element);
    if (!spec) return { kind: 'full' };
    if (spec[3] !== undefined) specs.push({ suffix: position(spec[3]) });
    else {
      const first = position(spec[1]);
      const last = spec[2] === '' ? undefined : position(spec[2]);
      if (last !== undefined && last < first) return { kind: 'full' };
      specs.push({ first, last });
    }
  }
  if (specs.length > 1) return { kind: 'full' };
  const [spec] = specs;
  if (spec.suffix !== undefined) {
    if (spec.suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', first: Math.max(0, size - spec.suffix), last: size - 1 };
  }
  if (spec.first! >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', first: spec.first!, last: Math.min(spec.last ?? Infinity, size - 1) };
}

/**
 * Glance's deprecated `Content-Range` request header (no `Range`): exactly `bytes F-L/LEN` or
 * `bytes F-L/*` naming bytes that exist, else 416 (DEVIATIONS.md R12–R14). Never the whole image.
 */
export function expectedForContentRange(value: string, size: number): Expected {
  const m = /^bytes ([0-9]+)-([0-9]+)\/([0-9]+|\*)$/.exec(value.replace(OWS, ''));
  if (!m) return { kind: 'unsatisfiable' };
  const [first, last] = [Number(m[1]), Number(m[2])];
  const length = m[3] === '*' ? undefined : Number(m[3]);
  const safe = [first, last, ...(length === undefined ? [] : [length])].every(Number.isSafeInteger);
  if (!safe || last < first || (length !== undefined && last >= length) || first >= size || last >= size)
    return { kind: 'unsatisfiable' };
  return { kind: 'partial', first, last };
}

/** Checks one download answer against what was expected; returns the first problem, or undefined. */
export function judgeDownload(res: RawResponse, expected: Expected, data: Buffer): string | undefined {
  const size = data.length;
  switch (expected.kind) {
    case 'full':
      if (res.status !== 200) return `status ${res.status}, expected 200`;
      if (res.headers['content-range'] !== undefined) return `a 200 with Content-Range ${res.headers['content-range']}`;
      if (!res.body.equals(data)) return `200 body of ${res.body.length} bytes is not the whole image of ${size}`;
      return undefined;
    case 'partial': {
      const { first, last } = expected;
      if (res.status !== 206) return `status ${res.status}, expected 206 ${first}-${last}`;
      if (res.headers['content-range'] !== `bytes ${first}-${last}/${size}`)
        return `Content-Range ${res.headers['content-range']}, expected bytes ${first}-${last}/${size}`;
      if (res.headers['content-length'] !== String(last - first + 1))
        return `Content-Length ${res.headers['content-length']}`;
      if (!res.body.equals(data.subarray(first, last + 1))) return 'the 206 body is not the requested slice';
      return undefined;
    }
    case 'unsatisfiable':
      if (res.status !== 416) return `status ${res.status}, expected 416`;
      if (res.headers['content-range'] !== `bytes */${size}`)
        return `416 with Content-Range ${res.headers['content-range']}, expected bytes */${size}`;
      if (size >= 8 && res.body.includes(data.subarray(0, 8))) return 'the 416 carries image bytes';
      return undefined;
  }
}
