import fs from 'node:fs';
import type { ReferenceServerOptions } from '../reference-server';

/**
 * What one Playwright run of `npm run mutation` does, written by the Stryker runner
 * (scripts/mutation-runner.mjs) and read by the Playwright config, its workers and the reporter.
 */
export interface MutationProject {
  name: string;
  /**
   * Test key → the mutant switched on while that test runs. A worker runs the tests of many mutants,
   * switching between them: starting a worker costs more than a dozen tests.
   */
  assign?: Record<string, string>;
  /** The one mutant of a worker, on before the server's modules load (a mutant judged alone). */
  mutant?: string;
  /** With `mutant`: the keys of the tests to run. */
  tests?: string[];
}

export interface MutationPlan {
  showMultipleLocations: boolean;
  /** Token mode with the IDENTITIES: the rules that only a member, an admin or a service caller meets. */
  identities: boolean;
  /** The dry run: record per-test coverage; no mutant is switched on. */
  coverage: boolean;
  workers: number;
  /** A free port for each parallel index (TEST_PARALLEL_INDEX), known before a worker starts. */
  ports: number[];
  /** Per-test timeout (ms): an answer that never comes must not hold a worker for a minute. */
  timeout: number;
  dir: string;
  /**
   * Mutants in module-level code: a worker evaluates the server's modules anew with such a mutant on, and
   * serves its tests from a fresh server, so they share projects with the other mutants.
   */
  reload?: string[];
  /** Each test's status in the dry run; a mutant whose test ends otherwise is detected. */
  baseline: Record<string, string>;
  projects: MutationProject[];
}

/**
 * The callers of the identities mode: the suite's member, and the admin and service identities it uses where a
 * requirement needs them (deactivation, other projects' metadef namespaces, the API 2.17 location API). Without
 * authentication every caller is an admin, so the rules for the others would meet no test. As the launcher's
 * Keystone has them (launcher/keystone.ts): the service identity in the member's project, the admin in another.
 */
export const IDENTITIES = {
  member: { token: 'fake-token-of-the-member', project: 'conformance-a', roles: ['member'] },
  admin: { token: 'fake-token-of-the-admin', project: 'conformance-b', roles: ['admin'] },
  service: { token: 'fake-token-of-the-service', project: 'conformance-a', roles: ['member', 'service'] },
};

/** The reference server's options for a plan (port 0: the kernel's choice). */
export function serverOptions(
  plan: Pick<MutationPlan, 'showMultipleLocations' | 'identities'>,
): ReferenceServerOptions {
  return {
    port: 0,
    show_multiple_locations: plan.showMultipleLocations,
    ...(plan.identities ? { auth: { tokens: Object.values(IDENTITIES) } } : {}),
  };
}

/** The variables that log the suite in as the IDENTITIES (none without them). */
export function identityVariables(plan: Pick<MutationPlan, 'identities'>): Record<string, string> {
  if (!plan.identities) return {};
  return {
    OS_AUTH_TOKEN: IDENTITIES.member.token,
    GLANCE_ADMIN_OS_AUTH_TOKEN: IDENTITIES.admin.token,
    GLANCE_SERVICE_OS_AUTH_TOKEN: IDENTITIES.service.token,
  };
}

export const planFile = (dir: string) => `${dir}/plan.json`;
export const resultsFile = (dir: string) => `${dir}/results.jsonl`;
export const hitsFile = (dir: string) => `${dir}/hits.jsonl`;
export const killedDir = (dir: string) => `${dir}/killed`;

/** One line of results.jsonl: a test of a project, its status, and what failed. */
export interface MutationResult {
  project: string;
  mutant?: string;
  key: string;
  status: string;
  durationMs: number;
  error?: string;
}

/** One line of hits.jsonl: how often the mutant switched on for a test was executed during it. */
export interface MutationHits {
  key: string;
  mutant: string;
  hits: number;
}

export function readPlan(dir: string | undefined): MutationPlan {
  if (!dir) throw new Error('MUTATION_PLAN_DIR is not set: this config is run by scripts/mutation-runner.mjs');
  return JSON.parse(fs.readFileSync(planFile(dir), 'utf8')) as MutationPlan;
}

/** The mutant a project's worker switches on for a test, if any. */
export function mutantFor(project: Pick<MutationProject, 'assign' | 'mutant'>, key: string): string | undefined {
  return project.mutant ?? project.assign?.[key];
}
