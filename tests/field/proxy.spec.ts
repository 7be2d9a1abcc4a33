import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index';
import { runSuite } from '../support/run-suite';
import { fieldStateDir, startProxy, startTls, type ForwardProxy, type Terminator } from './support/daemons';
import { makePki, type Pki } from './support/pki';
import { startStubKeystone, type StubKeystone } from './support/stub-keystone';

/**
 * A real forward proxy (tinyproxy) on loopback: its own log shows which of the suite's requests went through it —
 * CONNECT tunnels for https, absolute-form requests for http — and NO_PROXY keeps them all away from it.
 */
test.describe.configure({ mode: 'serial', timeout: 300_000 });

const SLICE = ['--grep', '@DISCOVERY-VERSIONS|@RANGE-SINGLE-206|@LOC-REMOVE-SAVING-409'];

let dir: string;
let pki: Pki;
let reference: ReferenceServer;
let terminator: Terminator;
let proxy: ForwardProxy;
let keystone: StubKeystone;

test.beforeAll(async () => {
  dir = fieldStateDir('proxy');
  pki = makePki(dir);
  reference = await startReferenceServer({ port: 0 });
  terminator = await startTls(dir, reference.url, pki);
  proxy = await startProxy(dir);
  keystone = await startStubKeystone(terminator.url);
});

test.afterAll(async () => {
  await proxy?.stop();
  await terminator?.stop();
  await keystone?.close();
  await reference?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The proxy's log lines added while `run` ran. */
async function through(run: () => Promise<unknown>): Promise<string[]> {
  const before = proxy.requests().length;
  await run();
  return proxy.requests().slice(before);
}

test('HTTP_PROXY: every request to an http target goes through the proxy in absolute form', async () => {
  let exitCode = -1;
  const seen = await through(
    async () => ({ exitCode } = await runSuite({ GLANCE_URL: reference.url, HTTP_PROXY: proxy.url }, SLICE)),
  );
  expect(exitCode).toBe(0);
  expect(seen).toContain(`GET ${reference.url}/versions`);
  expect(seen.some((r) => r.startsWith(`POST ${reference.url}/v2/images`))).toBe(true);
  expect(seen.some((r) => r.startsWith(`PUT ${reference.url}/v2/images/`))).toBe(true);
  expect(seen.some((r) => r.startsWith(`DELETE ${reference.url}/v2/images/`))).toBe(true);
  expect(
    seen.every((r) => r.includes(` ${reference.url}/`)),
    seen.join('\n'),
  ).toBe(true);
});

test('https_proxy (lower case), https target and its Keystone: CONNECT tunnels, proxy in the report', async () => {
  const target = new URL(terminator.url).host;
  const keystoneHost = new URL(keystone.authUrl).host;
  let run: Awaited<ReturnType<typeof runSuite>> | undefined;
  const seen = await through(async () => {
    run = await runSuite(
      {
        OS_AUTH_URL: keystone.authUrl,
        OS_USERNAME: 'demo',
        OS_PASSWORD: 'fake-password',
        OS_PROJECT_NAME: 'demo',
        OS_CACERT: pki.ca,
        https_proxy: proxy.url,
        http_proxy: proxy.url,
      },
      SLICE,
    );
  });
  expect(run!.exitCode, run!.output.slice(-3000)).toBe(0);
  expect(run!.output).toContain(`proxy: ${proxy.url} (https_proxy)`);
  expect(run!.report!.target?.transport?.proxy).toBe(proxy.url);
  expect(seen).toContain(`CONNECT ${target}`);
  expect(seen).toContain(`POST ${keystone.authUrl}/auth/tokens`);
  expect(
    seen.every((r) => r === `CONNECT ${target}` || r.startsWith(`POST http://${keystoneHost}/`)),
    seen.join('\n'),
  ).toBe(true);
});

test('NO_PROXY: nothing goes through the proxy', async () => {
  let exitCode = -1;
  const seen = await through(
    async () =>
      ({ exitCode } = await runSuite(
        {
          OS_AUTH_URL: keystone.authUrl,
          OS_USERNAME: 'demo',
          OS_PASSWORD: 'fake-password',
          OS_CACERT: pki.ca,
          HTTPS_PROXY: proxy.url,
          HTTP_PROXY: proxy.url,
          NO_PROXY: 'example.org,127.0.0.1',
        },
        SLICE,
      )),
  );
  expect(exitCode).toBe(0);
  expect(seen).toEqual([]);
});
