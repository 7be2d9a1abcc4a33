import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { ROOT } from '../harness/paths';
import { identityVariables, readPlan } from './mutation-plan';
import { serveMutationTarget } from './mutation-target';

/**
 * The conformance suite as `npm run mutation` runs it (scripts/mutation-runner.mjs writes the plan):
 * each project runs the tests the plan gives it, and each worker judges the mutants switched on for
 * them against a reference server in its own process (scripts/mutation-target.ts).
 */
const plan = readPlan(process.env.MUTATION_PLAN_DIR);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches Playwright's grep title ('… file describe… title tags') of exactly these tests. */
function grepOf(keys: string[]): RegExp {
  return new RegExp(`(?:^| )(?:${keys.map((key) => escape(key.split(' › ').join(' '))).join('|')})(?: @|$)`);
}

if (process.env.TEST_WORKER_INDEX !== undefined) {
  process.env.GLANCE_URL = serveMutationTarget(plan, plan.ports[Number(process.env.TEST_PARALLEL_INDEX)]);
  Object.assign(process.env, identityVariables(plan));
}

export default defineConfig({
  testDir: path.join(ROOT, 'specs'),
  outputDir: path.join(plan.dir, 'output'),
  workers: plan.workers,
  // A project's tests in file order, in as few workers as possible.
  fullyParallel: false,
  retries: 0,
  timeout: plan.timeout,
  globalSetup: path.join(__dirname, 'mutation-setup.ts'),
  reporter: [[path.join(__dirname, 'mutation-reporter.ts')]],
  use: { trace: 'off' },
  projects: plan.projects.map((project) => {
    const keys = project.tests ?? Object.keys(project.assign ?? {});
    return {
      name: project.name,
      // A project's files one after another in one worker: a worker costs more to start than a project's tests in a
      // file, and the run's parallelism is projects side by side.
      workers: 1,
      metadata: { mutant: project.mutant, assign: project.assign },
      grep: project.mutant || project.assign ? grepOf(keys) : undefined,
    };
  }),
});
