import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServer } from '../../reference-server/index';
import { runSuite, type SuiteRun } from '../support/run-suite';
import { fieldStateDir, startTls, type Terminator } from './support/daemons';
import { makePki, type Pki } from './support/pki';

/**
 * The suite against a target behind a real TLS terminator (stunnel4) with a private CA made by openssl: the
 * reference server is enough here (real Glance behind TLS has its own test). Each case is one `npm run conformance`
 * as a user runs it, on a slice of the suite that touches every kind of request (JSON calls, raw Range downloads,
 * held-open uploads, location updates).
 */
test.describe.configure({ mode: 'serial', timeout: 300_000 });

const SLICE = ['--grep', '@DISCOVERY-VERSIONS|@RANGE-SINGLE-206|@LOC-REMOVE-SAVING-409|@LOC-REPLACE-QUEUED-ACTIVATES'];

let dir: string;
let pki: Pki;
let reference: ReferenceServer;
let terminator: Terminator;
let mutual: Terminator;

test.beforeAll(async () => {
  dir = fieldStateDir('tls');
  pki = makePki(dir);
  reference = await startReferenceServer({ port: 0 });
  terminator = await startTls(dir, reference.url, pki);
  mutual = await startTls(dir, reference.url, pki, true);
});

test.afterAll(async () => {
  await terminator?.stop();
  await mutual?.stop();
  await reference?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Judged something, passed all of it, and said nothing in a stack trace. */
function expectPassed(run: SuiteRun): void {
  expect(run.exitCode, run.output.slice(-3000)).toBe(0);
  expect(run.report!.summary.pass).toBeGreaterThanOrEqual(4);
  expect(run.report!.summary.pass).toBe(run.report!.summary.total);
}

/** Exit 2 before any test, with one line that says what to set. */
function expectRefused(run: SuiteRun, names: RegExp): void {
  expect(run.exitCode, run.output).toBe(2);
  const complaint = run.output
    .split('\n')
    .filter((l) => l.startsWith('glance-conformance: ') && !l.includes('target:'));
  expect(complaint, run.output).toHaveLength(1);
  expect(complaint[0]).toMatch(names);
  expect(run.output).not.toMatch(/^\s+at /m);
  expect(run.report).toBeUndefined();
}

test('private CA given in OS_CACERT: the run passes, and the report names the CA', async () => {
  const run = await runSuite({ GLANCE_URL: terminator.url, OS_CACERT: pki.ca }, SLICE);
  expectPassed(run);
  expect(run.report!.target).toMatchObject({
    url: terminator.url,
    insecure: false,
    transport: { cacert: pki.ca, clientCertificate: false },
  });
});

test('no CA: exit 2 with one line naming OS_CACERT', async () => {
  expectRefused(
    await runSuite({ GLANCE_URL: terminator.url }, SLICE),
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE.*set OS_CACERT/,
  );
});

test('a CA that did not sign the certificate is not enough', async () => {
  expectRefused(await runSuite({ GLANCE_URL: terminator.url, OS_CACERT: pki.otherCa }, SLICE), /OS_CACERT/);
});

test('OS_INSECURE passes, and the output and conformance.json say verification was off', async () => {
  const run = await runSuite({ GLANCE_URL: terminator.url, OS_INSECURE: 'true' }, SLICE);
  expectPassed(run);
  expect(run.output).toContain('TLS certificate verification is OFF (OS_INSECURE)');
  expect(run.report!.target?.insecure).toBe(true);
});

test('one that requires client certificates: OS_CERT/OS_KEY pass, without them exit 2 names them', async () => {
  const run = await runSuite(
    { GLANCE_URL: mutual.url, OS_CACERT: pki.ca, OS_CERT: pki.clientCert, OS_KEY: pki.clientKey },
    SLICE,
  );
  expectPassed(run);
  expect(run.report!.target?.transport).toMatchObject({ clientCertificate: true });
  expectRefused(
    await runSuite({ GLANCE_URL: mutual.url, OS_CACERT: pki.ca }, SLICE),
    /client certificate.*OS_CERT and OS_KEY/,
  );
});

test('the same from clouds.yaml: auth_type none, endpoint_override, cacert, cert and key', async () => {
  const dir = fs.mkdtempSync(path.join(pki.dir, 'clouds-'));
  const file = path.join(dir, 'clouds.yaml');
  fs.writeFileSync(
    file,
    [
      'clouds:',
      '  behind-tls:',
      '    auth_type: none',
      `    endpoint_override: ${mutual.url}`,
      `    cacert: ${pki.ca}`,
      `    cert: ${pki.clientCert}`,
      `    key: ${pki.clientKey}`,
      '',
    ].join('\n'),
  );
  const run = await runSuite({ OS_CLOUD: 'behind-tls', OS_CLIENT_CONFIG_FILE: file }, SLICE);
  expectPassed(run);
  expect(run.output).toContain(`target: ${mutual.url} (endpoint_override in OS_CLOUD=behind-tls`);
});
