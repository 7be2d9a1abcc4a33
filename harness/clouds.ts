import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TargetUnusable } from './errors';

/**
 * The cloud the suite talks to, resolved the way the OpenStack client does it: `OS_CLOUD` picks an
 * entry of clouds.yaml (deep-merged with the same entry of secure.yaml), and every `OS_*` variable that
 * is set wins over that entry (so `OS_CLOUD` + `OS_PASSWORD` works). Without `OS_CLOUD` the variables
 * alone form the cloud.
 */

export interface CloudAuth {
  auth_url?: string;
  username?: string;
  user_id?: string;
  password?: string;
  project_name?: string;
  project_id?: string;
  user_domain_name?: string;
  user_domain_id?: string;
  project_domain_name?: string;
  project_domain_id?: string;
  domain_name?: string;
  domain_id?: string;
  application_credential_id?: string;
  application_credential_name?: string;
  application_credential_secret?: string;
  token?: string;
}

/** A setting and where it came from, so that a message can name the thing to change. */
export interface Sourced<T> {
  value: T;
  from: string;
}

export interface CloudConfig {
  /** `OS_CLOUD=name (file)`, or undefined when the variables alone form the cloud. */
  origin?: string;
  authType?: Sourced<string>;
  auth: CloudAuth;
  interface: string;
  region?: string;
  /** An image endpoint given directly (OS_ENDPOINT, endpoint_override), used instead of the catalog. */
  endpointOverride?: Sourced<string>;
  cacert?: Sourced<string>;
  insecure?: Sourced<boolean>;
  cert?: Sourced<string>;
  key?: Sourced<string>;
}

const SEARCH_DIRS = () => [process.cwd(), path.join(os.homedir(), '.config', 'openstack'), '/etc/openstack'];
const SUFFIXES = ['.yaml', '.yml', '.json'];

function searchPath(base: 'clouds' | 'secure', explicit: string | undefined): string[] {
  const found = SEARCH_DIRS().flatMap((dir) => SUFFIXES.map((suffix) => path.join(dir, `${base}${suffix}`)));
  return explicit ? [explicit, ...found] : found;
}

export const cloudsFiles = (env: NodeJS.ProcessEnv) => searchPath('clouds', env.OS_CLIENT_CONFIG_FILE);
export const secureFiles = (env: NodeJS.ProcessEnv) => searchPath('secure', env.OS_CLIENT_SECURE_FILE);

type Entry = Record<string, unknown>;

function readClouds(file: string): Record<string, Entry> {
  let doc: { clouds?: Record<string, Entry> } | undefined;
  try {
    // JSON is YAML: one parser reads clouds.yaml, clouds.yml and clouds.json. Loaded only when there is such a file:
    // every Playwright worker loads this module, and a new one starts after each failed test.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof import('yaml');
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TargetUnusable(`${file} cannot be read: ${(e as Error).message.split('\n')[0]}`);
  }
  return doc?.clouds ?? {};
}

const isObject = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepMerge(base: Entry, over: Entry): Entry {
  const out: Entry = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Entry, v) : v;
  return out;
}

function cloudEntry(name: string, env: NodeJS.ProcessEnv): { entry: Entry; file: string } {
  const file = cloudsFiles(env).find((p) => fs.existsSync(p));
  if (!file) {
    throw new TargetUnusable(
      `OS_CLOUD=${name} is set but no clouds.yaml was found (looked in ${cloudsFiles(env).join(', ')})`,
    );
  }
  const entry = readClouds(file)[name];
  if (!isObject(entry)) throw new TargetUnusable(`cloud "${name}" is not defined in ${file}`);
  // secure.yaml has a search path of its own: it may sit apart from clouds.yaml.
  const secureFile = secureFiles(env).find((p) => fs.existsSync(p));
  const secure = secureFile ? readClouds(secureFile)[name] : undefined;
  return { entry: isObject(secure) ? deepMerge(entry, secure) : entry, file };
}

const AUTH_VARIABLES: Record<keyof CloudAuth, string[]> = {
  auth_url: ['OS_AUTH_URL'],
  username: ['OS_USERNAME'],
  user_id: ['OS_USER_ID'],
  password: ['OS_PASSWORD'],
  project_name: ['OS_PROJECT_NAME', 'OS_TENANT_NAME'],
  project_id: ['OS_PROJECT_ID', 'OS_TENANT_ID'],
  user_domain_name: ['OS_USER_DOMAIN_NAME'],
  user_domain_id: ['OS_USER_DOMAIN_ID'],
  project_domain_name: ['OS_PROJECT_DOMAIN_NAME'],
  project_domain_id: ['OS_PROJECT_DOMAIN_ID'],
  domain_name: ['OS_DOMAIN_NAME'],
  domain_id: ['OS_DOMAIN_ID'],
  application_credential_id: ['OS_APPLICATION_CREDENTIAL_ID'],
  application_credential_name: ['OS_APPLICATION_CREDENTIAL_NAME'],
  application_credential_secret: ['OS_APPLICATION_CREDENTIAL_SECRET'],
  token: ['OS_AUTH_TOKEN', 'OS_TOKEN'],
};

/** The first of `names` that is set (non-empty), with its name. */
function fromEnv(env: NodeJS.ProcessEnv, ...names: string[]): Sourced<string> | undefined {
  const name = names.find((n) => env[n]?.trim());
  return name ? { value: env[name]!.trim(), from: name } : undefined;
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

export function parseBoolean(value: string, name: string): boolean {
  if (TRUE.test(value)) return true;
  if (FALSE.test(value)) return false;
  throw new TargetUnusable(`${name}=${value} is not a boolean (true/false)`);
}

export function resolveCloud(env: NodeJS.ProcessEnv = process.env): CloudConfig {
  const name = env.OS_CLOUD?.trim();
  const { entry, file } = name ? cloudEntry(name, env) : { entry: {} as Entry, file: '' };
  const origin = name ? `OS_CLOUD=${name} (${file})` : undefined;
  const inCloud = (key: string): Sourced<string> | undefined => {
    const v = entry[key];
    return typeof v === 'string' && v ? { value: v, from: `${key} in ${origin}` } : undefined;
  };

  const auth: CloudAuth = { ...(isObject(entry.auth) ? (entry.auth as CloudAuth) : {}) };
  for (const [key, names] of Object.entries(AUTH_VARIABLES) as Array<[keyof CloudAuth, string[]]>) {
    const set = fromEnv(env, ...names);
    if (set) auth[key] = set.value;
  }

  const verifyInCloud = typeof entry.verify === 'boolean' ? !entry.verify : entry.insecure === true ? true : undefined;
  const insecureVar = fromEnv(env, 'OS_INSECURE');
  const insecure: Sourced<boolean> | undefined = insecureVar
    ? { value: parseBoolean(insecureVar.value, 'OS_INSECURE'), from: 'OS_INSECURE' }
    : verifyInCloud !== undefined
      ? { value: verifyInCloud, from: `${typeof entry.verify === 'boolean' ? 'verify' : 'insecure'} in ${origin}` }
      : undefined;

  return {
    origin,
    authType: fromEnv(env, 'OS_AUTH_TYPE') ?? inCloud('auth_type'),
    auth,
    interface: (fromEnv(env, 'OS_INTERFACE', 'OS_ENDPOINT_TYPE') ?? inCloud('interface'))?.value ?? 'public',
    region: (fromEnv(env, 'OS_REGION_NAME') ?? inCloud('region_name'))?.value,
    endpointOverride:
      fromEnv(env, 'OS_ENDPOINT', 'OS_IMAGE_ENDPOINT_OVERRIDE') ??
      inCloud('image_endpoint_override') ??
      inCloud('endpoint_override'),
    cacert: fromEnv(env, 'OS_CACERT') ?? inCloud('cacert'),
    insecure,
    cert: fromEnv(env, 'OS_CERT') ?? inCloud('cert'),
    key: fromEnv(env, 'OS_KEY') ?? inCloud('key'),
  };
}
