/** Command line: `npx tsx reference-server/cli.ts [options]` (npm run reference). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startReferenceServer, type ReferenceServerOptions } from './index';
import type { KeystoneCredentials } from './options';
import type { AuthToken } from './options';

const USAGE = `Usage: reference-server [options]
  --port N                       port to listen on (env PORT; default 9292; 0 = any free port)
  --host H                       address to bind (default 127.0.0.1)
  --no-show-multiple-locations   hide image locations (env GLANCE_SHOW_MULTIPLE_LOCATIONS=false)
  --disk-formats a,b             allowed disk formats (default: Glance's)
  --container-formats a,b        allowed container formats (default: Glance's)
  --image-size-cap N             largest upload in bytes (default 1099511627776)
  --auth-file FILE               JSON {"tokens": [{"token","project","roles","user"?}]}; default: no auth
  --keystone URL                 validate tokens with this Keystone (v3), as keystonemiddleware does; the
                                 server's own credentials come from OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME,
                                 OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME or the flags below
  --keystone-user NAME, --keystone-project NAME, --keystone-user-domain NAME, --keystone-project-domain NAME
  --keystone-password-file FILE  the password's file (first line); OS_PASSWORD otherwise
  --help                         show this help`;

class UsageError extends Error {}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return Number(text);
}

function list(name: string, text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${name} needs at least one value`);
  return items;
}

function readTokens(file: string): { tokens: AuthToken[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read --auth-file ${file}: ${(error as Error).message}`);
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  const valid =
    Array.isArray(tokens) &&
    tokens.every(
      (t: Record<string, unknown>) =>
        typeof t?.token === 'string' &&
        typeof t.project === 'string' &&
        Array.isArray(t.roles) &&
        t.roles.every((role) => typeof role === 'string') &&
        (t.user === undefined || typeof t.user === 'string'),
    );
  if (!valid)
    throw new UsageError(`--auth-file ${file} must hold {"tokens": [{"token", "project", "roles", "user"?}]}`);
  return { tokens: tokens as AuthToken[] };
}

/** Returns null when --help was asked for. */
function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): ReferenceServerOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'no-show-multiple-locations': { type: 'boolean' },
        'disk-formats': { type: 'string' },
        'container-formats': { type: 'string' },
        'image-size-cap': { type: 'string' },
        'auth-file': { type: 'string' },
        keystone: { type: 'string' },
        'keystone-user': { type: 'string' },
        'keystone-project': { type: 'string' },
        'keystone-user-domain': { type: 'string' },
        'keystone-project-domain': { type: 'string' },
        'keystone-password-file': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (values.help) return null;
  if (values['auth-file'] !== undefined && values.keystone !== undefined) {
    throw new UsageError('--auth-file and --keystone exclude each other');
  }
  const port = values.port ?? env.PORT;
  return {
    host: values.host,
    port: port === undefined ? undefined : integer('--port', port, 0, 65535),
    show_multiple_locations:
      !values['no-show-multiple-locations'] && env.GLANCE_SHOW_MULTIPLE_LOCATIONS?.toLowerCase() !== 'false',
    disk_formats: values['disk-formats'] === undefined ? undefined : list('--disk-formats', values['disk-formats']),
    container_formats:
      values['container-formats'] === undefined ? undefined : list('--container-formats', values['container-formats']),
    image_size_cap:
      values['image-size-cap'] === undefined
        ? undefined
        : integer('--image-size-cap', values['image-size-cap'], 0, Number.MAX_SAFE_INTEGER),
    auth:
      values.keystone !== undefined
        ? { keystone: keystoneCredentials(values.keystone, values, env) }
        : values['auth-file'] === undefined
          ? undefined
          : readTokens(values['auth-file']),
  };
}

function keystoneCredentials(
  url: string,
  flags: Partial<Record<`keystone-${'user' | 'project' | 'user-domain' | 'project-domain' | 'password-file'}`, string>>,
  env: NodeJS.ProcessEnv,
): KeystoneCredentials {
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--keystone must be an http(s) URL, got '${url}'`);
  const file = flags['keystone-password-file'];
  let password = env.OS_PASSWORD;
  if (file !== undefined) {
    try {
      password = readFileSync(file, 'utf8').split('\n')[0];
    } catch (error) {
      throw new UsageError(`cannot read --keystone-password-file ${file}: ${(error as Error).message}`);
    }
  }
  const username = flags['keystone-user'] ?? env.OS_USERNAME;
  const projectName = flags['keystone-project'] ?? env.OS_PROJECT_NAME;
  const missing = [
    [username, '--keystone-user or OS_USERNAME'],
    [password, '--keystone-password-file or OS_PASSWORD'],
    [projectName, '--keystone-project or OS_PROJECT_NAME'],
  ]
    .filter(([value]) => !value)
    .map(([, name]) => name);
  if (missing.length > 0) throw new UsageError(`--keystone needs service credentials: ${missing.join(', ')}`);
  return {
    authUrl: url,
    username: username!,
    password: password!,
    projectName: projectName!,
    userDomainName: flags['keystone-user-domain'] ?? env.OS_USER_DOMAIN_NAME,
    userDomainId: env.OS_USER_DOMAIN_ID,
    projectDomainName: flags['keystone-project-domain'] ?? env.OS_PROJECT_DOMAIN_NAME,
    projectDomainId: env.OS_PROJECT_DOMAIN_ID,
  };
}

async function main(): Promise<void> {
  let options: ReferenceServerOptions | null;
  try {
    options = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`reference-server: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const server = await startReferenceServer(options);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: whoever waits for the ready line may signal us right after it.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`Glance reference server listening on ${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`reference-server: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
