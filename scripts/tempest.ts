/**
 * Tempest's image API v2 tests (Debian's `tempest`) against real Glance 25.1
 * and against the reference server, both behind the same Keystone, with every
 * URL on loopback: `npx tsx scripts/tempest.ts [--target both|glance|reference]`.
 *
 * Both targets answer on the same port, so Keystone's catalog entry for the
 * image service stays the same and Tempest's configuration is one file. The
 * results (one JSON per target, with each test's status) go to --out; the exit
 * code is 1 when the reference fails a test real Glance passes, 2 when the
 * run could not be made.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, STATE_DIR } from '../harness/paths';
import { startGlance, stopGlance } from '../launcher/glance';
import { glanceServicePassword, keystonePasswords, startKeystone } from '../launcher/keystone';
import { freePort } from '../launcher/supervisor';
import { startReferenceServer } from '../reference-server';

export type TempestStatus = 'pass' | 'fail' | 'skip';

export interface TempestTest {
  id: string;
  status: TempestStatus;
  reason?: string;
}

export interface TempestRun {
  target: 'glance' | 'reference';
  version: string;
  seconds: number;
  totals: Record<TempestStatus, number>;
  tests: TempestTest[];
}

const TEMPEST = '/usr/bin/tempest';
const REGEX = 'tempest.api.image.v2';
/** The bytes web-download imports fetch (deterministic, so runs are comparable). */
const HTTP_IMAGE = createHash('sha512').update('glance-conformance tempest image').digest();

class RunError extends Error {}

/** A loopback stand-in for the internet image Tempest's web-download test fetches. */
async function serveImage(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/image.img') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(HTTP_IMAGE.length) });
    res.end(req.method === 'HEAD' ? undefined : HTTP_IMAGE);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function tempestConf(workspace: string, authUrl: string, adminPassword: string, imageUrl: string): string {
  return `# Written by scripts/tempest.ts: nothing here needs the internet.
[DEFAULT]
log_file = tempest.log
log_dir = ${path.join(workspace, 'logs')}

[auth]
admin_username = admin
admin_password = ${adminPassword}
admin_project_name = admin
admin_domain_name = Default
use_dynamic_credentials = True
create_isolated_networks = False

[identity]
auth_version = v3
uri_v3 = ${authUrl}
region = RegionOne

[identity-feature-enabled]
api_v2 = False

[service_available]
glance = True
nova = False
cinder = False
neutron = False
swift = False

[image]
http_image = ${imageUrl}
container_formats = bare,ami,ari,aki,ovf,ova
disk_formats = raw,qcow2,ami,ari,aki,vhd,vmdk,vdi,iso,vhdx
build_timeout = 60
build_interval = 1

[image-feature-enabled]
import_image = True
os_glance_reserved = True
manage_locations = True

[validation]
run_validation = False
`;
}

function run(command: string, args: string[], cwd: string, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'w');
    const child = spawn(command, args, { cwd, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(out);
      resolve(code ?? 1);
    });
  });
}

const RESULT =
  /^(?:\{\d+\} )?(?:(setUpClass|tearDownClass) \(([\w.]+)\)|([\w.]+))(?: \[[\d.]+s\])? \.\.\. (ok|FAILED|SKIPPED)(?:: (.*))?$/;

/** Each test's line of `tempest run`'s output; a class-level skip or failure stands for its class. */
export function parseTempestOutput(text: string): TempestTest[] {
  const tests: TempestTest[] = [];
  for (const line of text.split('\n')) {
    const match = RESULT.exec(line.trim());
    if (!match) continue;
    const [, fixture, fixtureClass, id, outcome, reason] = match;
    const status: TempestStatus = outcome === 'ok' ? 'pass' : outcome === 'FAILED' ? 'fail' : 'skip';
    tests.push({ id: fixture ? `${fixtureClass}.${fixture}` : id, status, ...(reason ? { reason } : {}) });
  }
  return tests.sort((a, b) => a.id.localeCompare(b.id));
}

async function runTempest(workspace: string, target: TempestRun['target'], version: string): Promise<TempestRun> {
  const started = Date.now();
  const log = path.join(workspace, `tempest-${target}.log`);
  // Serial: Keystone's sqlite answers "database is locked" to parallel credential clean-ups.
  await run(TEMPEST, ['run', '--regex', REGEX, '--concurrency', '1'], workspace, log);
  const tests = parseTempestOutput(fs.readFileSync(log, 'utf8'));
  if (tests.length === 0) throw new RunError(`tempest ran no test for ${target}; see ${log}`);
  const totals = { pass: 0, fail: 0, skip: 0 };
  for (const test of tests) totals[test.status] += 1;
  return { target, version, seconds: Math.round((Date.now() - started) / 1000), totals, tests };
}

/** Tests the reference does not pass although real Glance does. */
export function regressions(glance: TempestRun, reference: TempestRun): string[] {
  const onReference = new Map(reference.tests.map((test) => [test.id, test.status]));
  return glance.tests.filter((test) => test.status === 'pass' && onReference.get(test.id) !== 'pass').map((t) => t.id);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'both' },
      out: { type: 'string', default: path.join(ROOT, 'reports', 'tempest') },
      state: { type: 'string', default: path.join(STATE_DIR, 'tempest') },
    },
  });
  if (!['both', 'glance', 'reference'].includes(values.target)) {
    throw new RunError(`--target must be both, glance or reference, got '${values.target}'`);
  }
  if (!fs.existsSync(TEMPEST)) throw new RunError(`${TEMPEST} is missing: apt-get install tempest`);
  const targets = (values.target === 'both' ? ['glance', 'reference'] : [values.target]) as Array<TempestRun['target']>;
  const stateDir = path.resolve(values.state);
  const workspace = path.join(stateDir, 'workspace');
  fs.mkdirSync(values.out, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  if (!fs.existsSync(path.join(workspace, '.stestr.conf'))) {
    fs.rmSync(workspace, { recursive: true, force: true });
    // A registry of our own: `tempest init` refuses a workspace name already in ~/.tempest/workspace.yaml,
    // which an earlier clone on the same machine leaves there (measured: CI failed on it).
    const registry = path.join(stateDir, 'workspace.yaml');
    fs.rmSync(registry, { force: true });
    const init = ['init', '--workspace-path', registry, workspace];
    if ((await run(TEMPEST, init, stateDir, path.join(stateDir, 'tempest-init.log'))) !== 0) {
      throw new RunError(`tempest init failed; see ${path.join(stateDir, 'tempest-init.log')}`);
    }
  }
  const [imagePort, keystonePort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const imageUrl = `http://127.0.0.1:${imagePort}`;
  const keystone = await startKeystone({ stateDir, port: keystonePort, imageUrl });
  const http = await serveImage(httpPort);
  const conf = tempestConf(
    workspace,
    keystone.authUrl,
    keystonePasswords(stateDir).admin,
    `http://127.0.0.1:${httpPort}/image.img`,
  );
  fs.writeFileSync(path.join(workspace, 'etc', 'tempest.conf'), conf, { mode: 0o600 });
  const runs: TempestRun[] = [];
  try {
    for (const target of targets) {
      if (target === 'glance') {
        const glance = await startGlance({ stateDir, auth: 'keystone', port: imagePort, keystonePort });
        try {
          runs.push(await runTempest(workspace, target, `Glance ${glance.version}`));
        } finally {
          await stopGlance(stateDir, { keepKeystone: true });
        }
      } else {
        const credentials = { authUrl: keystone.authUrl, username: 'glance', projectName: 'service' };
        const server = await startReferenceServer({
          port: imagePort,
          auth: { keystone: { ...credentials, password: glanceServicePassword(stateDir) } },
        });
        try {
          runs.push(await runTempest(workspace, target, 'reference server'));
        } finally {
          await server.close();
        }
      }
    }
  } finally {
    http.close();
    await keystone.stop();
  }
  for (const result of runs) {
    fs.writeFileSync(path.join(values.out, `tempest-${result.target}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const { pass, skip, fail } = result.totals;
    process.stdout.write(
      `${result.target} (${result.version}): ${pass} pass, ${skip} skip, ${fail} fail in ${result.seconds} s\n`,
    );
  }
  const [glance, reference] = [runs.find((r) => r.target === 'glance'), runs.find((r) => r.target === 'reference')];
  if (!glance || !reference) return reference && reference.totals.fail > 0 ? 1 : 0;
  const missing = regressions(glance, reference);
  for (const id of missing) process.stdout.write(`passes on Glance, not on the reference: ${id}\n`);
  return missing.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const known = error instanceof RunError || (error as Error).name === 'LaunchError';
      process.stderr.write(`tempest: ${known ? (error as Error).message : (error as Error).stack}\n`);
      process.exit(2);
    },
  );
}
