/**
 * Real OpenStack Glance on loopback for the conformance suite: Debian's Glance 25.1 (Zed, bookworm, on the host) or
 * 30.0 (2025.1 Epoxy, trixie, in a cached root under chroot), without authentication or behind keystonemiddleware
 * with a Keystone of its own, with `show_multiple_locations` on or off, and the default or a strict policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { STATE_DIR } from '../harness/paths';
import {
  ensureHostPackages,
  HOST_PYTHON,
  hostMetadefs,
  inRoot,
  packageVersion,
  seconds,
  trixieRoot,
  type Log,
} from './debian';
import { formatIni, mergeIni, parseIni, type Ini } from './ini';
import { CONFIG_DIR, glanceServicePassword, startKeystone, stopKeystone, type KeystoneInstance } from './keystone';
import { withLock } from './lock';
import { LaunchError, portAccepts, runningPid, runToLog, startDaemon, stopDaemon } from './supervisor';

/** Releases by their OpenStack names as this project uses them: Zed's Glance 25.1, and 2025.1 (Epoxy, Glance 30). */
export const RELEASES = ['25.1', '2025.1'] as const;
export type Release = (typeof RELEASES)[number];
export const isRelease = (value: string): value is Release => (RELEASES as readonly string[]).includes(value);
/** The upstream Glance version (major) each release must be: a host with another Glance is refused, not mislabelled. */
const GLANCE_MAJOR: Record<Release, string> = { '25.1': '25', '2025.1': '30' };

export type Auth = 'none' | 'keystone';
export type Policy = 'default' | 'strict';

export interface GlanceOptions {
  stateDir: string;
  release?: Release;
  auth?: Auth;
  /** show_multiple_locations (default true): records carry `locations` and the location PATCHes are allowed. */
  showMultipleLocations?: boolean;
  /** strict (Keystone only): enforce_new_defaults, enforce_secure_rbac, deactivate/reactivate for admins only. */
  policy?: Policy;
  port?: number;
  keystonePort?: number;
  /** Keystone's token lifetime in seconds. */
  tokenExpiration?: number;
  timeoutMs?: number;
  log?: Log;
}

export interface GlanceInstance {
  /** http://127.0.0.1:PORT, the Image API base URL (also in Keystone's catalog). */
  url: string;
  release: Release;
  /** Debian's version of python3-glance, e.g. 2:30.0.0-3+deb13u5. */
  version: string;
  stateDir: string;
  keystone?: KeystoneInstance;
  /** Stops Glance, then its Keystone. */
  stop(): Promise<void>;
}

/** How to run Glance's Python for a release: on the host, or inside the trixie root with the state dir bound. */
interface Runtime {
  version: string;
  metadefs: string;
  python(args: string[]): [string, string[]];
}

async function runtimeFor(release: Release, stateDir: string, auth: Auth, log: Log): Promise<Runtime> {
  let runtime: Runtime;
  if (release === '25.1') {
    const modules = auth === 'keystone' ? ['glance', 'keystonemiddleware'] : ['glance'];
    const packages = auth === 'keystone' ? ['python3-glance', 'python3-keystonemiddleware'] : ['python3-glance'];
    await ensureHostPackages(modules, packages, path.join(stateDir, 'log'), log);
    const version = packageVersion('python3-glance') ?? '';
    runtime = { version, metadefs: await hostMetadefs(version, log), python: (args) => [HOST_PYTHON, args] };
  } else {
    const root = await trixieRoot(log);
    runtime = {
      version: root.glanceVersion,
      metadefs: root.metadefs,
      python: (args) => inRoot(root.dir, [stateDir], ['/usr/bin/python3', ...args]),
    };
  }
  const major = /^(?:\d+:)?(\d+)\./.exec(runtime.version)?.[1];
  if (major !== GLANCE_MAJOR[release]) {
    throw new LaunchError(
      `release ${release} is Glance ${GLANCE_MAJOR[release]}, but python3-glance here is ${runtime.version}`,
    );
  }
  return runtime;
}

interface Resolved {
  stateDir: string;
  release: Release;
  auth: Auth;
  showMultipleLocations: boolean;
  policy: Policy;
  port: number;
  keystonePort: number;
}

function glanceConfig(o: Resolved, keystone?: KeystoneInstance): string {
  const s = o.stateDir;
  const strict = o.policy === 'strict';
  const overrides: Ini = {
    DEFAULT: {
      bind_port: o.port,
      show_multiple_locations: o.showMultipleLocations,
      node_staging_uri: `file://${s}/staging`,
      enforce_secure_rbac: strict,
    },
    database: { connection: `sqlite:///${s}/glance.sqlite` },
    glance_store: { filesystem_store_datadir: `${s}/images` },
    // The empty flavor selects [pipeline:glance-api] (no authentication), "keystone" keystonemiddleware's.
    paste_deploy: { flavor: o.auth === 'keystone' ? 'keystone' : '', config_file: `${s}/glance-api-paste.ini` },
    oslo_policy: { policy_file: `${s}/policy.yaml`, enforce_new_defaults: strict },
  };
  if (keystone) {
    overrides.keystone_authtoken = {
      www_authenticate_uri: keystone.url,
      auth_url: keystone.url,
      auth_type: 'password',
      username: 'glance',
      password: glanceServicePassword(s),
      project_name: 'service',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
      region_name: 'RegionOne',
    };
  }
  const base = parseIni(fs.readFileSync(path.join(CONFIG_DIR, 'glance-api.conf'), 'utf8'));
  return formatIni(
    mergeIni(base, overrides),
    `Written by launcher/glance.ts from launcher/config/glance-api.conf (release ${o.release}); rewritten on start.`,
  );
}

function policyFile(o: Resolved): string {
  const name = o.auth === 'none' ? 'policy-noauth.yaml' : `policy-keystone-${o.policy}.yaml`;
  // Parsed and written again so that a broken template fails here, with its name, not as a 500 from Glance.
  const rules: unknown = YAML.parse(fs.readFileSync(path.join(CONFIG_DIR, name), 'utf8'));
  return `# From launcher/config/${name}.\n${YAML.stringify(rules)}`;
}

/**
 * Starts Glance for a state dir, installing or building what the release needs on first use. The instance running
 * there with the same configuration is kept; one with another configuration is restarted.
 */
export async function startGlance(options: GlanceOptions): Promise<GlanceInstance> {
  const o: Resolved = {
    stateDir: path.resolve(options.stateDir),
    release: options.release ?? '25.1',
    auth: options.auth ?? 'none',
    showMultipleLocations: options.showMultipleLocations ?? true,
    policy: options.policy ?? 'default',
    port: options.port ?? 9292,
    keystonePort: options.keystonePort ?? 5000,
  };
  const log = options.log ?? ((line: string) => process.stderr.write(`[launcher] ${line}\n`));
  if (o.policy !== 'default' && o.auth !== 'keystone')
    throw new LaunchError('a strict policy needs Keystone (auth: keystone)');
  if (o.auth === 'keystone' && o.port === o.keystonePort)
    throw new LaunchError('Glance and Keystone need different ports');
  const s = o.stateDir;
  for (const dir of ['run', 'log', 'images', 'staging']) fs.mkdirSync(path.join(s, dir), { recursive: true });
  const url = `http://127.0.0.1:${o.port}`;
  const runtime = await runtimeFor(o.release, s, o.auth, log);
  const keystone =
    o.auth === 'keystone'
      ? await startKeystone({
          stateDir: s,
          port: o.keystonePort,
          tokenExpiration: options.tokenExpiration,
          imageUrl: url,
          log,
        })
      : undefined;
  const conf = path.join(s, 'glance-api.conf');
  const config = glanceConfig(o, keystone);
  await withLock(path.join(s, 'run', 'glance.lock'), 300_000, 'starting Glance', async () => {
    const running = runningPid(s, 'glance-api');
    if (running && fs.existsSync(conf) && fs.readFileSync(conf, 'utf8') === config && (await answers(url))) {
      log(`glance-api ${o.release} already running from ${s} (pid ${running})`);
      return;
    }
    if (running) log(`glance-api pid ${running} runs with another configuration, or does not answer: restarting it`);
    await stopDaemon(s, 'glance-api');
    if (await portAccepts(o.port))
      throw new LaunchError(`port ${o.port} on 127.0.0.1 is already in use by another process`);
    fs.writeFileSync(conf, config, { mode: 0o600 });
    fs.chmodSync(conf, 0o600);
    fs.copyFileSync(path.join(CONFIG_DIR, 'glance-api-paste.ini'), path.join(s, 'glance-api-paste.ini'));
    fs.writeFileSync(path.join(s, 'policy.yaml'), policyFile(o));
    await ensureDatabase(s, conf, runtime, log);
    const started = Date.now();
    const [command, args] = runtime.python(['-m', 'glance.cmd.api', '--config-file', conf]);
    await startDaemon({
      name: 'glance-api',
      stateDir: s,
      command,
      args,
      ready: { url: `${url}/versions` },
      timeoutMs: options.timeoutMs,
    });
    const flavour = `auth=${o.auth}, show_multiple_locations=${o.showMultipleLocations}, policy=${o.policy}`;
    log(`glance-api ${o.release} (${runtime.version}) up in ${seconds(started)} s: ${url} (${flavour}; state ${s})`);
  });
  if (keystone)
    log(
      `identities: source ${keystone.openrc('member')} (or -admin, -service), ` +
        `or OS_CLIENT_CONFIG_FILE=${keystone.cloudsYaml}`,
    );
  return {
    url,
    release: o.release,
    version: runtime.version,
    stateDir: s,
    keystone,
    stop: async () => void (await stopGlance(s)),
  };
}

/** Database made (db sync, metadefs loaded) once per state dir and Glance version. */
async function ensureDatabase(stateDir: string, conf: string, runtime: Runtime, log: Log) {
  const marker = path.join(stateDir, 'run', 'db-ready');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === runtime.version) return;
  const started = Date.now();
  fs.rmSync(marker, { force: true });
  fs.rmSync(path.join(stateDir, 'glance.sqlite'), { force: true });
  const manageLog = path.join(stateDir, 'log', 'glance-manage.log');
  for (const args of [
    ['db', 'sync'],
    ['db', 'load_metadefs', '--path', runtime.metadefs],
  ]) {
    const [command, argv] = runtime.python(['-m', 'glance.cmd.manage', '--config-file', conf, ...args]);
    await runToLog(command, argv, manageLog);
  }
  fs.writeFileSync(marker, runtime.version);
  log(`glance database created and metadefs loaded in ${seconds(started)} s`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/versions`, { signal: AbortSignal.timeout(3_000) })).status === 200;
  } catch {
    return false;
  }
}

/** Stops the Glance of a state dir (and its Keystone unless keepKeystone); true if anything was running. */
export async function stopGlance(stateDir: string, options: { keepKeystone?: boolean } = {}): Promise<boolean> {
  const s = path.resolve(stateDir);
  // Glance first: its keystonemiddleware talks to Keystone.
  const glance = await stopDaemon(s, 'glance-api');
  const keystone = options.keepKeystone ? false : await stopKeystone(s);
  return glance || keystone;
}

/**
 * Installs (25.1) or builds (2025.1) what a release needs without starting anything, so that CI pays the one-off
 * cost before the tests' clocks run. Returns python3-glance's version.
 */
export async function prepareGlance(release: Release, log: Log): Promise<string> {
  const logs = path.join(STATE_DIR, 'launcher-prepare');
  fs.mkdirSync(path.join(logs, 'log'), { recursive: true });
  const runtime = await runtimeFor(release, logs, 'keystone', log);
  await ensureHostPackages(
    ['keystone', 'keystonemiddleware'],
    ['python3-keystone', 'python3-keystonemiddleware'],
    logs,
    log,
  );
  return runtime.version;
}

/** A state dir per release and flavour under .state/, so that flavours never restart each other. */
export function defaultStateDir(o: { release?: Release; auth?: Auth; showMultipleLocations?: boolean }): string {
  const release = o.release ?? '25.1';
  const parts = [
    'real-glance',
    release,
    o.auth === 'keystone' ? 'keystone' : '',
    o.showMultipleLocations === false ? 'hidden' : '',
  ];
  return path.join(STATE_DIR, parts.filter(Boolean).join('-'));
}
