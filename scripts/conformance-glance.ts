/**
 * `npm run conformance:glance -- [launcher options] [conformance options]`: starts real Glance on loopback with the
 * launcher (installing or building what the release needs on first use), runs the suite against it, and stops it
 * again, also when the run fails or is interrupted. Options it does not know go to the suite (`--expect FILE`,
 * `--grep @ID`, …), in their order.
 *
 *   --release 25.1|2025.1    Glance 25.1 (Zed, default) or 30.0 (2025.1, Epoxy)
 *   --hidden-locations       show_multiple_locations = False
 *   --keystone               behind keystonemiddleware with its own Keystone: the suite logs in as the member
 *                            (openrc-member, endpoint from the catalog), with the admin identity (deactivation,
 *                            GLANCE_ADMIN_OS_CLOUD) and the service identity (API 2.17 locations,
 *                            GLANCE_SERVICE_OS_CLOUD) from the state dir's clouds.yaml
 *   --member-only            (with --keystone) no admin and no service identity
 *   --policy strict          (with --keystone) new RBAC defaults, deactivation for admins only
 *   --state DIR, --port N, --keystone-port N, --token-expiration SECONDS   an instance of the caller's own
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, ROOT, tsEntry } from '../harness/paths';
import { defaultStateDir, isRelease, RELEASES, startGlance, stopGlance, type GlanceInstance } from '../launcher/glance';
import { cloudName } from '../launcher/identities';
import { freePort, LaunchError } from '../launcher/supervisor';

const OPTIONS = {
  release: { type: 'string' },
  'hidden-locations': { type: 'boolean' },
  keystone: { type: 'boolean' },
  'member-only': { type: 'boolean' },
  policy: { type: 'string' },
  state: { type: 'string' },
  port: { type: 'string' },
  'keystone-port': { type: 'string' },
  'token-expiration': { type: 'string' },
} as const;

class UsageError extends Error {}

/** The launcher's options, and the rest of argv (for the suite) in its order. */
export function splitArgs(argv: string[]) {
  const { values, tokens } = parseArgs({
    args: argv,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const ours = new Set<number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in OPTIONS)) continue;
    ours.add(token.index);
    if (OPTIONS[token.name as keyof typeof OPTIONS].type === 'string') {
      if (token.value === undefined) throw new UsageError(`--${token.name} needs a value`);
      if (!token.inlineValue) ours.add(token.index + 1);
    }
  }
  return { values, rest: argv.filter((_, i) => !ours.has(i)) };
}

function portOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${name} must be a port number, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, rest } = splitArgs(argv);
  const release = String(values.release ?? '25.1');
  const policy = String(values.policy ?? 'default');
  const keystone = values.keystone === true;
  if (!isRelease(release)) throw new UsageError(`--release must be one of ${RELEASES.join(', ')}, got ${release}`);
  if (policy !== 'default' && policy !== 'strict')
    throw new UsageError(`--policy must be default or strict, got ${policy}`);
  if ((values['member-only'] || policy !== 'default') && !keystone) {
    throw new UsageError('--member-only and --policy need --keystone');
  }
  const expiration = values['token-expiration'];
  if (expiration !== undefined && !/^[1-9]\d*$/.test(String(expiration))) {
    throw new UsageError('--token-expiration must be a number of seconds');
  }
  const selection = {
    release,
    auth: keystone ? ('keystone' as const) : ('none' as const),
    showMultipleLocations: !values['hidden-locations'],
  };
  const stateDir = values.state ? path.resolve(String(values.state)) : defaultStateDir(selection);
  let glance: GlanceInstance;
  try {
    glance = await startGlance({
      ...selection,
      stateDir,
      policy,
      port: portOption(values.port, 'port') ?? (await freePort()),
      keystonePort: portOption(values['keystone-port'], 'keystone-port') ?? (await freePort()),
      tokenExpiration: expiration === undefined ? undefined : Number(expiration),
    });
  } catch (error) {
    await stopGlance(stateDir).catch(() => undefined);
    if (!(error instanceof LaunchError)) throw error;
    process.stderr.write(`glance-conformance: real Glance ${release} did not start: ${error.message}\n`);
    return 2;
  }
  // The suite's own Ctrl-C handling ends the run; this process only has to outlive it to stop Glance.
  process.on('SIGINT', () => undefined);
  try {
    let suiteEnv: NodeJS.ProcessEnv = { ...process.env, GLANCE_URL: glance.url };
    if (glance.keystone) {
      // The member's variables, as a user would `source openrc-member`: no GLANCE_URL, the catalog has the endpoint.
      suiteEnv = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(OS_|GLANCE_URL$|GLANCE_ADMIN_|GLANCE_SERVICE_)/.test(k)),
      );
      Object.assign(suiteEnv, glance.keystone.env('member'));
      if (!values['member-only']) {
        Object.assign(suiteEnv, {
          OS_CLIENT_CONFIG_FILE: glance.keystone.cloudsYaml,
          GLANCE_ADMIN_OS_CLOUD: cloudName('admin'),
          GLANCE_SERVICE_OS_CLOUD: cloudName('service'),
        });
      }
    }
    const run = spawnSync(process.execPath, tsEntry(CLI, ...rest), {
      cwd: ROOT,
      stdio: 'inherit',
      env: suiteEnv,
    });
    return run.status ?? 2;
  } finally {
    await glance.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(
        `glance-conformance: ${usage ? (error as Error).message : String((error as Error).stack ?? error)}\n`,
      );
      process.exit(2);
    },
  );
}
