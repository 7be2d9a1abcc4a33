import { expect, test } from '@playwright/test';
import { startReferenceServer, type ReferenceServerOptions } from '../reference-server';
import { requirements } from '../catalog/requirements';
import { IDENTITIES, identityVariables, serverOptions } from '../scripts/mutation-plan';
import { freePort, runSuite, verdictsOf } from './support/run-suite';

/** The suite and the reference server prove each other: every requirement that applies passes. */

/**
 * Judged only where callers differ: a caller without the service role, a namespace of another project, a caller
 * who is not an admin. Without authentication every caller is an admin.
 */
const NEEDS_IDENTITIES = new Set([
  'LOCATIONS-API-NON-SERVICE-HTTP-ONLY',
  'METADEF-PRIVATE-HIDDEN',
  'PATCH-PUBLICIZE-NON-ADMIN-403',
]);

test('with show_multiple_locations on, all pass but hidden-locations and the rules of identities', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()) });
  expect(run.report, run.output).toBeDefined();
  const verdicts = verdictsOf(run.report);
  const expected = Object.fromEntries(
    requirements.map((r) => [
      r.id,
      r.id === 'LOC-HIDDEN-403' || NEEDS_IDENTITIES.has(r.id) ? 'not-applicable' : 'pass',
    ]),
  );
  expect(verdicts, run.output).toEqual(expected);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.report!.verdict).toBe('conformant');
});

test('with show_multiple_locations off, location requirements are not-applicable and the run exits 0', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()), REFERENCE_SHOW_MULTIPLE_LOCATIONS: 'false' });
  const verdicts = verdictsOf(run.report);
  const expected = Object.fromEntries(
    requirements.map((r) => [
      r.id,
      r.id === 'LOC-HIDDEN-403'
        ? 'pass'
        : r.id.startsWith('LOC-') || NEEDS_IDENTITIES.has(r.id)
          ? 'not-applicable'
          : 'pass',
    ]),
  );
  expect(verdicts, run.output).toEqual(expected);
  expect(run.exitCode, run.output).toBe(0);
  const reasons = run
    .report!.requirements.filter((r) => r.verdict === 'not-applicable' && !NEEDS_IDENTITIES.has(r.id))
    .flatMap((r) => r.tests.flatMap((t) => t.reasons));
  expect(
    reasons.every((r) => /show_multiple_locations is off/.test(r)),
    reasons.join('\n'),
  ).toBe(true);
});

test('with a member, an admin and a service identity (as mutation runs), all pass but hidden-locations', async () => {
  const server = await startReferenceServer(serverOptions({ showMultipleLocations: true, identities: true }));
  try {
    const run = await runSuite({ GLANCE_URL: server.url, ...identityVariables({ identities: true }) });
    const expected = Object.fromEntries(
      requirements.map((r) => [r.id, r.id === 'LOC-HIDDEN-403' ? 'not-applicable' : 'pass']),
    );
    expect(verdictsOf(run.report), run.output).toEqual(expected);
    for (const { token } of Object.values(IDENTITIES)) expect(run.output).not.toContain(token);
  } finally {
    await server.close();
  }
});

test('an unreachable GLANCE_URL exits 2 with one clear line', async () => {
  const run = await runSuite({ GLANCE_URL: `http://127.0.0.1:${await freePort()}` });
  expect(run.exitCode).toBe(2);
  expect(run.output.trim().split('\n'), run.output).toHaveLength(1);
  expect(run.output).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
});

test('a target that is not Glance exits 2 with one clear line', async () => {
  const http = await import('node:http');
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const run = await runSuite({ GLANCE_URL: `http://127.0.0.1:${port}` });
    expect(run.exitCode).toBe(2);
    expect(run.output.trim().split('\n'), run.output).toHaveLength(1);
    expect(run.output).toMatch(/does not look like a Glance endpoint/);
  } finally {
    server.close();
  }
});

const TOKENS: ReferenceServerOptions = {
  port: 0,
  auth: { tokens: [{ token: 'fake-right-token', project: 'p1', roles: ['admin', 'member'] }] },
};

test('credentials the target rejects exit 2 with one clear line', async () => {
  const server = await startReferenceServer(TOKENS);
  try {
    for (const token of ['wrong-token', undefined]) {
      const run = await runSuite({ GLANCE_URL: server.url, ...(token ? { OS_AUTH_TOKEN: token } : {}) });
      expect(run.exitCode, run.output).toBe(2);
      expect(run.output.trim().split('\n'), run.output).toHaveLength(1);
      expect(run.output).toMatch(/rejected the credentials \(401\)/);
      expect(run.output).not.toContain('wrong-token');
    }
  } finally {
    await server.close();
  }
});

test('with a valid token the suite passes against the reference server in token mode', async () => {
  const server = await startReferenceServer(TOKENS);
  try {
    const run = await runSuite({ GLANCE_URL: server.url, OS_AUTH_TOKEN: 'fake-right-token' }, [
      '--grep',
      '@LOC-REMOVE-SAVING-409|@RANGE-SINGLE-206|@HYPERVISOR-NAMESPACE-VZ',
    ]);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.report?.target?.auth).toBe('token');
    expect(Object.values(verdictsOf(run.report))).toEqual(['pass', 'pass', 'pass']);
  } finally {
    await server.close();
  }
});

test('the location API: judged with a service identity, not-applicable with the policy answer without', async () => {
  const server = await startReferenceServer({
    port: 0,
    auth: {
      tokens: [
        { token: 'fake-member-token', project: 'p1', roles: ['member'] },
        { token: 'fake-service-token', project: 'p1', roles: ['member', 'service'] },
      ],
    },
  });
  const grep = ['--grep', '@LOCATIONS-API-'];
  const ids = requirements.map((r) => r.id).filter((id) => id.startsWith('LOCATIONS-API-'));
  try {
    const member = await runSuite({ GLANCE_URL: server.url, OS_AUTH_TOKEN: 'fake-member-token' }, grep);
    const service = await runSuite(
      {
        GLANCE_URL: server.url,
        OS_AUTH_TOKEN: 'fake-member-token',
        GLANCE_SERVICE_OS_AUTH_TOKEN: 'fake-service-token',
      },
      grep,
    );

    expect(verdictsOf(service.report), service.output).toEqual(Object.fromEntries(ids.map((id) => [id, 'pass'])));
    expect(service.output).not.toContain('fake-service-token');
    const memberVerdicts = verdictsOf(member.report);
    expect(Object.keys(memberVerdicts).sort(), member.output).toEqual([...ids].sort());
    expect(Object.values(memberVerdicts), member.output).not.toContain('fail');
    expect(Object.values(memberVerdicts), member.output).not.toContain('error');
    const get = member.report!.requirements.find((r) => r.id === 'LOCATIONS-API-GET')!;
    expect(get.verdict).toBe('not-applicable');
    expect(get.tests.flatMap((t) => t.reasons).join('\n')).toMatch(/forbidden by policy: GET .*fetch_image_location/);
  } finally {
    await server.close();
  }
});
