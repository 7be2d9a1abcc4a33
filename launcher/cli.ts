/**
 * Starts and stops real Glance (and its Keystone) by hand:
 *
 *   npx tsx launcher/cli.ts start [--release 25.1|2025.1] [--keystone [--policy strict]] [--hidden-locations]
 *                                 [--state DIR] [--port N] [--keystone-port N] [--token-expiration SECONDS]
 *   npx tsx launcher/cli.ts stop  [same selection, or --state DIR] [--keep-keystone] [--wipe]
 *   npx tsx launcher/cli.ts prepare [--release R]   install or build what a release needs (and Keystone), start nothing
 *
 * `start` prints the Image API URL as its last line of stdout (progress goes to stderr); with --keystone the state
 * dir holds openrc-member, openrc-admin, openrc-service and clouds.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultStateDir, isRelease, prepareGlance, RELEASES, startGlance, stopGlance, type Release } from './glance';
import { LaunchError } from './supervisor';

class UsageError extends Error {}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${name} must be a port number, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      release: { type: 'string', default: '25.1' },
      keystone: { type: 'boolean', default: false },
      policy: { type: 'string', default: 'default' },
      'hidden-locations': { type: 'boolean', default: false },
      state: { type: 'string' },
      port: { type: 'string' },
      'keystone-port': { type: 'string' },
      'token-expiration': { type: 'string' },
      'keep-keystone': { type: 'boolean', default: false },
      wipe: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(
      fs
        .readFileSync(__filename, 'utf8')
        .split('*/')[0]
        .replace(/^\/\*\*\n|^ \* ?/gm, ''),
    );
    return 0;
  }
  if (!command || !['start', 'stop', 'prepare'].includes(command) || extra.length > 0) {
    throw new UsageError('usage: launcher/cli.ts start|stop|prepare [options] (--help lists them)');
  }
  if (!isRelease(values.release))
    throw new UsageError(`--release must be one of ${RELEASES.join(', ')}, got ${values.release}`);
  if (values.policy !== 'default' && values.policy !== 'strict')
    throw new UsageError('--policy must be default or strict');
  if (values.policy === 'strict' && !values.keystone) throw new UsageError('--policy strict needs --keystone');
  const release: Release = values.release;
  const log = (line: string) => process.stderr.write(`[launcher] ${line}\n`);
  if (command === 'prepare') {
    log(`release ${release}: python3-glance ${await prepareGlance(release, log)}`);
    return 0;
  }
  const selection = {
    release,
    auth: values.keystone ? ('keystone' as const) : ('none' as const),
    showMultipleLocations: !values['hidden-locations'],
  };
  const stateDir = path.resolve(values.state ?? defaultStateDir(selection));
  if (command === 'stop') {
    const stopped = await stopGlance(stateDir, { keepKeystone: values['keep-keystone'] });
    log(`${stopped ? 'stopped' : 'nothing running in'} ${stateDir}`);
    if (values.wipe) fs.rmSync(stateDir, { recursive: true, force: true });
    return 0;
  }
  const expiration = values['token-expiration'];
  if (expiration !== undefined && !/^[1-9]\d*$/.test(expiration))
    throw new UsageError('--token-expiration must be seconds');
  const glance = await startGlance({
    ...selection,
    stateDir,
    policy: values.policy,
    port: port(values.port, '--port', 9292),
    keystonePort: port(values['keystone-port'], '--keystone-port', 5000),
    tokenExpiration: expiration === undefined ? undefined : Number(expiration),
  });
  process.stdout.write(`${glance.url}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`launcher: ${(error as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `launcher: ${error instanceof LaunchError ? error.message : String((error as Error).stack ?? error)}\n`,
    );
    process.exit(1);
  },
);
