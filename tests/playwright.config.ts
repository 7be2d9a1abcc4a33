import { defineConfig } from '@playwright/test';

/**
 * The project's own tests: unit tests of the reference server and of the suite's parts, the
 * catalog self-check, and the suite run end to end against the reference server and against
 * deliberately broken servers that it must catch.
 */
export default defineConfig({
  testDir: '.',
  outputDir: '../test-results/self',
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  timeout: 180_000,
  reporter: [['list']],
  use: { trace: 'off' },
});
