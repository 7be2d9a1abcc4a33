import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../fixtures/config';

/**
 * `npm run conformance:glance [-- --hidden-locations] [conformance args]`: starts Debian's real
 * Glance 25.1 on loopback (installing it when missing), runs the suite against it, and stops it
 * again, also when the run fails or is interrupted.
 */
const LAUNCHER = path.join(ROOT, 'scripts', 'real-glance');

function main(): number {
  const argv = process.argv.slice(2);
  const hidden = argv.includes('--hidden-locations');
  const args = argv.filter((a) => a !== '--hidden-locations');
  const stateDir = path.join(ROOT, '.state', hidden ? 'real-glance-hidden' : 'real-glance');
  const env = {
    ...process.env,
    GLANCE_STATE_DIR: stateDir,
    GLANCE_PORT: process.env.GLANCE_PORT ?? (hidden ? '9392' : '9292'),
    GLANCE_SHOW_MULTIPLE_LOCATIONS: hidden ? 'False' : 'True',
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
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'conformance.ts'), ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, GLANCE_URL: url },
    });
    return run.status ?? 2;
  } finally {
    stop();
  }
}

process.exit(main());
