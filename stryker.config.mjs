// @ts-check
/**
 * `npm run mutation`: how strong is the conformance suite? Stryker mutates the reference-server
 * code behind the four spec items and runs the whole conformance suite against each mutant
 * (scripts/mutation-test.ts); a mutant survives only when the suite still calls the mutated server
 * conformant. HTML report: reports/mutation/mutation.html. Takes tens of minutes: not part of npm test.
 *
 * Mutated: range.ts (all of it); the location rules of patch.ts; the disk/container format enums of
 * the image schema and the schema lookup (schemas.ts); the namespace lookup, document, properties
 * and list entries of metadefs.ts; ploop in options.ts' default disk formats (line ranges below).
 * Left out, because none of the four items judges them: the rest of patch.ts (JSON-pointer syntax
 * and depth, draft-4 verbs, attribute rules, duplicate and unreachable location URLs, add-position
 * syntax), locations.ts (how an http location is probed), the rest of the image schema and the
 * metadef schemas, which namespaces a list filter leaves out, the metadef fields other than
 * namespace and properties (owner, timestamps, links, objects, resource types, prefixes);
 * error-message and description prose, and the other default disk formats
 * (scripts/mutation-ignorer.mjs). Survivors and why they are equivalent:
 * tests/robustness/equivalent-mutants.md.
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: 'node node_modules/tsx/dist/cli.mjs scripts/mutation-test.ts' },
  coverageAnalysis: 'off',
  concurrency: 2,
  mutate: [
    'reference-server/range.ts',
    // patch.ts: the location rules of item 1 (403 while hidden, 409 by status, activation of a queued
    // image, replace, add, remove, last-location and empty-list 403s) and how operations reach them.
    'reference-server/patch.ts:158-169',
    'reference-server/patch.ts:182-213',
    'reference-server/patch.ts:218-236',
    'reference-server/patch.ts:269-276',
    'reference-server/patch.ts:294-306',
    // schemas.ts: the disk_format/container_format enums and the schema lookup.
    'reference-server/schemas.ts:45-50',
    'reference-server/schemas.ts:343-348',
    // metadefs.ts: finding a namespace, its document and properties, the list's entries.
    'reference-server/metadefs.ts:54-57',
    'reference-server/metadefs.ts:68-72',
    'reference-server/metadefs.ts:108-109',
    'reference-server/metadefs.ts:116-141',
    'reference-server/metadefs.ts:152-155',
    // options.ts: ploop among the default disk formats, and where the defaults are used.
    'reference-server/options.ts:22-22',
    'reference-server/options.ts:32-32',
  ],
  plugins: ['@stryker-mutator/*', './scripts/mutation-ignorer.mjs'],
  ignorers: ['error-prose'],
  ignorePatterns: ['.state', 'test-results', 'reports', 'research', 'playwright-report', 'allure-results'],
  tempDirName: 'test-results/stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 90000,
  timeoutFactor: 2,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
