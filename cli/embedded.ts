import net from 'node:net';
import { DEFAULT_REFERENCE_PORT, targetVariablesSet, type SuiteConfig } from '../harness/config';

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

/**
 * Without REFERENCE_PORT, the embedded server takes 9393 when it is free and any free port otherwise, so that two
 * runs on one machine (two checkouts, a CI job next to a developer's) do not meet on one server. Fixed in the
 * environment before the configuration is read: Playwright and its workers inherit it.
 */
export async function chooseEmbeddedPort(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.REFERENCE_PORT || targetVariablesSet(env).length) return;
  env.REFERENCE_PORT = String((await bindable(DEFAULT_REFERENCE_PORT)) ?? (await bindable(0)));
}

/** The port a listener got on loopback (the kernel's choice for 0), or undefined when it is taken. */
function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
