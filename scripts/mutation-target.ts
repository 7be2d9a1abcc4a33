import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test, type TestInfo } from '@playwright/test';
import type { ReferenceServer } from '../reference-server';
import { hitsFile, killedDir, mutantFor, type MutationPlan, type MutationProject } from './mutation-plan';

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
  let server: Promise<ReferenceServer> | undefined;
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
  const start = (project: MutationProject | undefined) => {
    // A project with one mutant has it on before the modules load, for mutants in module-level code;
    // otherwise the modules load with no mutant on and no test current (Stryker's static coverage).
    if (project?.mutant) switchTo('', project.mutant);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startReferenceServer } = require('../reference-server') as typeof import('../reference-server');
    return startReferenceServer({ port: 0, show_multiple_locations: plan.showMultipleLocations });
  };
  process.on('exit', () => {
    flushHits();
    if (plan.coverage) {
      const file = path.join(plan.dir, `coverage-${process.pid}.json`);
      fs.writeFileSync(file, JSON.stringify(ns.mutantCoverage ?? { static: {}, perTest: {} }));
    }
  });

  const onData = () => {
    const now = currentTest();
    if (!now || now.key === current?.key) return;
    expectWhateverHappens(now.info);
    if (now.project.mutant) {
      flushHits();
      current = { key: now.key, mutant: current?.mutant ?? ns.activeMutant };
      ns.hitCount = current.mutant ? 0 : undefined;
    } else {
      switchTo(now.key, mutantFor(now.project, now.key));
    }
  };

  const front = net.createServer({ allowHalfOpen: true }, (client) => {
    client.pause();
    server ??= start(currentTest()?.project);
    server.then(
      ({ url }) => {
        const upstream = net.connect({ port: Number(new URL(url).port), host: '127.0.0.1', allowHalfOpen: true });
        client.on('data', onData);
        client.pipe(upstream).pipe(client);
        const close = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
        client.resume();
      },
      () => client.destroy(), // a mutant that keeps the server from starting: every request fails
    );
  });
  listen(front, port, Date.now() + LISTEN_PATIENCE_MS);
  return `http://127.0.0.1:${port}`;
}

function listen(front: net.Server, port: number, deadline: number): void {
  front.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
    setTimeout(() => listen(front, port, deadline), 20);
  });
  front.listen(port, '127.0.0.1', () => front.unref());
}
