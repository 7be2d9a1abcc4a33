import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index';
import { freePort, runSuite } from '../support/run-suite';
import { fieldStateDir } from './support/daemons';
import { startStubKeystone, type StubKeystone } from './support/stub-keystone';

/**
 * No verdict the suite did not earn, each case run as a user runs it (`npm run conformance`, clean environment).
 */
test.describe.configure({ timeout: 300_000 });

const SLICE = ['--grep', '@DISCOVERY-VERSIONS|@RANGE-SINGLE-206'];

let reference: ReferenceServer;
let keystone: StubKeystone;

test.beforeAll(async () => {
  reference = await startReferenceServer({ port: 0 });
  keystone = await startStubKeystone(`${reference.url}/`);
});

test.afterAll(async () => {
  await keystone?.close();
  await reference?.close();
});

const firstLine = (output: string) => output.split('\n').find((l) => l.trim()) ?? '';

test('a --grep that matches nothing judged nothing: exit 2, never CONFORMANT', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()) }, ['--grep', '@NO-SUCH']);
  expect(run.exitCode, run.output).toBe(2);
  expect(run.output).toContain('glance-conformance: nothing was judged: no test ran');
});

test('--list prints the requirements and their tests and writes no report', async () => {
  const dir = fieldStateDir('list');
  const run = await runSuite({}, ['--list', '--grep', '@RANGE-SINGLE-206|@LOC-REMOVE-SAVING-409'], dir);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toMatch(/^RANGE-SINGLE-206 \(MUST\) /m);
  expect(run.output).toMatch(/^LOC-REMOVE-SAVING-409 \(MUST\) /m);
  expect(run.output).toMatch(/^ {4}\S+\.spec\.ts:\d+ {2}/m);
  expect(run.output).not.toMatch(/CONFORMANT/i);
  expect(fs.readdirSync(dir)).toEqual([]);
});

test("run --help prints our options and every variable, not Playwright's help", async () => {
  const run = await runSuite({}, ['run', '--help']);
  expect(run.exitCode).toBe(0);
  for (const text of [
    '--expect FILE',
    '--list',
    '--strict',
    'GLANCE_URL',
    'OS_CACERT',
    'HTTPS_PROXY',
    'NO_PROXY',
    'OS_AUTH_TYPE',
  ]) {
    expect(run.output).toContain(text);
  }
  expect(run.output).not.toContain('--max-failures');
  expect(run.output).not.toContain('produced no report');
});

test('the first line names the embedded reference server plainly', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()) }, ['--grep', '@DISCOVERY-VERSIONS']);
  expect(run.exitCode, run.output).toBe(0);
  expect(firstLine(run.output)).toMatch(/^glance-conformance: target: the EMBEDDED REFERENCE SERVER/);
});

test('OS_AUTH_TYPE=noauth + OS_ENDPOINT judges that endpoint, named on the first line', async () => {
  const run = await runSuite({ OS_AUTH_TYPE: 'noauth', OS_ENDPOINT: reference.url }, SLICE);
  expect(run.exitCode, run.output).toBe(0);
  expect(firstLine(run.output)).toContain(
    `glance-conformance: target: ${reference.url} (OS_ENDPOINT) → ${reference.url} (`,
  );
  expect(run.report!.target).toMatchObject({ kind: 'remote', url: reference.url });
});

test('a target variable set but unusable is exit 2 with the reason, never the embedded server', async () => {
  for (const [env, reason] of [
    [{ OS_AUTH_TYPE: 'noauth' }, /nothing names the image endpoint/],
    [{ OS_AUTH_TYPE: 'v3totp', OS_AUTH_URL: keystone.authUrl }, /auth_type "v3totp" is not supported/],
    [{ OS_PASSWORD: 'fake-password' }, /needs Keystone: set OS_AUTH_URL/],
  ] as const) {
    const run = await runSuite({ ...env }, SLICE);
    expect(run.exitCode, run.output).toBe(2);
    expect(run.output).toMatch(reason);
    expect(run.output).not.toMatch(/EMBEDDED/);
    expect(run.report).toBeUndefined();
  }
});

test("OS_CLOUD + OS_PASSWORD logs in with the environment's password; an unsupported auth_type is named", async () => {
  const file = path.join(fieldStateDir('clouds'), 'clouds.yaml');
  fs.writeFileSync(
    file,
    [
      'clouds:',
      '  mine:',
      '    auth:',
      `      auth_url: ${keystone.authUrl}`,
      '      username: demo',
      '      project_name: demo',
      '  sso:',
      '    auth_type: v3oidcpassword',
      '    auth:',
      `      auth_url: ${keystone.authUrl}`,
      '',
    ].join('\n'),
  );
  keystone.logins.length = 0;
  const run = await runSuite(
    { OS_CLOUD: 'mine', OS_CLIENT_CONFIG_FILE: file, OS_PASSWORD: 'fake-password-from-env' },
    SLICE,
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(keystone.logins[0]).toMatchObject({
    methods: ['password'],
    password: { user: { name: 'demo', password: 'fake-password-from-env' } },
  });
  expect(run.output).not.toContain('fake-password-from-env');
  const sso = await runSuite({ OS_CLOUD: 'sso', OS_CLIENT_CONFIG_FILE: file }, SLICE);
  expect(sso.exitCode).toBe(2);
  expect(sso.output).toContain('auth_type "v3oidcpassword" is not supported');
});
