import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { startGlance, stopGlance, type GlanceInstance } from '../../launcher/glance';
import { STATE_DIR } from '../../harness/paths';
import { freePort } from '../../launcher/supervisor';
import { runSuite, verdictsOf } from '../support/run-suite';
import { startTls, type Terminator } from './support/daemons';
import { makePki, type Pki } from './support/pki';

/**
 * Real Glance 25.1 behind keystonemiddleware, with Glance and its Keystone each behind a stunnel4 TLS terminator
 * and a private CA: the whole suite, logged in over TLS as a member with an admin identity, must give exactly the
 * verdicts it gives the same instance over plain http.
 */
test.describe.configure({ mode: 'serial', timeout: 1_200_000 });
test.skip(process.env.SKIP_REAL_GLANCE === '1' && !process.env.CI, 'SKIP_REAL_GLANCE=1');

/** Kept between runs, so Keystone's bootstrap and Glance's database are made once. */
const STATE = path.join(STATE_DIR, 'field-real-glance-tls');

let pki: Pki;
let glance: GlanceInstance;
let glanceTls: Terminator;
let keystoneTls: Terminator;

test.beforeAll(async () => {
  // A first start installs nothing (CI has the packages) but makes Keystone's and Glance's databases.
  test.setTimeout(900_000);
  fs.mkdirSync(STATE, { recursive: true });
  pki = makePki(STATE);
  glance = await startGlance({
    stateDir: STATE,
    auth: 'keystone',
    port: await freePort(),
    keystonePort: await freePort(),
  });
  glanceTls = await startTls(STATE, glance.url, pki);
  keystoneTls = await startTls(STATE, glance.keystone!.url, pki);
});

test.afterAll(async () => {
  await glanceTls?.stop();
  await keystoneTls?.stop();
  // Also when the start-up failed half-way: whatever the launcher started from this state dir.
  await stopGlance(STATE);
});

test('Glance and Keystone over TLS with a private CA: the same verdicts as over plain http', async () => {
  const member = glance.keystone!.env('member');
  const admin = glance.keystone!.env('admin');
  const adminVariables = {
    GLANCE_ADMIN_OS_USERNAME: admin.OS_USERNAME,
    GLANCE_ADMIN_OS_PASSWORD: admin.OS_PASSWORD,
    GLANCE_ADMIN_OS_PROJECT_NAME: admin.OS_PROJECT_NAME,
  };
  // The same instance over plain http is the measure: no baseline file to drift from the catalog.
  const plain = await runSuite({ ...member, GLANCE_URL: glance.url, ...adminVariables });
  expect(plain.report, plain.output.slice(-3000)).toBeDefined();
  const run = await runSuite({
    ...member,
    OS_AUTH_URL: `${keystoneTls.url}/v3`,
    GLANCE_URL: glanceTls.url,
    OS_CACERT: pki.ca,
    ...adminVariables,
  });
  expect(verdictsOf(run.report), run.output.slice(-4000)).toEqual(verdictsOf(plain.report));
  expect(run.exitCode).toBe(plain.exitCode);
  expect(run.report!.summary.pass).toBeGreaterThan(30);
  expect(run.report!.target).toMatchObject({
    url: glanceTls.url,
    auth: 'password',
    insecure: false,
    transport: { cacert: pki.ca },
  });
  for (const secret of [member.OS_PASSWORD, admin.OS_PASSWORD]) expect(run.output).not.toContain(secret);
});

test('the Keystone login over TLS without the CA stops at once, naming Keystone and OS_CACERT', async () => {
  const run = await runSuite({
    ...glance.keystone!.env('member'),
    OS_AUTH_URL: `${keystoneTls.url}/v3`,
    GLANCE_URL: glanceTls.url,
  });
  expect(run.exitCode, run.output).toBe(2);
  expect(run.output.trim()).toMatch(
    /^glance-conformance: cannot reach Keystone at https:\/\/\S+: UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*OS_CACERT/,
  );
});
