import { expect, test } from '@playwright/test';
import { requirements } from '../specs/requirements';
import { freePort, runSuite, verdictsOf } from './support/run-suite';

/** The suite and the reference server prove each other: every requirement that applies passes. */

test('with show_multiple_locations on, every requirement passes except the hidden-locations one', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()) });
  expect(run.report, run.output).toBeDefined();
  const verdicts = verdictsOf(run.report);
  const expected = Object.fromEntries(requirements.map((r) => [r.id, r.id === 'LOC-HIDDEN-403' ? 'not-applicable' : 'pass']));
  expect(verdicts, run.output).toEqual(expected);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.report!.verdict).toBe('conformant');
});

test('with show_multiple_locations off, location requirements are not-applicable and the run exits 0', async () => {
  const run = await runSuite({ REFERENCE_PORT: String(await freePort()), REFERENCE_SHOW_MULTIPLE_LOCATIONS: 'false' });
  const verdicts = verdictsOf(run.report);
  const expected = Object.fromEntries(requirements.map((r) => [r.id,
    r.id === 'LOC-HIDDEN-403' ? 'pass' : r.id.startsWith('LOC-') ? 'not-applicable' : 'pass']));
  expect(verdicts, run.output).toEqual(expected);
  expect(run.exitCode, run.output).toBe(0);
  const reasons = run.report!.requirements.filter((r) => r.verdict === 'not-applicable').flatMap((r) => r.tests.flatMap((t) => t.reasons));
  expect(reasons.every((r) => /show_multiple_locations is off/.test(r)), reasons.join('\n')).toBe(true);
});

test('an unreachable GLANCE_URL exits 2 with one clear line', async () => {
  const run = await runSuite({ GLANCE_URL: `http://127.0.0.1:${await freePort()}` });
  expect(run.exitCode).toBe(2);
  expect(run.output.trim().split('\n'), run.output).toHaveLength(1);
  expect(run.output).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
});

test('a target that is not Glance exits 2 with one clear line', async () => {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
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
