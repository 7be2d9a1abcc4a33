import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminEnv, authenticate } from '../../../harness/auth';
import { resolveCloud } from '../../../harness/clouds';
import { loadSuiteConfig } from '../../../harness/config';
import { TargetUnusable } from '../../../harness/errors';
import { startStubKeystone, type StubKeystone } from '../../field/support/stub-keystone';

/** A clouds.yaml/secure.yaml pair in a temp dir; HOME is pointed at another temp dir so nothing real is read. */
function files(clouds: string, name = 'clouds.yaml'): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clouds-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, clouds);
  return { dir, file };
}

const CLOUDS = `
clouds:
  mine:
    auth_type: password
    auth:
      auth_url: https://keystone.example.org/v3
      username: demo
      project_name: demo
    region_name: RegionTwo
    interface: internal
    cacert: /etc/ssl/private-ca.pem
    verify: false
`;

test.describe('clouds.yaml and the OS_* variables, as the OpenStack client reads them', () => {
  let home: string | undefined;
  test.beforeEach(() => {
    home = process.env.HOME;
    process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
  });
  test.afterEach(() => {
    process.env.HOME = home;
  });

  test('OS_PASSWORD (and any OS_* set) wins over the OS_CLOUD entry', () => {
    const { file } = files(CLOUDS);
    const cloud = resolveCloud({
      OS_CLOUD: 'mine',
      OS_CLIENT_CONFIG_FILE: file,
      OS_PASSWORD: 'fake-password-for-tests',
      OS_REGION_NAME: 'RegionOne',
    });
    expect(cloud.auth).toMatchObject({
      auth_url: 'https://keystone.example.org/v3',
      username: 'demo',
      password: 'fake-password-for-tests',
    });
    expect(cloud.region).toBe('RegionOne');
    expect(cloud.interface).toBe('internal');
    expect(cloud.cacert?.value).toBe('/etc/ssl/private-ca.pem');
    expect(cloud.insecure).toMatchObject({ value: true, from: expect.stringContaining('verify in OS_CLOUD=mine') });
  });

  test('clouds.yml and clouds.json are read as well as clouds.yaml', () => {
    for (const [name, text] of [
      ['clouds.yml', CLOUDS],
      ['clouds.json', JSON.stringify({ clouds: { mine: { auth: { username: 'j' } } } })],
    ]) {
      const { file } = files(text, name);
      expect(resolveCloud({ OS_CLOUD: 'mine', OS_CLIENT_CONFIG_FILE: file }).auth.username).toBe(
        name === 'clouds.yml' ? 'demo' : 'j',
      );
    }
    const home = process.env.HOME!;
    fs.mkdirSync(path.join(home, '.config', 'openstack'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'openstack', 'clouds.yml'), CLOUDS);
    expect(resolveCloud({ OS_CLOUD: 'mine' }).auth.username).toBe('demo');
  });

  test('secure.yaml is found on its own search path and through OS_CLIENT_SECURE_FILE, deep-merged', () => {
    const { file } = files(CLOUDS);
    const home = process.env.HOME!;
    fs.mkdirSync(path.join(home, '.config', 'openstack'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.config', 'openstack', 'secure.yaml'),
      'clouds:\n  mine:\n    auth:\n      password: fake-password-from-home\n',
    );
    const fromHome = resolveCloud({ OS_CLOUD: 'mine', OS_CLIENT_CONFIG_FILE: file });
    // Deep: the secret joins the entry's auth, it does not replace it.
    expect(fromHome.auth).toMatchObject({
      username: 'demo',
      project_name: 'demo',
      password: 'fake-password-from-home',
    });
    const secure = files('clouds:\n  mine:\n    auth:\n      password: fake-password-from-variable\n', 'secure.yaml');
    expect(
      resolveCloud({ OS_CLOUD: 'mine', OS_CLIENT_CONFIG_FILE: file, OS_CLIENT_SECURE_FILE: secure.file }).auth.password,
    ).toBe('fake-password-from-variable');
  });

  test('OS_ENDPOINT_TYPE is OS_INTERFACE; OS_INTERFACE wins', () => {
    expect(resolveCloud({ OS_ENDPOINT_TYPE: 'internalURL' }).interface).toBe('internalURL');
    expect(resolveCloud({ OS_ENDPOINT_TYPE: 'internal', OS_INTERFACE: 'admin' }).interface).toBe('admin');
  });

  test('an auth_type the suite cannot do stops the run naming it', async () => {
    const { file } = files('clouds:\n  sso:\n    auth_type: v3oidcpassword\n    auth:\n      auth_url: https://k/v3\n');
    await expect(authenticate({ OS_CLOUD: 'sso', OS_CLIENT_CONFIG_FILE: file })).rejects.toThrow(
      /auth_type "v3oidcpassword" is not supported/,
    );
    for (const kind of ['v3totp', 'http_basic']) {
      await expect(authenticate({ OS_AUTH_TYPE: kind, OS_AUTH_URL: 'https://k/v3' })).rejects.toThrow(TargetUnusable);
    }
  });

  test('none/noauth with OS_ENDPOINT or endpoint_override: no login, that endpoint', async () => {
    const session = await authenticate({ OS_AUTH_TYPE: 'noauth', OS_ENDPOINT: 'http://glance:9292/' });
    expect(session).toMatchObject({ method: 'none', catalogUrl: 'http://glance:9292' });
    const { file } = files('clouds:\n  bare:\n    auth_type: none\n    endpoint_override: http://g2:9292\n');
    expect((await authenticate({ OS_CLOUD: 'bare', OS_CLIENT_CONFIG_FILE: file })).catalogUrl).toBe('http://g2:9292');
  });
});

test('the admin identity inherits Keystone, domains, interface and region from the main OS_CLOUD entry', () => {
  const { file } = files(CLOUDS);
  const admin = adminEnv({
    OS_CLOUD: 'mine',
    OS_CLIENT_CONFIG_FILE: file,
    GLANCE_ADMIN_OS_USERNAME: 'admin',
    GLANCE_ADMIN_OS_PASSWORD: 'fake-admin-password',
  });
  expect(admin).toMatchObject({
    OS_AUTH_URL: 'https://keystone.example.org/v3',
    OS_INTERFACE: 'internal',
    OS_REGION_NAME: 'RegionTwo',
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'fake-admin-password',
  });
  expect(admin?.OS_CLOUD).toBeUndefined();
});

test.describe('Keystone logins by auth_type', () => {
  let keystone: StubKeystone;
  let authUrl: string;

  test.beforeAll(async () => {
    keystone = await startStubKeystone('http://catalog-glance:9292/');
    authUrl = keystone.authUrl;
  });
  test.afterAll(() => keystone.close());
  test.beforeEach(() => {
    keystone.logins.length = 0;
  });

  test('OS_CLOUD + OS_PASSWORD logs in with the password from the environment', async () => {
    const { file } = files(
      `clouds:\n  mine:\n    auth:\n      auth_url: ${authUrl}\n      username: demo\n      project_name: p\n`,
    );
    const session = await authenticate({ OS_CLOUD: 'mine', OS_CLIENT_CONFIG_FILE: file, OS_PASSWORD: 'fake-password' });
    expect(session).toMatchObject({ method: 'password', catalogUrl: 'http://catalog-glance:9292' });
    expect(keystone.logins[0]).toMatchObject({
      methods: ['password'],
      password: { user: { name: 'demo', password: 'fake-password' } },
    });
  });

  test('v3token rescopes the token; v3applicationcredential sends the credential', async () => {
    expect(
      (
        await authenticate({
          OS_AUTH_TYPE: 'v3token',
          OS_AUTH_URL: authUrl,
          OS_TOKEN: 'fake-token',
          OS_PROJECT_ID: 'p',
        })
      ).method,
    ).toBe('token');
    expect(keystone.logins[0]).toMatchObject({ methods: ['token'], token: { id: 'fake-token' } });
    const cred = {
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_AUTH_URL: authUrl,
      OS_APPLICATION_CREDENTIAL_ID: 'i',
      OS_APPLICATION_CREDENTIAL_SECRET: 'fake-secret',
    };
    expect((await authenticate(cred)).method).toBe('application_credential');
    expect(keystone.logins[1]).toMatchObject({
      methods: ['application_credential'],
      application_credential: { id: 'i', secret: 'fake-secret' },
    });
  });

  test('auth_type password wins over a token that is also set', async () => {
    await authenticate({
      OS_AUTH_TYPE: 'password',
      OS_AUTH_URL: authUrl,
      OS_USERNAME: 'u',
      OS_PASSWORD: 'fake-password',
      OS_AUTH_TOKEN: 'fake-token',
    });
    expect(keystone.logins[0].methods).toEqual(['password']);
  });
});

test.describe('target selection', () => {
  const TARGETS: NodeJS.ProcessEnv[] = [
    { GLANCE_URL: 'http://g:9292' },
    { OS_AUTH_URL: 'http://k/v3' },
    { OS_CLOUD: 'x' },
    { OS_ENDPOINT: 'http://g' },
    { OS_AUTH_TYPE: 'noauth' },
    { OS_TOKEN: 'fake-token' },
    { OS_AUTH_TOKEN: 'fake-token' },
    { OS_PASSWORD: 'fake-password' },
    { GLANCE_ADMIN_OS_CLOUD: 'a' },
  ];

  test('the embedded server only when no target variable of any kind is set', () => {
    expect(loadSuiteConfig({}).target.kind).toBe('embedded');
    expect(loadSuiteConfig({ OS_CACERT: '/ca.pem', HTTPS_PROXY: 'p:1', REFERENCE_PORT: '1' }).target.kind).toBe(
      'embedded',
    );
    for (const env of TARGETS)
      expect(loadSuiteConfig({ ...env }).target, JSON.stringify(env)).toMatchObject({
        kind: 'remote',
        chosenBy: Object.keys(env),
      });
  });
});
