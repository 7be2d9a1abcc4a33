import os from 'node:os';
import { defineConfig } from '@playwright/test';
import { servedByRun } from './cli/embedded';
import { isCI, loadSuiteConfig } from './harness/config';
import { referenceServerProcess } from './harness/paths';

/**
 * The conformance suite. Without GLANCE_URL (or Keystone variables) it runs against the embedded
 * reference server — served by `npm run conformance` from its own process (cli/embedded.ts), or started here as
 * Playwright's webServer for a bare `playwright test` — otherwise against that deployment.
 * Run it through `npm run conformance`, which adds the preflight and the 0/1/2 exit codes.
 */
const suite = loadSuiteConfig();
const embedded = suite.target.kind === 'embedded' ? suite.target : undefined;
const served = embedded !== undefined && servedByRun(embedded.port);
const referenceServer =
  embedded && !served
    ? referenceServerProcess([
        '--port',
        String(embedded.port),
        ...(embedded.showMultipleLocations ? [] : ['--no-show-multiple-locations']),
      ])
    : undefined;

export default defineConfig({
  testDir: './specs',
  outputDir: process.env.CONFORMANCE_OUTPUT_DIR || './test-results/conformance',
  fullyParallel: true,
  // Against the embedded server the run is CPU-bound on this machine's cores, and each worker costs ~1 s of CPU to
  // start; the runner and the server want a core of their own. On 2 cores one worker ran the suite in 5.7 s and 8.1
  // CPU s, two in 6.2 s and 10.6 CPU s (farm-bench, 6 pairs); earlier, 4 workers took 14.5 CPU s, 2 took 11.6.
  // A remote target is latency-bound: with 4 workers Glance 25.1 on loopback had a request in flight only 17 s of a
  // 36 s run (~2 at a time); with 6 the run took 77 s where 4 took 91-128 s, alternating, on a machine at load 22-26.
  workers: Number(
    process.env.CONFORMANCE_WORKERS || (embedded ? Math.max(1, Math.min(4, os.availableParallelism() - 1)) : 6),
  ),
  forbidOnly: isCI,
  retries: 0,
  timeout: 60_000,
  globalSetup: './fixtures/global-setup.ts',
  globalTeardown: './fixtures/global-teardown.ts',
  reporter: [
    ['list'],
    // Writes conformance.json/.html and junit.xml (one testcase per requirement); GitHub annotations under Actions.
    ['./reporting/conformance-reporter.ts'],
    // Playwright's own JUnit, one testcase per test, for dashboards that want the tests behind a requirement.
    ['junit', { outputFile: `${suite.reportDir}/junit-tests.xml` }],
    ['html', { outputFolder: `${suite.reportDir}/html`, open: 'never' }],
    ['./reporting/allure-reporter.ts', { resultsDir: `${suite.reportDir}/allure-results` }],
  ],
  use: {
    // API traces would carry request headers, tokens included: never record them.
    trace: 'off',
  },
  webServer:
    embedded && referenceServer
      ? {
          // node + tsx's loader from this package's own dependencies: `npx tsx` would look for tsx next to an
          // installed package's folder, not in the node_modules it was installed into.
          command: [process.execPath, ...referenceServer.argv].map((a) => JSON.stringify(a)).join(' '),
          env: { GLIBC_TUNABLES: referenceServer.env.GLIBC_TUNABLES ?? '' },
          url: `http://127.0.0.1:${embedded.port}/healthcheck`,
          // Ready the moment it says so: polling the URL alone checks at 0.1, 0.35, 0.85, 1.85 s …, so a server up
          // after 0.9 s was found only a second later.
          wait: { stdout: /listening on http:/ },
          reuseExistingServer: false,
          timeout: 30_000,
          stdout: 'ignore',
          stderr: 'pipe',
        }
      : undefined,
  metadata: { target: embedded ? `embedded reference server :${embedded.port}` : 'remote' },
});
