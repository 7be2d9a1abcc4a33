/**
 * A Keystone of its own on loopback: Debian's python3-keystone (bookworm, Keystone 22) on the host, sqlite, fernet
 * tokens, served by keystone-wsgi.py. Its users, projects and catalog are made through Keystone's REST API; the
 * client files (openrc-<label>, clouds.yaml) are written into the state dir. Used by startGlance({ auth: 'keystone' })
 * and by anything else that needs a real Keystone (Tempest against the reference server: `imageUrl`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LAUNCHER } from '../harness/paths';
import { ensureHostPackages, HOST_PYTHON, seconds, type Log } from './debian';
import { cloudsYamlPath, identityEnv, openrcPath, REGION, writeClientFiles, type Identity } from './identities';
import { formatIni, mergeIni, parseIni } from './ini';
import { withLock } from './lock';
import { LaunchError, runningPid, runToLog, startDaemon, stopDaemon, portAccepts } from './supervisor';

export const CONFIG_DIR = path.join(LAUNCHER, 'config');

export interface KeystoneOptions {
  /** Keystone keeps its files in `<stateDir>/keystone`, its logs in `<stateDir>/log`, the client files in stateDir. */
  stateDir: string;
  port?: number;
  /** Token lifetime in seconds (default 3600); short ones exercise the suite's token renewal. */
  tokenExpiration?: number;
  /** The image service's endpoint in the catalog (public, internal and admin). */
  imageUrl?: string;
  timeoutMs?: number;
  log?: Log;
}

export interface KeystoneInstance {
  /** http://127.0.0.1:PORT */
  url: string;
  /** …/v3, the OS_AUTH_URL */
  authUrl: string;
  identities: Record<IdentityLabel, Identity>;
  /** The OS_* variables of an identity (as its openrc exports them). */
  env(label: IdentityLabel): Record<string, string>;
  openrc(label: IdentityLabel): string;
  cloudsYaml: string;
  stop(): Promise<void>;
}

export type IdentityLabel = 'member' | 'admin' | 'service';

/**
 * The identities. `glance` is keystonemiddleware's own service user. `service` holds the service role in the
 * member's project, which is what the API 2.17 location policies (add_image_location, fetch_image_location) ask of
 * the caller, and sees the member's images.
 */
const USERS: Array<Identity & { key: string }> = [
  { key: 'glance', label: 'glance', username: 'glance', project: 'service', roles: ['admin', 'service'], password: '' },
  {
    key: 'member',
    label: 'member',
    username: 'conformance-member',
    project: 'conformance-a',
    roles: ['member'],
    password: '',
  },
  {
    key: 'cadmin',
    label: 'admin',
    username: 'conformance-admin',
    project: 'conformance-b',
    roles: ['admin'],
    password: '',
  },
  {
    key: 'service',
    label: 'service',
    username: 'conformance-service',
    project: 'conformance-a',
    roles: ['member', 'service'],
    password: '',
  },
];
const PROJECTS = ['admin', 'service', 'conformance-a', 'conformance-b'];
const ROLES = ['admin', 'member', 'reader', 'service'];
/** Bumped when the identities or the catalog change, so that existing state dirs are set up again. */
const SETUP_VERSION = 3;

const keystoneDir = (stateDir: string) => path.join(stateDir, 'keystone');

/** The state dir's passwords (random, made once, mode 600): the stored ones stay authoritative. */
export function keystonePasswords(stateDir: string): Record<string, string> {
  const file = path.join(keystoneDir(stateDir), 'passwords.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const made = Object.fromEntries(
      ['admin', ...USERS.map((u) => u.key)].map((k) => [k, crypto.randomBytes(18).toString('base64url')]),
    );
    fs.writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const missing = ['admin', ...USERS.map((u) => u.key)].filter((k) => !stored[k]);
  if (missing.length > 0) {
    for (const k of missing) stored[k] = crypto.randomBytes(18).toString('base64url');
    fs.writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return stored;
}

function keystoneConfig(stateDir: string, tokenExpiration: number): string {
  const dir = keystoneDir(stateDir);
  const base = parseIni(fs.readFileSync(path.join(CONFIG_DIR, 'keystone.conf'), 'utf8'));
  const ini = mergeIni(base, {
    database: { connection: `sqlite:///${dir}/keystone.sqlite` },
    token: { expiration: tokenExpiration },
    fernet_tokens: { key_repository: `${dir}/fernet-keys` },
    fernet_receipts: { key_repository: `${dir}/fernet-keys` },
    credential: { key_repository: `${dir}/credential-keys` },
  });
  return formatIni(ini, 'Written by launcher/keystone.ts from launcher/config/keystone.conf; rewritten on start.');
}

/** Keystone's REST API as the bootstrap admin. */
class KeystoneAdmin {
  private constructor(
    private readonly authUrl: string,
    private readonly token: string,
  ) {}

  static async login(authUrl: string, password: string): Promise<KeystoneAdmin> {
    const res = await fetch(`${authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { id: 'default' }, password } },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      }),
    });
    if (res.status !== 201) throw new LaunchError(`Keystone bootstrap admin login answered ${res.status}`);
    return new KeystoneAdmin(authUrl, res.headers.get('x-subject-token')!);
  }

  async call<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.authUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': this.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300)
      throw new LaunchError(`Keystone ${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The first `collection` entry matching `query`, created from `create` when there is none. */
  async ensure(collection: string, singular: string, query: Record<string, string>, create: object) {
    const found = await this.call<Record<string, Array<{ id: string }>>>(
      'GET',
      `/${collection}?${new URLSearchParams(query)}`,
    );
    if (found[collection].length > 0) return { id: found[collection][0].id, existed: true };
    const made = await this.call<Record<string, { id: string }>>('POST', `/${collection}`, { [singular]: create });
    return { id: made[singular].id, existed: false };
  }

  /** public/internal/admin endpoints of a service = url in REGION, and no others. */
  async ensureEndpoints(serviceId: string, url: string) {
    type Endpoint = { id: string; interface: string; url: string; region_id?: string };
    const { endpoints } = await this.call<{ endpoints: Endpoint[] }>('GET', `/endpoints?service_id=${serviceId}`);
    const same = (e: Endpoint) => e.url.replace(/\/$/, '') === url && e.region_id === REGION;
    for (const e of endpoints) if (!same(e)) await this.call('DELETE', `/endpoints/${e.id}`);
    for (const iface of ['public', 'internal', 'admin']) {
      if (!endpoints.some((e) => same(e) && e.interface === iface)) {
        await this.call('POST', '/endpoints', {
          endpoint: { service_id: serviceId, interface: iface, url, region_id: REGION },
        });
      }
    }
  }
}

async function configureIdentities(authUrl: string, imageUrl: string | undefined, pw: Record<string, string>) {
  const ks = await KeystoneAdmin.login(authUrl, pw.admin);
  const domain = 'default';
  const roles: Record<string, string> = {};
  for (const name of ROLES) roles[name] = (await ks.ensure('roles', 'role', { name }, { name })).id;
  const projects: Record<string, string> = {};
  for (const name of PROJECTS) {
    const create = { name, domain_id: domain, description: 'glance-conformance' };
    projects[name] = (await ks.ensure('projects', 'project', { name, domain_id: domain }, create)).id;
  }
  for (const user of USERS) {
    const create = {
      name: user.username,
      domain_id: domain,
      password: pw[user.key],
      default_project_id: projects[user.project],
    };
    const made = await ks.ensure('users', 'user', { name: user.username, domain_id: domain }, create);
    if (made.existed) await ks.call('PATCH', `/users/${made.id}`, { user: { password: pw[user.key] } });
    for (const role of user.roles)
      await ks.call('PUT', `/projects/${projects[user.project]}/users/${made.id}/roles/${roles[role]}`);
  }
  // keystonemiddleware validates tokens at the catalog's identity endpoint: it must follow the port.
  const identity = await ks.ensure('services', 'service', { type: 'identity' }, { name: 'keystone', type: 'identity' });
  await ks.ensureEndpoints(identity.id, authUrl);
  if (imageUrl) {
    const image = await ks.ensure('services', 'service', { type: 'image' }, { name: 'glance', type: 'image' });
    await ks.ensureEndpoints(image.id, imageUrl.replace(/\/$/, ''));
  }
}

/** Starts Keystone for a state dir (or keeps the one running there with the same configuration). */
export async function startKeystone(options: KeystoneOptions): Promise<KeystoneInstance> {
  const stateDir = path.resolve(options.stateDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`[launcher] ${line}\n`));
  const port = options.port ?? 5000;
  const url = `http://127.0.0.1:${port}`;
  const authUrl = `${url}/v3`;
  const dir = keystoneDir(stateDir);
  const logDir = path.join(stateDir, 'log');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(logDir, { recursive: true });
  await ensureHostPackages(
    ['keystone', 'keystonemiddleware'],
    ['python3-keystone', 'python3-keystonemiddleware'],
    logDir,
    log,
  );
  const pw = keystonePasswords(stateDir);
  const confFile = path.join(dir, 'keystone.conf');
  const config = keystoneConfig(stateDir, options.tokenExpiration ?? 3600);

  await withLock(path.join(stateDir, 'run', 'keystone.lock'), 300_000, 'starting Keystone', async () => {
    const running = runningPid(stateDir, 'keystone');
    const portFile = path.join(dir, 'port');
    const same =
      fs.existsSync(confFile) &&
      fs.readFileSync(confFile, 'utf8') === config &&
      fs.existsSync(portFile) &&
      fs.readFileSync(portFile, 'utf8') === String(port);
    if (running && same && (await answers(authUrl))) {
      log(`keystone already running (pid ${running})`);
    } else {
      if (running) log(`keystone pid ${running} runs with another configuration, or does not answer: restarting it`);
      await stopDaemon(stateDir, 'keystone');
      if (await portAccepts(port))
        throw new LaunchError(`port ${port} on 127.0.0.1 is already in use by another process (Keystone's port)`);
      fs.writeFileSync(confFile, config, { mode: 0o600 });
      fs.writeFileSync(portFile, String(port));
      if (!fs.existsSync(path.join(dir, 'db-ready'))) await createDatabase(stateDir, authUrl, pw.admin, log);
      const started = Date.now();
      await startDaemon({
        name: 'keystone',
        stateDir,
        command: HOST_PYTHON,
        args: [
          path.join(LAUNCHER, 'keystone-wsgi.py'),
          '--config-dir',
          dir,
          '--port',
          String(port),
          '--access-log',
          path.join(logDir, 'keystone-access.log'),
        ],
        ready: { url: authUrl },
        timeoutMs: options.timeoutMs,
      });
      log(`keystone up in ${seconds(started)} s: ${authUrl} (tokens live ${options.tokenExpiration ?? 3600} s)`);
    }
    const want = `${SETUP_VERSION} ${authUrl} ${options.imageUrl ?? ''}`;
    const marker = path.join(dir, 'setup-done');
    const done = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want;
    if (!done || !fs.existsSync(cloudsYamlPath(stateDir))) {
      await configureIdentities(authUrl, options.imageUrl, pw);
      fs.writeFileSync(marker, want);
    }
  });
  const identityOf = (label: IdentityLabel): Identity => {
    const { key, ...user } = USERS.find((u) => u.label === label)!;
    return { ...user, password: pw[key] };
  };
  const identities = { member: identityOf('member'), admin: identityOf('admin'), service: identityOf('service') };
  writeClientFiles(stateDir, authUrl, Object.values(identities));
  return {
    url,
    authUrl,
    identities,
    env: (label) => identityEnv(authUrl, identities[label]),
    openrc: (label) => openrcPath(stateDir, label),
    cloudsYaml: cloudsYamlPath(stateDir),
    stop: async () => void (await stopDaemon(stateDir, 'keystone')),
  };
}

/** The password keystonemiddleware logs in with (Glance's own service user). */
export const glanceServicePassword = (stateDir: string) => keystonePasswords(stateDir).glance;

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3_000) })).status === 200;
  } catch {
    return false;
  }
}

async function createDatabase(stateDir: string, authUrl: string, adminPassword: string, log: Log) {
  const dir = keystoneDir(stateDir);
  const started = Date.now();
  for (const stale of ['keystone.sqlite', 'fernet-keys', 'credential-keys']) {
    fs.rmSync(path.join(dir, stale), { recursive: true, force: true });
  }
  const manageLog = path.join(stateDir, 'log', 'keystone-manage.log');
  const manage = (args: string[], env?: NodeJS.ProcessEnv) =>
    runToLog(
      HOST_PYTHON,
      ['/usr/bin/keystone-manage', '--config-file', path.join(dir, 'keystone.conf'), ...args],
      manageLog,
      { env },
    );
  // Keys owned by whoever runs this (root in CI), not a "keystone" account.
  const { username } = os.userInfo();
  const group = spawnGroupName();
  await manage(['fernet_setup', '--keystone-user', username, '--keystone-group', group]);
  await manage(['credential_setup', '--keystone-user', username, '--keystone-group', group]);
  await manage(['db_sync']);
  // WAL: Keystone keeps read transactions open across requests, and with sqlite's default journal a reader blocks
  // every writer ("database is locked").
  await runToLog(
    HOST_PYTHON,
    [
      '-c',
      'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")',
      path.join(dir, 'keystone.sqlite'),
    ],
    manageLog,
  );
  // The bootstrap password travels in the environment, not on a command line.
  await manage(
    [
      'bootstrap',
      '--bootstrap-username',
      'admin',
      '--bootstrap-project-name',
      'admin',
      '--bootstrap-role-name',
      'admin',
      '--bootstrap-service-name',
      'keystone',
      '--bootstrap-region-id',
      REGION,
      '--bootstrap-admin-url',
      authUrl,
      '--bootstrap-public-url',
      authUrl,
      '--bootstrap-internal-url',
      authUrl,
    ],
    { ...process.env, OS_BOOTSTRAP_PASSWORD: adminPassword },
  );
  fs.writeFileSync(path.join(dir, 'db-ready'), '');
  fs.rmSync(path.join(dir, 'setup-done'), { force: true });
  log(`keystone database, fernet keys and bootstrap in ${seconds(started)} s`);
}

function spawnGroupName(): string {
  const gid = os.userInfo().gid;
  const line = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

/** Stops the Keystone of a state dir; true if one was running. */
export const stopKeystone = (stateDir: string) => stopDaemon(path.resolve(stateDir), 'keystone');
