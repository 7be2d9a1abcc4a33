/**
 * The client side of the launcher's Keystone: an identity as OS_* variables, written as an openrc file (shell) and
 * as a clouds.yaml entry (YAML through the yaml library), and read back from an openrc file.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const REGION = 'RegionOne';

export interface Identity {
  /** `member`, `admin`, `service`: names the openrc file (`openrc-<label>`) and the cloud (`conformance-<label>`). */
  label: string;
  username: string;
  password: string;
  project: string;
  roles: string[];
}

/** The OS_* variables of a password login as `identity`, what `source openrc-<label>` exports. */
export function identityEnv(authUrl: string, identity: Identity): Record<string, string> {
  return {
    OS_AUTH_URL: authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_AUTH_TYPE: 'password',
    OS_USERNAME: identity.username,
    OS_PASSWORD: identity.password,
    OS_PROJECT_NAME: identity.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_INTERFACE: 'public',
    OS_REGION_NAME: REGION,
  };
}

/** POSIX single quoting: the only character needing care inside '…' is ' itself. */
export const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

function writePrivate(file: string, text: string) {
  const tmp = `${file}.new`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export const openrcPath = (stateDir: string, label: string) => path.join(stateDir, `openrc-${label}`);
export const cloudsYamlPath = (stateDir: string) => path.join(stateDir, 'clouds.yaml');
export const cloudName = (label: string) => `conformance-${label}`;

/** openrc-<label> for each identity and one clouds.yaml with a cloud per identity, all mode 600. */
export function writeClientFiles(stateDir: string, authUrl: string, identities: Identity[]) {
  for (const identity of identities) {
    const file = openrcPath(stateDir, identity.label);
    const lines = [
      `# The ${identity.label} identity of the launcher's Keystone (roles ${identity.roles.join(', ')} on project ` +
        `${identity.project}). Usage: source ${file} && npm run conformance`,
      'unset OS_CLOUD OS_AUTH_TOKEN OS_TOKEN OS_APPLICATION_CREDENTIAL_ID OS_APPLICATION_CREDENTIAL_SECRET GLANCE_URL',
      ...Object.entries(identityEnv(authUrl, identity)).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ];
    writePrivate(file, `${lines.join('\n')}\n`);
  }
  const clouds = Object.fromEntries(
    identities.map((identity) => {
      const env = identityEnv(authUrl, identity);
      return [
        cloudName(identity.label),
        {
          auth_type: 'password',
          auth: {
            auth_url: authUrl,
            username: env.OS_USERNAME,
            password: env.OS_PASSWORD,
            project_name: env.OS_PROJECT_NAME,
            user_domain_name: env.OS_USER_DOMAIN_NAME,
            project_domain_name: env.OS_PROJECT_DOMAIN_NAME,
          },
          identity_api_version: 3,
          interface: env.OS_INTERFACE,
          region_name: REGION,
        },
      ];
    }),
  );
  const header = "# The launcher's Keystone identities (launcher/keystone.ts). Contains passwords.\n";
  writePrivate(cloudsYamlPath(stateDir), header + YAML.stringify({ clouds }));
}

/** The `export NAME=value` lines of an openrc file, unquoted as a POSIX shell would. */
export function readOpenrc(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = unquoteShell(m[2]);
  }
  return vars;
}

/** A word of '…' runs, \-escapes and plain characters (what shellQuote and hand-written openrc files produce). */
function unquoteShell(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in openrc value ${word}`);
      out += word.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = word.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated quote in openrc value ${word}`);
      out += word.slice(i + 1, end).replace(/\\([\\"$`])/g, '$1');
      i = end;
    } else if (c === '\\' && i + 1 < word.length) {
      out += word[++i];
    } else {
      out += c;
    }
  }
  return out;
}
