import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { authenticate } from '../harness/auth';
import type { ConformanceReport } from '../reporting/model';
import { startGlance, stopGlance, type Policy } from '../launcher/glance';
import { readOpenrc } from '../launcher/identities';
import { keystonePasswords } from '../launcher/keystone';
import { freePort, ROOT, runAgainstRealGlance, runSuite, verdictsOf, type SuiteRun } from './support/run-suite';

/**
 * Real Glance 25.1 behind keystonemiddleware with a real Keystone 22 (the launcher's Keystone flavour, which
 * installs python3-keystone when missing): the suite logs in as a plain
 * member (openrc, clouds.yaml, application credential, ready token), uses an admin identity only to
 * deactivate, tells policy refusals from failures, renews tokens that expire during a run, stops
 * with exit 2 and one line on bad credentials, and leaves no secret in its reports.
 *
 * Keystone's tokens live 45 s here, so every run outlives the tokens it starts with.
 */
test.describe.configure({ mode: 'serial', timeout: 300_000 });
test.skip(process.env.SKIP_REAL_GLANCE === '1' && !process.env.CI, 'SKIP_REAL_GLANCE=1');

/** State dirs of this run alone: two runs of this file (one clone) must not restart each other's daemons. */
const STATE = path.join(ROOT, '.state', `keystone-ci-25.1-${process.pid}`);
const STATE_30 = path.join(ROOT, '.state', `keystone-ci-2025.1-${process.pid}`);
const TOKEN_LIFETIME_S = 45;
/** Ports of this file's own, kept across restarts so that the catalog and the openrc files stay right. */
const ports = { glance: 0, keystone: 0 };
/** Requirements that pass on Glance 25.1 whoever the member is: a quick run per login method. */
const QUICK = ['--grep', '@DISCOVERY-VERSIONS|@LOC-REPLACE-QUEUED-ACTIVATES|@DISK-FORMAT-PLOOP-DATA'];

let glanceUrl = '';
let member: Record<string, string> = {};
const secrets = new Set<string>();
const runDirs: string[] = [];
let firstToken: string | undefined;
let firstTokenAt = 0;

async function launch(policy: Policy): Promise<string> {
  const glance = await startGlance({
    stateDir: STATE,
    auth: 'keystone',
    policy,
    port: ports.glance,
    keystonePort: ports.keystone,
    tokenExpiration: TOKEN_LIFETIME_S,
  });
  return glance.url;
}

/** The launcher's options that make conformance:glance use this file's instance. */
const launchArgs = () => [
  '--state',
  STATE,
  '--port',
  String(ports.glance),
  '--keystone-port',
  String(ports.keystone),
  '--token-expiration',
  String(TOKEN_LIFETIME_S),
];

async function keystoneLogin(env: Record<string, string>): Promise<{ token: string; userId: string }> {
  const res = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: env.OS_USERNAME, domain: { name: 'Default' }, password: env.OS_PASSWORD } },
        },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: 'Default' } } },
      },
    }),
  });
  expect(res.status, 'member login').toBe(201);
  const body = (await res.json()) as { token: { user: { id: string } } };
  return { token: res.headers.get('x-subject-token')!, userId: body.token.user.id };
}

/** `npm run conformance` with exactly these variables (runSuite drops the caller's OS_, GLANCE_ variables). */
async function conformance(env: Record<string, string>, args: string[] = []): Promise<SuiteRun> {
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'keystone-run-'));
  runDirs.push(dir);
  return runSuite(env, args, dir);
}

const adminVars = () => ({
  OS_CLIENT_CONFIG_FILE: path.join(STATE, 'clouds.yaml'),
  GLANCE_ADMIN_OS_CLOUD: 'conformance-admin',
});

test.beforeAll(async () => {
  ports.glance = await freePort();
  ports.keystone = await freePort();
  glanceUrl = await launch('default');
  member = readOpenrc(path.join(STATE, 'openrc-member'));
  for (const file of ['openrc-member', 'openrc-admin', 'openrc-service'])
    secrets.add(readOpenrc(path.join(STATE, file)).OS_PASSWORD);
  for (const value of Object.values(keystonePasswords(STATE))) secrets.add(value);
});

test.afterAll(async () => {
  for (const dir of [STATE, STATE_30]) {
    await stopGlance(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('authenticate() renews a real Keystone token at half its lifetime (clock moved forward)', async () => {
  let offset = 0;
  const session = await authenticate({ ...member }, { now: () => Date.now() + offset });
  expect(session.method).toBe('password');
  expect(session.catalogUrl, 'image endpoint from the catalog').toBe(glanceUrl);
  firstToken = await session.token();
  firstTokenAt = Date.now();
  secrets.add(firstToken!);
  expect(await session.token(), 'no renewal while the token is fresh').toBe(firstToken);
  offset = (TOKEN_LIFETIME_S / 2 + 1) * 1000;
  const [a, b] = await Promise.all([session.token(), session.token()]);
  expect(a, 'renewed token').not.toBe(firstToken);
  expect(b, 'concurrent callers share one renewal').toBe(a);
  secrets.add(a!);
  const list = await fetch(`${glanceUrl}/v2/images?limit=1`, { headers: { 'x-auth-token': a! } });
  expect(list.status, 'Glance accepts the renewed token').toBe(200);
});

test('conformance:glance --keystone: member + admin, tokens expiring mid-run, matches its baseline', async () => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'keystone-run-'));
  runDirs.push(dir);
  const started = Date.now();
  const { exitCode, output, report } = await runAgainstRealGlance(
    ['--keystone', ...launchArgs(), '--expect', 'expectations/glance-25.1-keystone-member-admin.json'],
    dir,
  );
  expect(exitCode, output.slice(-4000)).toBe(0);
  expect(output).toContain('every verdict matches expectations/glance-25.1-keystone-member-admin.json');
  expect(report?.target?.auth).toBe('password');
  expect(report?.target?.url, 'endpoint from the catalog, no GLANCE_URL').toBe(glanceUrl);
  // Deactivation (by the admin identity) worked: the deactivated-image requirements were judged.
  expect(verdictsOf(report)['LOC-ADD-DEACTIVATED-409']).toBe('pass');
  console.log(`member+admin run: ${((Date.now() - started) / 1000).toFixed(1)} s (tokens live ${TOKEN_LIFETIME_S} s)`);
  glanceUrl = await launch('default'); // conformance:glance stopped what it used
});

test('application credential created for the member through the REST API', async () => {
  const { token, userId } = await keystoneLogin(member);
  const name = `glance-conformance-${Date.now()}`;
  const created = await fetch(`${member.OS_AUTH_URL}/users/${userId}/application_credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ application_credential: { name, description: 'tests/keystone.spec.ts' } }),
  });
  expect(created.status, 'POST application_credentials').toBe(201);
  const cred = ((await created.json()) as { application_credential: { id: string; secret: string } })
    .application_credential;
  secrets.add(cred.secret);
  try {
    const run = await conformance(
      {
        OS_AUTH_URL: member.OS_AUTH_URL,
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_ID: cred.id,
        OS_APPLICATION_CREDENTIAL_SECRET: cred.secret,
        OS_INTERFACE: 'public',
        OS_REGION_NAME: 'RegionOne',
      },
      QUICK,
    );
    expect(run.exitCode, run.output.slice(-3000)).toBe(0);
    expect(run.report!.target?.auth).toBe('application_credential');
    expect(Object.values(verdictsOf(run.report)).every((v) => v === 'pass')).toBe(true);
  } finally {
    await fetch(`${member.OS_AUTH_URL}/users/${userId}/application_credentials/${cred.id}`, {
      method: 'DELETE',
      headers: { 'x-auth-token': token },
    });
  }
});

test('OS_CLOUD + clouds.yaml, endpoint from the catalog', async () => {
  const run = await conformance(
    { OS_CLIENT_CONFIG_FILE: path.join(STATE, 'clouds.yaml'), OS_CLOUD: 'conformance-member' },
    QUICK,
  );
  expect(run.exitCode, run.output.slice(-3000)).toBe(0);
  expect(run.report!.target?.auth).toBe('password');
  expect(run.report!.target?.url).toBe(glanceUrl);
});

test('OS_AUTH_TOKEN + GLANCE_URL', async () => {
  const { token } = await keystoneLogin(member);
  secrets.add(token);
  const run = await conformance({ GLANCE_URL: glanceUrl, OS_AUTH_TOKEN: token }, [
    '--grep',
    '@DISCOVERY-VERSIONS|@DISK-FORMAT-PLOOP-DATA',
  ]);
  expect(run.exitCode, run.output.slice(-3000)).toBe(0);
  expect(run.report!.target?.auth).toBe('token');
});

test('a wrong password, a wrong admin password, an unreachable Keystone: exit 2 and one line', async () => {
  const wrong = await conformance({ ...member, OS_PASSWORD: 'fake-wrong-password' });
  expect(wrong.exitCode, wrong.output).toBe(2);
  expect(wrong.output.trim()).toBe(
    `glance-conformance: Keystone at http://127.0.0.1:${ports.keystone}/v3/auth/tokens rejected the credentials (401)`,
  );

  const wrongAdmin = await conformance({
    ...member,
    ...adminVars(),
    GLANCE_ADMIN_OS_CLOUD: '',
    GLANCE_ADMIN_OS_USERNAME: 'conformance-admin',
    GLANCE_ADMIN_OS_PASSWORD: 'fake-wrong-password',
    GLANCE_ADMIN_OS_PROJECT_NAME: 'conformance-b',
  });
  expect(wrongAdmin.exitCode, wrongAdmin.output).toBe(2);
  expect(wrongAdmin.output.trim()).toMatch(
    /^glance-conformance: Keystone at \S+ rejected the credentials for the admin identity \(GLANCE_ADMIN_OS_\*\) \(401\)$/,
  );

  const port = await freePort();
  const unreachable = await conformance({ ...member, OS_AUTH_URL: `http://127.0.0.1:${port}/v3` });
  expect(unreachable.exitCode, unreachable.output).toBe(2);
  expect(unreachable.output.trim()).toMatch(
    new RegExp(
      `^glance-conformance: cannot reach Keystone at http://127\\.0\\.0\\.1:${port}/v3/auth/tokens: ECONNREFUSED$`,
    ),
  );
  for (const run of [wrong, wrongAdmin, unreachable]) expect(run.report, 'no run, no report').toBeUndefined();
});

test('strict policy, member only: policy refusals are not-applicable with their reason, as baselined', async () => {
  glanceUrl = await launch('strict');
  try {
    // The location requirements are the ones policy decides; the others were judged as member above.
    const run = await conformance(member, [
      '--expect',
      'expectations/glance-25.1-keystone-strict-member.json',
      '--grep',
      '@LOC-',
    ]);
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    const byId = new Map(run.report!.requirements.map((r) => [r.id, r]));
    const reasons = (id: string) =>
      byId
        .get(id)!
        .tests.flatMap((t) => (t as { reasons?: string[] }).reasons ?? [])
        .join(' ');
    expect(byId.get('LOC-REMOVE-QUEUED-409')!.verdict).toBe('not-applicable');
    expect(reasons('LOC-REMOVE-QUEUED-409')).toContain(
      'forbidden by policy: PATCH /v2/images/{id} remove /locations/0 answered 403 ' +
        '"You are not authorized to complete delete_image_location action."',
    );
    expect(reasons('LOC-ADD-DEACTIVATED-409')).toContain(
      'POST /actions/deactivate answered 403, forbidden by policy (deactivate)',
    );
    expect(byId.get('LOC-REPLACE-QUEUED-ACTIVATES')!.verdict, 'set_image_location still allows the member').toBe(
      'pass',
    );
  } finally {
    glanceUrl = await launch('default');
  }
});

/** conformance:glance on a Glance 30.0 + Keystone of its own (free ports, own state dir), gated by a baseline. */
async function glance30(args: string[], baseline: string): Promise<ConformanceReport> {
  // A Keystone and a Glance of their own set up from nothing, then a run: more than the file's 5 minutes.
  test.setTimeout(900_000);
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'keystone-run-'));
  runDirs.push(dir);
  const { exitCode, output, report } = await runAgainstRealGlance(
    [
      ...['--release', '2025.1', '--keystone', '--state', STATE_30],
      ...['--token-expiration', String(TOKEN_LIFETIME_S), ...args, '--expect', baseline],
    ],
    dir,
  );
  for (const value of Object.values(keystonePasswords(STATE_30))) secrets.add(value);
  expect(exitCode, output.slice(-4000)).toBe(0);
  expect(output).toContain(`every verdict matches ${baseline}`);
  return report!;
}

test('Glance 30.0 (2025.1) behind Keystone: member, admin and service identities, matches its baseline', async () => {
  const report = await glance30([], 'expectations/glance-2025.1-keystone-member-admin.json');
  expect(report.target?.auth).toBe('password');
  expect(verdictsOf(report)['LOC-ADD-DEACTIVATED-409'], 'deactivated by the admin identity').toBe('pass');
});

test('Glance 30.0 (2025.1) behind Keystone, strict policy, member only: matches its baseline', async () => {
  const report = await glance30(
    ['--member-only', '--policy', 'strict', '--grep', '@LOC-'],
    'expectations/glance-2025.1-keystone-strict-member.json',
  );
  expect(report.run.filtered).toBe(true);
});

test('tokens really expire (the first one is refused now); no secret in any report or output file', async () => {
  if (firstToken) {
    // keystonemiddleware caches validations, but never past the token's expiry.
    const waitMs = firstTokenAt + TOKEN_LIFETIME_S * 1000 + 2000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    const res = await fetch(`${glanceUrl}/v2/images?limit=1`, { headers: { 'x-auth-token': firstToken } });
    expect(res.status, 'an expired token').toBe(401);
  }
  const leaks: string[] = [];
  const fernet = /gAAAAA[A-Za-z0-9_-]{60,}/;
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const files = runDirs.filter((d) => fs.existsSync(d)).flatMap(walk);
  expect(files.length, 'report files to scan').toBeGreaterThan(10);
  for (const file of files) {
    const text = fs.readFileSync(file).toString('latin1');
    for (const secret of secrets)
      if (secret && text.includes(secret)) leaks.push(`${path.relative(ROOT, file)} contains a secret`);
    if (fernet.test(text)) leaks.push(`${path.relative(ROOT, file)} contains a Keystone token`);
  }
  expect(leaks).toEqual([]);
});
