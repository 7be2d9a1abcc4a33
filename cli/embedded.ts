import type { SuiteConfig } from '../harness/config';

/** Set for Playwright when the embedded reference server already listens on the port it names. */
export const EMBEDDED_SERVED_ENV = 'CONFORMANCE_EMBEDDED_SERVED';

/**
 * The embedded reference server is served from the run's own process while Playwright runs: that process only
 * waits meanwhile, and a server process of its own (node, the TypeScript loader, the server's modules) had to start
 * before the first test could. Said in the environment Playwright inherits: playwright.config.ts then leaves out
 * its webServer (a bare `playwright test` still gets one), and global setup waits until the server answers.
 */
export function announceEmbedded(config: SuiteConfig): void {
  if (config.target.kind === 'embedded') process.env[EMBEDDED_SERVED_ENV] = String(config.target.port);
}

/** Whether this Playwright run's embedded server is served by the run's process (see announceEmbedded). */
export function servedByRun(port: number): boolean {
  return process.env[EMBEDDED_SERVED_ENV] === String(port);
}

/** Starts the embedded reference server (see announceEmbedded); undefined for a remote target. */
export async function serveEmbedded(config: SuiteConfig) {
  if (config.target.kind !== 'embedded') return undefined;
  // require, not import(): the package's bin loads TypeScript through tsx's CommonJS hook only. Loaded here, not at
  // the top, so that a run against a deployment does not load the server.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startReferenceServer } = require('../reference-server') as typeof import('../reference-server');
  return startReferenceServer({
    port: config.target.port,
    show_multiple_locations: config.target.showMultipleLocations,
  });
}
