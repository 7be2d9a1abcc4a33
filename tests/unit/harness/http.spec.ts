import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { bypassesProxy, describeNetworkError, httpSettings, HttpLayer, RETRY_DELAYS_MS } from '../../../harness/http';
import { TargetUnusable } from '../../../harness/errors';
import { makePki, type Pki } from '../../field/support/pki';

const settings = (env: NodeJS.ProcessEnv) => httpSettings(env);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

test.describe('proxy settings', () => {
  test('lower-case proxy variables win; a bare host:port is an http proxy', () => {
    const s = settings({
      HTTPS_PROXY: 'http://upper:1',
      https_proxy: 'lower:3128',
      HTTP_PROXY: 'http://p:8080',
      NO_PROXY: 'a, .b',
    });
    expect(s.httpsProxy).toEqual({ value: 'http://lower:3128', from: 'https_proxy' });
    expect(s.httpProxy).toEqual({ value: 'http://p:8080', from: 'HTTP_PROXY' });
    expect(s.noProxy).toEqual(['a', '.b']);
  });

  test('https never falls back to HTTP_PROXY, and nothing bypasses the proxy unless NO_PROXY says so', () => {
    const layer = new HttpLayer(settings({ HTTP_PROXY: 'http://p:8080' }));
    expect(layer.proxyFor(new URL('https://glance.example.org'))).toBeUndefined();
    expect(layer.proxyFor(new URL('http://127.0.0.1:9292'))?.value).toBe('http://p:8080');
    expect(layer.proxyFor(new URL('http://localhost:9292'))?.value).toBe('http://p:8080');
  });

  test('NO_PROXY: *, names and their subdomains, host:port, IPs and CIDRs', () => {
    const u = (s: string) => new URL(s);
    expect(bypassesProxy(u('http://x.org'), ['*'])).toBe(true);
    expect(bypassesProxy(u('http://api.example.org'), ['example.org'])).toBe(true);
    expect(bypassesProxy(u('http://api.example.org'), ['.example.org'])).toBe(true);
    expect(bypassesProxy(u('http://api.example.org'), ['*.example.org'])).toBe(true);
    expect(bypassesProxy(u('http://badexample.org'), ['example.org'])).toBe(false);
    expect(bypassesProxy(u('http://h:9292'), ['h:9292'])).toBe(true);
    expect(bypassesProxy(u('http://h:9293'), ['h:9292'])).toBe(false);
    expect(bypassesProxy(u('https://h'), ['h:443'])).toBe(true);
    expect(bypassesProxy(u('http://10.1.2.3:80'), ['10.0.0.0/8'])).toBe(true);
    expect(bypassesProxy(u('http://11.1.2.3'), ['10.0.0.0/8'])).toBe(false);
    expect(bypassesProxy(u('http://127.0.0.1:5000'), ['127.0.0.1'])).toBe(true);
    expect(bypassesProxy(u('http://127.0.0.10'), ['127.0.0.1'])).toBe(false);
    expect(bypassesProxy(u('http://[::1]:80'), ['::1'])).toBe(true);
  });
});

test.describe('retries', () => {
  let server: http.Server;
  let base: string;
  let requests: string[];
  /** Every first request to a path is dropped (reset before any answer); the rest answer 200, /500 with 500. */
  const dropped = new Set<string>();

  test.beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const key = `${req.method} ${req.url}`;
      if (!dropped.has(key)) {
        dropped.add(key);
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(req.url === '/500' ? 500 : 200).end('ok');
    });
    base = await listen(server);
  });
  test.afterAll(() => close(server));
  test.beforeEach(() => {
    requests = [];
    dropped.clear();
  });

  const layer = () => new HttpLayer(settings({}));

  test("the harness's own GET and DELETE survive a dropped connection", async () => {
    expect((await layer().request({ method: 'GET', url: `${base}/a`, judged: false })).status).toBe(200);
    expect((await layer().request({ method: 'DELETE', url: `${base}/a`, judged: false })).status).toBe(200);
    expect(requests).toEqual(['GET /a', 'GET /a', 'DELETE /a', 'DELETE /a']);
  });

  test('a request under judgement is sent once', async () => {
    await expect(layer().request({ method: 'GET', url: `${base}/b` })).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/),
    });
    expect(requests).toEqual(['GET /b']);
  });

  test('a POST is never repeated, not even for the harness', async () => {
    await expect(layer().request({ method: 'POST', url: `${base}/c`, body: '{}', judged: false })).rejects.toThrow();
    expect(requests).toEqual(['POST /c']);
  });

  test('an HTTP status is an answer, never a reason to repeat', async () => {
    dropped.add('GET /500');
    expect((await layer().request({ method: 'GET', url: `${base}/500`, judged: false })).status).toBe(500);
    expect(requests).toEqual(['GET /500']);
  });

  test('the retry is bounded', async () => {
    const always = http.createServer((req) => req.socket.resetAndDestroy());
    const url = await listen(always);
    let count = 0;
    always.on('request', () => (count += 1));
    await expect(layer().request({ method: 'GET', url, judged: false })).rejects.toThrow();
    expect(count).toBe(RETRY_DELAYS_MS.length + 1);
    await close(always);
  });
});

test.describe('bodies', () => {
  let server: http.Server;
  let base: string;
  /** /short promises 10 bytes, sends 5 and waits; /slow sends 5 bytes now and 5 after 400 ms. */
  test.beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(206, { 'Content-Length': '10' });
      res.write('01234');
      if (req.url === '/slow') setTimeout(() => res.end('56789'), 400);
    });
    base = await listen(server);
  });
  test.afterAll(() => close(server));

  test('a body that stops short of its Content-Length is a body failure once it paused bodyStallMs', async () => {
    const started = Date.now();
    const answer = await new HttpLayer(settings({})).request({
      method: 'GET',
      url: `${base}/short`,
      bodyTimeoutMs: 10_000,
      bodyStallMs: 300,
    });
    expect(answer.status).toBe(206);
    expect(answer.bodyFailure).toMatch(/^the body broke off after the headers: no byte of the body for \d+ ms/);
    expect(Date.now() - started, 'waited the stall, not the body timeout').toBeLessThan(5_000);
  });

  test('a pause shorter than bodyStallMs is no failure: every byte arrives', async () => {
    const answer = await new HttpLayer(settings({})).request({
      method: 'GET',
      url: `${base}/slow`,
      bodyStallMs: 1_500,
    });
    expect(answer.bodyFailure).toBeUndefined();
    expect(answer.body.toString()).toBe('0123456789');
  });
});

test.describe('TLS', () => {
  let pki: Pki;
  let server: https.Server;
  let mutual: https.Server;
  let base: string;
  let mutualBase: string;

  test.beforeAll(async () => {
    pki = makePki();
    const fs = await import('node:fs');
    const tls = { cert: fs.readFileSync(pki.serverCert), key: fs.readFileSync(pki.serverKey) };
    server = https.createServer(tls, (_req, res) => res.end('secure'));
    base = await listen(server);
    mutual = https.createServer(
      { ...tls, ca: fs.readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true },
      (_req, res) => res.end('mutual'),
    );
    mutualBase = await listen(mutual);
  });
  test.afterAll(async () => {
    await close(server);
    await close(mutual);
  });

  test('without the private CA the failure names OS_CACERT', async () => {
    const e = await new HttpLayer(settings({})).request({ method: 'GET', url: base }).catch((x: unknown) => x);
    expect(describeNetworkError(e)).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*set OS_CACERT/);
  });

  test('OS_CACERT trusts the private CA; another CA is not enough', async () => {
    expect(
      (await new HttpLayer(settings({ OS_CACERT: pki.ca })).request({ method: 'GET', url: base })).body.toString(),
    ).toBe('secure');
    await expect(
      new HttpLayer(settings({ OS_CACERT: pki.otherCa })).request({ method: 'GET', url: base }),
    ).rejects.toThrow();
  });

  test('OS_INSECURE skips verification', async () => {
    expect((await new HttpLayer(settings({ OS_INSECURE: 'true' })).request({ method: 'GET', url: base })).status).toBe(
      200,
    );
  });

  test('a server that wants a client certificate gets OS_CERT/OS_KEY, and the failure without names them', async () => {
    const withCert = new HttpLayer(settings({ OS_CACERT: pki.ca, OS_CERT: pki.clientCert, OS_KEY: pki.clientKey }));
    expect((await withCert.request({ method: 'GET', url: mutualBase })).body.toString()).toBe('mutual');
    const e = await new HttpLayer(settings({ OS_CACERT: pki.ca }))
      .request({ method: 'GET', url: mutualBase })
      .catch((x: unknown) => x);
    expect(describeNetworkError(e)).toMatch(/OS_CERT and OS_KEY/);
  });

  test('an unreadable OS_CACERT stops with the variable and the file', () => {
    expect(() => new HttpLayer(settings({ OS_CACERT: '/nonexistent/ca.pem' }))).toThrow(TargetUnusable);
    expect(() => new HttpLayer(settings({ OS_CACERT: '/nonexistent/ca.pem' }))).toThrow(
      'OS_CACERT=/nonexistent/ca.pem: cannot read the CA file (ENOENT)',
    );
  });
});
