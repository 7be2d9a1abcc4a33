import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test, type TestInfo } from '@playwright/test';
import type { ReferenceServer } from '../reference-server';
import {
  hitsFile,
  killedDir,
  mutantFor,
  serverOptions,
  type MutationPlan,
  type MutationProject,
} from './mutation-plan';

/**
 * The target of `npm run mutation`, inside each Playwright worker: the suite and the (instrumented)
 * reference server share one process, so Stryker's mutant switch and per-test coverage work as they do
 * for in-process unit tests, and one worker judges many mutants.
 *
 * GLANCE_URL must name the target before the suite's fixtures read it, and the project (which mutants)
 * is known only once a test runs: a TCP front on a port the runner reserved for this worker's parallel
 * index hands each connection to a reference server started on the first one. Connections are kept
 * alive across tests, so the switch happens when a test's first bytes arrive — tests run one at a time
 * in a worker.
 */

interface StrykerNamespace {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
  hitCount?: number;
  hitLimit?: number;
}

/** Executions of the active mutant in one test before it counts as an endless loop (the server shares the worker). */
const HIT_LIMIT = 5_000_000;
/** How long a worker waits for the port of the worker it replaces to be released. */
const LISTEN_PATIENCE_MS = 5_000;

const strykerNamespace = (): StrykerNamespace => {
  const global = globalThis as { __stryker__?: StrykerNamespace };
  global.__stryker__ ??= {};
  return global.__stryker__;
};

/** The key of a test across projects and runs: file and titles (Playwright's ids differ per project). */
export function testKey(titlePath: string[]): string {
  return titlePath.join(' › ');
}

function currentTest(): { info: TestInfo; project: MutationProject; key: string } | undefined {
  try {
    const info = test.info();
    const { mutant, assign } = info.project.metadata as Pick<MutationProject, 'mutant' | 'assign'>;
    return { info, project: { name: info.project.name, mutant, assign }, key: testKey(info.titlePath) };
  } catch {
    return undefined; // no test running: a fixture's teardown after the last test
  }
}

/**
 * A test that ends otherwise than in the dry run is the detection we look for, not a reason to replace
 * the worker (Playwright restarts a worker after every unexpected failure, which costs more than the
 * tests): its expected status follows its status. The reporter still sees the real status.
 */
function expectWhateverHappens(info: TestInfo): void {
  Object.defineProperty(info, 'expectedStatus', { configurable: true, get: () => info.status, set: () => {} });
}

export function serveMutationTarget(plan: MutationPlan, port: number): string {
  const ns = strykerNamespace();
  const killed = (mutant: string) => fs.existsSync(path.join(killedDir(plan.dir), mutant));
  const reloaded = new Set(plan.reload ?? []);
  /** The server whose modules loaded with no mutant on, and the one loaded with a static mutant on. */
  let original: Promise<ReferenceServer> | undefined;
  let staticServer: { mutant: string; server: Promise<ReferenceServer> } | undefined;
  let current: { key: string; mutant?: string } | undefined;

  const flushHits = () => {
    if (current?.mutant) {
      fs.appendFileSync(
        hitsFile(plan.dir),
        `${JSON.stringify({ key: current.key, mutant: current.mutant, hits: ns.hitCount ?? 0 })}\n`,
      );
    }
  };
  const switchTo = (key: string, mutant: string | undefined) => {
    flushHits();
    const on = mutant && !killed(mutant) ? mutant : undefined;
    current = { key, mutant: on };
    ns.activeMutant = on;
    ns.hitCount = on ? 0 : undefined;
    ns.hitLimit = HIT_LIMIT;
    if (plan.coverage) ns.currentTestId = key;
  };
  // Module-level code runs with no test current: in the dry run that is Stryker's static coverage.
  const start = async (mutant: string | undefined) => {
    const { activeMutant, currentTestId } = ns;
    Object.assign(ns, { activeMutant: mutant, currentTestId: undefined });
    try {
      const { startReferenceServer } = loadServerModules();
      return startReferenceServer(serverOptions(plan));
    } finally {
      Object.assign(ns, { activeMutant, currentTestId });
    }
  };
  /**
   * The server for the current test: a mutant judged alone runs in a server whose modules loaded with it on, until
   * it is detected; a mutant in module-level code needs the modules loaded anew with it on (and a fresh store);
   * every other test gets the server loaded with none on.
   */
  let isolated: Promise<ReferenceServer> | undefined;
  const serverNow = (): Promise<ReferenceServer> => {
    const mutant = current?.mutant;
    if (mutant && currentTest()?.project.mutant) return (isolated ??= start(mutant));
    if (mutant && reloaded.has(mutant)) {
      if (staticServer?.mutant !== mutant) {
        whenReady(staticServer?.server, (s) => s.close());
        staticServer = { mutant, server: start(mutant) };
      }
      return staticServer.server;
    }
    if (staticServer) {
      whenReady(staticServer.server, (s) => s.close());
      staticServer = undefined;
    }
    return (original ??= start(undefined));
  };
  process.on('exit', () => {
    flushHits();
    if (plan.coverage) {
      const file = path.join(plan.dir, `coverage-${process.pid}.json`);
      fs.writeFileSync(file, JSON.stringify(ns.mutantCoverage ?? { static: {}, perTest: {} }));
    }
  });

  const onTestBytes = () => {
    const now = currentTest();
    if (!now || now.key === current?.key) return;
    expectWhateverHappens(now.info);
    // Once detected, a mutant is off for the rest of its tests: they cannot change its verdict, and a mutant that
    // makes every test hang would hold the worker for a timeout each.
    switchTo(now.key, mutantFor(now.project, now.key));
  };

  /**
   * Each client connection is forwarded to the server of the test whose bytes arrive: a kept-alive
   * connection moves to another server between requests when the next test needs one.
   */
  const front = net.createServer({ allowHalfOpen: true }, (client) => {
    let upstream: { server: Promise<ReferenceServer>; socket: Promise<net.Socket> } | undefined;
    const close = () => {
      client.destroy();
      whenReady(upstream?.socket, (s) => s.destroy());
    };
    const connect = (server: Promise<ReferenceServer>) => {
      const connected: Promise<net.Socket> = server.then(({ url }) => {
        const socket = net.connect({ port: Number(new URL(url).port), host: '127.0.0.1', allowHalfOpen: true });
        socket.on('data', (chunk) => client.write(chunk));
        // A connection left behind by a switch closes without closing the client's.
        const ended = () => upstream?.socket === connected;
        socket.on('end', () => ended() && client.end());
        socket.on('error', () => ended() && close()).on('close', () => ended() && close());
        return socket;
      });
      return connected;
    };
    // Chunks go out in order: each waits for the one before and for its upstream connection.
    let sent = Promise.resolve();
    client.on('data', (chunk) => {
      onTestBytes();
      const server = serverNow();
      if (upstream?.server !== server) {
        const previous = upstream;
        upstream = { server, socket: connect(server) };
        whenReady(previous?.socket, (s) => s.destroy());
      }
      const socket = upstream.socket;
      sent = sent
        .then(() => socket)
        .then(
          (s) => void s.write(chunk),
          () => close(), // a mutant that keeps the server from starting: every request fails
        );
    });
    client.on('end', () => {
      sent = sent.then(() => upstream?.socket).then((s) => void s?.end(), close);
    });
    client.on('error', close).on('close', close);
  });
  listen(front, port, Date.now() + LISTEN_PATIENCE_MS);
  return `http://127.0.0.1:${port}`;
}

/**
 * The reference server's entry point with every module that holds a mutant, and every module importing
 * one, evaluated anew: module-level code (constants, tables, schemas) runs again under the mutant now on.
 * Modules without mutants keep their state (the hashing workers are per process).
 */
function loadServerModules(): typeof import('../reference-server') {
  const cache = require.cache;
  const stale = new Set(
    Object.keys(cache).filter((file) => file.includes(`${path.sep}reference-server${path.sep}`) && isMutated(file)),
  );
  for (let grown = true; grown;) {
    grown = false;
    for (const [file, module] of Object.entries(cache)) {
      if (!stale.has(file) && module?.children.some((child) => stale.has(child.filename))) {
        stale.add(file);
        grown = true;
      }
    }
  }
  for (const file of stale) delete cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../reference-server') as typeof import('../reference-server');
}

const mutated = new Map<string, boolean>();
function isMutated(file: string): boolean {
  let known = mutated.get(file);
  if (known === undefined) mutated.set(file, (known = fs.readFileSync(file, 'utf8').includes('stryMutAct_9fa48(')));
  return known;
}

/** Acts on what `pending` resolves to; a promise that failed holds nothing to close. */
function whenReady<T>(pending: Promise<T> | undefined, act: (value: T) => unknown): void {
  void pending?.then(act, () => {});
}

function listen(front: net.Server, port: number, deadline: number): void {
  front.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
    setTimeout(() => listen(front, port, deadline), 20);
  });
  front.listen(port, '127.0.0.1', () => front.unref());
}
