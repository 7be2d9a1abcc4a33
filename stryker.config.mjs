// @ts-check
/**
 * `npm run mutation`: how strong is the conformance suite? Stryker mutates whole modules of the reference
 * server and the conformance suite judges every mutant (docs/mutation.md). The test runner
 * (scripts/mutation-runner.mjs) runs the suite through Playwright with the mutated server in each
 * worker's process, only the tests that reach a mutant, many mutants per Playwright run.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'playwright-batch',
  coverageAnalysis: 'perTest',
  // Parallelism is Playwright's (MUTATION_WORKERS): one Stryker runner judges all mutants in batches.
  concurrency: 1,
  mutate: [
    'reference-server/range.ts',
    'reference-server/patch.ts',
    'reference-server/locations.ts',
    'reference-server/status.ts',
    // The location API of API 2.17 (POST/GET /v2/images/{id}/locations).
    'reference-server/handlers/image-locations.ts',
    'reference-server/location-import.ts',
    // The schema and metadef lookups.
    'reference-server/handlers/schemas.ts',
    'reference-server/handlers/metadefs.ts',
    'reference-server/metadefs.ts',
  ],
  plugins: ['@stryker-mutator/*', './scripts/mutation-runner.mjs', './scripts/mutation-ignorer.mjs'],
  ignorers: ['error-prose'],
  ignorePatterns: ['.state', 'test-results', 'reports', 'research', 'playwright-report', 'allure-results', 'bench'],
  tempDirName: 'test-results/stryker-tmp',
  cleanTempDir: 'always',
  // The first mutantRun call waits for the whole batch; hangs are caught by each test's own timeout.
  timeoutMS: 3_600_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
