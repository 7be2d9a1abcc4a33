/**
 * Every environment variable the suite reads, with what it means: `--help` prints this list, and a unit test
 * holds `.env.example` to it, so neither can forget one.
 */
export interface Variable {
  name: string;
  meaning: string;
}

export const VARIABLE_GROUPS: Array<{ title: string; variables: Variable[] }> = [
  {
    title: 'Target (any of these set: that deployment is judged; none set: the embedded reference server)',
    variables: [
      { name: 'GLANCE_URL', meaning: 'base URL of the Image API (no /v2); overrides the catalog' },
      {
        name: 'OS_ENDPOINT',
        meaning: 'the same, OpenStack client style (also OS_IMAGE_ENDPOINT_OVERRIDE, endpoint_override)',
      },
      { name: 'OS_IMAGE_ENDPOINT_OVERRIDE', meaning: 'the image endpoint, as openstacksdk names it' },
      {
        name: 'GLANCE_LOCATION_URLS',
        meaning: 'http(s) URLs the target can fetch, for location tests (default: served by the suite)',
      },
    ],
  },
  {
    title:
      'Authentication (OpenStack client conventions: OS_CLOUD picks a clouds.yaml entry, OS_* variables win over it)',
    variables: [
      {
        name: 'OS_CLOUD',
        meaning: 'entry of clouds.yaml/.yml/.json (./, ~/.config/openstack/, /etc/openstack/), secure.yaml merged',
      },
      { name: 'OS_CLIENT_CONFIG_FILE', meaning: 'a clouds.yaml to read first' },
      { name: 'OS_CLIENT_SECURE_FILE', meaning: 'a secure.yaml to read first' },
      { name: 'OS_AUTH_TYPE', meaning: 'password, v3password, token, v3token, v3applicationcredential, none, noauth' },
      { name: 'OS_AUTH_URL', meaning: 'Keystone (v3); the image endpoint then comes from its catalog' },
      { name: 'OS_USERNAME', meaning: 'user name (password login)' },
      { name: 'OS_USER_ID', meaning: 'user id (password login)' },
      { name: 'OS_PASSWORD', meaning: 'password' },
      { name: 'OS_PROJECT_NAME', meaning: 'project to scope to (OS_TENANT_NAME also read)' },
      { name: 'OS_PROJECT_ID', meaning: 'project id to scope to (OS_TENANT_ID also read)' },
      { name: 'OS_TENANT_NAME', meaning: 'old name of OS_PROJECT_NAME' },
      { name: 'OS_TENANT_ID', meaning: 'old name of OS_PROJECT_ID' },
      { name: 'OS_USER_DOMAIN_NAME', meaning: "the user's domain (default Default)" },
      { name: 'OS_USER_DOMAIN_ID', meaning: "the user's domain id" },
      { name: 'OS_PROJECT_DOMAIN_NAME', meaning: "the project's domain (default Default)" },
      { name: 'OS_PROJECT_DOMAIN_ID', meaning: "the project's domain id" },
      { name: 'OS_DOMAIN_NAME', meaning: 'domain for both user and project when theirs are unset' },
      { name: 'OS_DOMAIN_ID', meaning: 'domain id for both user and project when theirs are unset' },
      { name: 'OS_APPLICATION_CREDENTIAL_ID', meaning: 'application credential login' },
      { name: 'OS_APPLICATION_CREDENTIAL_NAME', meaning: 'application credential by name (with the user)' },
      { name: 'OS_APPLICATION_CREDENTIAL_SECRET', meaning: 'its secret' },
      { name: 'OS_AUTH_TOKEN', meaning: 'a ready token (with GLANCE_URL or OS_ENDPOINT; not renewable)' },
      { name: 'OS_TOKEN', meaning: 'the same' },
      { name: 'OS_INTERFACE', meaning: 'catalog interface: public (default), internal, admin' },
      { name: 'OS_ENDPOINT_TYPE', meaning: 'old name of OS_INTERFACE' },
      { name: 'OS_REGION_NAME', meaning: 'catalog region' },
      {
        name: 'GLANCE_ADMIN_OS_CLOUD',
        meaning: 'optional admin identity, used only to deactivate images (any GLANCE_ADMIN_OS_*)',
      },
      {
        name: 'GLANCE_SERVICE_OS_CLOUD',
        meaning: 'optional service identity for the API 2.17 location calls (any GLANCE_SERVICE_OS_*)',
      },
    ],
  },
  {
    title: 'TLS and proxies (one setting for the target, Keystone and every other request of the suite)',
    variables: [
      { name: 'OS_CACERT', meaning: 'CA file to trust instead of the system CAs (cacert in clouds.yaml)' },
      {
        name: 'OS_INSECURE',
        meaning: 'true: no certificate verification, said in the output and report (verify: false)',
      },
      { name: 'OS_CERT', meaning: 'client certificate (PEM; may hold the key too) (cert in clouds.yaml)' },
      { name: 'OS_KEY', meaning: 'its private key (key in clouds.yaml)' },
      { name: 'HTTPS_PROXY', meaning: 'proxy for https URLs, through CONNECT (https_proxy wins when both are set)' },
      { name: 'HTTP_PROXY', meaning: 'proxy for http URLs, absolute-form requests (http_proxy wins)' },
      {
        name: 'NO_PROXY',
        meaning: 'hosts, .domains, host:port, IPs, CIDRs or * that bypass the proxy; nothing else does',
      },
    ],
  },
  {
    title: 'Embedded reference server',
    variables: [
      { name: 'REFERENCE_PORT', meaning: 'its port (default 9393, or any free one when 9393 is taken)' },
      { name: 'REFERENCE_SHOW_MULTIPLE_LOCATIONS', meaning: 'false: image records without locations' },
    ],
  },
  {
    title: 'Run',
    variables: [
      {
        name: 'GLANCE_CONFORMANCE_RUN_ID',
        meaning:
          'the run id images are tagged with: up to 40 of [A-Za-z0-9_.-] (default: date + random); shards share one',
      },
      { name: 'CONFORMANCE_REPORT_DIR', meaning: 'where the reports go (default reports/)' },
      { name: 'CONFORMANCE_OUTPUT_DIR', meaning: "Playwright's output (default test-results/conformance)" },
      { name: 'CONFORMANCE_WORKERS', meaning: 'parallel workers (default 4)' },
      { name: 'CONFORMANCE_EXPECT', meaning: 'same as --expect FILE' },
      { name: 'CONFORMANCE_STRICT', meaning: 'same as --strict' },
      { name: 'CONFORMANCE_RECORD_ALL', meaning: '1: keep every exchange in the report, for npm run differential' },
    ],
  },
];

export const VARIABLES: Variable[] = VARIABLE_GROUPS.flatMap((g) => g.variables);
