import fs from 'node:fs';
import { BlockList, isIP } from 'node:net';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { resolveCloud, type CloudConfig, type Sourced } from './clouds';
// Loads .env into the environment, so TLS and proxy settings kept there are read like the rest.
import './config';
import { TargetUnusable } from './errors';

/**
 * The one HTTP layer: every request of the suite, its login, discovery, sweeper, cleanup and scripts goes
 * through here, so TLS (OS_CACERT, OS_INSECURE, OS_CERT/OS_KEY or their clouds.yaml forms) and proxies
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, upper or lower case) are decided in one place, once per process.
 */

export interface HttpSettings {
  cacert?: Sourced<string>;
  insecure?: Sourced<boolean>;
  cert?: Sourced<string>;
  key?: Sourced<string>;
  httpProxy?: Sourced<string>;
  httpsProxy?: Sourced<string>;
  /** NO_PROXY entries; only these bypass a proxy (no implicit localhost exception). */
  noProxy: string[];
}

/** Lower case first, as curl, Python and undici read them. */
function proxyVariable(env: NodeJS.ProcessEnv, name: string): Sourced<string> | undefined {
  for (const n of [name.toLowerCase(), name]) {
    const v = env[n]?.trim();
    if (v) return { value: /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`, from: n };
  }
  return undefined;
}

export function httpSettings(
  env: NodeJS.ProcessEnv = process.env,
  cloud: CloudConfig = resolveCloud(env),
): HttpSettings {
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '')
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return {
    cacert: cloud.cacert,
    insecure: cloud.insecure,
    cert: cloud.cert,
    key: cloud.key,
    httpProxy: proxyVariable(env, 'HTTP_PROXY'),
    httpsProxy: proxyVariable(env, 'HTTPS_PROXY'),
    noProxy,
  };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** curl's reading of NO_PROXY: `*`, host names matching themselves and their subdomains, `host:port`, IPs, CIDR. */
export function bypassesProxy(url: URL, noProxy: string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const cidr = /^([\d.]+|[\da-f:]+)\/(\d+)$/i.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
      if (isIP(host) === 0) return false;
      const list = new BlockList();
      list.addSubnet(cidr[1], Number(cidr[2]), family);
      return list.check(host, isIP(host) === 6 ? 'ipv6' : 'ipv4');
    }
    if (isIP(entry)) return host === entry;
    const withPort = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))!;
    if (withPort[2] && Number(withPort[2]) !== port) return false;
    const name = withPort[1].replace(/^\*?\./, '');
    return host === name || (isIP(name) === 0 && host.endsWith(`.${name}`));
  });
}

function readSetting(setting: Sourced<string> | undefined, what: string): Buffer | undefined {
  if (!setting) return undefined;
  try {
    return fs.readFileSync(setting.value);
  } catch (e) {
    throw new TargetUnusable(
      `${setting.from}=${setting.value}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
}

export interface HttpRequest {
  method: string;
  url: string;
  /** An object, or a flat [name, value, …] list sent in exactly that order and spelling. */
  headers?: Record<string, string> | string[];
  body?: Buffer | string | Readable;
  /**
   * A request under judgement (the default) is sent once: what happens to it is the target's answer. The
   * harness's own GET/HEAD/DELETE (`judged: false`) are repeated after a connection error, never after a status.
   */
  judged?: boolean;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /**
   * A body that pauses this long, or 20 times as long as the headers took if that is longer (a slow or distant
   * target), broke off: a server that promised more bytes than it sent is not waited for the whole bodyTimeoutMs,
   * which stays the limit.
   */
  bodyStallMs?: number;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Set when the status line and headers came but the body did not (stalled or cut). */
  bodyFailure?: string;
}

/** How often and after how long a harness request is repeated after a connection error. */
export const RETRY_DELAYS_MS = [100, 400, 1000, 2000];
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
const CONNECTION_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const codeOf = (e: unknown): string | undefined => {
  const err = e as { code?: string; cause?: { code?: string } } | undefined;
  return err?.code ?? err?.cause?.code;
};

export const isConnectionError = (e: unknown) => CONNECTION_ERRORS.has(codeOf(e) ?? '');

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);

/** One line naming what went wrong and, for TLS and proxies, the variable that fixes it. */
export function describeNetworkError(e: unknown): string {
  const err = e as { cause?: { code?: string; message?: string }; code?: string; message?: string; name?: string };
  if (err?.name === 'TimeoutError') return 'timed out';
  const code = codeOf(e);
  if (code && UNTRUSTED.has(code)) {
    return (
      `${code}: the server's certificate is not signed by a CA this suite trusts — set OS_CACERT (cacert in ` +
      'clouds.yaml) to the CA file that signed it, or OS_INSECURE=true to skip verification'
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const why = err.message ?? err.cause?.message;
    return `${code}: ${why} — use the host name the certificate names, or OS_INSECURE=true`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `${code}: the server's certificate is outside its validity period (OS_INSECURE=true skips verification)`;
  }
  if (code && CLIENT_CERT_REFUSED.has(code)) {
    return (
      `${code}: the server refused the TLS handshake — it wants a client certificate it accepts: set OS_CERT and ` +
      'OS_KEY (cert and key in clouds.yaml)'
    );
  }
  if (/Proxy response \((\d+)\)/.test(err?.message ?? '')) return `the proxy refused the tunnel: ${err.message}`;
  return code || err?.cause?.message || err?.message || String(e);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A response body, failing once no byte came for `stallMs` (when given). */
function readBody(body: Dispatcher.ResponseData['body'], stallMs: number | undefined): Promise<Buffer> {
  if (stallMs === undefined) return body.arrayBuffer().then(Buffer.from);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => body.destroy(new Error(`no byte of the body for ${stallMs} ms`)), stallMs);
    };
    arm();
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      arm();
    });
    body.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    body.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export class HttpLayer {
  private readonly direct: Agent;
  private readonly tls: tls.ConnectionOptions;
  private readonly httpProxy?: ProxyAgent;
  private readonly httpsProxy?: ProxyAgent;

  constructor(readonly settings: HttpSettings) {
    const ca = readSetting(settings.cacert, 'CA file');
    const cert = readSetting(settings.cert, 'client certificate');
    // A PEM holding both certificate and key may come as OS_CERT alone.
    const key = readSetting(settings.key, 'client key') ?? cert;
    const tls = { ca, cert, key, rejectUnauthorized: !settings.insecure?.value };
    this.tls = tls;
    this.direct = new Agent({ connect: tls });
    // Plain http goes to the proxy in absolute form; https through a CONNECT tunnel.
    if (settings.httpProxy) {
      this.httpProxy = new ProxyAgent({
        uri: settings.httpProxy.value,
        proxyTunnel: false,
        requestTls: tls,
        proxyTls: tls,
      });
    }
    if (settings.httpsProxy) {
      this.httpsProxy = new ProxyAgent({ uri: settings.httpsProxy.value, requestTls: tls, proxyTls: tls });
    }
  }

  /** The proxy a request to `url` goes through, or undefined for a direct connection. */
  proxyFor(url: URL): Sourced<string> | undefined {
    const proxy = url.protocol === 'https:' ? this.settings.httpsProxy : this.settings.httpProxy;
    return proxy && !bypassesProxy(url, this.settings.noProxy) ? proxy : undefined;
  }

  private dispatcherFor(url: URL): Dispatcher {
    if (!this.proxyFor(url)) return this.direct;
    return (url.protocol === 'https:' ? this.httpsProxy : this.httpProxy)!;
  }

  async request(req: HttpRequest): Promise<HttpAnswer> {
    const method = req.method.toUpperCase();
    const retries = req.judged === false && RETRYABLE_METHODS.has(method) && !isStream(req.body) ? RETRY_DELAYS_MS : [];
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.once(req);
        if (answer.bodyFailure && attempt < retries.length)
          throw Object.assign(new Error(answer.bodyFailure), { code: 'UND_ERR_SOCKET' });
        return answer;
      } catch (e) {
        if (attempt >= retries.length || !isConnectionError(e) || req.signal?.aborted)
          throw await this.diagnose(req.url, e);
        await sleep(retries[attempt]);
      }
    }
  }

  /**
   * With TLS 1.3 a server that wants a client certificate refuses it after the handshake, and the request
   * only sees the connection close. A bare handshake, kept open a moment, receives the server's alert: its
   * code names the problem.
   */
  private async diagnose(target: string, e: unknown): Promise<unknown> {
    const url = new URL(target);
    const closedEarly = codeOf(e) === 'UND_ERR_SOCKET' || codeOf(e) === 'ECONNRESET';
    if (url.protocol !== 'https:' || !closedEarly || this.proxyFor(url)) return e;
    const alert = await new Promise<unknown>((resolve) => {
      const socket = tls.connect({
        ...this.tls,
        host: url.hostname,
        port: Number(url.port) || 443,
        servername: isIP(url.hostname) ? undefined : url.hostname,
      });
      const done = (found: unknown) => {
        socket.destroy();
        resolve(found);
      };
      socket.setTimeout(2000, () => done(undefined));
      socket.on('error', (err) => done(CLIENT_CERT_REFUSED.has(codeOf(err) ?? '') ? err : undefined));
      socket.on('close', () => done(undefined));
      socket.resume();
    });
    return alert ?? e;
  }

  private async once(req: HttpRequest): Promise<HttpAnswer> {
    const url = new URL(req.url);
    const sent = Date.now();
    const res = await request(url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      dispatcher: this.dispatcherFor(url),
      headersTimeout: req.headersTimeoutMs ?? 30_000,
      bodyTimeout: req.bodyTimeoutMs ?? 30_000,
      signal: req.signal,
    });
    // A body that stalls or breaks after the status line is the target's answer, not a lost one:
    // the status and headers stand, with no body.
    let bodyFailure: string | undefined;
    const stallMs =
      req.bodyStallMs === undefined
        ? undefined
        : Math.min(req.bodyTimeoutMs ?? 30_000, Math.max(req.bodyStallMs, 20 * (Date.now() - sent)));
    const body = await readBody(res.body, stallMs).catch((e: unknown) => {
      bodyFailure = `the body broke off after the headers: ${describeNetworkError(e)}`;
      return Buffer.alloc(0);
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, body, bodyFailure };
  }

  /** A one-line account of TLS and proxy settings for the start of a run; no secret is in them. */
  describe(url: string): string[] {
    const lines: string[] = [];
    const s = this.settings;
    if (s.insecure?.value)
      lines.push(`TLS certificate verification is OFF (${s.insecure.from}): the target's identity is not checked`);
    if (s.cacert) lines.push(`TLS: trusting the CA in ${s.cacert.value} (${s.cacert.from})`);
    if (s.cert) lines.push(`TLS: client certificate ${s.cert.value} (${s.cert.from})`);
    const proxy = this.proxyFor(new URL(url));
    if (proxy) lines.push(`proxy: ${publicProxy(proxy.value)} (${proxy.from})`);
    return lines;
  }
}

const isStream = (body: HttpRequest['body']): boolean =>
  typeof body === 'object' && body !== null && !Buffer.isBuffer(body);

/** A proxy URL without its credentials. */
export function publicProxy(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid proxy URL>';
  }
}

let shared: HttpLayer | undefined;

/** This process's HTTP layer, built on first use from the environment (and the OS_CLOUD entry). */
export function http(): HttpLayer {
  shared ??= new HttpLayer(httpSettings());
  return shared;
}
