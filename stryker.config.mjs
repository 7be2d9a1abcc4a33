// @ts-check
/**
 * `npm run mutation`: how strong is the conformance suite? Stryker mutates the reference-server
 * code behind the four spec items and runs the whole conformance suite against each mutant
 * (scripts/mutation-test.ts); a mutant survives only when the suite still calls the mutated server
 * conformant. HTML report: reports/mutation/mutation.html. Takes tens of minutes: not part of npm test.
 *
 * Mutated: range.ts (all of it); the location part of patch.ts and locations.ts; the disk/container
 * format enums and the image(s) schema builders of schemas.ts; metadefs.ts; the default disk formats in
 * options.ts. Left out: the rest of patch.ts (pointer syntax, draft-4 verbs, attribute rules) and the
 * metadef schemas, which none of the four items exercises; error-message and description prose
 * (scripts/mutation-ignorer.mjs), which the suite never judges.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: 'node node_modules/tsx/dist/cli.mjs scripts/mutation-test.ts' },
  coverageAnalysis: 'off',
  concurrency: 2,
  mutate: [
    'reference-server/range.ts',
    'reference-server/locations.ts',
    'reference-server/patch.ts:67-67',
    'reference-server/patch.ts:111-120',
    'reference-server/patch.ts:156-236',
    'reference-server/patch.ts:269-276',
    'reference-server/patch.ts:294-306',
    'reference-server/schemas.ts:45-50',
    'reference-server/schemas.ts:109-136',
    'reference-server/schemas.ts:343-348',
    'reference-server/metadefs.ts:42-155',
    'reference-server/options.ts:22-22',
    'reference-server/options.ts:32-32',
  ],
  plugins: ['@stryker-mutator/*', './scripts/mutation-ignorer.mjs'],
  ignorers: ['error-prose'],
  ignorePatterns: ['.state', 'test-results', 'reports', 'research', 'playwright-report', 'allure-results'],
  tempDirName: 'test-results/stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 60000,
  timeoutFactor: 2,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
