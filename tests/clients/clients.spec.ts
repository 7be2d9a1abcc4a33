import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, STATE_DIR } from '../../harness/paths';
import { startGlance, stopGlance } from '../../launcher/glance';
import { glanceServicePassword } from '../../launcher/keystone';
import { freePort } from '../../launcher/supervisor';
import { startReferenceServer } from '../../reference-server';

/**
 * The official clients (Debian's python3-glanceclient 4.1 and python3-openstacksdk 0.101) make the same calls
 * (tests/clients/clients.py) as a project member against the reference server and real Glance 25.1, both behind
 * the same Keystone (Glance's no-auth pipeline answers 500 to imports: a task needs an owner), and every call ends
 * the same way on both: the same success with the same data, or the same HTTP error.
 */
type Outcome = [call: string, result: string, data: unknown];
type Outcomes = Record<'glanceclient' | 'openstacksdk', Outcome[]>;

const SCRIPT = path.join(ROOT, 'tests', 'clients', 'clients.py');
const STATE = path.join(STATE_DIR, 'clients-glance-keystone');
const DATA = Buffer.from('glance-conformance web-download data\n'.repeat(100));

let http: Server;
let dataUrl: string;

test.beforeAll(async () => {
  const port = await freePort();
  http = createServer((req, res) => {
    res.writeHead(req.url === '/data.img' ? 200 : 404, { 'Content-Length': String(DATA.length) });
    res.end(req.method === 'HEAD' || req.url !== '/data.img' ? undefined : DATA);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  dataUrl = `http://127.0.0.1:${port}/data.img`;
});

test.afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
});

async function clientOutcomes(endpoint: string, identity: Record<string, string>): Promise<Outcomes> {
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [SCRIPT, endpoint, dataUrl], {
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...identity },
  });
  return JSON.parse(stdout) as Outcomes;
}

test('glanceclient and openstacksdk: every call ends the same on the reference server and on Glance 25.1', async () => {
  test.setTimeout(600_000);
  const glance = await startGlance({
    stateDir: STATE,
    auth: 'keystone',
    port: await freePort(),
    keystonePort: await freePort(),
  });
  const keystone = glance.keystone!;
  let onGlance: Outcomes;
  let onReference: Outcomes;
  try {
    onGlance = await clientOutcomes(glance.url, keystone.env('member'));
    await stopGlance(STATE, { keepKeystone: true });
    const service = { authUrl: keystone.authUrl, username: 'glance', projectName: 'service' };
    const reference = await startReferenceServer({
      port: 0,
      auth: { keystone: { ...service, password: glanceServicePassword(STATE) } },
    });
    try {
      onReference = await clientOutcomes(reference.url, keystone.env('member'));
    } finally {
      await reference.close();
    }
  } finally {
    await stopGlance(STATE);
  }
  for (const client of ['glanceclient', 'openstacksdk'] as const) {
    expect(onReference[client].length, `${client}: calls made`).toBeGreaterThan(25);
    onGlance[client].forEach((outcome, index) => {
      expect(onReference[client][index], `${client} call ${index + 1}: ${outcome[0]}`).toEqual(outcome);
    });
  }
  // The script really exercised the servers: most calls succeeded, data included.
  const successes = onGlance.glanceclient.filter(([, result]) => result === 'ok').length;
  expect(successes).toBeGreaterThan(25);
});
