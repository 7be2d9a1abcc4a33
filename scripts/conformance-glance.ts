import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, LAUNCHER, ROOT } from '../harness/paths';

/**
 * `npm run conformance:glance [-- --hidden-locations] [--keystone [--member-only] [--policy strict]] [conformance args]`:
 * starts Debian's real Glance 25.1 on loopback (installing it when missing), runs the suite against
 * it, and stops it again, also when the run fails or is interrupted.
 *
 * --keystone: Glance behind keystonemiddleware with its own Keystone (the launcher's
 * GLANCE_AUTH=keystone). The suite logs in as the member from STATE/openrc-member (endpoint from the
 * catalog) and uses the admin from STATE/clouds.yaml as GLANCE_ADMIN_OS_CLOUD for deactivation;
 * --member-only leaves the admin identity out. --policy strict: the launcher's GLANCE_POLICY=strict.
 */

/** `export NAME=value` / `export NAME='value'` lines of an openrc file written by the launcher. */
export function readOpenrc(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return vars;
}

function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
}

function main(): number {
  const args = process.argv.slice(2);
  const take = (flag: string) => (args.includes(flag) ? (args.splice(args.indexOf(flag), 1), true) : false);
  const hidden = take('--hidden-locations');
  const keystone = take('--keystone');
  const memberOnly = take('--member-only');
  const policy = takeOption(args, '--policy') ?? 'default';
  if ((memberOnly || policy !== 'default') && !keystone) {
    console.error('glance-conformance: --member-only and --policy need --keystone');
    return 2;
  }
  const name = `real-glance${keystone ? '-keystone' : ''}${hidden ? '-hidden' : ''}`;
  // REAL_GLANCE_STATE_DIR (and the launcher's port variables) let a test run this on its own instance.
  const stateDir = process.env.REAL_GLANCE_STATE_DIR ? path.resolve(process.env.REAL_GLANCE_STATE_DIR) : path.join(ROOT, '.state', name);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GLANCE_STATE_DIR: stateDir,
    GLANCE_PORT: process.env.GLANCE_PORT ?? String((keystone ? 9492 : 9292) + (hidden ? 100 : 0)),
    GLANCE_SHOW_MULTIPLE_LOCATIONS: hidden ? 'False' : 'True',
    GLANCE_AUTH: keystone ? 'keystone' : 'none',
    GLANCE_POLICY: policy,
    KEYSTONE_PORT: process.env.KEYSTONE_PORT ?? String(5492 + (hidden ? 100 : 0)),
  };
  let url: string;
  try {
    const out = execFileSync('bash', [path.join(LAUNCHER, 'start.sh'), stateDir], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
    url = out.split('\n').pop()!;
  } catch {
    console.error('glance-conformance: real Glance did not start (see the launcher output above)');
    return 2;
  }
  const stop = () => spawnSync('bash', [path.join(LAUNCHER, 'stop.sh'), stateDir], { env, stdio: 'inherit' });
  process.on('SIGINT', () => undefined);
  try {
    let suiteEnv: NodeJS.ProcessEnv = { ...process.env, GLANCE_URL: url };
    if (keystone) {
      // The member's openrc, as a user would `source` it: no GLANCE_URL, the catalog has the endpoint.
      suiteEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OS_|GLANCE_URL$|GLANCE_ADMIN_)/.test(k)));
      Object.assign(suiteEnv, readOpenrc(path.join(stateDir, 'openrc-member')));
      if (!memberOnly) Object.assign(suiteEnv, { OS_CLIENT_CONFIG_FILE: path.join(stateDir, 'clouds.yaml'), GLANCE_ADMIN_OS_CLOUD: 'conformance-admin' });
    }
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), CLI, ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: suiteEnv,
    });
    return run.status ?? 2;
  } finally {
    stop();
  }
}

if (require.main === module) process.exit(main());
